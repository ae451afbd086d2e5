// Shell-style globs (`*` any run, `?` one character), matched in linear time. Patterns come from
// the cloud too (an IAM action such as `sagemaker:*?*?*?*Q` in someone's policy): a backtracking
// regex takes minutes on those, so this is the classic two-pointer wildcard match, which on a
// mismatch after a `*` resumes just past the last star instead of revisiting earlier ones.
// Worst case O(pattern × value), with no exponential blow-up and no recursion.
//
// The same few patterns (ownership rules, exception matchers, IAM action lists) are matched
// against every identity, so a pattern is prepared once (folded, star runs collapsed, literal or
// not) and kept in a bounded table, and `compileGlob` hands out a matcher for one pattern.

const fold = (text: string, caseInsensitive: boolean): string =>
  caseInsensitive ? text.toLowerCase() : text;

interface Prepared {
  /** The pattern, folded when case-insensitive, runs of stars collapsed to one. */
  p: string;
  /** No `*` or `?`: a plain comparison. */
  literal: boolean;
}

const prepare = (pattern: string, caseInsensitive: boolean): Prepared => {
  // Runs of stars mean the same as one star; collapsing them keeps the resume point tight.
  const p = fold(pattern, caseInsensitive).replace(/\*+/g, '*');
  return { p, literal: !p.includes('*') && !p.includes('?') };
};

// Prepared patterns by case mode. Bounded: patterns are config and policy data, few per scan; a
// table that somehow fills is dropped and rebuilt rather than grown.
const MAX_PREPARED = 10_000;
const preparedBy: [Map<string, Prepared>, Map<string, Prepared>] = [
  new Map<string, Prepared>(),
  new Map<string, Prepared>(),
];
const preparedOf = (pattern: string, caseInsensitive: boolean): Prepared => {
  const table = preparedBy[caseInsensitive ? 1 : 0];
  let hit = table.get(pattern);
  if (!hit) {
    if (table.size >= MAX_PREPARED) table.clear();
    table.set(pattern, (hit = prepare(pattern, caseInsensitive)));
  }
  return hit;
};

const matchPrepared = ({ p, literal }: Prepared, v: string): boolean => {
  if (literal) return p === v;
  let pi = 0;
  let vi = 0;
  let star = -1; // index in p of the last `*` seen
  let resume = 0; // index in v that star is currently standing for up to
  while (vi < v.length) {
    const c = p[pi];
    if (c === '*') {
      star = pi;
      resume = vi;
      pi += 1;
    } else if (c !== undefined && (c === '?' || c === v[vi])) {
      pi += 1;
      vi += 1;
    } else if (star >= 0) {
      // Let the last star swallow one more character and try again after it.
      pi = star + 1;
      resume += 1;
      vi = resume;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi += 1;
  return pi === p.length;
};

export const globMatch = (pattern: string, value: string, caseInsensitive = false): boolean =>
  matchPrepared(preparedOf(pattern, caseInsensitive), fold(value, caseInsensitive));

/** A matcher for one pattern, prepared once (for a pattern tested against many values). */
export const compileGlob = (pattern: string, caseInsensitive = false): ((value: string) => boolean) => {
  const prepared = prepare(pattern, caseInsensitive);
  if (prepared.p === '*') return () => true;
  return (value) => matchPrepared(prepared, fold(value, caseInsensitive));
};
