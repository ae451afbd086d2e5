// Preloaded into the scanner's process by the benchmark (`node --import …/rss-hook.js cli.js …`):
// at exit it writes the process's own peak resident set size (kB, getrusage ru_maxrss) to the file
// NHISCAN_BENCH_RSS_FILE names, so the figure is the scanner's alone.
import { writeFileSync } from 'node:fs';

const file = process.env.NHISCAN_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS));
  });
}
