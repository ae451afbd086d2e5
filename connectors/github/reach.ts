// GitHub effective reach: what a credential can really do is its permissions ∩ the repositories
// it reaches ∩ its owner's own access (a fine-grained or classic token, an SSH key, cannot do more
// than the user it belongs to; an installation acts only on its selected repositories). The model
// keeps the cloud-wide level (none/read/write/admin, as AWS and Google Cloud compute it, so
// excess-privilege treats every provider alike); `rank` orders GitHub's tiers within it:
// org admin > repository admin > write with bypass of the default branch's rulesets > workflow
// write (can change CI) > write > read.
import type { PrivilegeLevel } from '../../src/model.js';

export const REACH_RANKS = [
  'none',
  'read',
  'write',
  'workflow-write',
  'bypass-write',
  'repo-admin',
  'org-admin',
] as const;
export type ReachRank = (typeof REACH_RANKS)[number];

export const rankIndex = (rank: ReachRank): number => REACH_RANKS.indexOf(rank);

export const maxRank = (ranks: Iterable<ReachRank>): ReachRank => {
  let best = 0;
  for (const r of ranks) best = Math.max(best, rankIndex(r));
  return REACH_RANKS[best] ?? 'none';
};

/** The model's level for a rank: both administrator tiers are admin, the write tiers write. */
export const rankLevel = (rank: ReachRank): PrivilegeLevel =>
  rank === 'org-admin' || rank === 'repo-admin'
    ? 'admin'
    : rank === 'workflow-write' || rank === 'bypass-write'
      ? 'write'
      : rank;

/** Organisation permissions whose write administers the organisation (only an org owner holds that). */
export const ORG_ADMIN_PERMISSIONS: ReadonlySet<string> = new Set([
  'organization_administration',
  'members',
  'enterprise_administration',
]);

/** Classic scopes that administer an organisation or enterprise. */
export const CLASSIC_ORG_ADMIN_SCOPES: ReadonlySet<string> = new Set([
  'admin:org',
  'admin:enterprise',
  'site_admin',
]);

/** The rank of an App / fine-grained permission at an access ("read", "write", "admin"). */
export const permissionRank = (name: string, access: string, orgScope: boolean): ReachRank => {
  const a = access.toLowerCase();
  if (a === 'read') return 'read';
  if (a !== 'write' && a !== 'admin') return 'none';
  if (orgScope && ORG_ADMIN_PERMISSIONS.has(name)) return 'org-admin';
  if (name === 'administration') return 'repo-admin';
  if (name === 'workflows') return 'workflow-write';
  return 'write';
};

/** The owner's role in the organisation, from the member listings; undefined when not known. */
export type OwnerOrgRole = 'admin' | 'member' | 'outside_collaborator' | 'not_member';

/** The user a token or key acts as, and what is known of that user's own access. */
export interface OwnerAccess {
  login: string;
  orgRole: OwnerOrgRole | undefined;
}

/**
 * A user credential's rank capped by its owner: organisation administration needs an org owner.
 * A member keeps what a member may still do with it (team maintainership, a custom organisation
 * role the member listing does not show): write, never org admin. Unknown role: not capped.
 */
export const capByOwner = (
  rank: ReachRank,
  owner: OwnerAccess | undefined,
): { rank: ReachRank; limit?: string } => {
  if (rank !== 'org-admin' || owner?.orgRole === undefined || owner.orgRole === 'admin') return { rank };
  const who =
    owner.orgRole === 'member'
      ? 'an organisation member, not an owner'
      : owner.orgRole === 'outside_collaborator'
        ? 'an outside collaborator'
        : 'not an organisation member';
  return {
    rank: 'write',
    limit: `its owner ${owner.login} is ${who}: a user's credential cannot administer the organisation beyond its user (counted as write)`,
  };
};

/** Which repositories a permission reaches: all, a named list, or a selection GitHub did not list. */
export type ReachRepositories = 'all' | 'selected (not listed)' | readonly string[];

/** One permission in the reach evidence. */
export interface ReachEntry {
  permission: string;
  rank: ReachRank;
  /** `organization`, a user account, or the repositories. */
  on: 'organization' | 'account' | ReachRepositories;
  /** Why the rank is below the permission's nominal one. */
  limit?: string;
  /** Why the rank is what it is, when the permission's name does not say. */
  why?: string;
}

