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

/**
 * Maps `items` through `fn` with at most `window` started and not yet yielded, yielding results in
 * order as they can be: no barrier between batches (the next item starts as soon as the oldest is
 * yielded), and memory bounded by the window. Pair it with a limiter inside `fn` so the window
 * keeps that many calls in flight while some items wait on others.
 */
export async function* mapWindow<T, R>(
  items: Iterable<T>,
  window: number,
  fn: (item: T, index: number) => Promise<R>,
): AsyncGenerator<R> {
  const it = items[Symbol.iterator]();
  const pending: Promise<R>[] = [];
  let index = 0;
  const fill = (): void => {
    while (pending.length < Math.max(1, window)) {
      const next = it.next();
      if (next.done) return;
      const started = fn(next.value, index++);
      // Awaited in order below; never an unhandled rejection if the consumer stops early.
      started.catch(() => undefined);
      pending.push(started);
    }
  };
  fill();
  for (let head = pending.shift(); head !== undefined; head = pending.shift()) {
    fill();
    yield await head;
  }
}
