// One ordering for everything nhiscan sorts or hashes: UTF-16 code-unit order, the same on every
// machine. `localeCompare` follows the process's locale (LANG/LC_ALL), so results would differ by
// machine; ids and names are compared as data, not as words.

/** Code-unit order: the order of `Array.prototype.sort()` without a comparator, as a comparator. */
export const compareCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
