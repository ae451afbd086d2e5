// One ordering for everything nhiscan sorts or hashes: UTF-16 code-unit order, the same on every
// machine. `localeCompare` follows the process's locale (LANG/LC_ALL), so results would differ by
// machine; ids and names are compared as data, not as words.

/** Code-unit order: the order of `Array.prototype.sort()` without a comparator, as a comparator. */
export const compareCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Code-unit order with digit runs compared as numbers ("CC6.2" before "CC6.10", "1.4" before
 * "1.12"), for control ids; the same on every machine, unlike a locale's collation.
 */
export const compareNatural = (a: string, b: string): number => {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = /^\d/.test(x) && /^\d/.test(y) ? Number(x) - Number(y) : 0;
    const c = nx || compareCodeUnits(x, y);
    if (c) return c;
  }
  return pa.length - pb.length || compareCodeUnits(a, b);
};
