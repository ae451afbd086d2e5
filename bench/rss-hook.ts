// Preloaded into the scanner's process by the benchmark (`node --import …/rss-hook.js cli.js …`):
// at exit it writes the process's own peak resident set size (kB, getrusage ru_maxrss) to the file
// NHISCAN_BENCH_RSS_FILE names, so the figure is the scanner's alone; and its CPU time (user +
// system, microseconds) to NHISCAN_BENCH_CPU_FILE: on a shared machine wall time says little alone.
import { writeFileSync } from 'node:fs';

const file = process.env.NHISCAN_BENCH_RSS_FILE;
const cpuFile = process.env.NHISCAN_BENCH_CPU_FILE;
if (file || cpuFile) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    if (file) writeFileSync(file, String(usage.maxRSS));
    if (cpuFile) writeFileSync(cpuFile, String(usage.userCPUTime + usage.systemCPUTime));
  });
}
