// The demo's GitHub org (fixtures/demo/github) through the demo server's route: the real Octokit
// of the real connector over HTTP on loopback, then the generic and GitHub policies. Every
// planted problem raises its finding with its SOC 2 tags; the clean identities raise nothing;
// the planted denials show up as gaps naming the permission; a second run is answered by 304s.
import { mkdtempSync, rmSync } from 'node:fs';
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
import { DEMO_GITHUB_ENV, demoGithubEnv, githubRoute } from '../../../src/demo/github.js';
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

/** The block fixtures/demo/github/README.md asks the demo config to hold. */
const demoConfig = (etagCache?: string) => ({
  asOf: DEMO_AS_OF.toISOString(),
  providers: {
    github: {
      orgs: ['acme'],
      auth: { type: 'app', appId: 4100, privateKeyEnv: DEMO_GITHUB_ENV.appKey },
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
  for (const [k, v] of Object.entries(demoGithubEnv(server.url))) {
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

const scan = async (etagCache?: string): Promise<ScanResult> =>
  runScan({
    config: buildConfig(demoConfig(etagCache), registries, 'demo', process.cwd()),
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
      'github.workflow_token': 1 + 3,
      'github.deploy_key': 2,
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
      [
        'GET /orgs/{org}/codespaces/secrets',
        'not_supported',
        'organization_codespaces_secrets=read (fine-grained PAT) or admin:org (classic)',
        false,
      ],
      ['GET /repos/{owner}/{repo}/dependabot/secrets', 'access_denied', 'dependabot_secrets=read', false],
    ]);
    expect(coverage!.notes.at(-1)).toMatch(/^GitHub: \d+ requests, 0 answered 304 from cache/);
  });

  it('answers an unchanged rescan from the ETag cache', async () => {
    const second = await scan(join(cacheDir, 'github-etags.json'));
    expect(second.findings.map((f) => f.uid)).toEqual(first.findings.map((f) => f.uid));
    const note = second.coverage[0]!.notes.at(-1) ?? '';
    const [, requests, notModified] = /^GitHub: (\d+) requests, (\d+) answered 304/.exec(note) ?? [];
    // Everything but the installation token, the JWT call and the denials comes back 304.
    expect(Number(notModified)).toBeGreaterThan(Number(requests) * 0.8);
  });
});
