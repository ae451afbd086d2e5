// The GitHub connector through the real Octokit (rest + throttling + retry + auth-app) against
// nock, answering with fixtures from GitHub's OpenAPI examples (fixtures/github, checked by
// contract.test.ts). A mock left unused fails its test (test/setup.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubConnector } from '../../../connectors/github/index.js';
import { systemClock } from '../../../src/clock.js';
import { buildConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/log.js';
import type { Identity } from '../../../src/model.js';
import { runScan } from '../../../src/scan.js';
import {
  API,
  APP_ID,
  APP_KEY_ENV,
  AS_OF,
  NO_FEATURES,
  ORG,
  appKeys,
  collect,
  fixture,
  mockAppInstallation,
  mockWholeOrg,
} from './harness.js';

const appConfig = (extra: Record<string, unknown> = {}) => ({
  orgs: [ORG],
  auth: { type: 'app' as const, appId: Number(APP_ID), privateKeyEnv: APP_KEY_ENV },
  appOwners: { 'github-actions': 'platform-team' },
  ...extra,
});

beforeEach(() => {
  process.env[APP_KEY_ENV] = appKeys.privateKey;
});
afterEach(() => {
  Reflect.deleteProperty(process.env, APP_KEY_ENV);
});

const repos = fixture('repos.json') as { name: string }[];

const get = (byUid: Map<string, Identity>, uid: string): Identity => {
  const identity = byUid.get(uid);
  if (!identity) throw new Error(`no identity ${uid}; have:\n  ${[...byUid.keys()].join('\n  ')}`);
  return identity;
};

describe('GitHub connector, App auth, a whole organisation', () => {
  it('inventories every kind of non-human identity, mapped to the model', async () => {
    mockWholeOrg();
    const run = await collect(appConfig());
    const { byUid } = run;

    expect(run.scope()).toBe(ORG);
    expect(run.principal()).toBe(`app/nhiscan-reader (installation 77 on ${ORG})`);
    const counts = Object.fromEntries(
      [...new Set(run.identities.map((i) => i.kind))].map((k) => [
        k,
        run.identities.filter((i) => i.kind === k).length,
      ]),
    );
    expect(counts).toEqual({
      'github.app_installation': 2,
      'github.fine_grained_pat': 3, // both pages
      'github.pat_request': 1,
      'github.credential_authorization': 6,
      'github.actions_secret': 4 + 2 + 1, // org (4), Hello-World (2), staging environment (1)
      'github.dependabot_secret': 3 + 2,
      'github.webhook': 2 + 1,
      // The org default, and the two repositories that override it (deploy-tools keeps it).
      'github.workflow_token': 1 + 2,
      'github.deploy_key': 2,
      // Org (2: an App installation lists them, issue 9) and Hello-World (2).
      'github.codespaces_secret': 2 + 2,
      // From the audit log (issue 9): approved, denied, requested, and one the org owns.
      'github.oauth_app': 4,
    });

    // An App with admin on every repository, owned by another org, with no accountable owner.
    const adminBot = get(byUid, `github:${ORG}/installation/25382`);
    expect(adminBot).toMatchObject({
      kind: 'github.app_installation',
      name: 'admin-bot',
      location: { provider: 'github', scope: ORG },
      owner: null,
      privilege: { level: 'admin' },
      attributes: {
        appOwner: 'acme-vendor',
        thirdParty: true,
        repositorySelection: 'all',
        canChangeCode: true,
      },
    });
    expect(adminBot.privilege.grants).toContainEqual(
      expect.objectContaining({
        actions: ['administration:write'],
        resources: [`repo:${ORG}/*`],
        source: 'installation-permissions',
      }),
    );
    expect(adminBot.privilege.grants).toContainEqual(
      expect.objectContaining({ actions: ['members:read'], resources: [`org:${ORG}`] }),
    );
    // The accountable owner comes from config.appOwners.
    expect(get(byUid, `github:${ORG}/installation/25381`)).toMatchObject({
      owner: { value: 'platform-team', source: 'config' },
      privilege: { level: 'write' },
      attributes: { appOwner: 'github', thirdParty: true, repositorySelection: 'selected' },
    });

    // The fine-grained PAT that never expires, last used 200 days before asOf.
    const ciRelease = get(byUid, `github:${ORG}/pat/25382`);
    expect(ciRelease).toMatchObject({
      name: 'ci-release',
      owner: { value: 'hubot', source: 'github:token-owner' },
      credentials: [
        {
          uid: 'token:98717',
          type: 'token',
          status: 'active',
          expiresAt: null,
          lastUsedAt: '2024-11-13T00:00:00.000Z',
        },
      ],
      privilege: { level: 'write' },
      attributes: {
        ownerOrgMember: true,
        ownerRole: 'member',
        repositorySelection: 'subset',
        repositories: ['deploy-tools'],
        neverExpires: true,
      },
    });
    expect(ciRelease.lastUsedAt).toBeUndefined();
    expect(ciRelease.privilege.grants).toContainEqual(
      expect.objectContaining({ actions: ['contents:write'], resources: [`repo:${ORG}/deploy-tools`] }),
    );
    // The example grant expired in 2023 (GitHub's token_expired lags): marked expired.
    expect(get(byUid, `github:${ORG}/pat/25381`).credentials[0]).toMatchObject({ status: 'expired' });
    // administration:write on all repositories, but its owner has left: GitHub answers none on the
    // private repository and read on the public ones (effective reach), so the token reads at most.
    const departed = get(byUid, `github:${ORG}/pat/25383`);
    expect(departed).toMatchObject({
      owner: { value: 'former-dev' },
      privilege: { level: 'read' },
      attributes: { ownerOrgMember: false, reach: { rank: 'read' } },
    });
    expect(departed.privilege.grants).toContainEqual(
      expect.objectContaining({ actions: ['administration:write'], resources: [`repo:${ORG}/*`] }),
    );
    expect((departed.attributes.reach as { limits: string[] }).limits).toEqual([
      'administration:write: its owner former-dev has read on Hello-World, website: counted as read',
      'administration:write: its owner former-dev has none on deploy-tools: counted as none',
      'metadata:read: its owner former-dev has none on deploy-tools: counted as none',
    ]);
    expect(get(byUid, `github:${ORG}/pat-request/25381`).credentials[0]).toMatchObject({ status: 'pending' });

    // SAML SSO authorisations: classic PAT scopes normalised; SSH keys as ssh_key credentials.
    const classic = get(byUid, `github:${ORG}/credential-authorization/161200`);
    expect(classic).toMatchObject({
      owner: { value: 'former-dev', source: 'github:credential-owner' },
      credentials: [
        {
          type: 'token',
          expiresAt: null,
          lastUsedAt: '2025-05-01T10:00:00.000Z',
          createdAt: '2023-02-01T10:00:00.000Z',
        },
      ],
      privilege: { level: 'admin' },
      attributes: {
        scopes: ['repo', 'admin:org', 'delete_repo', 'workflow'],
        ownerOrgMember: false,
        canChangeCode: true,
      },
    });
    expect(JSON.stringify(classic)).not.toContain('0f3e9d2a'); // token_last_eight is not kept
    expect(get(byUid, `github:${ORG}/credential-authorization/161199`).credentials[0]).toMatchObject({
      uid: 'ssh-key:12345682',
      type: 'ssh_key',
    });

    // The write deploy key added by someone who is no longer a member.
    const releaseBot = get(byUid, `github:${ORG}/deploy-tools/deploy-key/2`);
    expect(releaseBot).toMatchObject({
      kind: 'github.deploy_key',
      location: { provider: 'github', scope: ORG, resource: 'deploy-tools' },
      owner: { value: 'former-dev', source: 'github:deploy-key-added-by' },
      credentials: [
        {
          uid: 'deploy-key:2',
          type: 'deploy_key',
          createdAt: '2021-03-01T10:00:00.000Z',
          lastRotatedAt: '2021-03-01T10:00:00.000Z',
          lastUsedAt: '2025-05-20T08:00:00.000Z',
          expiresAt: null,
        },
      ],
      privilege: { level: 'write' },
      attributes: { readOnly: false, ownerOrgMember: false, repositoryVisibility: 'private' },
    });
    expect(JSON.stringify(releaseBot)).not.toContain('AAAAC3NzaC1'); // the public key is not kept
    expect(get(byUid, `github:${ORG}/deploy-tools/deploy-key/1`)).toMatchObject({
      privilege: { level: 'read' },
      attributes: { readOnly: true, ownerOrgMember: true, ownerRole: 'admin' },
    });

    // Secrets: updated_at is the rotation evidence; org visibility and selected repositories kept.
    expect(get(byUid, `github:${ORG}/actions-secret/LEGACY_DEPLOY_KEY`)).toMatchObject({
      kind: 'github.actions_secret',
      credentials: [{ uid: 'LEGACY_DEPLOY_KEY', type: 'secret', lastRotatedAt: '2023-05-20T09:00:00.000Z' }],
      attributes: { scope: 'organization', visibility: 'all' },
    });
    expect(get(byUid, `github:${ORG}/actions-secret/GH_TOKEN`).attributes).toMatchObject({
      visibility: 'selected',
      selectedRepositories: ['Hello-World'],
    });
    expect(get(byUid, `github:${ORG}/Hello-World/env/staging/actions-secret/PROD_DB_PASSWORD`)).toMatchObject(
      {
        location: { resource: 'Hello-World' },
        attributes: { scope: 'environment', environment: 'staging' },
      },
    );
    expect(byUid.has(`github:${ORG}/Hello-World/codespaces-secret/GH_TOKEN`)).toBe(true);
    expect(get(byUid, `github:${ORG}/codespaces-secret/GIST_ID`).attributes).toMatchObject({
      secretFamily: 'codespaces',
      scope: 'organization',
    });

    // Webhooks: secret presence and TLS verification; URLs reduced to scheme and host.
    expect(get(byUid, `github:${ORG}/webhook/1`).attributes).toMatchObject({
      scope: 'organization',
      secretConfigured: false,
      insecureSsl: false,
      urlScheme: 'http',
      urlHost: 'example.com',
    });
    expect(get(byUid, `github:${ORG}/webhook/2`).attributes).toMatchObject({
      secretConfigured: true,
      insecureSsl: false,
    });
    expect(get(byUid, `github:${ORG}/Hello-World/webhook/12345678`).attributes).toMatchObject({
      secretConfigured: true,
      insecureSsl: true,
    });

    // The default GITHUB_TOKEN, per org and per repository.
    expect(get(byUid, `github:${ORG}/workflow-token`)).toMatchObject({
      managedBy: 'provider',
      privilege: { level: 'write' },
      attributes: {
        scope: 'organization',
        defaultWorkflowPermissions: 'write',
        canApprovePullRequestReviews: true,
      },
    });
    expect(get(byUid, `github:${ORG}/Hello-World/workflow-token`).attributes).toMatchObject({
      defaultWorkflowPermissions: 'read',
      sameAsOrg: false,
    });
    // deploy-tools keeps the org default: not an identity of its own, listed on the org's (issue 9).
    expect(byUid.has(`github:${ORG}/deploy-tools/workflow-token`)).toBe(false);
    expect(get(byUid, `github:${ORG}/workflow-token`).attributes['inheritedBy']).toEqual(['deploy-tools']);

    // What could not be read, and why: OAuth apps (no API). Codespaces org secrets are read above.
    expect(run.gaps.map((g) => [g.call, g.code, g.recovered])).toEqual([
      ['github:oauth-app-authorizations', 'not_supported', true],
    ]);
    expect(run.notes).toContainEqual(
      // App auth: the note does not suggest providers.github.etagCache, which App scans ignore.
      expect.stringMatching(
        /^GitHub: \d+ requests, no ETag cache \(App auth: each run gets a new installation token/,
      ),
    );
  });
});

describe('GitHub connector, denials and limits', () => {
  it('turns a 403 naming a permission into a gap and goes on', async () => {
    const gh = nock(API);
    mockAppInstallation(gh);
    gh.get(`/orgs/${ORG}/personal-access-tokens`)
      .query({ per_page: 100 })
      .reply(403, fixture('error-403-integration.json'), {
        'x-accepted-github-permissions': 'organization_personal_access_tokens=read',
      });
    gh.get(`/orgs/${ORG}/personal-access-token-requests`)
      .query({ per_page: 100 })
      .reply(200, fixture('pat-requests.json'));
    const run = await collect(
      appConfig({ features: { ...NO_FEATURES, patGrants: true, patRequests: true } }),
    );
    expect(run.gaps).toEqual([
      expect.objectContaining({
        code: 'access_denied',
        call: 'GET /orgs/{org}/personal-access-tokens',
        permission: 'organization_personal_access_tokens=read',
        recovered: false,
      }),
    ]);
    expect(run.identities.map((i) => i.kind)).toEqual(['github.pat_request']);
  });

  it('folds a repository-level denial into one gap, and stops asking once GitHub names the permission', async () => {
    const gh = nock(API);
    mockAppInstallation(gh);
    gh.get(`/orgs/${ORG}/repos`).query({ type: 'all', per_page: 100 }).reply(200, repos);
    // Only the first repository is asked: the App's permissions are the same on all of them.
    gh.get(`/repos/${ORG}/Hello-World/keys`)
      .query({ per_page: 100 })
      .reply(403, fixture('error-403-integration.json'), {
        'x-accepted-github-permissions': 'administration=read',
      });
    for (const { name } of repos) {
      gh.get(`/repos/${ORG}/${name}/hooks`).query({ per_page: 100 }).reply(200, []);
    }
    const run = await collect(
      appConfig({ features: { ...NO_FEATURES, repositories: true, deployKeys: true, webhooks: true } }),
      1,
    );
    expect(run.gaps).toEqual([
      expect.objectContaining({
        code: 'access_denied',
        call: 'GET /repos/{owner}/{repo}/keys',
        permission: 'administration=read',
        message: expect.stringContaining('not tried on 2 more repositories'),
      }),
    ]);
  });

  it('names the documented permission when a 404 carries no header', async () => {
    const gh = nock(API);
    mockAppInstallation(gh);
    gh.get(`/orgs/${ORG}/hooks`).query({ per_page: 100 }).reply(404, fixture('error-404.json'));
    const run = await collect(appConfig({ features: { ...NO_FEATURES, orgWebhooks: true } }));
    expect(run.gaps).toEqual([
      expect.objectContaining({
        code: 'not_found',
        call: 'GET /orgs/{org}/hooks',
        permission: 'organization_hooks=read',
      }),
    ]);
  });

  it('waits out a secondary rate limit (retry-after) and then succeeds', async () => {
    const gh = nock(API);
    mockAppInstallation(gh);
    gh.get(`/orgs/${ORG}/hooks`)
      .query({ per_page: 100 })
      .reply(403, fixture('error-403-secondary-rate-limit.json'), {
        'retry-after': '1',
        'x-ratelimit-remaining': '4000',
      });
    gh.get(`/orgs/${ORG}/hooks`).query({ per_page: 100 }).reply(200, fixture('org-hooks.json'));
    const started = Date.now();
    const run = await collect(appConfig({ features: { ...NO_FEATURES, orgWebhooks: true } }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(run.gaps).toEqual([]);
    expect(run.identities.map((i) => i.uid)).toEqual([`github:${ORG}/webhook/1`, `github:${ORG}/webhook/2`]);
    expect(run.notes.at(-1)).toMatch(/secondary rate limited 1 time\(s\)/);
  });

  it('gives up after the configured retries and records the request as throttled (429)', async () => {
    const gh = nock(API);
    mockAppInstallation(gh);
    gh.get(`/orgs/${ORG}/hooks`)
      .query({ per_page: 100 })
      .times(2)
      .reply(429, fixture('error-403-secondary-rate-limit.json'), { 'retry-after': '1' });
    const run = await collect(
      appConfig({ rateLimitRetries: 1, features: { ...NO_FEATURES, orgWebhooks: true } }),
    );
    expect(run.gaps).toEqual([expect.objectContaining({ code: 'throttled', call: 'GET /orgs/{org}/hooks' })]);
  });

  it('keeps the good items of a page and records the malformed one', async () => {
    const gh = nock(API);
    mockAppInstallation(gh);
    const [hook] = fixture('org-hooks.json') as Record<string, unknown>[];
    gh.get(`/orgs/${ORG}/hooks`)
      .query({ per_page: 100 })
      .reply(200, [hook, { ...hook, id: 'not-a-number' }]);
    gh.get(`/orgs/${ORG}/actions/permissions/workflow`).reply(200, { default_workflow_permissions: 'maybe' });
    const run = await collect(
      appConfig({ features: { ...NO_FEATURES, orgWebhooks: true, workflowPermissions: true } }),
    );
    expect(run.identities.map((i) => i.uid)).toEqual([`github:${ORG}/webhook/1`]);
    expect(run.gaps.map((g) => [g.call, g.code])).toEqual([
      ['GET /orgs/{org}/hooks', 'invalid_response'],
      ['GET /orgs/{org}/actions/permissions/workflow', 'invalid_response'],
    ]);
  });

  it('does not retry an App installation missing from the org: the target ends', async () => {
    nock(API).get(`/orgs/${ORG}/installation`).reply(404, fixture('error-404.json'));
    await expect(collect(appConfig({ features: NO_FEATURES }))).rejects.toMatchObject({
      name: 'ScanError',
      reach: 'target',
      gap: { code: 'not_found', call: 'GET /orgs/{org}/installation', resource: ORG },
    });
  });
});

describe('GitHub connector, every org the App is installed on', () => {
  it('lists the App installations, and scans each organisation as a target of its own', async () => {
    const gh = nock(API);
    gh.get('/app/installations')
      .query({ per_page: 100 })
      .reply(function () {
        return [200, fixture('app-installations.json')];
      });
    mockAppInstallation(gh);
    gh.get(`/orgs/${ORG}/hooks`).query({ per_page: 100 }).reply(200, []);
    const config = buildConfig(
      {
        providers: {
          github: { ...appConfig({ features: { ...NO_FEATURES, orgWebhooks: true } }), orgs: 'installed' },
        },
      },
      { connectors: { github: githubConnector }, policies: {} },
      'test',
      process.cwd(),
    );
    const result = await runScan({ config, clock: systemClock(AS_OF), log: silentLogger });
    // The personal-account installation is not an organisation: one org target, beside the discovery.
    expect(result.coverage.map((c) => [c.target, c.status, c.scope])).toEqual([
      [`github:app/${APP_ID}/installed`, 'complete', undefined],
      [`github:${ORG}`, 'complete', ORG],
    ]);
    expect(result.coverage[0]!.notes).toContain(`lists 1 target(s): github:${ORG}`);
    expect(result.coverage[1]!.gaps).toEqual([]);
  });
});

describe('GitHub connector, App key file', () => {
  it("reads privateKeyPath relative to the config file's folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-gh-key-'));
    try {
      writeFileSync(join(dir, 'app.pem'), appKeys.privateKey, { mode: 0o600 });
      const gh = nock(API);
      mockAppInstallation(gh);
      gh.get(`/orgs/${ORG}/hooks`).query({ per_page: 100 }).reply(200, []);
      const config = buildConfig(
        {
          providers: {
            github: {
              orgs: [ORG],
              auth: { type: 'app', appId: Number(APP_ID), privateKeyPath: 'app.pem' },
              features: { ...NO_FEATURES, orgWebhooks: true },
            },
          },
        },
        { connectors: { github: githubConnector }, policies: {} },
        join(dir, 'nhiscan.config.yaml'),
        dir,
      );
      const result = await runScan({ config, clock: systemClock(AS_OF), log: silentLogger });
      expect(result.coverage.map((c) => [c.status, c.principal])).toEqual([
        ['complete', `app/nhiscan-reader (installation 77 on ${ORG})`],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
