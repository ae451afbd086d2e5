// The one concurrency helper. Every fan-out over a list of unknown length goes through here, so
// the bound is set in one place and no code path runs an unbounded Promise.all.
import pLimit from 'p-limit';

export const DEFAULT_CONCURRENCY = 8;

export type Limiter = <T>(fn: () => Promise<T>) => Promise<T>;

export const createLimiter = (concurrency = DEFAULT_CONCURRENCY): Limiter => {
  const limit = pLimit(concurrency);
  return (fn) => limit(fn);
};

/** Maps `items` through `fn` with at most `concurrency` in flight, keeping order. */
export const mapLimit = async <T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> => {
  const limit = pLimit(concurrency);
  return Promise.all(items.map((item, i) => limit(() => fn(item, i))));
};
