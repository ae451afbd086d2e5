// How far V8 lets the heap grow past what is live. Left to itself, on a machine with a large heap
// limit V8 grows the heap up to 4× what survived the last full collection before collecting
// again: a 100,000-identity scan holding a few hundred MB resided in ~880 MB, mostly garbage
// waiting for a collection (issue 14). Capped at 1.5×, resident memory follows what the scan
// holds, for a few more collections (README: Benchmark).
import { setFlagsFromString } from 'node:v8';

/** V8's growing factor after a full collection is 1 + this / 100. */
export const HEAP_GROWING_PERCENT = 50;

// Node flags by which whoever runs nhiscan already chose how its heap is sized.
const OWN_CHOICE =
  /(^|\s)--(heap[-_]growing[-_]percent|max[-_]old[-_]space[-_]size|max[-_]heap[-_]size)(?=[=\s]|$)/;

/** The flag to set, or undefined when the command line or NODE_OPTIONS already sizes the heap. */
export const heapGrowthFlag = (
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): string | undefined =>
  OWN_CHOICE.test(execArgv.join(' ')) || OWN_CHOICE.test(nodeOptions ?? '')
    ? undefined
    : `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;

/**
 * Caps the heap's growth for the rest of the process (V8 reads the flag at every full
 * collection; worker threads share it). Returns the flag set, if any.
 */
export const boundHeapGrowth = (
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env['NODE_OPTIONS'],
): string | undefined => {
  const flag = heapGrowthFlag(execArgv, nodeOptions);
  if (flag !== undefined) setFlagsFromString(flag);
  return flag;
};
