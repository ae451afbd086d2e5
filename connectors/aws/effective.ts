// AWS-SPECIFIC. Effective access of one principal, in AWS's order of evaluation: an explicit Deny
// anywhere (identity policies, the permissions boundary, SCPs, RCPs) wins; otherwise an action is
// allowed only if the identity policies allow it AND every limit (boundary, each SCP level of the
// OU path, RCPs) allows it. Action wildcards are expanded against AWS's own action catalog.
//
// Per action the answer is a state on a small lattice, none < conditional < some < all:
//   all         = allowed unconditionally on every resource the action can act on
//   some        = allowed unconditionally on some resources only
//   conditional = allowed only when a condition we cannot decide statically holds
// Within one policy set the statements combine by max (any Allow), across sets by min (every set
// must allow), and an unconditional Deny caps the state (to none on every resource, to `some` on
// part of them). Max and min are commutative and monotone, so statement order never matters and a
// Deny or a limit never widens access. A conditional Deny is an upper bound: it may or may not
// apply, so it does not lower the state (it is named in the reasons).
import { compileGlob, globMatch } from '../../src/glob.js';
import { coversAllResources, serviceOf } from './iam-actions.js';
import type { Grant } from '../../src/model.js';
import { ACCESS_LEVELS, PERMISSIONS, type ServiceActions, catalogServices } from './action-catalog.js';

export const NONE = 0;
export const CONDITIONAL = 1;
export const SOME = 2;
export const ALL = 3;
export type AccessState = 0 | 1 | 2 | 3;
export const STATE_NAMES = ['none', 'conditional', 'some resources', 'all resources'] as const;

export interface Limit {
  kind: 'boundary' | 'scp' | 'rcp';
  source: string;
  grants: Grant[];
}

/** One compiled action pattern: lower-case, matched without a regex when it can be. */
type Matcher = (key: string, service: string) => boolean;

const compilePattern = (pattern: string): Matcher => {
  const p = pattern.toLowerCase();
  if (p === '*' || p === '*:*') return () => true;
  const colon = p.indexOf(':');
  if (colon > 0 && p.slice(colon + 1) === '*' && !/[*?]/.test(p.slice(0, colon))) {
    const svc = p.slice(0, colon);
    return (_key, service) => service === svc;
  }
  if (!/[*?]/.test(p)) return (key) => key === p;
  // The one glob matcher (linear time: patterns come from the cloud), the pattern prepared once.
  const glob = compileGlob(p);
  return (key) => glob(key);
};

/**
 * A statement's action list compiled once per distinct list (a managed policy attached to many
 * principals, the same statement in many inline policies), with the answers it gave, for the
 * evaluators that ask to remember them (the policy layer asks the same few dozen actions of
 * every principal; the connector walks the whole catalog once and does not).
 */
interface ActionList {
  match: Matcher;
  answers: Map<string, boolean>;
}
/** Answers kept per list: the policies' questions, not the catalog. */
const MAX_ANSWERS = 1024;

const buildActionList = (actions: readonly string[], notAction: boolean): ActionList => {
  // Patterns grouped by service, so an action is only tested against its own service's patterns
  // (ReadOnlyAccess alone lists thousands).
  const byService = new Map<string, Matcher[]>();
  const anyService: Matcher[] = [];
  for (const pattern of actions) {
    const p = pattern.toLowerCase();
    const svc = p.includes(':') ? p.slice(0, p.indexOf(':')) : p;
    const m = compilePattern(p);
    if (/[*?]/.test(svc)) anyService.push(m);
    else byService.set(svc, [...(byService.get(svc) ?? []), m]);
  }
  const hit: Matcher = (key, service) =>
    (byService.get(service)?.some((m) => m(key, service)) ?? false) ||
    anyService.some((m) => m(key, service));
  return { match: notAction ? (key, service) => !hit(key, service) : hit, answers: new Map() };
};

// Action lists by content. Bounded by the characters of their keys (an estate has a few hundred
// distinct lists; a table that fills is dropped and rebuilt, never grown): pure functions of the
// list, so sharing them across principals or scans cannot change an answer.
const MAX_LIST_CHARS = 8_000_000;
const actionLists = new Map<string, ActionList>();
let actionListChars = 0;
const actionListOf = (grant: Grant): ActionList => {
  const key = `${grant.notAction ? '!' : '='}${grant.actions.join('\n')}`;
  let list = actionLists.get(key);
  if (!list) {
    if (actionListChars + key.length > MAX_LIST_CHARS) {
      actionLists.clear();
      actionListChars = 0;
    }
    list = buildActionList(grant.actions, grant.notAction);
    actionLists.set(key, list);
    actionListChars += key.length;
  }
  return list;
};

