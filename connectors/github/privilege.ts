// Normalises GitHub's many permission shapes (App installation permissions, fine-grained PAT
// permissions, classic OAuth scopes, a deploy key's read_only flag, the default GITHUB_TOKEN) to
// the model's privilege: a level none/read/write/admin, one grant per permission with the
// resources it covers ("repo:acme/*", "repo:acme/api", "org:acme"), and the reasons.
// Grant actions read "<permission>:<access>", e.g. "administration:write", "classic:repo".
import type { Grant, Privilege, PrivilegeLevel } from '../../src/model.js';
import { PRIVILEGE_ORDER } from '../../src/model.js';
import { compareCodeUnits } from '../../src/order.js';

/** Write on these administers the repository or the organisation: level admin. */
export const ADMIN_PERMISSIONS: ReadonlySet<string> = new Set([
  'administration',
  'organization_administration',
  'enterprise_administration',
]);

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

/** Classic scopes that administer an org or delete repositories. */
const CLASSIC_ADMIN = new Set(['admin:org', 'delete_repo', 'admin:enterprise', 'site_admin']);
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

const maxLevel = (levels: Iterable<PrivilegeLevel>): PrivilegeLevel => {
  let best = 0;
  for (const l of levels) best = Math.max(best, PRIVILEGE_ORDER.indexOf(l));
  return PRIVILEGE_ORDER[best] ?? 'none';
};

export const permissionLevel = (name: string, access: string): PrivilegeLevel => {
  const a = access.toLowerCase();
  if (a === 'read') return 'read';
  if (a === 'write' || a === 'admin') return ADMIN_PERMISSIONS.has(name) ? 'admin' : 'write';
  return 'none';
};

export interface GithubPrivilege {
  privilege: Privilege;
  /** Can push to a repository or change its workflows (for CC8.1). */
  canChangeCode: boolean;
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

const fromPermissionSets = (sets: readonly PermissionSet[]): GithubPrivilege => {
  const grants: Grant[] = [];
  const reasons: string[] = [];
  const levels: PrivilegeLevel[] = [];
  let canChangeCode = false;
  for (const set of sets) {
    for (const [name, access] of Object.entries(set.permissions).sort(([a], [b]) => compareCodeUnits(a, b))) {
      const level = permissionLevel(name, access);
      if (level === 'none') continue;
      if (set.accountOnly === true || ACCOUNT_PERMISSIONS.has(name)) {
        grants.push(grant([`${name}:${access}`], [set.accountResource], set.source));
        continue;
      }
      const resources = isOrgPermission(name) ? [set.orgResource] : set.repoResources;
      if (resources.length === 0) continue;
      levels.push(level);
      grants.push(grant([`${name}:${access}`], resources, set.source));
      if (level === 'admin' || level === 'write') {
        reasons.push(`${name}:${access} on ${describeResources(resources)} (${set.source})`);
        if (CODE_PERMISSIONS.has(name)) canChangeCode = true;
      }
    }
  }
  const level = maxLevel(levels);
  if (level === 'read')
    reasons.push(`read-only permissions (${[...new Set(sets.map((s) => s.source))].join(', ')})`);
  if (grants.some((g) => g.resources.some((r) => r.startsWith('user:'))))
    reasons.push(
      'account permissions act on a user account, not on the organisation: not counted in the level',
    );
  return { privilege: { level, grants, reasons, attached: [] }, canChangeCode };
};

/** Repository resources for an App installation or a PAT: all, a named subset, or an unnamed selection. */
export const repoResources = (
  org: string,
  selection: 'all' | 'selected' | 'subset' | 'none' | undefined,
  repos?: readonly string[],
): string[] => {
  if (selection === 'all') return [`repo:${org}/*`];
  if (selection === 'none') return [];
  if (repos && repos.length > 0) return repos.map((r) => `repo:${org}/${r}`);
  // GitHub does not tell an installation which repositories another installation selected.
  return [`repo:${org}/@selected`];
};

export const appInstallationPrivilege = (
  org: string,
  permissions: Record<string, string>,
  selection: 'all' | 'selected' | undefined,
): GithubPrivilege =>
  fromPermissionSets([
    {
      permissions,
      repoResources: repoResources(org, selection),
      orgResource: `org:${org}`,
      // Account permissions reach whichever user authorises the App.
      accountResource: 'user:*',
      source: 'installation-permissions',
    },
  ]);

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
): GithubPrivilege =>
  fromPermissionSets([
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
  ]);

export const classicScopeLevel = (scope: string): PrivilegeLevel => {
  if (CLASSIC_ADMIN.has(scope)) return 'admin';
  if (CLASSIC_READ.has(scope) || scope.startsWith('read:')) return 'read';
  return 'write';
};

/** Classic PAT / OAuth app token scopes: they reach every repository the user can. */
export const classicScopesPrivilege = (
  org: string,
  scopes: readonly string[],
  source: string,
): GithubPrivilege => {
  const grants: Grant[] = [];
  const reasons: string[] = [];
  const levels: PrivilegeLevel[] = [];
  for (const scope of [...scopes].sort()) {
    const level = classicScopeLevel(scope);
    levels.push(level);
    const resources =
      scope.includes('org') || scope.includes('enterprise') ? [`org:${org}`] : [`repo:${org}/*`];
    grants.push(grant([`classic:${scope}`], resources, source));
    if (level !== 'read')
      reasons.push(`classic scope ${scope} (${level}) on ${describeResources(resources)} (${source})`);
  }
  const level = maxLevel(levels);
  if (level === 'read') reasons.push(`read-only scopes (${source})`);
  return {
    privilege: { level, grants, reasons, attached: [] },
    canChangeCode: scopes.some((s) => CLASSIC_CODE.has(s)),
  };
};

export const deployKeyPrivilege = (
  org: string,
  repo: string,
  readOnly: boolean | undefined,
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
  };
};

/**
 * The default GITHUB_TOKEN: "write" is GitHub's permissive default (read and write for every
 * scope), "read" the restricted one (contents and packages read).
 */
export const workflowTokenPrivilege = (
  org: string,
  repo: string | undefined,
  defaultPermissions: 'read' | 'write',
): GithubPrivilege => {
  const resources = [repo === undefined ? `repo:${org}/*` : `repo:${org}/${repo}`];
  const source = `workflow-permissions:${repo === undefined ? 'organization' : 'repository'}`;
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
  };
};
