// Normalises GitHub's many permission shapes (App installation permissions, fine-grained PAT
// permissions, classic OAuth scopes, a deploy key's read_only flag, the default GITHUB_TOKEN) to
// the model's privilege: a level none/read/write/admin, one grant per permission with the
// resources it covers ("repo:acme/*", "repo:acme/api", "org:acme"), and the reasons.
// Grant actions read "<permission>:<access>", e.g. "administration:write", "classic:repo".
import type { Grant, Privilege, PrivilegeLevel } from '../../src/model.js';
import { compareCodeUnits } from '../../src/order.js';
import {
  type GithubReach,
  type OwnerAccess,
  type OwnerOrgRole,
  type BypassAnswer,
  type OwnerRepoAccess,
  type ReachEntry,
  type ReachRank,
  CLASSIC_ORG_ADMIN_SCOPES,
  capByOwner,
  permissionRank,
  rankIndex,
  rankLevel,
  reachOf,
  repositoriesOf,
  splitByOwnerRepos,
  withBypass,
} from './reach.js';

/** Write on these changes code or what runs in CI (SOC 2 CC8.1). */
const CODE_PERMISSIONS: ReadonlySet<string> = new Set(['contents', 'workflows', 'administration']);

/** App / fine-grained permissions that apply to the organisation rather than its repositories. */
const isOrgPermission = (name: string): boolean =>
  name.startsWith('organization_') ||
  name.startsWith('enterprise_') ||
  name === 'members' ||
  name === 'team_discussions' ||
  name === 'custom_properties_for_organizations';

/**
 * Account permissions (GitHub's "Account permissions" of an App; a fine-grained token's "other"):
 * they act on the user who authorises the App or owns the token, not on the organisation's
 * repositories, so they are kept as grants on that user and do not raise the level.
 */
export const ACCOUNT_PERMISSIONS: ReadonlySet<string> = new Set([
  'blocking',
  'codespaces_user_secrets',
  'copilot_editor_context',
  'copilot_messages',
  'email_addresses',
  'followers',
  'gists',
  'git_ssh_keys',
  'gpg_keys',
  'knowledge_bases',
  'plan',
  'profile',
  'ssh_signing_keys',
  'starring',
  'user_events',
  'watching',
]);

/** Classic scopes that only read. */
const CLASSIC_READ = new Set([
  'read:org',
  'read:user',
  'user:email',
  'read:public_key',
  'read:repo_hook',
  'read:gpg_key',
  'read:packages',
  'read:discussion',
  'read:enterprise',
  'read:audit_log',
  'read:project',
  'read:ssh_signing_key',
  'notifications',
  'audit_log',
]);
/** Classic scopes that can push code or change workflows. */
const CLASSIC_CODE = new Set(['repo', 'public_repo', 'workflow']);

/** A permission's nominal level (before the owner's access caps it). */
export const permissionLevel = (name: string, access: string): PrivilegeLevel =>
  rankLevel(permissionRank(name, access, isOrgPermission(name)));

export interface GithubPrivilege {
  privilege: Privilege;
  /** Can push to a repository or change its workflows (for CC8.1). */
  canChangeCode: boolean;
  /** Effective reach: the rank within the level, and what it rests on (`attributes.reach`). */
  reach: GithubReach;
}

const grant = (actions: string[], resources: string[], source: string): Grant => ({
  effect: 'Allow',
  actions,
  notAction: false,
  resources,
  notResource: false,
  conditional: false,
  source,
});

const describeResources = (resources: readonly string[]): string => {
  const [only] = resources;
  if (resources.length === 1 && only !== undefined) {
    if (only.startsWith('repo:') && only.endsWith('/*')) return `all repositories of ${only.slice(5, -2)}`;
    if (only.startsWith('repo:') && only.endsWith('/@selected'))
      return `selected repositories of ${only.slice(5, -10)}`;
    if (only.startsWith('org:')) return `organisation ${only.slice(4)}`;
  }
  return resources.length <= 3 ? resources.join(', ') : `${resources.length} repositories`;
};

