import { globMatch } from './glob.js';
import type { Identity } from './model.js';

export interface OwnerSources {
  /** Tag / label keys naming the owner, first match wins (case-insensitive). */
  tagKeys: readonly string[];
  /** Owners by identity uid glob, first match wins: for kinds with no owner field and no tags. */
  owners?: Readonly<Record<string, string>>;
}

/**
 * Fills `owner`, unless a connector set it: from the first configured tag key present
 * (case-insensitive), else from the first `ownership.owners` glob matching the uid.
 */
export const resolveOwner = (identity: Identity, sources: OwnerSources): Identity => {
  if (identity.owner) return identity;
  const byLower = new Map(Object.entries(identity.tags).map(([k, v]) => [k.toLowerCase(), [k, v] as const]));
  for (const key of sources.tagKeys) {
    const hit = byLower.get(key.toLowerCase());
    if (hit && hit[1].trim() !== '')
      return { ...identity, owner: { value: hit[1].trim(), source: `tag:${hit[0]}` } };
  }
  for (const [glob, owner] of Object.entries(sources.owners ?? {})) {
    if (globMatch(glob, identity.uid, true))
      return { ...identity, owner: { value: owner, source: `config:ownership.owners[${glob}]` } };
  }
  return identity;
};
