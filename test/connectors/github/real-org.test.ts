// What real organisations do that a tidy fixture org does not: an App or token limited to some
// repositories among public ones it was not given, SAML SSO refusing an unauthorised token, a
// suspended installation, a listing without `total_count`, a 409 Octokit's paginator reads as an
// empty list, a scanning token whose user is not a member, and outside collaborators who own
// credentials. Each case goes through the real Octokit against nock, with fixtures validated by
// contract.test.ts.
import { findingUid } from '../../../src/evaluate.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ownership } from '../../../policies/ownership.js';
import type { Identity } from '../../../src/model.js';
import { evaluate } from '../../policies/run-cases.js';
import {
  API,
  APP_ID,
  APP_KEY_ENV,
  EMPTY_SECRETS,
  NO_FEATURES,
  ORG,
  TOKEN_ENV,
  appKeys,
  collect,
  fixture,
  mockAppInstallation,
  mockUser,
} from './harness.js';

const TOKEN = 'github_pat_11AAAAAAA0ExampleOnlyNotAToken';

const appConfig = (extra: Record<string, unknown> = {}) => ({
  orgs: [ORG],
  auth: { type: 'app' as const, appId: Number(APP_ID), privateKeyEnv: APP_KEY_ENV },
  ...extra,
});
const tokenConfig = (extra: Record<string, unknown> = {}) => ({
  orgs: [ORG],
  auth: { type: 'token' as const, tokenEnv: TOKEN_ENV },
  ...extra,
});

beforeEach(() => {
  process.env[APP_KEY_ENV] = appKeys.privateKey;
  process.env[TOKEN_ENV] = TOKEN;
});
afterEach(() => {
  Reflect.deleteProperty(process.env, APP_KEY_ENV);
  Reflect.deleteProperty(process.env, TOKEN_ENV);
});

// Hello-World (public), deploy-tools (private), website (public).
const repos = fixture('repos.json') as { name: string }[];
// A repository where a write deploy key was listed: its rulesets are read (bypass); none here.
const noRulesets = (scope: nock.Scope, repo: string): void => {
  scope.get(`/repos/${ORG}/${repo}/rulesets`).query({ per_page: 100 }).reply(200, []);
};
const denied = (scope: nock.Scope, path: string): void => {
  scope.get(path).query({ per_page: 100 }).reply(403, fixture('error-403-integration.json'), {
    'x-accepted-github-permissions': 'administration=read',
  });
};

describe('a denial on a public repository outside the selection', () => {
  it('App on selected repositories: does not stop the calls on the repositories it was given', async () => {
    const gh = nock(API);
    mockAppInstallation(gh, 'org-installation-selected.json');
    gh.get(`/orgs/${ORG}/repos`).query({ type: 'all', per_page: 100 }).reply(200, repos);
    // The two public repositories are listed (public) but not selected: 403 naming the permission.
    denied(gh, `/repos/${ORG}/Hello-World/keys`);
    gh.get(`/repos/${ORG}/deploy-tools/keys`)
      .query({ per_page: 100 })
      .reply(200, fixture('deploy-keys.json'));
    noRulesets(gh, 'deploy-tools');
    denied(gh, `/repos/${ORG}/website/keys`);
    const run = await collect(
      appConfig({ features: { ...NO_FEATURES, repositories: true, deployKeys: true } }),
      1,
    );
    expect(run.identities.map((i) => i.uid)).toEqual([
      `github:${ORG}/deploy-tools/deploy-key/1`,
      `github:${ORG}/deploy-tools/deploy-key/2`,
    ]);
    expect(run.gaps).toEqual([
      expect.objectContaining({
        code: 'access_denied',
        call: 'GET /repos/{owner}/{repo}/keys',
        permission: 'administration=read',
        message: expect.stringContaining('on 2 repositories: Hello-World, website'),
      }),
    ]);
    expect(run.gaps[0]!.message).not.toContain('not tried');
  });

  it('token: a denial on a private repository holds for all, and stops asking', async () => {
    const gh = nock(API);
    mockUser(gh);
    gh.get(`/orgs/${ORG}/repos`).query({ type: 'all', per_page: 100 }).reply(200, repos);
    denied(gh, `/repos/${ORG}/Hello-World/keys`); // public: says nothing about the others
    denied(gh, `/repos/${ORG}/deploy-tools/keys`); // private: the token reaches it, lacks the permission
    const run = await collect(
      tokenConfig({ features: { ...NO_FEATURES, repositories: true, deployKeys: true } }),
      1,
    );
    expect(run.gaps).toEqual([
      expect.objectContaining({
        call: 'GET /repos/{owner}/{repo}/keys',
        message: expect.stringContaining('not tried on 1 more repositories'),
      }),
    ]);
  });
});

