// Shell-style globs (`*` any run, `?` one character) compiled once and cached.
const cache = new Map<string, RegExp>();

export const globToRegExp = (pattern: string, caseInsensitive = false): RegExp => {
  const key = (caseInsensitive ? 'i:' : 's:') + pattern;
  let re = cache.get(key);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, caseInsensitive ? 'i' : '');
    cache.set(key, re);
  }
  return re;
};

export const globMatch = (pattern: string, value: string, caseInsensitive = false): boolean =>
  globToRegExp(pattern, caseInsensitive).test(value);