interface PermissionSet {
  /** permission name → access ("read" | "write" | "admin"). */
  permissions: Record<string, string>;
  /** Resources the repository permissions apply to. */
  repoResources: string[];
  /** Resource the organisation permissions apply to. */
  orgResource: string;
  /** Resource the account permissions apply to (the authorising user, the token's owner). */
  accountResource: string;
  /** Every permission of the set is an account permission (a fine-grained token's "other"). */
  accountOnly?: boolean;
  source: string;
}

const fromPermissionSets = (
  sets: readonly PermissionSet[],
  owner?: OwnerAccess,
  notEvaluated: readonly string[] = [],
  /** The owner's own permission per repository, when it was read. */
  ownerRepos?: OwnerRepoAccess,
): GithubPrivilege => {
  const grants: Grant[] = [];
  const reasons: string[] = [];
  const entries: ReachEntry[] = [];
  const unanswered = new Map<string, Set<string>>();
  let unresolved = false;
  let canChangeCode = false;
  for (const set of sets) {
    for (const [name, access] of Object.entries(set.permissions).sort(([a], [b]) => compareCodeUnits(a, b))) {
      if (permissionLevel(name, access) === 'none') continue;
      if (set.accountOnly === true || ACCOUNT_PERMISSIONS.has(name)) {
        grants.push(grant([`${name}:${access}`], [set.accountResource], set.source));
        continue;
      }
      const orgScope = isOrgPermission(name);
      const resources = orgScope ? [set.orgResource] : set.repoResources;
      if (resources.length === 0) continue;
      // The grant stays as written; the rank is what the owner can really do with it.
      const capped = capByOwner(permissionRank(name, access, orgScope), owner);
      const on = orgScope ? 'organization' : repositoriesOf(resources);
      const entry: ReachEntry = {
        permission: `${name}:${access}`,
        rank: capped.rank,
        on,
        ...(capped.limit ? { limit: capped.limit } : {}),
      };
      // A repository permission is further capped by the owner's own permission on each repository.
      const split =
        ownerRepos && owner && !orgScope
          ? splitByOwnerRepos(entry, owner.login, ownerRepos)
          : { entries: [entry], notEvaluated: new Map<string, string[]>() };
      // A read permission cannot raise the rank: its owner's answer is not asked for.
      if (rankIndex(entry.rank) >= rankIndex('write')) {
        if ('unresolved' in split && split.unresolved) unresolved = true;
        for (const [reason, repos] of split.notEvaluated)
          for (const r of repos) unanswered.set(reason, (unanswered.get(reason) ?? new Set()).add(r));
      }
      entries.push(...split.entries);
      grants.push(grant([`${name}:${access}`], resources, set.source));
      for (const e of split.entries) {
        const level = rankLevel(e.rank);
        if (level !== 'admin' && level !== 'write') continue;
        const where =
          split.entries.length === 1
            ? resources
            : Array.isArray(e.on)
              ? e.on.map((r) => `repo:${repoOrg(resources)}/${r}`)
              : resources;
        reasons.push(
          `${name}:${access} on ${describeResources(where)} (${set.source})${e.limit ? `; ${e.limit}` : ''}`,
        );
        if (CODE_PERMISSIONS.has(name)) canChangeCode = true;
      }
    }
  }
  const ownerGaps = [...unanswered].map(
    ([reason, repos]) =>
      `the owner's own permission on ${repos.size} ${repos.size === 1 ? 'repository' : 'repositories'} (${[...repos].slice(0, 5).join(', ')}${repos.size > 5 ? ', …' : ''}): ${reason}; the permission counts as granted there`,
  );
  const reach = reachOf(
    entries,
    ownerRepos
      ? [...notEvaluated.filter((n) => n !== OWNER_REPOS || unresolved), ...ownerGaps]
      : notEvaluated,
  );
  const level = rankLevel(reach.rank);
  if (level === 'read')
    reasons.push(`read-only permissions (${[...new Set(sets.map((s) => s.source))].join(', ')})`);
  if (grants.some((g) => g.resources.some((r) => r.startsWith('user:'))))
    reasons.push(
      'account permissions act on a user account, not on the organisation: not counted in the level',
    );
  return { privilege: { level, grants, reasons, attached: [] }, canChangeCode, reach };
};

