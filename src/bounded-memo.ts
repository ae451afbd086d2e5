// A get-or-compute table of at most `max` entries for caches that serve judging (issue 14): the
// reads that repeat are the recent ones (identities are judged one after the other), so a table
// that fills is dropped and rebuilt, never grown — never one entry per identity to the end.

/** `memo(key, compute)`: the value kept for `key`, else `compute()`'s, kept. */
export type BoundedMemo<K, V> = (key: K, compute: () => V) => V;

export const boundedMemo = <K, V>(max: number): BoundedMemo<K, V> => {
  const table = new Map<K, V>();
  return (key, compute) => {
    if (table.has(key)) return table.get(key) as V;
    const value = compute();
    if (table.size >= max) table.clear();
    table.set(key, value);
    return value;
  };
};
