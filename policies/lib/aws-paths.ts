// AWS-SPECIFIC. Privilege escalation judged on effective access: each escalation set of
// aws-escalation.ts is re-checked with the permissions boundary, SCPs and Denies applied (a set
// they block is reported as blocked, naming the blocker), and paths through other principals of
// the same account are found by a short walk over the inventory: sts:AssumeRole into a role whose
// trust policy lets this principal (or the account) in, and iam:PassRole of an administrator role
// to a service this principal can start. Depth is bounded and visited roles are skipped (cycles).
import { ALL, CONDITIONAL, type Evaluator, NONE, evaluator } from '../../connectors/aws/effective.js';
import { coversAllResources, describeGrant, wildcardMatch } from '../../connectors/aws/iam-actions.js';
import type { Grant, Identity } from '../../src/model.js';
import { type BoundedMemo, boundedMemo } from '../../src/bounded-memo.js';
import { sha256 } from '../../src/hash.js';
import { ESCALATION_SETS } from './aws-escalation.js';
import { AWS_KINDS, AWS_TRUST_PRINCIPAL } from '../../connectors/aws/attributes.js';

// Per principal, its evaluator on effective access and on its own Allows alone (to tell "blocked"
// from "absent"), asking its action lists' remembered answers: every principal is asked the same
// few dozen actions (escalation sets, wildcards, the path walk). Bounded, not weak: keyed weakly
// by identity, every evaluator lived as long as the scan held its identity, i.e. to the end
// (issue 14). Identities are judged in uid order, account by account, so the principals a walk
// asks again are the recent ones; a table that fills is dropped and rebuilt, never grown.
export const MAX_EVALUATORS = 2_000;
const evaluators = boundedMemo<Identity, Evaluator>(MAX_EVALUATORS);
export const evaluatorOf = (identity: Identity): Evaluator =>
  evaluators(identity, () =>
    evaluator(identity.privilege.grants, identity.privilege.limits ?? [], { remember: true }),
  );
const nominals = boundedMemo<Identity, Evaluator>(MAX_EVALUATORS);
const nominalOf = (identity: Identity): Evaluator =>
  nominals(identity, () =>
    evaluator(
      identity.privilege.grants.filter((g) => g.effect === 'Allow'),
      [],
      { remember: true },
    ),
  );

/** Allowed on every resource: unconditionally, or under conditions (then flagged). */
const onAll = (ev: Evaluator, action: string): { grant: Grant; conditional: boolean } | undefined => {
  const d = ev.decide(action);
  if (d.state === ALL && d.grant) return { grant: d.grant, conditional: false };
  if (
    d.state === CONDITIONAL &&
    d.grant &&
    coversAllResources(d.grant.resources, action, d.grant.notResource)
  ) {
    return { grant: d.grant, conditional: true };
  }
  return undefined;
};

export interface OpenSet {
  id: string;
  summary: string;
  actions: readonly string[];
  grants: { action: string; statement: string; conditional?: true }[];
}
export interface BlockedSet {
  id: string;
  actions: readonly string[];
  /** The first action the limits or a Deny take away, and what does. */
  action: string;
  blockedBy: string;
}

export interface Escalation {
  open: OpenSet[];
  blocked: BlockedSet[];
}

/**
 * What the escalation answer rests on, as content: each statement's effect, actions, resources,
 * condition flag, source and Sid (the evidence names them), and each limit's kind, source and
 * statements. Principals with the same policies (a managed policy set attached to many roles)
 * have the same key.
 */
// Kept per privilege object as a digest (a managed policy such as ReadOnlyAccess is tens of KB of
// JSON: its text per principal would hold the estate's policies many times over).
const privilegeKeys = new WeakMap<Identity['privilege'], string>();
const statementKey = (g: Grant): unknown[] => [
  g.effect,
  g.notAction,
  g.actions,
  g.notResource,
  g.resources,
  g.conditional,
  g.source,
  g.sid ?? null,
];
const privilegeKeyOf = (identity: Identity): string => {
  const { privilege } = identity;
  let key = privilegeKeys.get(privilege);
  if (key === undefined) {
    key = sha256(
      JSON.stringify([
        privilege.grants.map(statementKey),
        (privilege.limits ?? []).map((l) => [l.kind, l.source, l.grants.map(statementKey)]),
      ]),
    );
    privilegeKeys.set(privilege, key);
  }
  return key;
};

// Answers by privilege content, per question and ignore list (the options array a policy
// variant holds, so they go with the config). Bounded: a table that fills is dropped and rebuilt,
// never grown.
const MAX_ANSWERS = 20_000;
const answers = new WeakMap<object, BoundedMemo<string, unknown>>();

/**
 * `compute(identity)` kept per privilege content (see privilegeKeyOf), per `question` (a name)
 * and `ignoredBy` (the options the answer also rests on): principals with the same policies share
 * one answer, so it is read, never changed. Only for answers that rest on the privilege alone.
 */
