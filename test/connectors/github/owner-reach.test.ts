// Effective reach, the owner's own permission per repository: a fine-grained token cannot do more
// on a repository than its user (GET /repos/{owner}/{repo}/collaborators/{username}/permission).
// Pure cases first (privilege.ts, reach.ts), then the connector through the real Octokit and nock:
// the org-owner shortcut, the per-scan call limit, the cache, and a 403 as a gap.
import fc from 'fast-check';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { patPrivilege } from '../../../connectors/github/privilege.js';
import {
  type OwnerRepoAnswer,
  type ReachRank,
  type RepoPermission,
  capByOwnerRepo,
  rankIndex,
} from '../../../connectors/github/reach.js';
import { PRIVILEGE_ORDER } from '../../../src/model.js';
import {
  API,
  APP_ID,
  APP_KEY_ENV,
  INSTALLATION_TOKEN,
  NO_FEATURES,
  ORG,
  appKeys,
  collect,
  fixture,
  mockAppInstallation,
} from './harness.js';

const answers = (m: Record<string, OwnerRepoAnswer>) => ({ repos: new Map(Object.entries(m)) });

describe("owner's repository permission caps a fine-grained token", () => {
  // token permission × the owner's permission on the one repository it reaches.
  const TOKEN: Record<string, [Record<string, string>, ReachRank]> = {
    read: [{ contents: 'read' }, 'read'],
    write: [{ contents: 'write' }, 'write'],
    workflows: [{ workflows: 'write', contents: 'write' }, 'workflow-write'],
    admin: [{ administration: 'write' }, 'repo-admin'],
  };
  const EXPECTED: Record<string, Record<RepoPermission, ReachRank>> = {
    read: { admin: 'read', write: 'read', read: 'read', none: 'none' },
    write: { admin: 'write', write: 'write', read: 'read', none: 'none' },
    workflows: { admin: 'workflow-write', write: 'workflow-write', read: 'read', none: 'none' },
    // A user without the admin role administers nothing: write at most.
    admin: { admin: 'repo-admin', write: 'write', read: 'read', none: 'none' },
  };
  const cases = Object.entries(EXPECTED).flatMap(([token, byOwner]) =>
    Object.entries(byOwner).map(([owner, rank]) => ({ token, owner: owner as RepoPermission, rank })),
  );

  it.each(cases)('token $token, owner $owner on api → $rank', ({ token, owner, rank }) => {
    const [repository, nominal] = TOKEN[token] ?? [{}, 'none'];
    const p = patPrivilege(
      'acme',
      { repository },
      'subset',
      ['api'],
      'hubot',
      'member',
      answers({ api: { permission: owner } }),
    );
    expect(p.reach.rank).toBe(rank);
    expect(p.privilege.level).toBe(
      rank === 'repo-admin' ? 'admin' : rank === 'workflow-write' ? 'write' : rank,
    );
    // The owner's answer was read: the generic "not evaluated" line is gone.
    expect(p.reach.notEvaluated.join(' ')).not.toMatch(/owner's own permission/);
    if (rank !== nominal) {
      expect(p.reach.limits.join(' ')).toMatch(new RegExp(`its owner hubot has ${owner} on api`));
      // The grant stays as written; only the rank and level are capped.
      expect(p.privilege.grants.map((g) => g.actions[0])).toEqual(
        Object.entries(repository)
          .map(([n, a]) => `${n}:${a}`)
          .sort(),
      );
    } else expect(p.reach.limits).toEqual([]);
    expect(p.canChangeCode).toBe(rankIndex(rank) >= rankIndex('write') && token !== 'read');
  });

  it('splits a selection by the owner’s answers: write where the owner writes, read elsewhere', () => {
    const p = patPrivilege(
      'acme',
      { repository: { contents: 'write' } },
      'subset',
      ['api', 'web', 'infra'],
      'hubot',
      'member',
      answers({
        api: { permission: 'write', roleName: 'maintain' },
        web: { permission: 'read' },
        infra: { permission: 'admin' },
      }),
    );
    expect(p.reach.rank).toBe('write');
    expect(p.reach.permissions).toEqual([
      { permission: 'contents:write', rank: 'write', on: ['api', 'infra'] },
      {
        permission: 'contents:write',
        rank: 'read',
        on: ['web'],
        limit: 'its owner hubot has read on web: counted as read',
      },
    ]);
    expect(p.privilege.reasons.join(' ')).toMatch(/contents:write on repo:acme\/api, repo:acme\/infra/);
  });

  it('expands "all" with the organisation’s repositories', () => {
    const p = patPrivilege(
      'acme',
      { repository: { administration: 'write' } },
      'all',
      undefined,
      'hubot',
      'member',
      { ...answers({ api: { permission: 'read' }, web: { permission: 'none' } }), all: ['api', 'web'] },
    );
    expect(p.reach.rank).toBe('read');
    expect(p.privilege.level).toBe('read');
  });

  it('an unanswered repository keeps the nominal rank and says why: unknown is not "no access"', () => {
    const p = patPrivilege(
      'acme',
      { repository: { contents: 'write' } },
      'subset',
      ['api', 'web'],
      'hubot',
      'member',
      answers({
        api: { permission: 'none' },
        web: { notEvaluated: 'not read (access_denied, needs metadata=read)' },
      }),
    );
    expect(p.reach.rank).toBe('write');
    expect(p.reach.notEvaluated).toContain(
      "the owner's own permission on 1 repository (web): not read (access_denied, needs metadata=read); the permission counts as granted there",
    );
  });

  it('without answers, nothing changes (the generic "not evaluated" line stays)', () => {
    const p = patPrivilege(
      'acme',
      { repository: { contents: 'write' } },
      'subset',
      ['api'],
      'hubot',
      'member',
    );
    expect(p.reach.rank).toBe('write');
    expect(p.reach.notEvaluated.join(' ')).toMatch(/the owner's own permission on each repository/);
  });

  const PERMS: RepoPermission[] = ['none', 'read', 'write', 'admin'];
  const REPOS = ['api', 'web', 'infra'];
  const ACCESS = ['read', 'write', 'none'];
  const NAMES = ['contents', 'workflows', 'administration', 'issues', 'secrets'];

  it('property: an owner restriction (an answer, or a lower one) never raises the rank or the level', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...NAMES), fc.constantFrom(...ACCESS)),
        fc.subarray(REPOS, { minLength: 1 }),
        fc.array(fc.constantFrom(...PERMS), { minLength: REPOS.length, maxLength: REPOS.length }),
        fc.array(fc.nat(3), { minLength: REPOS.length, maxLength: REPOS.length }),
        (repository, selected, high, drops) => {
          const hi = new Map(REPOS.map((r, i) => [r, { permission: high[i] ?? 'none' }] as const));
          const lo = new Map(
            REPOS.map((r, i) => {
              const at = Math.max(0, PERMS.indexOf(high[i] ?? 'none') - (drops[i] ?? 0));
              return [r, { permission: PERMS[at] ?? 'none' }] as const;
            }),
          );
          const pat = (a?: { repos: Map<string, OwnerRepoAnswer> }) =>
            patPrivilege('acme', { repository }, 'subset', selected, 'u', 'member', a);
          const none = pat();
          const broad = pat({ repos: hi });
          const narrow = pat({ repos: lo });
          for (const [wide, restricted] of [
            [none, broad],
            [broad, narrow],
            [none, narrow],
          ] as const) {
            expect(rankIndex(restricted.reach.rank)).toBeLessThanOrEqual(rankIndex(wide.reach.rank));
            expect(PRIVILEGE_ORDER.indexOf(restricted.privilege.level)).toBeLessThanOrEqual(
              PRIVILEGE_ORDER.indexOf(wide.privilege.level),
            );
          }
        },
      ),
    );
  });

  it('capByOwnerRepo never exceeds the nominal rank', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<ReachRank>('none', 'read', 'write', 'workflow-write', 'repo-admin'),
        fc.constantFrom(...PERMS),
        (rank, permission) => {
          expect(rankIndex(capByOwnerRepo(rank, permission))).toBeLessThanOrEqual(rankIndex(rank));
        },
      ),
    );
  });
});

