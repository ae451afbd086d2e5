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
  /**
   * `share(items.map((x) => share(x)))`, the list's key made from its items' keys (no second
   * serialisation of every item): for lists of grants, trust statements, control references.
   */
  shareAll<T>(items: readonly T[]): T[];
  /**
   * `share` for a flat record of strings (a location, a control reference) that repeats across
   * many values: found by walking its keys and values through a tree of maps, no JSON written
   * (repeated strings carry their hash). Not for records mostly unique (tags): the tree would hold
   * more than the values. `shareAll` of such records keys the list by the records held.
   */
  shareRecord<T extends object>(value: T): T;
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

// Deeper than any identity or finding part: a value nested further (or a cycle) is not shared.
const MAX_DEPTH = 64;

/** Plain at every level JSON.stringify visits (own enumerable keys, every array index). */
const isPlainDeep = (value: unknown, depth: number): boolean => {
  if (!isPlain(value)) return false;
  if (value === null || typeof value !== 'object') return true;
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isPlainDeep(value[i], depth + 1)) return false;
    return true;
  }
  for (const k of Object.keys(value))
    if (!isPlainDeep((value as Record<string, unknown>)[k], depth + 1)) return false;
  return true;
};

/**
 * The value's JSON when it is plain data all the way down, else undefined. Checked by a walk, then
 * written by JSON.stringify without a replacer: a replacer function made stringify several times
 * slower, and every finding and identity part goes through here (issue 14).
 */
const keyOf = (value: unknown): string | undefined =>
  isPlainDeep(value, 0) ? JSON.stringify(value) : undefined;

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
  // The key of each value the pool holds: a held value (frozen, so its key stays true) is returned
  // as is, and a list of held values is keyed from its items' keys.
  const keys = new WeakMap<object, string>();
  const texts = new Map<string, string>();
  // shareRecord's tree: from the root, a record's first key, its value, the next key, … ; the
  // record held where its walk ends. Its held records get a key JSON never writes (a raw control
  // character), so a list of them is keyed from theirs without meeting a JSON key.
  interface RecordNode {
    next: Map<string, RecordNode>;
    kept?: object;
  }
  const records: RecordNode = { next: new Map() };
  let recordCount = 0;
  const step = (node: RecordNode, s: string): RecordNode => {
    let next = node.next.get(s);
    if (next === undefined) node.next.set(s, (next = { next: new Map() }));
    return next;
  };
  const isStringRecord = (value: object): value is Record<string, string> => {
    if (Array.isArray(value) || !isPlain(value)) return false;
    for (const k in value)
      if (!Object.hasOwn(value, k) || typeof (value as Record<string, unknown>)[k] !== 'string') return false;
    return true;
  };
  const keep = <T>(key: string, value: T): T => {
    const hit = values.get(key);
    if (hit !== undefined) return hit as T;
    const kept = deepFreeze(value);
    values.set(key, kept);
    keys.set(kept as object, key);
    return kept;
  };
  const share = <T>(value: T, foreign = false): T => {
    if (value === null || typeof value !== 'object' || keys.has(value)) return value;
    const key = keyOf(value);
    if (key === undefined) return value;
    const hit = values.get(key);
    if (hit !== undefined) return hit as T;
    return keep(key, foreign ? (JSON.parse(key) as T) : value);
  };
  return {
    share,
    shareRecord<T extends object>(value: T): T {
      if (keys.has(value) || !isStringRecord(value)) return share(value);
      let node = records;
      for (const k in value) node = step(step(node, k), value[k] as string);
      if (node.kept !== undefined) return node.kept as T;
      const kept = Object.freeze(value);
      node.kept = kept;
      keys.set(kept, `\u0001${String(recordCount++)}`);
      return kept;
    },
    shareAll<T>(items: readonly T[]): T[] {
      const shared = new Array<T>(items.length);
      const parts = new Array<string>(items.length);
      let whole = true;
      for (let i = 0; i < items.length; i++) {
        const item = share(items[i] as T);
        shared[i] = item;
        const key =
          item !== null && typeof item === 'object'
            ? keys.get(item)
            : isPlain(item)
              ? JSON.stringify(item)
              : undefined;
        if (key === undefined) whole = false;
        else parts[i] = key;
      }
      // JSON writes a list as its items' JSON between brackets, comma-separated.
      return whole ? keep(`[${parts.join(',')}]`, shared) : share(shared);
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
  p.grants = pool.shareAll(p.grants);
  p.reasons = p.reasons.map((r) => pool.text(r));
  p.attached = pool.shareAll(p.attached);
  identity.privilege = pool.share(p);
  identity.trust = pool.shareAll(identity.trust);
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
  finding.location = pool.shareRecord(finding.location);
  finding.controls = pool.shareAll(finding.controls.map((c) => pool.shareRecord(c)));
  finding.title = pool.text(finding.title);
  finding.message = pool.text(finding.message);
  if (finding.remediation !== undefined) finding.remediation = pool.text(finding.remediation);
  if (finding.soc1Scope) finding.soc1Scope = pool.share(finding.soc1Scope);
  return finding;
};
