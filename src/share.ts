// Sharing of immutable values (issue 14: memory that does not grow with the estate beyond what the
// verdict needs). Validation gives every identity and finding its own copy of data that repeats
// across thousands of them: one account's location, the same grant, trust statement or owner, empty
// lists, the same six control references on every finding of a policy. A pool hands back one frozen
// object per distinct value (by its JSON), so each is held once. Frozen, because identities are
// final once emitted: one identity's change must never reach another's. The written result is the
// same byte for byte: a shared value serialises exactly as the copy it replaces.
import type { Finding, Identity } from './model.js';

export interface SharePool {
  /**
   * The pool's frozen equal of `value` (first seen: `value` itself, frozen); non-JSON data as is.
   * `foreign`: the value may hold objects its producer still owns (a `z.unknown()` field passes the
   * connector's own through), so a first seen value is stored as a copy and the producer's is left alone.
   */
  share<T>(value: T, foreign?: boolean): T;
  /** One string object per distinct text, flattened (a string built by `+` is a tree of pieces). */
  text(value: string): string;
}

/** Plain JSON data only: anything JSON would change (undefined, Date, -0, NaN, a class) is not shared. */
const isPlain = (raw: unknown): boolean => {
  if (raw === null) return true;
  switch (typeof raw) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(raw) && !Object.is(raw, -0);
    case 'object': {
      const proto: unknown = Object.getPrototypeOf(raw);
      return (
        (Array.isArray(raw) || proto === Object.prototype || proto === null) &&
        typeof (raw as { toJSON?: unknown }).toJSON !== 'function'
      );
    }
    default:
      return false;
  }
};

/** The value's JSON when it is plain data all the way down, else undefined. */
const keyOf = (value: unknown): string | undefined => {
  let plain = true;
  const key = JSON.stringify(value, function (this: Record<string, unknown>, k, v: unknown) {
    if (plain && !isPlain(this[k])) plain = false;
    return v;
  });
  return plain ? key : undefined;
};

const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
};

/** A pool for one target's identities, or one scan's findings: dropped with its keys afterwards. */
export const createSharePool = (): SharePool => {
  const values = new Map<string, unknown>();
  const texts = new Map<string, string>();
  return {
    share<T>(value: T, foreign = false): T {
      if (value === null || typeof value !== 'object') return value;
      const key = keyOf(value);
      if (key === undefined) return value;
      const hit = values.get(key);
      if (hit !== undefined) return hit as T;
      const kept = deepFreeze(foreign ? (JSON.parse(key) as T) : value);
      values.set(key, kept);
      return kept;
    },
    text(value) {
      const hit = texts.get(value);
      if (hit !== undefined) return hit;
      // Reading a character flattens a concatenated string in place (its pieces can go).
      value.charCodeAt(0);
      texts.set(value, value);
      return value;
    },
  };
};

/**
 * Points a freshly validated identity's repeated parts at the pool's shared, frozen values. The
 * identity object itself stays its own (owner resolution and financial scope copy it); its parts
 * are read-only from here on.
 */
export const shareIdentity = (identity: Identity, pool: SharePool): Identity => {
  identity.location = pool.share(identity.location);
  identity.owner = pool.share(identity.owner);
  identity.tags = pool.share(identity.tags);
  if (identity.lastUsedDetail) identity.lastUsedDetail = pool.share(identity.lastUsedDetail);
  for (const c of identity.credentials) {
    if (c.lastUsedDetail) c.lastUsedDetail = pool.share(c.lastUsedDetail);
    if (c.attributes) c.attributes = pool.share(c.attributes, true);
  }
  if (identity.credentials.length === 0) identity.credentials = pool.share(identity.credentials);
  const p = identity.privilege;
  p.grants = pool.share(p.grants.map((g) => pool.share(g)));
  p.reasons = p.reasons.map((r) => pool.text(r));
  p.attached = pool.share(p.attached.map((a) => pool.share(a)));
  identity.privilege = pool.share(p);
  identity.trust = pool.share(identity.trust.map((t) => pool.share(t)));
  identity.financialScope = pool.share(identity.financialScope);
  for (const [k, v] of Object.entries(identity.attributes)) identity.attributes[k] = pool.share(v, true);
  if (identity.unknownFacts) identity.unknownFacts = pool.share(identity.unknownFacts);
  return identity;
};

/**
 * The same for a final finding (after exceptions): its location, control references and texts.
 * Evidence stays its own (shared findings add to it while policies run).
 */
export const shareFinding = (finding: Finding, pool: SharePool): Finding => {
  finding.location = pool.share(finding.location);
  finding.controls = pool.share(finding.controls.map((c) => pool.share(c)));
  finding.title = pool.text(finding.title);
  finding.message = pool.text(finding.message);
  if (finding.remediation !== undefined) finding.remediation = pool.text(finding.remediation);
  if (finding.soc1Scope) finding.soc1Scope = pool.share(finding.soc1Scope);
  return finding;
};