describe('a denial about one repository, not the permission', () => {
  it('token: "Must have admin rights" on one repository does not stop the others', async () => {
    const gh = nock(API);
    mockUser(gh);
    gh.get(`/orgs/${ORG}/repos`).query({ type: 'all', per_page: 100 }).reply(200, repos.slice(1));
    // The token holds administration=read; its user is an admin of website, not of deploy-tools.
    gh.get(`/repos/${ORG}/deploy-tools/keys`)
      .query({ per_page: 100 })
      .reply(403, fixture('error-403-admin-rights.json'), {
        'x-accepted-github-permissions': 'administration=read',
      });
    gh.get(`/repos/${ORG}/website/keys`).query({ per_page: 100 }).reply(200, fixture('deploy-keys.json'));
    noRulesets(gh, 'website');
    const run = await collect(
      tokenConfig({ features: { ...NO_FEATURES, repositories: true, deployKeys: true } }),
      1,
    );
    expect(run.identities.map((i) => i.uid)).toEqual([
      `github:${ORG}/scan-token/octocat`, // the scan's own token (scanner identity)
      `github:${ORG}/website/deploy-key/1`,
      `github:${ORG}/website/deploy-key/2`,
    ]);
    expect(run.gaps).toEqual([
      expect.objectContaining({
        code: 'access_denied',
        call: 'GET /repos/{owner}/{repo}/keys',
        resource: `${ORG}/deploy-tools`,
      }),
    ]);
  });
});

describe('SAML single sign-on', () => {
  it('ends the target with what to do when the token is not authorised for the org', async () => {
    const gh = nock(API);
    mockUser(gh);
    gh.get(`/orgs/${ORG}/members`)
      .query({ role: 'admin', per_page: 100 })
      .reply(403, fixture('error-403-saml.json'), {
        'x-github-sso': `required; url=https://github.com/orgs/${ORG}/sso?authorization_request=AZSCKtL4U8yX1H3sCQIVnVgmjmon5fWxks5YrqhJgah0b2tlbl9pZM4EuMz4`,
      });
    // Nothing else is asked: every call on the org would be refused the same way.
    const error = await collect(
      tokenConfig({ features: { ...NO_FEATURES, members: true, orgWebhooks: true, repositories: true } }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'ScanError',
      reach: 'target',
      gap: {
        code: 'access_denied',
        call: 'GET /orgs/{org}/members',
        resource: ORG,
        permission: `SAML SSO authorisation of the token for ${ORG}`,
      },
    });
    expect((error as Error).message).not.toContain('authorization_request');
  });
});

describe('a suspended App installation', () => {
  it('ends the target without asking for a token', async () => {
    nock(API).get(`/orgs/${ORG}/installation`).reply(200, fixture('org-installation-suspended.json'));
    await expect(
      collect(appConfig({ features: { ...NO_FEATURES, orgWebhooks: true } })),
    ).rejects.toMatchObject({
      name: 'ScanError',
      reach: 'target',
      gap: {
        code: 'access_denied',
        call: 'GET /orgs/{org}/installation',
        resource: ORG,
        message: expect.stringContaining('suspended (since 2025-05-20T09:00:00.000Z, by octocat)'),
      },
    });
  });
});