/** How many distinct action lists are compiled (for tests of the table's bound). */
export const compiledActionLists = (): number => actionLists.size;

interface Compiled {
  grant: Grant;
  match: Matcher;
  list: ActionList;
  /** Whether the statement's Resource list spans every resource of a service, by service. */
  covers: Map<string, boolean>;
}

const compiled = new WeakMap<Grant, Compiled>();
const compile = (grant: Grant): Compiled => {
  let c = compiled.get(grant);
  if (!c) {
    const list = actionListOf(grant);
    c = { grant, match: list.match, list, covers: new Map() };
    compiled.set(grant, c);
  }
  return c;
};

/** The list's answer for `key`, remembered on the list (bounded). */
const rememberedMatch = (c: Compiled, key: string, service: string): boolean => {
  const { answers, match } = c.list;
  let hit = answers.get(key);
  if (hit === undefined) {
    hit = match(key, service);
    if (answers.size < MAX_ANSWERS) answers.set(key, hit);
  }
  return hit;
};

/** Does the statement's Resource (or NotResource) name this ARN? ARNs match case-sensitively. */
const namesResource = (g: Grant, arn: string): boolean => {
  const hit = g.resources.some((r) => globMatch(r, arn));
  return g.notResource ? !hit : hit;
};

/** Does the statement's Resource list (NotResource aside) span every resource `service` has? */
const coversService = (c: Compiled, service: string): boolean => {
  let hit = c.covers.get(service);
  if (hit === undefined) {
    // coversAllResources reads only the action's service.
    hit = coversAllResources(c.grant.resources, service);
    c.covers.set(service, hit);
  }
  return hit;
};

/** Does the statement's action list name `key`: asked of the list, or of its remembered answers. */
type Test = (c: Compiled, key: string, service: string) => boolean;
const ask: Test = (c, key, service) => c.match(key, service);

/** The state one Allow statement gives `key`, before any Deny. */
const allowState = (c: Compiled, key: string, service: string, test: Test): AccessState => {
  const g = c.grant;
  if (g.effect !== 'Allow' || !test(c, key, service)) return NONE;
  if (g.conditional) return CONDITIONAL;
  // NotResource allows everything but the listed resources: counted as every resource (upper bound).
  return g.notResource || coversService(c, service) ? ALL : SOME;
};

/** How far one Deny statement caps `key`: none when it denies on every resource, some on part of them. */
const denyCap = (c: Compiled, key: string, service: string, test: Test): AccessState => {
  const g = c.grant;
  if (g.effect !== 'Deny' || g.conditional || !test(c, key, service)) return ALL;
  // A Deny with NotResource leaves the excluded resources allowed.
  return !g.notResource && coversService(c, service) ? NONE : SOME;
};

export interface Decision {
  state: AccessState;
  /** The Allow statement of the identity policies that grants it (the first with the best state). */
  grant?: Grant | undefined;
  /** What lowered it: the Deny or the limit that does not allow it. */
  blockedBy?: string | undefined;
  /** The statement whose conditions make it conditional (the identity's or a limit's). */
  conditionedBy?: Grant | undefined;
}

/** One policy set's Allow state for `key`, and the statement that gives it. */
const setState = (grants: readonly Compiled[], key: string, service: string, test: Test): Decision => {
  let best: Decision = { state: NONE };
  for (const c of grants) {
    const s = allowState(c, key, service, test);
    if (s > best.state) {
      best = { state: s, grant: c.grant };
      if (s === ALL) break;
    }
  }
  return best;
};

const describeLimit = (l: Limit): string =>
  `${l.kind === 'scp' ? 'SCP' : l.kind === 'rcp' ? 'RCP' : 'permissions boundary'} ${l.source}`;

/** The principal's policies and limits, compiled once; `decide` answers per action. */
export interface Evaluator {
  decide(action: string): Decision;
  /** The action on one resource (an ARN): ALL when allowed there unconditionally, CONDITIONAL, or NONE. */
  decideOn(action: string, arn: string): Decision;
  /** The services any Allow of the identity policies can reach (NotAction reaches all). */
  services(): readonly string[];
}

/**
 * `remember`: keep each action list's answers for the next question (the policy layer asks the
 * same few dozen actions of every principal; the lists are shared by principals with the same
 * statements). Decisions are not kept per principal: at 100,000 principals that is memory.
 */
