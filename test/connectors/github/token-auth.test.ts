// Token mode: what a personal access token reaches and what it cannot (recorded as gaps), a 401
// that stops the GitHub provider (the scan records its other targets as skipped), and ETag
// conditional requests that make a rescan of an unchanged org nearly free.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubConnector } from '../../../connectors/github/index.js';
import { systemClock } from '../../../src/clock.js';
import { buildConfig } from '../../../src/config.js';
import { ScanError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/log.js';
import { runScan } from '../../../src/scan.js';
import {
  API,
  AS_OF,
  NO_FEATURES,
  ORG,
  TOKEN_ENV,
  collect,
  fixture,
  linkHeader,
  mockUser,
} from './harness.js';

const TOKEN = 'github_pat_11AAAAAAA0ExampleOnlyNotAToken';
const tokenConfig = (extra: Record<string, unknown> = {}) => ({
  orgs: [ORG],
  auth: { type: 'token' as const, tokenEnv: TOKEN_ENV },
  ...extra,
});

beforeEach(() => {
  process.env[TOKEN_ENV] = TOKEN;
});
afterEach(() => {
  Reflect.deleteProperty(process.env, TOKEN_ENV);
});

describe('GitHub connector, token auth', () => {
  it('records what only a GitHub App can list as gaps, and reads org Codespaces secrets', async () => {
    const gh = nock(API, { reqheaders: { authorization: `token ${TOKEN}` } });
    mockUser(gh, { 'x-oauth-scopes': 'repo, read:org, admin:org' });
    gh.get(`/orgs/${ORG}/actions/secrets`).query({ per_page: 100 }).reply(200, fixture('empty-secrets.json'));
    gh.get(`/orgs/${ORG}/dependabot/secrets`)
      .query({ per_page: 100 })
      .reply(200, fixture('empty-secrets.json'));
    gh.get(`/orgs/${ORG}/codespaces/secrets`)
      .query({ per_page: 100 })
      .reply(200, fixture('org-codespaces-secrets.json'));
    const run = await collect(
      tokenConfig({ features: { ...NO_FEATURES, patGrants: true, patRequests: true, orgSecrets: true } }),
    );
    expect(run.principal()).toBe('octocat (classic token, scopes: repo, read:org, admin:org)');
    expect(run.gaps.map((g) => [g.call, g.code, g.permission])).toEqual([
      [
        'GET /orgs/{org}/personal-access-tokens',
        'not_supported',
        'organization_personal_access_tokens=read (GitHub App)',
      ],
      [
        'GET /orgs/{org}/personal-access-token-requests',
        'not_supported',
        'organization_personal_access_token_requests=read (GitHub App)',
      ],
    ]);
    expect(run.identities.map((i) => i.uid)).toEqual([
      `github:${ORG}/scan-token/octocat`, // the scan's own token (scanner identity)
      `github:${ORG}/codespaces-secret/GH_TOKEN`,
      `github:${ORG}/codespaces-secret/GIST_ID`,
    ]);
    expect(run.identities[1]!.attributes).toMatchObject({ visibility: 'all', scope: 'organization' });
  });

  it('names the classic scope a classic token lacks', async () => {
    const gh = nock(API);
    mockUser(gh, { 'x-oauth-scopes': 'repo' });
    gh.get(`/orgs/${ORG}/hooks`)
      .query({ per_page: 100 })
      .reply(404, fixture('error-404.json'), { 'x-accepted-oauth-scopes': 'admin:org_hook, read:org_hook' });
    gh.get(`/orgs/${ORG}/credential-authorizations`)
      .query({ per_page: 100 })
      .reply(403, fixture('error-403-integration.json'));
    const run = await collect(
      tokenConfig({ features: { ...NO_FEATURES, orgWebhooks: true, credentialAuthorizations: true } }),
    );
    expect(run.gaps.map((g) => [g.call, g.code, g.permission ?? null, g.recovered])).toEqual([
      ['GET /orgs/{org}/credential-authorizations', 'access_denied', 'oauth scopes: read:org', false],
      ['github:oauth-app-authorizations', 'not_supported', null, false],
      ['GET /orgs/{org}/hooks', 'not_found', 'oauth scopes: admin:org_hook, read:org_hook', false],
    ]);
  });

  it('reads the API root from the environment variable baseUrlEnv names', async () => {
    process.env.NHISCAN_TEST_GITHUB_API = 'https://ghe.example.com/api/v3/';
    try {
      nock('https://ghe.example.com').get('/api/v3/user').reply(200, fixture('user.json'));
      const run = await collect(
        tokenConfig({ baseUrlEnv: 'NHISCAN_TEST_GITHUB_API', features: NO_FEATURES }),
      );
      expect(run.principal()).toBe('octocat (fine-grained token)');
      Reflect.deleteProperty(process.env, 'NHISCAN_TEST_GITHUB_API');
      await expect(
        collect(tokenConfig({ baseUrlEnv: 'NHISCAN_TEST_GITHUB_API', features: NO_FEATURES })),
      ).rejects.toMatchObject({
        reach: 'provider',
        gap: { call: 'github:configuration' },
      });
    } finally {
      Reflect.deleteProperty(process.env, 'NHISCAN_TEST_GITHUB_API');
    }
  });

  it('stops the provider on a missing token without calling GitHub', async () => {
    Reflect.deleteProperty(process.env, TOKEN_ENV);
    const error = await collect(tokenConfig({ features: NO_FEATURES })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScanError);
    expect(error).toMatchObject({
      reach: 'provider',
      gap: { code: 'auth_failed', call: 'github:credentials' },
    });
    expect((error as ScanError).message).toContain(TOKEN_ENV);
  });
});

describe('GitHub connector, 401', () => {
  it('throws a provider-scoped ScanError when GitHub rejects the token mid-walk', async () => {
    const gh = nock(API);
    mockUser(gh);
    gh.get(`/orgs/${ORG}/members`)
      .query({ role: 'admin', per_page: 100 })
      .reply(401, fixture('error-401.json'));
    const error = await collect(tokenConfig({ features: { ...NO_FEATURES, members: true } })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ScanError);
    expect(error).toMatchObject({
      reach: 'provider',
      gap: {
        code: 'auth_failed',
        call: 'GET /orgs/{org}/members',
        message: expect.stringContaining(TOKEN_ENV),
      },
    });
    expect((error as ScanError).message).not.toContain(TOKEN);
  });

  it('lets the scan record the other GitHub targets as skipped', async () => {
    nock(API).get('/user').reply(401, fixture('error-401.json'));
    const config = buildConfig(
      {
        targetConcurrency: 1,
        providers: { github: tokenConfig({ orgs: [ORG, 'second-org'], features: NO_FEATURES }) },
      },
      { connectors: { github: githubConnector }, policies: {} },
      'test',
      process.cwd(),
    );
    const result = await runScan({ config, clock: systemClock(AS_OF), log: silentLogger });
    expect(result.coverage.map((c) => [c.target, c.status, c.gaps.map((g) => g.code)])).toEqual([
      [`github:${ORG}`, 'failed', ['auth_failed']],
      ['github:second-org', 'skipped', ['auth_failed']],
    ]);
    expect(result.coverage[0]!.gaps[0]).toMatchObject({ call: 'GET /user' });
    expect(result.run.complete).toBe(false);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });
});

describe('GitHub connector, ETag cache', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nhiscan-etag-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers an unchanged rescan from the cache (304s) and reports the rate-limit cost', async () => {
    const cacheFile = join(dir, 'github-etags.json');
    const repos = fixture('repos.json') as unknown[];
    const path = `/orgs/${ORG}/repos`;
    const pages = [
      { page: 1, body: repos.slice(0, 2), etag: 'W/"page-1-v1"' },
      { page: 2, body: repos.slice(2), etag: 'W/"page-2-v1"' },
    ];
    const config = tokenConfig({
      etagCache: cacheFile,
      features: { ...NO_FEATURES, repositories: true, workflowPermissions: true },
    });
    const mockRun = (conditional: boolean): void => {
      const gh = nock(API);
      mockUser(gh); // no ETag on /user: always a full answer
      gh.get(`/orgs/${ORG}/actions/permissions/workflow`)
        .matchHeader('if-none-match', (v) => (conditional ? v === '"wf-1"' : v === undefined))
        .reply(conditional ? 304 : 200, conditional ? '' : fixture('repo-workflow-permissions.json'), {
          etag: '"wf-1"',
        });
      for (const { page, body, etag } of pages) {
        gh.get(path)
          .query(page === 1 ? { type: 'all', per_page: 100 } : { type: 'all', per_page: 100, page })
          .matchHeader('if-none-match', (v) => (conditional ? v === etag : v === undefined))
          .reply(conditional ? 304 : 200, conditional ? '' : body, {
            etag,
            link: linkHeader(path, 'type=all&per_page=100', page, 2),
            'x-ratelimit-limit': '5000',
            'x-ratelimit-remaining': '4990',
            'x-ratelimit-resource': 'core',
          });
      }
      for (const repo of repos as { name: string }[]) {
        gh.get(`/repos/${ORG}/${repo.name}/actions/permissions/workflow`).reply(
          200,
          fixture('repo-workflow-permissions.json'),
        );
      }
    };

    mockRun(false);
    const first = await collect(config);
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as {
      entries: Record<string, { etag: string }>;
    };
    expect(Object.keys(cached.entries).sort()).toEqual([
      `${API}/orgs/${ORG}/actions/permissions/workflow`,
      `${API}${path}?type=all&per_page=100`,
      `${API}${path}?type=all&per_page=100&page=2`,
    ]);
    expect(first.notes.at(-1)).toBe(
      'GitHub: 7 requests, 0 answered 304 from cache (rate-limit cost 7 of 7 = 100.0%); 4990 of 5000 left (core)',
    );

    mockRun(true);
    const second = await collect(config);
    expect(second.identities).toEqual(first.identities);
    expect(second.notes.at(-1)).toMatch(
      /^GitHub: 7 requests, 3 answered 304 from cache \(rate-limit cost 4 of 7 = 57\.1%\)/,
    );
  });
});