describe('listings GitHub answers unusually', () => {
  it('reads an environments page without total_count', async () => {
    const gh = nock(API);
    mockAppInstallation(gh);
    gh.get(`/orgs/${ORG}/repos`).query({ type: 'all', per_page: 100 }).reply(200, repos.slice(0, 1));
    gh.get(`/repos/${ORG}/Hello-World/environments`)
      .query({ per_page: 100 })
      .reply(200, fixture('environments-no-total-count.json'));
    gh.get(`/repos/${ORG}/Hello-World/environments/staging/secrets`)
      .query({ per_page: 100 })
      .reply(200, fixture('environment-secrets.json'));
    const run = await collect(
      appConfig({ features: { ...NO_FEATURES, repositories: true, environmentSecrets: true } }),
    );
    expect(run.gaps).toEqual([]);
    expect(run.identities.map((i) => i.uid)).toEqual([
      `github:${ORG}/Hello-World/env/staging/actions-secret/PROD_DB_PASSWORD`,
    ]);
  });

  it('records a 409 as a gap, where Octokit’s paginator would read an empty list', async () => {
    const gh = nock(API);
    mockAppInstallation(gh);
    gh.get(`/orgs/${ORG}/repos`).query({ type: 'all', per_page: 100 }).reply(200, repos.slice(0, 2));
    gh.get(`/repos/${ORG}/Hello-World/keys`)
      .query({ per_page: 100 })
      .reply(409, fixture('error-409-empty-repository.json'));
    gh.get(`/repos/${ORG}/deploy-tools/keys`)
      .query({ per_page: 100 })
      .reply(200, fixture('deploy-keys.json'));
    noRulesets(gh, 'deploy-tools');
    const run = await collect(
      appConfig({ features: { ...NO_FEATURES, repositories: true, deployKeys: true } }),
      1,
    );
    expect(run.identities).toHaveLength(2);
    expect(run.gaps).toEqual([
      expect.objectContaining({
        code: 'not_supported',
        call: 'GET /repos/{owner}/{repo}/keys',
        resource: `${ORG}/Hello-World`,
      }),
    ]);
  });
});

describe('who counts as departed', () => {
  const keyOf = (identities: Identity[]): Identity => {
    const key = identities.find((i) => i.uid === `github:${ORG}/deploy-tools/deploy-key/2`);
    if (!key) throw new Error('deploy key 2 not found');
    return key;
  };
  const mockKeys = (gh: nock.Scope): void => {
    gh.get(`/orgs/${ORG}/repos`).query({ type: 'all', per_page: 100 }).reply(200, repos.slice(1, 2));
    gh.get(`/repos/${ORG}/deploy-tools/keys`)
      .query({ per_page: 100 })
      .reply(200, fixture('deploy-keys.json'));
    noRulesets(gh, 'deploy-tools');
  };
  const features = { ...NO_FEATURES, members: true, repositories: true, deployKeys: true };

  it('an outside collaborator who added a key is not a departed member, but is reported as such', async () => {
    const gh = nock(API);
    mockAppInstallation(gh);
    gh.get(`/orgs/${ORG}/members`)
      .query({ role: 'admin', per_page: 100 })
      .reply(200, fixture('members-admins.json'));
    gh.get(`/orgs/${ORG}/members`)
      .query({ role: 'member', per_page: 100 })
      .reply(200, fixture('members-members.json'));
    gh.get(`/orgs/${ORG}/outside_collaborators`)
      .query({ per_page: 100 })
      .reply(200, fixture('outside-collaborators.json'));
    mockKeys(gh);
    const run = await collect(appConfig({ features }));
    const key = keyOf(run.identities);
    expect(key.attributes).toMatchObject({
      ownerOutsideCollaborator: true,
      ownerRole: 'outside_collaborator',
    });
    expect(key.attributes).not.toHaveProperty('ownerOrgMember');
    expect(evaluate(ownership, key).map((f) => [f.severity, f.evidence.outsideCollaborator])).toEqual([
      ['medium', true],
    ]);
    expect(evaluate(ownership, key).map((f) => f.uid)).toEqual([
      findingUid('ownership', key.uid, undefined, 'owner-outside-collaborator'),
    ]);
    expect(run.gaps).toEqual([]);
  });

  it('a token whose user is not a member sees public members only: membership is not judged', async () => {
    const gh = nock(API);
    mockUser(gh); // octocat
    // GitHub shows a non-member only the public members: octocat's own membership is not among them.
    gh.get(`/orgs/${ORG}/members`)
      .query({ role: 'admin', per_page: 100 })
      .reply(200, fixture('empty-list.json'));
    gh.get(`/orgs/${ORG}/members`)
      .query({ role: 'member', per_page: 100 })
      .reply(200, fixture('members-members.json'));
    mockKeys(gh);
    const run = await collect(tokenConfig({ features }));
    expect(keyOf(run.identities).attributes).not.toHaveProperty('ownerOrgMember');
    expect(run.gaps).toEqual([
      expect.objectContaining({ code: 'partial_data', call: 'GET /orgs/{org}/members', resource: ORG }),
    ]);
  });

  it('a member token keeps judging departures', async () => {
    const gh = nock(API);
    mockUser(gh); // octocat, an org admin
    gh.get(`/orgs/${ORG}/members`)
      .query({ role: 'admin', per_page: 100 })
      .reply(200, fixture('members-admins.json'));
    gh.get(`/orgs/${ORG}/members`)
      .query({ role: 'member', per_page: 100 })
      .reply(200, fixture('members-members.json'));
    gh.get(`/orgs/${ORG}/outside_collaborators`)
      .query({ per_page: 100 })
      .reply(200, fixture('empty-list.json'));
    mockKeys(gh);
    const run = await collect(tokenConfig({ features }));
    expect(keyOf(run.identities).attributes).toMatchObject({ ownerOrgMember: false });
    expect(evaluate(ownership, keyOf(run.identities)).map((f) => f.uid)).toHaveLength(1);
  });
});

