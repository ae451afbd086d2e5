// Preloaded into the scanner's process by the benchmark (`node --import …/rss-hook.js cli.js …`):
// at exit it writes the process's own peak resident set size (kB, getrusage ru_maxrss) and its CPU
// time (user and system, µs; every thread of the process, worker threads included) to the file
// NHISCAN_BENCH_RSS_FILE names, so the figures are the scanner's alone.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.NHISCAN_BENCH_RSS_FILE;
// A worker thread (--workers) inherits the preload: only the main thread's exit writes.
if (file && isMainThread) {
  process.on('exit', () => {
    const r = process.resourceUsage();
    writeFileSync(file, `${r.maxRSS} ${r.userCPUTime} ${r.systemCPUTime}`);
  });
}