// ---- the connector: which calls, how many, and what a refusal says ----

const grantOf = (
  id: number,
  owner: string,
  selection: 'all' | 'subset',
  repository: Record<string, string>,
) => {
  const [, example] = fixture('pat-grants.json') as Record<string, unknown>[];
  const user = fixture('members-members.json') as Record<string, unknown>[];
  return {
    ...example,
    id,
    token_id: id + 1000,
    token_name: `token-${id}`,
    owner: { ...user[0], login: owner },
    repository_selection: selection,
    permissions: { repository },
  };
};

const appConfig = (extra: Record<string, unknown> = {}) => ({
  orgs: [ORG],
  auth: { type: 'app' as const, appId: Number(APP_ID), privateKeyEnv: APP_KEY_ENV },
  features: { ...NO_FEATURES, members: true, patGrants: true },
  ...extra,
});

const scope = () => {
  const gh = nock(API, {
    reqheaders: { authorization: (v) => v === INSTALLATION_TOKEN || v.startsWith('bearer ') },
  });
  mockAppInstallation(gh);
  gh.get(`/orgs/${ORG}/members`)
    .query({ role: 'admin', per_page: 100 })
    .reply(200, fixture('members-admins.json'))
    .get(`/orgs/${ORG}/members`)
    .query({ role: 'member', per_page: 100 })
    .reply(200, fixture('members-members.json'))
    .get(`/orgs/${ORG}/outside_collaborators`)
    .query({ per_page: 100 })
    .reply(200, []);
  return gh;
};

const repoList = (names: string[]) => {
  const [example] = fixture('pat-grant-repositories.json') as Record<string, unknown>[];
  return names.map((name, i) => ({ ...example, id: 500 + i, name, full_name: `${ORG}/${name}` }));
};