export const byPrivilege = <T>(
  identity: Identity,
  question: string,
  ignoredBy: object,
  compute: (identity: Identity) => T,
): T => {
  let memo = answers.get(ignoredBy);
  if (!memo) answers.set(ignoredBy, (memo = boundedMemo<string, unknown>(MAX_ANSWERS)));
  return memo(`${question}\u0000${privilegeKeyOf(identity)}`, () => compute(identity)) as T;
};

/**
 * The escalation sets open on effective access, and those only a limit or a Deny closes. With
 * `ignoredBy` (the ignore list `ignored` reads, held for the scan), the answer is kept per
 * privilege content and shared by principals with the same policies: read it, never change it.
 */
export const escalationSets = (
  identity: Identity,
  ignored: (action: string) => boolean,
  ignoredBy?: object,
): Escalation => {
  if (ignoredBy === undefined) return computeEscalation(identity, ignored);
  return byPrivilege(identity, 'escalation', ignoredBy, (i) => computeEscalation(i, ignored));
};

const computeEscalation = (identity: Identity, ignored: (action: string) => boolean): Escalation => {
  const ev = evaluatorOf(identity);
  // What the identity's own Allows give, before any Deny or limit: to tell "blocked" from "absent".
  const nominal = nominalOf(identity);
  const open: OpenSet[] = [];
  const blocked: BlockedSet[] = [];
  for (const set of ESCALATION_SETS) {
    if (set.actions.some(ignored)) continue;
    if (!set.actions.every((a) => onAll(nominal, a))) continue;
    const grants: OpenSet['grants'] = [];
    let block: BlockedSet | undefined;
    for (const action of set.actions) {
      const hit = onAll(ev, action);
      if (!hit) {
        block = {
          id: set.id,
          actions: set.actions,
          action,
          blockedBy: ev.decide(action).blockedBy ?? 'not allowed on every resource',
        };
        break;
      }
      grants.push({
        action,
        statement: describeGrant(hit.grant),
        ...(hit.conditional ? { conditional: true as const } : {}),
      });
    }
    if (block) blocked.push(block);
    else open.push({ id: set.id, summary: set.summary, actions: set.actions, grants });
  }
  return { open, blocked };
};

export interface PathStep {
  from: string;
  to: string;
  via: 'sts:AssumeRole' | 'iam:PassRole';
  /** Why the step is possible: the trust statement, the grant, the service started. */
  detail: string;
  conditional?: true;
}

interface AccountIndex {
  roles: Identity[];
  /** The administrator roles, in inventory order: the walk's targets, found once per inventory. */
  admins: Identity[];
  /** Roles whose trust names this principal ARN. */
  trustedBy: Map<string, Identity[]>;
  /** Roles whose trust names the account root or any AWS principal: the caller's own policy decides. */
  accountTrusting: Identity[];
}

const indexes = new WeakMap<readonly Identity[], Map<string, AccountIndex>>();
const indexOf = (inventory: readonly Identity[]): Map<string, AccountIndex> => {
  let idx = indexes.get(inventory);
  if (idx) return idx;
  idx = new Map();
  for (const identity of inventory) {
    if (identity.provider !== 'aws' || identity.kind !== AWS_KINDS.iamRole) continue;
    const account = identity.location.scope;
    let a = idx.get(account);
    if (!a) {
      a = { roles: [], admins: [], trustedBy: new Map(), accountTrusting: [] };
      idx.set(account, a);
    }
    a.roles.push(identity);
    if (identity.privilege.level === 'admin') a.admins.push(identity);
    let byAccount = false;
    for (const t of identity.trust) {
      if (!assumes(t.actions)) continue;
      if (t.principalType === AWS_TRUST_PRINCIPAL.any || isAccountRoot(t.principal, account))
        byAccount = true;
      else if (t.principalType === AWS_TRUST_PRINCIPAL.aws) {
        const list = a.trustedBy.get(t.principal);
        if (list) list.push(identity);
        else a.trustedBy.set(t.principal, [identity]);
      }
    }
    if (byAccount) a.accountTrusting.push(identity);
  }
  indexes.set(inventory, idx);
  return idx;
};

const assumes = (actions: readonly string[]): boolean =>
  actions.length === 0 || actions.some((a) => wildcardMatch(a, 'sts:AssumeRole'));
const isAccountRoot = (principal: string, account: string): boolean =>
  principal === account || /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(principal)?.[1] === account;

/** Service principals that run the compute a PassRole escalation set starts. */
const SERVICE_PRINCIPAL: Record<string, string> = {
  ecs: 'ecs-tasks.amazonaws.com',
  apprunner: 'tasks.apprunner.amazonaws.com',
};
const principalFor = (action: string): string => {
  const service = action.slice(0, action.indexOf(':')).toLowerCase();
  return SERVICE_PRINCIPAL[service] ?? `${service}.amazonaws.com`;
};

