// Shell-style globs (`*` any run, `?` one character), matched in linear time. Patterns come from
// the cloud too (an IAM action such as `sagemaker:*?*?*?*Q` in someone's policy): a backtracking
// regex takes minutes on those, so this is the classic two-pointer wildcard match, which on a
// mismatch after a `*` resumes just past the last star instead of revisiting earlier ones.
// Worst case O(pattern × value), with no exponential blow-up and no recursion.

const fold = (text: string, caseInsensitive: boolean): string =>
  caseInsensitive ? text.toLowerCase() : text;

export const globMatch = (pattern: string, value: string, caseInsensitive = false): boolean => {
  // Runs of stars mean the same as one star; collapsing them keeps the resume point tight.
  const p = fold(pattern, caseInsensitive).replace(/\*+/g, '*');
  const v = fold(value, caseInsensitive);
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
