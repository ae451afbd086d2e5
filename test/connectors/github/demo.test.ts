// The demo's GitHub org (fixtures/demo/github) through the demo server's route: the real Octokit
// of the real connector over HTTP on loopback, then the generic and GitHub policies. Every
// planted problem raises its finding with its SOC 2 tags; the clean identities raise nothing;
// the planted denials show up as gaps naming the permission; with token auth a second run is
// answered by 304s (the demo's ETags, like GitHub's, are tied to the access token, so an App's
// fresh installation token each run gets none, and an App scan keeps no cache).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubConnector } from '../../../connectors/github/index.js';
import { githubAppPermissions } from '../../../policies/github-app-permissions.js';
import { githubDeployKeyWrite } from '../../../policies/github-deploy-key-write.js';
import { githubSecretVisibility } from '../../../policies/github-secret-visibility.js';
import { githubTokenExpiry } from '../../../policies/github-token-expiry.js';
import { githubTokenScopes } from '../../../policies/github-token-scopes.js';
import { githubWebhookExposure } from '../../../policies/github-webhook-exposure.js';
import { githubWorkflowPermissions } from '../../../policies/github-workflow-permissions.js';
import { policies as genericPolicies } from '../../../policies/index.js';
import { systemClock } from '../../../src/clock.js';
import { type Registries, buildConfig } from '../../../src/config.js';
import { DEMO_GITHUB_ENV, demoGithubEnv, githubRoute } from '../../../connectors/github/demo.js';
import { type DemoServer, startDemoServer } from '../../../src/demo/server.js';
import { DirectoryConfig, loadDirectory } from '../../../src/directory.js';
import { silentLogger } from '../../../src/log.js';
import type { ScanResult } from '../../../src/model.js';
import { fixturesDir } from '../../../src/paths.js';
import { runScan } from '../../../src/scan.js';

const DEMO_AS_OF = new Date('2026-11-01T00:00:00Z');

const registries: Registries = {
  connectors: { github: githubConnector },
  policies: {
    ...genericPolicies,
    ...Object.fromEntries(
      [
        githubAppPermissions,
        githubTokenExpiry,
        githubTokenScopes,
        githubDeployKeyWrite,
        githubWebhookExposure,
        githubSecretVisibility,
        githubWorkflowPermissions,
      ].map((p) => [p.id, p]),
    ),
  },
};

const TOKEN_ENV = 'NHISCAN_TEST_DEMO_GITHUB_TOKEN';

/** The block fixtures/demo/github/README.md asks the demo config to hold. */
const demoConfig = (etagCache?: string, auth: 'app' | 'token' = 'app') => ({
  asOf: DEMO_AS_OF.toISOString(),
  providers: {
    github: {
      orgs: ['acme'],
      auth:
        auth === 'app'
          ? { type: 'app', appId: 4100, privateKeyEnv: DEMO_GITHUB_ENV.appKey }
          : { type: 'token', tokenEnv: TOKEN_ENV },
      baseUrlEnv: DEMO_GITHUB_ENV.apiUrl,
      appOwners: { 'nhiscan-reader': 'mgarcia', codecov: 'sokafor' },
      ...(etagCache ? { etagCache } : {}),
    },
  },
  policies: {
    ownership: {
      overrides: [
        'github.actions_secret',
        'github.dependabot_secret',
        'github.codespaces_secret',
        'github.webhook',
      ].map((kind) => ({ kind, enabled: false })),
    },
  },
});

const people = loadDirectory(
  join(fixturesDir, 'demo', 'people.csv'),
  DirectoryConfig.parse({ path: 'people.csv' }),
);

let server: DemoServer;
let cacheDir: string;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  server = await startDemoServer({ github: githubRoute({ dir: join(fixturesDir, 'demo', 'github') }) });
  for (const [k, v] of Object.entries({
    ...demoGithubEnv(server.url),
    [TOKEN_ENV]: 'github_pat_11DEMO0000ExampleOnlyNotAToken',
  })) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  cacheDir = mkdtempSync(join(tmpdir(), 'nhiscan-demo-etag-'));
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) Reflect.deleteProperty(process.env, k);
    else process.env[k] = v;
  }
  rmSync(cacheDir, { recursive: true, force: true });
  await server.close();
});

const scan = async (etagCache?: string, auth: 'app' | 'token' = 'app'): Promise<ScanResult> =>
  runScan({
    config: buildConfig(demoConfig(etagCache, auth), registries, 'demo', process.cwd()),
    clock: systemClock(DEMO_AS_OF),
    log: silentLogger,
    directory: people,
  });

const soc2Of = (result: ScanResult) =>
  result.findings.map((f) => ({
    policy: f.policyId,
    on: f.identityUid,
    severity: f.severity,
    soc2: f.controls.filter((c) => c.framework === 'SOC2').map((c) => c.id),
  }));