const trustSummary = (role: Identity, principal: (p: string, type: string) => boolean) =>
  role.trust.find((t) => assumes(t.actions) && principal(t.principal, t.principalType));

/** Can `from` assume `role`? Its trust must let it (or its account) in, and its own policies must allow it. */
const assumeStep = (from: Identity, role: Identity): PathStep | undefined => {
  const account = role.location.scope;
  const direct = trustSummary(role, (p, type) => type === AWS_TRUST_PRINCIPAL.aws && p === from.uid);
  const viaAccount = trustSummary(
    role,
    (p, type) => type === AWS_TRUST_PRINCIPAL.any || isAccountRoot(p, account),
  );
  const trust = direct ?? viaAccount;
  if (!trust) return undefined;
  // Trust naming the principal itself needs no identity-policy grant in the same account; still,
  // an explicit Deny or an SCP applies. Trust of the account needs the caller's own Allow.
  const ev = direct
    ? evaluator(
        [
          ...from.privilege.grants.filter((g) => g.effect === 'Deny'),
          {
            effect: 'Allow',
            actions: ['sts:AssumeRole'],
            notAction: false,
            resources: [role.uid],
            notResource: false,
            conditional: false,
            source: `trust:${role.uid}`,
          },
        ],
        (from.privilege.limits ?? []).filter((l) => l.kind !== 'boundary'),
      )
    : evaluatorOf(from);
  const d = ev.decideOn('sts:AssumeRole', role.uid);
  if (d.state === NONE) return undefined;
  const conditional = d.state === CONDITIONAL || Object.keys(trust.conditions).length > 0;
  return {
    from: from.uid,
    to: role.uid,
    via: 'sts:AssumeRole',
    detail: `${role.uid} ${trust.source} trusts ${trust.principal}${direct ? '' : `; ${d.grant ? describeGrant(d.grant) : 'allowed'}`}`,
    ...(conditional ? { conditional: true as const } : {}),
  };
};

/** Can `from` pass admin `role` to a service it can start? */
const passStep = (from: Identity, role: Identity): PathStep | undefined => {
  const ev = evaluatorOf(from);
  const pass = ev.decideOn('iam:PassRole', role.uid);
  if (pass.state === NONE) return undefined;
  const services = new Set(
    role.trust
      .filter((t) => t.principalType === AWS_TRUST_PRINCIPAL.service)
      .map((t) => t.principal.toLowerCase()),
  );
  for (const set of ESCALATION_SETS) {
    if (!set.actions.includes('iam:PassRole')) continue;
    const others = set.actions.filter((a) => a !== 'iam:PassRole');
    const first = others[0];
    if (!first || !services.has(principalFor(first))) continue;
    const hits = others.map((a) => ev.decide(a));
    if (hits.some((h) => h.state === NONE)) continue;
    const conditional = pass.state === CONDITIONAL || hits.some((h) => h.state === CONDITIONAL);
    return {
      from: from.uid,
      to: role.uid,
      via: 'iam:PassRole',
      detail: `${set.id}: pass ${role.uid} (trusted by ${principalFor(first)}) with ${others.join(', ')}`,
      ...(conditional ? { conditional: true as const } : {}),
    };
  }
  return undefined;
};

export const MAX_PATH_DEPTH = 3;

/**
 * Shortest paths from `identity` to an administrator role of its account, through other roles it
 * can assume (at most MAX_PATH_DEPTH steps), ending in an assume of an admin role or a pass of one.
 */
export const pathsToAdmin = (identity: Identity, inventory: readonly Identity[], limit = 3): PathStep[][] => {
  const account = indexOf(inventory).get(identity.location.scope);
  if (!account) return [];
  // Filtering every role of the account per identity made the policy layer O(identities × roles).
  const admins = account.admins.filter((r) => r.uid !== identity.uid);
  if (admins.length === 0) return [];
  const found: PathStep[][] = [];
  const visited = new Set<string>([identity.uid]);
  let frontier: { node: Identity; path: PathStep[] }[] = [{ node: identity, path: [] }];
  for (let depth = 0; depth < MAX_PATH_DEPTH && frontier.length > 0 && found.length < limit; depth++) {
    const next: typeof frontier = [];
    for (const { node, path } of frontier) {
      for (const admin of admins) {
        if (found.length >= limit) break;
        const step = passStep(node, admin);
        if (step) found.push([...path, step]);
      }
      const candidates = [...(account.trustedBy.get(node.uid) ?? []), ...account.accountTrusting];
      for (const role of candidates) {
        if (visited.has(role.uid) || found.length >= limit) continue;
        const step = assumeStep(node, role);
        if (!step) continue;
        visited.add(role.uid);
        if (role.privilege.level === 'admin') found.push([...path, step]);
        else next.push({ node: role, path: [...path, step] });
      }
    }
    frontier = next;
  }
  return found;
};