export const evaluator = (
  grants: readonly Grant[],
  limits: readonly Limit[] = [],
  { remember = false }: { remember?: boolean } = {},
): Evaluator => {
  const test: Test = remember ? rememberedMatch : ask;
  const identityAllows = grants.filter((g) => g.effect === 'Allow').map(compile);
  const denies = [...grants, ...limits.flatMap((l) => l.grants)]
    .filter((g) => g.effect === 'Deny')
    .map(compile);
  const limitSets = limits.map((l) => ({
    limit: l,
    allows: l.grants.filter((g) => g.effect === 'Allow').map(compile),
  }));
  const decide = (action: string): Decision => {
    const key = action.toLowerCase();
    const service = serviceOf(key);
    const allowed = setState(identityAllows, key, service, test);
    if (allowed.state === NONE) return allowed;
    let state: AccessState = allowed.state;
    let blockedBy: string | undefined;
    let conditionedBy = allowed.state === CONDITIONAL ? allowed.grant : undefined;
    for (const { limit, allows } of limitSets) {
      const limited = setState(allows, key, service, test);
      const s = limited.state;
      if (s < state) {
        state = s;
        if (s === CONDITIONAL) conditionedBy = limited.grant;
        blockedBy = `${describeLimit(limit)} ${s === NONE ? 'does not allow it' : `allows it only on ${STATE_NAMES[s]}`}`;
      }
      if (state === NONE) return { state, grant: allowed.grant, blockedBy };
    }
    for (const c of denies) {
      const cap = denyCap(c, key, service, test);
      if (cap < state) {
        state = cap;
        blockedBy = `denied by ${c.grant.source}${c.grant.sid ? ` (Sid ${c.grant.sid})` : ''}`;
        if (state === NONE) break;
      }
    }
    return { state, grant: allowed.grant, blockedBy, ...(state === CONDITIONAL ? { conditionedBy } : {}) };
  };
  const onResource = (grants: readonly Compiled[], key: string, service: string, arn: string): Decision => {
    let best: Decision = { state: NONE };
    for (const c of grants) {
      if (c.grant.effect !== 'Allow' || !test(c, key, service) || !namesResource(c.grant, arn)) continue;
      const s: AccessState = c.grant.conditional ? CONDITIONAL : ALL;
      if (s > best.state)
        best = { state: s, grant: c.grant, ...(s === CONDITIONAL ? { conditionedBy: c.grant } : {}) };
      if (s === ALL) break;
    }
    return best;
  };
  const decideOn = (action: string, arn: string): Decision => {
    const key = action.toLowerCase();
    const service = serviceOf(key);
    const allowed = onResource(identityAllows, key, service, arn);
    if (allowed.state === NONE) return allowed;
    let state: AccessState = allowed.state;
    let conditionedBy = allowed.conditionedBy;
    for (const { limit, allows } of limitSets) {
      const limited = onResource(allows, key, service, arn);
      if (limited.state < state) {
        state = limited.state;
        conditionedBy = limited.grant;
        if (state === NONE)
          return { state, grant: allowed.grant, blockedBy: `${describeLimit(limit)} does not allow it` };
      }
    }
    for (const c of denies) {
      const g = c.grant;
      if (!g.conditional && test(c, key, service) && namesResource(g, arn)) {
        return {
          state: NONE,
          grant: allowed.grant,
          blockedBy: `denied by ${g.source}${g.sid ? ` (Sid ${g.sid})` : ''}`,
        };
      }
    }
    return { state, grant: allowed.grant, ...(state === CONDITIONAL ? { conditionedBy } : {}) };
  };
  const services = (): readonly string[] => {
    const out = new Set<string>();
    for (const c of identityAllows) {
      if (c.grant.notAction) return catalogServices();
      for (const pattern of c.grant.actions) {
        const p = pattern.toLowerCase();
        const svc = p.includes(':') ? p.slice(0, p.indexOf(':')) : p;
        if (!/[*?]/.test(svc)) {
          out.add(svc);
          continue;
        }
        for (const s of catalogServices()) if (globMatch(svc, s, true)) out.add(s);
      }
    }
    return [...out].sort();
  };
  return { decide, decideOn, services };
};

/**
 * IAM permissions-management actions that let a principal grant itself more (attach or write a
 * policy, set a policy version, rewrite a trust policy, replace or remove a boundary). Removing a
 * policy only narrows, so Delete*Policy and Detach* do not count.
 */
export const isSelfGrantingIam = (actions: ServiceActions, i: number): boolean => {
  if (actions.service !== 'iam' || actions.levels[i] !== PERMISSIONS) return false;
  const name = actions.names[i] ?? '';
  return !/^(Delete|Detach)/.test(name) || /PermissionsBoundary$/.test(name);
};

export { ACCESS_LEVELS };