describe('demo estate: the GitHub org acme', () => {
  let first: ScanResult;

  it('raises every planted finding, with its SOC 2 tags, and nothing on the clean identities', async () => {
    first = await scan(join(cacheDir, 'github-etags.json'));
    expect(soc2Of(first)).toEqual([
      {
        policy: 'excess-privilege',
        on: 'github:acme/installation/7002',
        severity: 'critical',
        soc2: ['CC6.3', 'CC8.1'],
      },
      {
        policy: 'github-app-permissions',
        on: 'github:acme/installation/7002',
        severity: 'high',
        soc2: ['CC6.3', 'CC8.1', 'CC9.2'],
      },
      {
        policy: 'github-deploy-key-write',
        on: 'github:acme/payments-api/deploy-key/2101',
        severity: 'high',
        soc2: ['CC6.3', 'CC8.1'],
      },
      { policy: 'github-token-expiry', on: 'github:acme/pat/6001', severity: 'high', soc2: ['CC6.1'] },
      {
        policy: 'ownership',
        on: 'github:acme/payments-api/deploy-key/2101',
        severity: 'high',
        soc2: ['CC6.2', 'CC6.3'],
      },
      {
        policy: 'rotation-age',
        on: 'github:acme/actions-secret/LEGACY_DEPLOY_TOKEN',
        severity: 'high',
        soc2: ['CC6.1'],
      },
      {
        policy: 'github-secret-visibility',
        on: 'github:acme/actions-secret/LEGACY_DEPLOY_TOKEN',
        severity: 'medium',
        soc2: ['CC6.6', 'CC6.7'],
      },
      {
        policy: 'github-webhook-exposure',
        on: 'github:acme/webhook/1001',
        severity: 'medium',
        soc2: ['CC6.6'],
      },
      {
        policy: 'ownership',
        on: 'github:acme/installation/7002',
        severity: 'medium',
        soc2: ['CC6.2', 'CC6.3'],
      },
      // Approved through the audit log, nobody named for it (issue 9): the same rule as an App's.
      {
        policy: 'ownership',
        on: 'github:acme/oauth-app/4101',
        severity: 'medium',
        soc2: ['CC6.2', 'CC6.3'],
      },
      { policy: 'staleness', on: 'github:acme/pat/6001', severity: 'medium', soc2: ['CC6.2', 'CC6.1'] },
    ]);
    expect(first.findings.find((f) => f.policyId === 'staleness')?.evidence).toMatchObject({
      unusedDays: 200,
    });
    expect(first.coverage[0]!.counts).toEqual({
      'github.app_installation': 3,
      'github.fine_grained_pat': 2, // over two pages
      'github.pat_request': 1,
      'github.credential_authorization': 2,
      'github.actions_secret': 2 + 2 + 1, // org, repositories, environment
      'github.webhook': 2 + 1,
      // Every repository keeps the org default: one workflow-token identity (issue 9).
      'github.workflow_token': 1,
      'github.deploy_key': 2,
      // From the audit log: approved (4101), denied (4102), requested (4103).
      'github.oauth_app': 3,
    });
  });

  it('reports what it could not read, with the permission that would unlock it', () => {
    const [coverage] = first.coverage;
    expect(coverage).toMatchObject({
      target: 'github:acme',
      scope: 'acme',
      status: 'partial',
      principal: 'app/nhiscan-reader (installation 7001 on acme)',
    });
    expect(coverage!.gaps.map((g) => [g.call, g.code, g.permission ?? null, g.recovered])).toEqual([
      ['github:oauth-app-authorizations', 'not_supported', null, true],
      ['GET /orgs/{org}/dependabot/secrets', 'access_denied', 'organization_dependabot_secrets=read', false],
      ['GET /repos/{owner}/{repo}/dependabot/secrets', 'access_denied', 'dependabot_secrets=read', false],
    ]);
    // An App's installation token is new on every run and GitHub ties ETags to the token:
    // the configured cache is not used, and says why.
    expect(coverage!.notes).toContainEqual(
      expect.stringMatching(/^GitHub: ETag cache not used with App auth/),
    );
    expect(coverage!.notes.at(-1)).toMatch(/^GitHub: \d+ requests, ETag cache not used with App auth/);
    expect(existsSync(join(cacheDir, 'github-etags.json'))).toBe(false);
  });

  it('answers an unchanged rescan with the same token from the ETag cache', async () => {
    const cache = join(cacheDir, 'token-etags.json');
    const once = await scan(cache, 'token');
    const twice = await scan(cache, 'token');
    expect(twice.findings.map((f) => f.uid)).toEqual(once.findings.map((f) => f.uid));
    expect(twice.identities.length).toBeGreaterThan(10);
    expect(twice.identities).toEqual(once.identities);
    const note = twice.coverage[0]!.notes.at(-1) ?? '';
    const [, requests, notModified] = /^GitHub: (\d+) requests, (\d+) answered 304/.exec(note) ?? [];
    // Everything but the planted denials and the files the demo does not have comes back 304.
    expect(Number(notModified)).toBeGreaterThan(Number(requests) * 0.7);

    // Another token (a rotated one, or an App's next installation token) matches no ETag.
    const saved = process.env[TOKEN_ENV];
    process.env[TOKEN_ENV] = 'github_pat_11DEMO0000RotatedExampleNotAToken';
    try {
      const rotated = await scan(cache, 'token');
      expect(rotated.coverage[0]!.notes.at(-1)).toMatch(/^GitHub: \d+ requests, 0 answered 304/);
      expect(rotated.identities).toEqual(once.identities);
    } finally {
      process.env[TOKEN_ENV] = saved;
    }
  });
});