/** The organisation of `repo:<org>/…` resources. */
const repoOrg = (resources: readonly string[]): string => {
  const first = resources.find((r) => r.startsWith('repo:')) ?? 'repo:/';
  return first.slice(5, first.indexOf('/'));
};

/** Repository resources for an App installation or a PAT: all, a named subset, or an unnamed selection. */
export const repoResources = (
  org: string,
  selection: 'all' | 'selected' | 'subset' | 'none' | undefined,
  repos?: readonly string[],
): string[] => {
  if (selection === 'all') return [`repo:${org}/*`];
  if (selection === 'none') return [];
  // A list that was read is the reach, even when empty.
  if (repos) return repos.map((r) => `repo:${org}/${r}`);
  // GitHub does not tell an installation which repositories another installation selected.
  return [`repo:${org}/@selected`];
};

const UNLISTED_SELECTION =
  "which repositories are selected: GitHub lists an installation's repositories only to that installation";
const ROLE_UNKNOWN =
  "the owner's organisation role (members not listed): organisation permissions not capped";
const OWNER_REPOS =
  "the owner's own permission on each repository: a repository permission counts as granted wherever the selection reaches";

/**
 * An App installation: its permissions on all repositories, or on its selection (named when
 * `repos` was read: GET /installation/repositories, which only the installation itself may call).
 */
export const appInstallationPrivilege = (
  org: string,
  permissions: Record<string, string>,
  selection: 'all' | 'selected' | undefined,
  repos?: readonly string[],
): GithubPrivilege => {
  const resources = repoResources(org, selection, repos);
  return fromPermissionSets(
    [
      {
        permissions,
        repoResources: resources,
        orgResource: `org:${org}`,
        // Account permissions reach whichever user authorises the App.
        accountResource: 'user:*',
        source: 'installation-permissions',
      },
    ],
    undefined,
    resources.some((r) => r.endsWith('/@selected')) ? [UNLISTED_SELECTION] : [],
  );
};

const ownerNotEvaluated = (owner: OwnerAccess): string[] => [
  ...(owner.orgRole === undefined ? [ROLE_UNKNOWN] : []),
  // An org owner administers every repository: nothing left to cap.
  ...(owner.orgRole === 'admin' ? [] : [OWNER_REPOS]),
];

export const patPrivilege = (
  org: string,
  permissions: {
    organization?: Record<string, string>;
    repository?: Record<string, string>;
    other?: Record<string, string>;
  },
  selection: 'all' | 'subset' | 'none' | undefined,
  repos: readonly string[] | undefined,
  owner: string,
  /** The owner's organisation role, when the member listings were read. */
  ownerRole?: OwnerOrgRole,
  /** The owner's own permission on the repositories the token reaches, when read. */
  ownerRepos?: OwnerRepoAccess,
): GithubPrivilege => {
  const access: OwnerAccess = { login: owner, orgRole: ownerRole };
  return fromPermissionSets(
    [
      {
        permissions: permissions.organization ?? {},
        repoResources: [`org:${org}`],
        orgResource: `org:${org}`,
        accountResource: `user:${owner}`,
        source: 'pat-permissions.organization',
      },
      {
        permissions: permissions.repository ?? {},
        repoResources: repoResources(org, selection, repos),
        orgResource: `org:${org}`,
        accountResource: `user:${owner}`,
        source: 'pat-permissions.repository',
      },
      {
        permissions: permissions.other ?? {},
        repoResources: [`user:${owner}`],
        orgResource: `user:${owner}`,
        accountResource: `user:${owner}`,
        accountOnly: true,
        source: 'pat-permissions.other',
      },
    ],
    access,
    ownerNotEvaluated(access),
    ownerRepos,
  );
};

