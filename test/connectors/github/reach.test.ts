// GitHub effective reach: permissions ∩ repositories ∩ the owner's own access, ranked org admin >
// repository admin > workflow write > write > read (connectors/github/reach.ts, privilege.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appInstallationPrivilege,
  classicScopesPrivilege,
  deployKeyPrivilege,
  patPrivilege,
  sshKeyPrivilege,
  workflowTokenPrivilege,
} from '../../../connectors/github/privilege.js';
import { type OwnerOrgRole, type ReachRank, rankIndex } from '../../../connectors/github/reach.js';
import { PRIVILEGE_ORDER } from '../../../src/model.js';

type PatPermissions = Parameters<typeof patPrivilege>[1];

describe('effective reach: table', () => {
  it.each<{
    name: string;
    permissions: PatPermissions;
    role: OwnerOrgRole | undefined;
    level: string;
    rank: ReachRank;
    limited: boolean;
  }>([
    {
      name: 'admin permissions, owner a member: not admin',
      permissions: { organization: { organization_administration: 'write', members: 'write' } },
      role: 'member',
      level: 'write',
      rank: 'write',
      limited: true,
    },
    {
      name: 'admin permissions, owner an org owner: org admin',
      permissions: { organization: { organization_administration: 'write' } },
      role: 'admin',
      level: 'admin',
      rank: 'org-admin',
      limited: false,
    },
    {
      name: 'admin permissions, owner not a member: not admin',
      permissions: { organization: { members: 'write' } },
      role: 'not_member',
      level: 'write',
      rank: 'write',
      limited: true,
    },
    {
      name: 'admin permissions, owner role unknown: not capped (the nominal level stands)',
      permissions: { organization: { organization_administration: 'write' } },
      role: undefined,
      level: 'admin',
      rank: 'org-admin',
      limited: false,
    },
    {
      name: 'repository administration: repository admin (not capped by the org role)',
      permissions: { repository: { administration: 'write', contents: 'write' } },
      role: 'member',
      level: 'admin',
      rank: 'repo-admin',
      limited: false,
    },
    {
      name: 'workflows write ranks above contents write',
      permissions: { repository: { workflows: 'write', contents: 'write' } },
      role: 'member',
      level: 'write',
      rank: 'workflow-write',
      limited: false,
    },
    {
      name: 'read only',
      permissions: { repository: { contents: 'read' }, organization: { members: 'read' } },
      role: 'member',
      level: 'read',
      rank: 'read',
      limited: false,
    },
  ])('fine-grained PAT: $name', ({ permissions, role, level, rank, limited }) => {
    const p = patPrivilege('acme', permissions, 'all', undefined, 'hubot', role);
    expect(p.privilege.level).toBe(level);
    expect(p.reach.rank).toBe(rank);
    expect(p.reach.limits.length > 0).toBe(limited);
    if (limited) {
      expect(p.reach.limits.join(' ')).toMatch(/owner hubot is .*cannot administer the organisation/);
      expect(p.privilege.reasons.join(' ')).toMatch(/cannot administer the organisation beyond its user/);
      // The grant is kept as written: only the level and rank are capped.
      expect(p.privilege.grants.some((g) => g.actions[0]?.endsWith(':write'))).toBe(true);
    }
    if (role === undefined)
      expect(p.reach.notEvaluated.join(' ')).toMatch(/organisation role \(members not listed\)/);
  });

  it('installation on 2 selected repositories with workflows:write: workflow write on exactly those', () => {
    const p = appInstallationPrivilege('acme', { workflows: 'write', metadata: 'read' }, 'selected', [
      'api',
      'web',
    ]);
    expect(p.privilege.level).toBe('write');
    expect(p.reach.rank).toBe('workflow-write');
    expect(p.reach.permissions).toEqual([
      { permission: 'workflows:write', rank: 'workflow-write', on: ['api', 'web'] },
    ]);
    expect(p.privilege.grants.find((g) => g.actions[0] === 'workflows:write')?.resources).toEqual([
      'repo:acme/api',
      'repo:acme/web',
    ]);
    expect(p.reach.notEvaluated).toEqual([]);
  });

  it('installation on all repositories with contents:write: write on all', () => {
    const p = appInstallationPrivilege('acme', { contents: 'write' }, 'all');
    expect(p.privilege.level).toBe('write');
    expect(p.reach).toEqual({
      rank: 'write',
      permissions: [{ permission: 'contents:write', rank: 'write', on: 'all' }],
      limits: [],
      notEvaluated: [],
    });
  });

  it('installation on a selection GitHub did not list: "selected (not listed)", a fact, not "none"', () => {
    const p = appInstallationPrivilege('acme', { contents: 'write' }, 'selected');
    expect(p.reach.rank).toBe('write');
    expect(p.reach.permissions[0]?.on).toBe('selected (not listed)');
    expect(p.reach.notEvaluated.join(' ')).toMatch(
      /lists an installation's repositories only to that installation/,
    );
  });

  it('installation whose selection was read and is empty reaches no repository', () => {
    const p = appInstallationPrivilege('acme', { contents: 'write', members: 'read' }, 'selected', []);
    expect(p.reach.rank).toBe('read');
    expect(p.privilege.level).toBe('read');
  });

  it('members:write of an installation is org admin', () => {
    expect(appInstallationPrivilege('acme', { members: 'write' }, 'all').reach.rank).toBe('org-admin');
  });

  it.each<[string, OwnerOrgRole | undefined, string, ReachRank]>([
    ['member', 'member', 'write', 'write'],
    ['org owner', 'admin', 'admin', 'org-admin'],
    ['outside collaborator', 'outside_collaborator', 'write', 'write'],
    ['unknown role', undefined, 'admin', 'org-admin'],
  ])('classic admin:org of a %s', (_, orgRole, level, rank) => {
    const p = classicScopesPrivilege('acme', ['admin:org', 'read:user'], 'scan-token', {
      login: 'hubot',
      orgRole,
    });
    expect(p.privilege.level).toBe(level);
    expect(p.reach.rank).toBe(rank);
  });

  it.each<[string, OwnerOrgRole | undefined, string, ReachRank]>([
    ['org owner', 'admin', 'admin', 'repo-admin'],
    ['member', 'member', 'write', 'write'],
    ['unknown role', undefined, 'write', 'write'],
  ])('classic repo scope of a %s: the user’s own repository access', (_, orgRole, level, rank) => {
    const p = classicScopesPrivilege('acme', ['repo'], 'credential-authorization:personal access token', {
      login: 'octocat',
      orgRole,
    });
    expect(p.privilege.level).toBe(level);
    expect(p.reach.rank).toBe(rank);
    if (orgRole === 'admin') expect(p.reach.permissions[0]?.why).toMatch(/octocat is an organisation owner/);
  });

  it('classic scopes: a less powerful owner never raises the rank', () => {
    const scopes = ['repo', 'admin:org', 'workflow', 'delete_repo', 'read:org', 'public_repo'];
    fc.assert(
      fc.property(fc.subarray(scopes), fc.constantFrom(...ROLE_ORDER.slice(2)), (picked, lower) => {
        for (const broad of [undefined, 'admin'] as const) {
          const a = classicScopesPrivilege('acme', picked, 's', { login: 'u', orgRole: broad });
          const b = classicScopesPrivilege('acme', picked, 's', { login: 'u', orgRole: lower });
          expect(rankIndex(b.reach.rank)).toBeLessThanOrEqual(rankIndex(a.reach.rank));
        }
      }),
    );
  });

  it('classic workflow scope ranks workflow write; delete_repo repository admin', () => {
    expect(classicScopesPrivilege('acme', ['repo', 'workflow'], 's').reach.rank).toBe('workflow-write');
    expect(classicScopesPrivilege('acme', ['repo', 'delete_repo'], 's').reach.rank).toBe('repo-admin');
    expect(classicScopesPrivilege('acme', ['repo'], 's').reach.rank).toBe('write');
  });

  it('git over SSH (deploy key with write, SSO SSH key) can change workflows; the GITHUB_TOKEN cannot', () => {
    expect(deployKeyPrivilege('acme', 'api', false).reach.permissions).toEqual([
      expect.objectContaining({ permission: 'contents:write', rank: 'workflow-write', on: ['api'] }),
    ]);
    expect(deployKeyPrivilege('acme', 'api', true).reach.rank).toBe('read');
    expect(sshKeyPrivilege('acme', { login: 'hubot', orgRole: 'member' }).reach.rank).toBe('workflow-write');
    expect(workflowTokenPrivilege('acme', undefined, 'write').reach.rank).toBe('write');
  });
});