describe('the repository walk still reads secrets lists shaped { total_count, secrets }', () => {
  it('over a repository with none', async () => {
    const gh = nock(API);
    mockAppInstallation(gh);
    gh.get(`/orgs/${ORG}/repos`).query({ type: 'all', per_page: 100 }).reply(200, repos.slice(1, 2));
    gh.get(`/repos/${ORG}/deploy-tools/actions/secrets`).query({ per_page: 100 }).reply(200, EMPTY_SECRETS);
    const run = await collect(
      appConfig({ features: { ...NO_FEATURES, repositories: true, actionsSecrets: true } }),
    );
    expect(run.gaps).toEqual([]);
    expect(run.identities).toEqual([]);
  });
});

describe('the ETag cache with App auth', () => {
  it('is not used: GitHub ties ETags to the token, and an App gets a new one every run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-gh-app-etag-'));
    try {
      const cacheFile = join(dir, 'github-etags.json');
      // What a token-auth run left: an entry for the same URL.
      const seeded = JSON.stringify({
        version: 1,
        entries: {
          [`${API}/orgs/${ORG}/hooks?per_page=100`]: {
            etag: '"h1"',
            body: [],
            usedAt: new Date().toISOString(),
          },
        },
      });
      writeFileSync(cacheFile, seeded);
      const gh = nock(API);
      mockAppInstallation(gh);
      gh.get(`/orgs/${ORG}/hooks`)
        .query({ per_page: 100 })
        .matchHeader('if-none-match', (v) => v === undefined)
        .reply(200, fixture('org-hooks.json'), { etag: '"h2"' });
      const run = await collect(
        appConfig({ etagCache: cacheFile, features: { ...NO_FEATURES, orgWebhooks: true } }),
      );
      expect(run.identities).toHaveLength(2);
      expect(readFileSync(cacheFile, 'utf8')).toBe(seeded);
      expect(run.notes).toContainEqual(expect.stringMatching(/^GitHub: ETag cache not used with App auth/));
      expect(run.notes.at(-1)).toMatch(
        /^GitHub: \d+ requests, ETag cache not used with App auth \(rate-limit cost/,
      );
      expect(existsSync(`${cacheFile}.${process.pid}.tmp`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('effective reach of App installations on selected repositories', () => {
  it("names the scanner installation's own selection (GET /installation/repositories); another App's stays unlisted", async () => {
    const gh = nock(API);
    mockAppInstallation(gh, 'org-installation-selected.json');
    const listed = fixture('org-installations.json') as { installations: Record<string, unknown>[] };
    // The scanner (77, selected) among the org's installations, with workflows write to rank it.
    const scanner = {
      ...(fixture('org-installation-selected.json') as Record<string, unknown>),
      permissions: { metadata: 'read', workflows: 'write' },
    };
    gh.get(`/orgs/${ORG}/installations`)
      .query({ per_page: 100 })
      .reply(200, { total_count: 3, installations: [scanner, ...listed.installations] });
    gh.get('/installation/repositories')
      .query({ per_page: 100 })
      .reply(200, fixture('installation-repositories.json'));
    gh.get(/^\/apps\//)
      .times(3)
      .reply(404, fixture('error-404.json'));
    const run = await collect(appConfig({ features: { ...NO_FEATURES, appInstallations: true } }), 1);
    const own = run.byUid.get(`github:${ORG}/installation/77`);
    expect(own?.attributes).toMatchObject({
      repositorySelection: 'selected',
      repositories: ['deploy-tools'],
      reach: {
        rank: 'workflow-write',
        permissions: [{ permission: 'workflows:write', rank: 'workflow-write', on: ['deploy-tools'] }],
        notEvaluated: [],
      },
    });
    const other = run.byUid.get(`github:${ORG}/installation/25381`);
    expect(other?.attributes.repositories).toBeUndefined();
    expect(other?.attributes.reach).toMatchObject({
      notEvaluated: [
        expect.stringContaining("lists an installation's repositories only to that installation"),
      ],
    });
    expect(nock.isDone()).toBe(true);
  });
});