export const classicScopeRank = (scope: string): ReachRank => {
  if (CLASSIC_ORG_ADMIN_SCOPES.has(scope)) return 'org-admin';
  // delete_repo deletes any repository its user administers.
  if (scope === 'delete_repo') return 'repo-admin';
  if (CLASSIC_READ.has(scope) || scope.startsWith('read:')) return 'read';
  if (scope === 'workflow') return 'workflow-write';
  return 'write';
};

export const classicScopeLevel = (scope: string): PrivilegeLevel => rankLevel(classicScopeRank(scope));

/** Classic PAT / OAuth app token scopes: they reach every repository the user can, and no further. */
export const classicScopesPrivilege = (
  org: string,
  scopes: readonly string[],
  source: string,
  owner?: OwnerAccess,
): GithubPrivilege => {
  const grants: Grant[] = [];
  const reasons: string[] = [];
  const entries: ReachEntry[] = [];
  for (const scope of [...scopes].sort()) {
    // The repo scope carries all of its user's repository access: an org owner's administers every repository.
    const why =
      scope === 'repo' && owner?.orgRole === 'admin'
        ? `its user ${owner.login} is an organisation owner, and the repo scope carries the user's admin on every repository`
        : undefined;
    const capped = why ? { rank: 'repo-admin' as const } : capByOwner(classicScopeRank(scope), owner);
    const level = rankLevel(capped.rank);
    const orgScope = scope.includes('org') || scope.includes('enterprise');
    const resources = orgScope ? [`org:${org}`] : [`repo:${org}/*`];
    const note = capped.limit ?? why;
    entries.push({
      permission: `classic:${scope}`,
      rank: capped.rank,
      on: orgScope ? 'organization' : 'all',
      ...(capped.limit ? { limit: capped.limit } : {}),
      ...(why ? { why } : {}),
    });
    grants.push(grant([`classic:${scope}`], resources, source));
    if (level !== 'read')
      reasons.push(
        `classic scope ${scope} (${level}) on ${describeResources(resources)} (${source})${note ? `; ${note}` : ''}`,
      );
  }
  const reach = reachOf(entries, owner ? ownerNotEvaluated(owner) : []);
  const level = rankLevel(reach.rank);
  if (level === 'read') reasons.push(`read-only scopes (${source})`);
  return {
    privilege: { level, grants, reasons, attached: [] },
    canChangeCode: scopes.some((s) => CLASSIC_CODE.has(s)),
    reach,
  };
};

/**
 * Git over SSH (a user's SSH key, a deploy key with write access) is not subject to the
 * workflow check GitHub applies to tokens (a token needs the workflow scope or workflows
 * permission to change .github/workflows): write over SSH can change CI.
 */
const SSH_WRITE = 'git push over SSH is not limited by the workflow scope GitHub checks on tokens';

/** An SSH key authorised for SSO: git access to every repository its user can reach. */
export const sshKeyPrivilege = (org: string, owner: OwnerAccess): GithubPrivilege => ({
  privilege: {
    level: 'write',
    grants: [],
    reasons: [`SSH key: git access to every repository ${owner.login} can reach in ${org}`],
    attached: [],
  },
  canChangeCode: true,
  reach: reachOf(
    [{ permission: 'git:ssh', rank: 'workflow-write', on: 'all', why: SSH_WRITE }],
    ownerNotEvaluated(owner),
  ),
});