// Restrictions: a less powerful owner, a narrower repository selection. None may raise the rank
// or the level.
const REPO_PERMISSIONS = ['contents', 'workflows', 'administration', 'issues', 'pull_requests', 'secrets'];
const ORG_PERMISSIONS = [
  'organization_administration',
  'members',
  'organization_secrets',
  'organization_hooks',
];
const ACCESS = ['read', 'write', 'admin', 'none'];
const REPOS = ['api', 'web', 'infra', 'docs'];
const ROLE_ORDER: (OwnerOrgRole | undefined)[] = [
  undefined,
  'admin',
  'member',
  'outside_collaborator',
  'not_member',
];

const permissionsArb = (names: string[]) =>
  fc.dictionary(fc.constantFrom(...names), fc.constantFrom(...ACCESS), { maxKeys: names.length });

describe('effective reach: properties', () => {
  it('adding a restriction (owner role, narrower selection) never raises the rank or the level', () => {
    fc.assert(
      fc.property(
        permissionsArb(ORG_PERMISSIONS),
        permissionsArb(REPO_PERMISSIONS),
        fc.subarray(REPOS),
        fc.subarray(REPOS),
        fc.constantFrom(...ROLE_ORDER),
        fc.constantFrom(...ROLE_ORDER.slice(2)),
        (organization, repository, wide, narrowPick, broadRole, narrowRole) => {
          const narrow = wide.filter((r) => narrowPick.includes(r));
          const perms = { organization, repository };
          const pairs: [ReturnType<typeof patPrivilege>, ReturnType<typeof patPrivilege>][] = [
            // all → subset, subset → narrower subset
            [
              patPrivilege('acme', perms, 'all', undefined, 'u', broadRole),
              patPrivilege('acme', perms, 'subset', wide, 'u', broadRole),
            ],
            [
              patPrivilege('acme', perms, 'subset', wide, 'u', broadRole),
              patPrivilege('acme', perms, 'subset', narrow, 'u', broadRole),
            ],
            // an owner (or an unknown role) → a member, an outside collaborator, not a member
            [
              patPrivilege(
                'acme',
                perms,
                'all',
                undefined,
                'u',
                broadRole === undefined ? undefined : 'admin',
              ),
              patPrivilege('acme', perms, 'all', undefined, 'u', narrowRole),
            ],
            [
              patPrivilege('acme', perms, 'subset', wide, 'u', undefined),
              patPrivilege('acme', perms, 'subset', wide, 'u', narrowRole),
            ],
          ];
          for (const [broad, restricted] of pairs) {
            expect(rankIndex(restricted.reach.rank)).toBeLessThanOrEqual(rankIndex(broad.reach.rank));
            expect(PRIVILEGE_ORDER.indexOf(restricted.privilege.level)).toBeLessThanOrEqual(
              PRIVILEGE_ORDER.indexOf(broad.privilege.level),
            );
          }
          const installation = { ...organization, ...repository };
          const all = appInstallationPrivilege('acme', installation, 'all');
          const some = appInstallationPrivilege('acme', installation, 'selected', narrow);
          const unlisted = appInstallationPrivilege('acme', installation, 'selected');
          for (const p of [some, unlisted])
            expect(rankIndex(p.reach.rank)).toBeLessThanOrEqual(rankIndex(all.reach.rank));
        },
      ),
    );
  });

  it('the level is always the level of the rank, and the order of permissions never changes it', () => {
    fc.assert(
      fc.property(permissionsArb(REPO_PERMISSIONS), fc.constantFrom(...ROLE_ORDER), (repository, role) => {
        const reversed = Object.fromEntries(Object.entries(repository).reverse());
        const a = patPrivilege('acme', { repository }, 'all', undefined, 'u', role);
        const b = patPrivilege('acme', { repository: reversed }, 'all', undefined, 'u', role);
        expect(b.reach).toEqual(a.reach);
        expect(b.privilege.level).toBe(a.privilege.level);
      }),
    );
  });
});