/** `attributes.reach`: the rank, what raised it, and what was not evaluated. */
export interface GithubReach {
  rank: ReachRank;
  /** Entries at write or above, highest rank first. */
  permissions: ReachEntry[];
  /** Limits applied (the owner's role, the installation's selection). */
  limits: string[];
  /** What could have lowered the rank but was not read for this identity. */
  notEvaluated: string[];
}

/** `repo:acme/*` → all; `repo:acme/@selected` → not listed; else the repository names. */
export const repositoriesOf = (resources: readonly string[]): ReachRepositories => {
  if (resources.some((r) => r.startsWith('repo:') && r.endsWith('/*'))) return 'all';
  if (resources.some((r) => r.startsWith('repo:') && r.endsWith('/@selected')))
    return 'selected (not listed)';
  return resources.filter((r) => r.startsWith('repo:')).map((r) => r.slice(r.lastIndexOf('/') + 1));
};

export const reachOf = (entries: readonly ReachEntry[], notEvaluated: readonly string[]): GithubReach => {
  const rank = maxRank(entries.map((e) => e.rank));
  const permissions = entries
    .filter((e) => rankIndex(e.rank) >= rankIndex('write') || e.limit !== undefined)
    .sort((a, b) => rankIndex(b.rank) - rankIndex(a.rank));
  const limits = [...new Set(entries.flatMap((e) => (e.limit ? [`${e.permission}: ${e.limit}`] : [])))];
  return { rank, permissions, limits, notEvaluated: [...notEvaluated] };
};

/** A user's permission on one repository (GET /repos/{o}/{r}/collaborators/{u}/permission). */
export type RepoPermission = 'admin' | 'write' | 'read' | 'none';

/** The owner's answer for one repository, or why there is none (never read as "no access"). */
export type OwnerRepoAnswer = { permission: RepoPermission; roleName?: string } | { notEvaluated: string };

/** The owner's own permission on the repositories a credential reaches. */
export interface OwnerRepoAccess {
  /** Repository name → the owner's answer there. A repository absent here was not asked about. */
  repos: ReadonlyMap<string, OwnerRepoAnswer>;
  /** The organisation's repositories, to expand a permission on `all`; undefined when not listed. */
  all?: readonly string[];
}

/** The highest rank a user's own repository permission leaves a credential of theirs there. */
const OWNER_CEILING: Readonly<Record<RepoPermission, ReachRank>> = {
  admin: 'repo-admin',
  // A user with write (or maintain) can push workflow changes with a token that may.
  write: 'workflow-write',
  read: 'read',
  none: 'none',
};

/**
 * A repository permission's rank under its owner's own permission there. Administration held by
 * a user without the admin role administers nothing: what is left is write at most (not
 * workflow write, which needs the workflows permission).
 */
export const capByOwnerRepo = (rank: ReachRank, permission: RepoPermission): ReachRank => {
  const ceiling = OWNER_CEILING[permission];
  if (rankIndex(rank) <= rankIndex(ceiling)) return rank;
  if (rank === 'repo-admin' && permission === 'write') return 'write';
  return ceiling;
};

const listNames = (names: readonly string[]): string =>
  names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')}, … (${names.length})`;

/**
 * One repository-scoped reach entry split by its owner's answers: repositories where the owner's
 * permission lowers the rank get their own entry with a limit; the rest keep the nominal rank.
 * Returns the entries, the repositories whose answer is missing (by reason), and `unresolved`
 * when the repositories themselves are not known.
 */