/** A write entry raised to bypass-write when the subject may bypass the default branch's rulesets. */
const bypassEntry = (entry: ReachEntry, bypass: BypassAnswer | undefined, who: string): ReachEntry => {
  const rank = withBypass(entry.rank, bypass);
  if (rank === entry.rank || !bypass || 'notEvaluated' in bypass) return entry;
  return {
    ...entry,
    rank,
    why: `${who} may bypass the ruleset${bypass.bypassed.length > 1 ? 's' : ''} ${bypass.bypassed.join(', ')} on the default branch: pushes reach it without their rules`,
  };
};

/** What is unknown of the bypass question: never read as "no bypass". */
const bypassNotEvaluated = (bypass: BypassAnswer | undefined, who: string): string[] => {
  if (bypass === undefined) return [`whether ${who} may bypass the default branch's rulesets: not read`];
  if ('notEvaluated' in bypass)
    return [`whether ${who} may bypass the default branch's rulesets: ${bypass.notEvaluated}`];
  return bypass.unknown.length > 0
    ? [
        `whether ${who} may bypass the ruleset${bypass.unknown.length > 1 ? 's' : ''} ${bypass.unknown.join(', ')} on the default branch: GitHub's answer did not include bypass_actors`,
      ]
    : [];
};

export const deployKeyPrivilege = (
  org: string,
  repo: string,
  readOnly: boolean | undefined,
  /** Rulesets on the default branch that deploy keys may bypass, when read (write keys only). */
  bypass?: BypassAnswer,
): GithubPrivilege => {
  const resources = [`repo:${org}/${repo}`];
  // GitHub omits read_only only on very old servers; treat the unknown as write (the worse case).
  const write = readOnly !== true;
  return {
    privilege: {
      level: write ? 'write' : 'read',
      grants: [
        grant(
          write ? ['contents:read', 'contents:write'] : ['contents:read'],
          resources,
          `deploy-key.read_only=${String(readOnly)}`,
        ),
      ],
      reasons: [
        write
          ? `deploy key with write access: can push to ${org}/${repo} (read_only=${String(readOnly)})`
          : `read-only deploy key on ${org}/${repo}`,
      ],
      attached: [],
    },
    canChangeCode: write,
    reach: reachOf(
      [
        write
          ? bypassEntry(
              { permission: 'contents:write', rank: 'workflow-write', on: [repo], why: SSH_WRITE },
              bypass,
              'deploy keys',
            )
          : { permission: 'contents:read', rank: 'read', on: [repo] },
      ],
      write ? bypassNotEvaluated(bypass, 'deploy keys') : [],
    ),
  };
};

/**
 * The default GITHUB_TOKEN: "write" is GitHub's permissive default (read and write for every
 * scope), "read" the restricted one (contents and packages read). GitHub never gives it the
 * workflows permission: it cannot change CI.
 */
export const workflowTokenPrivilege = (
  org: string,
  repo: string | undefined,
  defaultPermissions: 'read' | 'write',
): GithubPrivilege => {
  const resources = [repo === undefined ? `repo:${org}/*` : `repo:${org}/${repo}`];
  const source = `workflow-permissions:${repo === undefined ? 'organization' : 'repository'}`;
  const on = repositoriesOf(resources);
  if (defaultPermissions === 'write') {
    return {
      privilege: {
        level: 'write',
        grants: [grant(['*:write'], resources, source)],
        reasons: [
          `default GITHUB_TOKEN has read and write permissions on ${describeResources(resources)} (${source})`,
        ],
        attached: [],
      },
      canChangeCode: true,
      reach: reachOf([{ permission: '*:write', rank: 'write', on }], []),
    };
  }
  return {
    privilege: {
      level: 'read',
      grants: [grant(['contents:read', 'packages:read', 'metadata:read'], resources, source)],
      reasons: [`default GITHUB_TOKEN is read-only (${source})`],
      attached: [],
    },
    canChangeCode: false,
    reach: reachOf([{ permission: 'contents:read', rank: 'read', on }], []),
  };
};
