import { globMatch } from './glob.js';
import type { Identity } from './model.js';

export interface OwnerSources {
  /** Tag / label keys naming the owner, first match wins (case-insensitive). */
  tagKeys: readonly string[];
  /** Owners by identity uid glob, first match wins: for kinds with no owner field and no tags. */
  owners?: Readonly<Record<string, string>>;
}

/**
 * `resolveOwner` with the sources prepared once (lower-cased tag keys, the globs in order), for a
 * scan's every identity: no map or entry arrays per identity (issue 14).
 */
export const ownerResolver = (sources: OwnerSources): ((identity: Identity) => Identity) => {
  const wanted = sources.tagKeys.map((k) => k.toLowerCase());
  const globs = Object.entries(sources.owners ?? {});
  return (identity) => {
    if (identity.owner) return identity;
    const tagKeys = Object.keys(identity.tags);
    if (tagKeys.length > 0)
      for (const key of wanted) {
        // Of two tags differing only in case, the later one counts.
        let hit: string | undefined;
        for (const k of tagKeys) if (k.toLowerCase() === key) hit = k;
        const value = hit === undefined ? '' : (identity.tags[hit] ?? '').trim();
        if (hit !== undefined && value !== '') return { ...identity, owner: { value, source: `tag:${hit}` } };
      }
    for (const [glob, owner] of globs) {
      if (globMatch(glob, identity.uid, true))
        return { ...identity, owner: { value: owner, source: `config:ownership.owners[${glob}]` } };
    }
    return identity;
  };
};

/**
 * Fills `owner`, unless a connector set it: from the first configured tag key present
 * (case-insensitive), else from the first `ownership.owners` glob matching the uid.
 */
export const resolveOwner = (identity: Identity, sources: OwnerSources): Identity =>
  ownerResolver(sources)(identity);
