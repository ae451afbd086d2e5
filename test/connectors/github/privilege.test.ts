// GitHub permissions → the model's privilege level, grants and reasons.
import { describe, expect, it } from 'vitest';
import {
  appInstallationPrivilege,
  classicScopeLevel,
  classicScopesPrivilege,
  deployKeyPrivilege,
  patPrivilege,
  permissionLevel,
  workflowTokenPrivilege,
} from '../../../connectors/github/privilege.js';

describe('permissionLevel', () => {
  it.each([
    ['administration', 'write', 'admin'],
    ['organization_administration', 'write', 'admin'],
    ['enterprise_administration', 'write', 'admin'],
    ['administration', 'read', 'read'],
    ['contents', 'write', 'write'],
    ['organization_projects', 'admin', 'write'],
    ['metadata', 'read', 'read'],
    ['contents', 'none', 'none'],
  ] as const)('%s:%s is %s', (name, access, level) => {
    expect(permissionLevel(name, access)).toBe(level);
  });
});

describe('classicScopeLevel', () => {
  it.each([
    ['admin:org', 'admin'],
    ['delete_repo', 'admin'],
    ['repo', 'write'],
    ['workflow', 'write'],
    ['read:org', 'read'],
    ['read:packages', 'read'],
    ['user:email', 'read'],
  ] as const)('%s is %s', (scope, level) => {
    expect(classicScopeLevel(scope)).toBe(level);
  });
});

describe('privilege', () => {
  it('App installation on all repositories: repository permissions on repo:<org>/*, org ones on org:<org>', () => {
    const p = appInstallationPrivilege(
      'acme',
      { administration: 'write', members: 'read', metadata: 'read' },
      'all',
    );
    expect(p.canChangeCode).toBe(true);
    expect(p.privilege.level).toBe('admin');
    expect(p.privilege.grants.map((g) => [g.actions[0], g.resources])).toEqual([
      ['administration:write', ['repo:acme/*']],
      ['members:read', ['org:acme']],
      ['metadata:read', ['repo:acme/*']],
    ]);
    expect(p.privilege.reasons).toEqual([
      'administration:write on all repositories of acme (installation-permissions)',
    ]);
  });

  it('App account permissions act on the authorising user, not the org: grants kept, level not raised', () => {
    const p = appInstallationPrivilege(
      'acme',
      { metadata: 'read', profile: 'write', git_ssh_keys: 'write', email_addresses: 'read' },
      'all',
    );
    expect(p.privilege.level).toBe('read');
    expect(p.canChangeCode).toBe(false);
    expect(p.privilege.grants.map((g) => [g.actions[0], g.resources])).toEqual([
      ['email_addresses:read', ['user:*']],
      ['git_ssh_keys:write', ['user:*']],
      ['metadata:read', ['repo:acme/*']],
      ['profile:write', ['user:*']],
    ]);
    expect(p.privilege.reasons.join(' ')).not.toMatch(/profile:write on all repositories/);
  });

  it("a fine-grained PAT's other permissions alone do not make it a writer in the org", () => {
    const p = patPrivilege(
      'acme',
      { repository: { metadata: 'read' }, other: { gists: 'write', gpg_keys: 'write' } },
      'all',
      undefined,
      'hubot',
    );
    expect(p.privilege.level).toBe('read');
    expect(p.privilege.grants.map((g) => [g.actions[0], g.resources])).toEqual([
      ['metadata:read', ['repo:acme/*']],
      ['gists:write', ['user:hubot']],
      ['gpg_keys:write', ['user:hubot']],
    ]);
  });

  it('App on selected repositories: the selection is not named', () => {
    const p = appInstallationPrivilege('acme', { issues: 'write' }, 'selected');
    expect(p.privilege.grants[0]?.resources).toEqual(['repo:acme/@selected']);
    expect(p.canChangeCode).toBe(false);
  });

  it('fine-grained PAT on a subset names the repositories; "other" permissions apply to the owner', () => {
    const p = patPrivilege(
      'acme',
      { repository: { contents: 'write' }, other: { gists: 'write' } },
      'subset',
      ['api', 'web'],
      'hubot',
    );
    expect(p.privilege.grants.map((g) => [g.actions[0], g.resources, g.source])).toEqual([
      ['contents:write', ['repo:acme/api', 'repo:acme/web'], 'pat-permissions.repository'],
      ['gists:write', ['user:hubot'], 'pat-permissions.other'],
    ]);
    expect(p.privilege.level).toBe('write');
  });

  it('a read-only PAT says so', () => {
    const p = patPrivilege('acme', { organization: { members: 'read' } }, 'none', undefined, 'hubot');
    expect(p.privilege).toMatchObject({
      level: 'read',
      reasons: [
        'read-only permissions (pat-permissions.organization, pat-permissions.repository, pat-permissions.other)',
      ],
    });
  });

  it('classic scopes: admin:org is admin on the org, repo writes every repository', () => {
    const p = classicScopesPrivilege(
      'acme',
      ['repo', 'admin:org'],
      'credential-authorization:personal access token',
    );
    expect(p.privilege.level).toBe('admin');
    expect(p.privilege.grants.map((g) => [g.actions[0], g.resources])).toEqual([
      ['classic:admin:org', ['org:acme']],
      ['classic:repo', ['repo:acme/*']],
    ]);
    expect(p.canChangeCode).toBe(true);
  });

  it.each([
    [true, 'read', ['contents:read'], false],
    [false, 'write', ['contents:read', 'contents:write'], true],
    [undefined, 'write', ['contents:read', 'contents:write'], true],
  ] as const)('deploy key read_only=%s is %s', (readOnly, level, actions, canChangeCode) => {
    const p = deployKeyPrivilege('acme', 'api', readOnly);
    expect(p.privilege.level).toBe(level);
    expect(p.privilege.grants[0]).toMatchObject({ actions, resources: ['repo:acme/api'] });
    expect(p.canChangeCode).toBe(canChangeCode);
  });

  it('workflow token: write is every scope, read is contents and packages', () => {
    expect(workflowTokenPrivilege('acme', undefined, 'write').privilege).toMatchObject({
      level: 'write',
      grants: [{ actions: ['*:write'], resources: ['repo:acme/*'] }],
    });
    expect(workflowTokenPrivilege('acme', 'api', 'read').privilege).toMatchObject({
      level: 'read',
      grants: [
        { actions: ['contents:read', 'packages:read', 'metadata:read'], resources: ['repo:acme/api'] },
      ],
    });
  });
});