const permissionPath = (repo: string, user: string) =>
  `/repos/${ORG}/${repo}/collaborators/${user}/permission`;

beforeEach(() => {
  process.env[APP_KEY_ENV] = appKeys.privateKey;
});
afterEach(() => {
  Reflect.deleteProperty(process.env, APP_KEY_ENV);
});

describe('GitHub connector: the owner’s own repository permission', () => {
  it('asks once per (repository, user), never for an org owner, and caps the token', async () => {
    const gh = scope();
    gh.get(`/orgs/${ORG}/personal-access-tokens`)
      .query({ per_page: 100 })
      .reply(200, [
        grantOf(1, 'hubot', 'subset', { contents: 'write' }),
        grantOf(2, 'hubot', 'subset', { workflows: 'write' }),
        // octocat is an org owner: administers every repository, no call.
        grantOf(3, 'octocat', 'subset', { administration: 'write' }),
      ]);
    for (const id of [1, 2, 3])
      gh.get(`/orgs/${ORG}/personal-access-tokens/${id}/repositories`)
        .query({ per_page: 100 })
        .reply(200, repoList(['deploy-tools']));
    // One answer for both of hubot's tokens: cached for the scan.
    gh.get(permissionPath('deploy-tools', 'hubot'))
      .once()
      .reply(200, fixture('collaborator-permission-read.json'));
    const run = await collect(appConfig());
    expect(run.gaps).toEqual([]);
    const reach = (id: number) =>
      run.byUid.get(`github:${ORG}/pat/${id}`)?.attributes.reach as {
        rank: string;
        limits: string[];
        notEvaluated: string[];
      };
    expect(reach(1).rank).toBe('read');
    expect(reach(2).rank).toBe('read');
    expect(reach(1).limits).toEqual([
      'contents:write: its owner hubot has read on deploy-tools: counted as read',
    ]);
    expect(reach(3)).toMatchObject({ rank: 'repo-admin', limits: [], notEvaluated: [] });
  });

  it('stops at reachCallLimit: the rest is "not evaluated" with the count, never "no access"', async () => {
    const gh = scope();
    gh.get(`/orgs/${ORG}/personal-access-tokens`)
      .query({ per_page: 100 })
      .reply(200, [grantOf(1, 'hubot', 'subset', { contents: 'write' })]);
    gh.get(`/orgs/${ORG}/personal-access-tokens/1/repositories`)
      .query({ per_page: 100 })
      .reply(200, repoList(['a-repo', 'b-repo', 'c-repo']));
    gh.get(permissionPath('a-repo', 'hubot')).reply(200, fixture('collaborator-permission-none.json'));
    const run = await collect(appConfig({ reachCallLimit: 1 }));
    const identity = run.byUid.get(`github:${ORG}/pat/1`);
    expect(identity?.privilege?.level).toBe('write');
    expect(identity?.attributes.reach).toMatchObject({
      rank: 'write',
      notEvaluated: [
        "the owner's own permission on 2 repositories (b-repo, c-repo): not asked: the limit of 1 effective-reach calls (providers.github.reachCallLimit) was reached; the permission counts as granted there",
      ],
    });
    expect(run.gaps).toEqual([
      expect.objectContaining({
        code: 'partial_data',
        call: 'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
        message: expect.stringMatching(/2 \(repository, user\) pairs or rulesets not asked after 1 calls/),
      }),
    ]);
  });

  it('a 403 is a gap naming the permission, the reach says "not evaluated", and the rest is not tried', async () => {
    const gh = scope();
    gh.get(`/orgs/${ORG}/personal-access-tokens`)
      .query({ per_page: 100 })
      .reply(200, [grantOf(1, 'hubot', 'all', { contents: 'write' })]);
    gh.get(`/orgs/${ORG}/repos`)
      .query({ type: 'all', per_page: 100 })
      .reply(200, repoList(['a-repo', 'b-repo']));
    gh.get(permissionPath('a-repo', 'hubot')).reply(403, fixture('error-403-integration.json'), {
      'x-accepted-github-permissions': 'metadata=read',
    });
    const run = await collect(
      appConfig({ features: { ...NO_FEATURES, members: true, patGrants: true, repositories: true } }),
    );
    const reach = run.byUid.get(`github:${ORG}/pat/1`)?.attributes.reach as {
      rank: string;
      notEvaluated: string[];
    };
    expect(reach.rank).toBe('write');
    expect(reach.notEvaluated.join('\n')).toMatch(
      /own permission on 1 repository \(a-repo\): not read \(access_denied, needs metadata=read\)/,
    );
    expect(reach.notEvaluated.join('\n')).toMatch(
      /1 repository \(b-repo\): not asked: GitHub refused the call/,
    );
    expect(run.gaps).toEqual([
      expect.objectContaining({
        code: 'access_denied',
        call: 'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
        permission: 'metadata=read',
      }),
    ]);
  });
});