export const splitByOwnerRepos = (
  entry: ReachEntry,
  login: string,
  access: OwnerRepoAccess,
): { entries: ReachEntry[]; notEvaluated: Map<string, string[]>; unresolved?: true } => {
  const notEvaluated = new Map<string, string[]>();
  const names: readonly string[] | undefined =
    entry.on === 'all' ? access.all : typeof entry.on === 'string' ? undefined : entry.on;
  // `all` without the organisation's list, or a selection GitHub did not list: nothing to ask about.
  if (names === undefined) return { entries: [entry], notEvaluated, unresolved: true };
  const groups = new Map<string, { rank: ReachRank; permission?: RepoPermission; repos: string[] }>();
  for (const repo of names) {
    const answer = access.repos.get(repo);
    let rank = entry.rank;
    let permission: RepoPermission | undefined;
    if (answer === undefined || 'notEvaluated' in answer) {
      // Unknown is not absent: the nominal rank stands, and notEvaluated says where.
      const reason = answer?.notEvaluated ?? 'not asked';
      notEvaluated.set(reason, [...(notEvaluated.get(reason) ?? []), repo]);
    } else {
      rank = capByOwnerRepo(entry.rank, answer.permission);
      if (rank !== entry.rank) permission = answer.permission;
    }
    const key = permission ?? '';
    const group = groups.get(key) ?? { rank, ...(permission ? { permission } : {}), repos: [] };
    group.repos.push(repo);
    groups.set(key, group);
  }
  // Nothing lowered: the entry stays as it was (`all` stays `all`).
  if (![...groups.keys()].some((k) => k !== '')) return { entries: [entry], notEvaluated };
  const entries = [...groups.values()].map((g): ReachEntry => ({
    permission: entry.permission,
    rank: g.rank,
    on: g.repos,
    ...(entry.why ? { why: entry.why } : {}),
    ...(g.permission
      ? {
          limit: `its owner ${login} has ${g.permission} on ${listNames(g.repos)}: counted as ${g.rank}`,
        }
      : entry.limit
        ? { limit: entry.limit }
        : {}),
  }));
  return { entries, notEvaluated };
};

/** A bypass actor of a ruleset, as GitHub's `repository-ruleset-bypass-actor` reads. */
export interface BypassActor {
  actor_id?: number | null | undefined;
  actor_type: string;
  bypass_mode?: string | undefined;
}

/** A ruleset as far as bypass is concerned (GET /repos/{owner}/{repo}/rulesets/{ruleset_id}). */
export interface RulesetFacts {
  name: string;
  target?: string | undefined;
  enforcement?: string | undefined;
  include: readonly string[];
  exclude: readonly string[];
  /** undefined: GitHub's answer did not include them (not "nobody"). */
  bypassActors: readonly BypassActor[] | undefined;
}

/** fnmatch as GitHub's ref_name conditions use it: `*` within a segment, `**` across. */
const refPattern = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .split('**')
      .map((part) =>
        part
          .split('*')
          .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]*'),
      )
      .join('.*')}$`,
  );

const refMatches = (pattern: string, defaultBranch: string): boolean =>
  pattern === '~ALL' ||
  pattern === '~DEFAULT_BRANCH' ||
  refPattern(pattern).test(`refs/heads/${defaultBranch}`);

/** An active branch ruleset whose ref conditions take in the default branch. */
export const protectsDefaultBranch = (r: RulesetFacts, defaultBranch: string): boolean =>
  r.target !== 'tag' &&
  r.target !== 'push' &&
  r.target !== 'repository' &&
  r.enforcement === 'active' &&
  r.include.some((p) => refMatches(p, defaultBranch)) &&
  !r.exclude.some((p) => refMatches(p, defaultBranch));

/** Who may bypass: an App by its id, or the repository's deploy keys. */
export type BypassSubject = { appId: number } | { deployKey: true };

/**
 * Rulesets protecting the default branch that the subject may bypass (mode always or
 * pull_request: either way its changes reach the branch without the rules), and those whose
 * bypass actors GitHub did not show.
 */
export const bypassOf = (
  rulesets: readonly RulesetFacts[],
  defaultBranch: string,
  subject: BypassSubject,
): { bypassed: string[]; unknown: string[] } => {
  const bypassed: string[] = [];
  const unknown: string[] = [];
  for (const r of rulesets) {
    if (!protectsDefaultBranch(r, defaultBranch)) continue;
    if (r.bypassActors === undefined) {
      unknown.push(r.name);
      continue;
    }
    const hit = r.bypassActors.some((a) =>
      'deployKey' in subject
        ? a.actor_type === 'DeployKey'
        : a.actor_type === 'Integration' && a.actor_id === subject.appId,
    );
    if (hit) bypassed.push(r.name);
  }
  return { bypassed, unknown };
};

/** What is known of a repository's default-branch rulesets for one subject. */
export type BypassAnswer = { bypassed: string[]; unknown: string[] } | { notEvaluated: string };

/** A write rank raised to bypass-write when the subject may bypass the default branch's rules. */
export const withBypass = (rank: ReachRank, answer: BypassAnswer | undefined): ReachRank =>
  answer && !('notEvaluated' in answer) && answer.bypassed.length > 0 && rankIndex(rank) >= rankIndex('write')
    ? maxRank([rank, 'bypass-write'])
    : rank;
