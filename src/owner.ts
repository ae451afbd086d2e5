import type { Identity } from './model.js';

/** Fills `owner` from the first configured tag key present (case-insensitive), unless a connector set it. */
export const resolveOwner = (identity: Identity, tagKeys: readonly string[]): Identity => {
  if (identity.owner) return identity;
  const byLower = new Map(Object.entries(identity.tags).map(([k, v]) => [k.toLowerCase(), [k, v] as const]));
  for (const key of tagKeys) {
    const hit = byLower.get(key.toLowerCase());
    if (hit && hit[1].trim() !== '')
      return { ...identity, owner: { value: hit[1].trim(), source: `tag:${hit[0]}` } };
  }
  return identity;
};
