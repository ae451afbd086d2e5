// `runDemo` in-process: the demo estate (fixtures/demo/) through the real AWS SDK, connector and
// policies. Every planted problem of fixtures/demo/README.md must be found, nothing else, and the
// denied calls must show in coverage.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScanCommandResult, scanCommand } from '../../src/commands.js';
import { DEMO_CONFIG, runDemo, startDemoEstate } from '../../src/demo/index.js';
import { demoAwsEnv, swapAwsEnv } from '../../connectors/aws/demo.js';
import { EXIT } from '../../src/exit-codes.js';
import { silentLogger } from '../../src/log.js';
import { ScanResult } from '../../src/model.js';
import { expectCountsAddUp } from '../core/evaluation-counts.js';

const PROD = '111111111111';
const DATA = '222222222222';

/** [policy id, identity name, credential id (when the finding is about one), evidence it must carry]. */
const PLANTED: [string, string, string | undefined, Record<string, unknown>][] = [
  ['rotation-age', 'ci-deploy-legacy', 'AKIAACMEPROD00000001', { ageDays: 400 }],
  ['rotation-age', 'reporting-export', 'AKIAACMEPROD00000002', { ageDays: 294 }],
  ['staleness', 'reporting-export', 'AKIAACMEPROD00000002', { unusedDays: 200 }],
  ['staleness', 'etl-sandbox', 'AKIAACMEPROD00000003', { lastUsedAt: null, ageDays: 30 }],
  ['multiple-active-keys', 'backup-agent', undefined, { activeCount: 2 }],
  [
    'excess-privilege',
    'legacy-admin-bot',
    undefined,
    { level: 'admin', adminPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
  ],
  ['excess-privilege', 'build-runner', undefined, {}],
  ['excess-privilege', 'data-sync', undefined, { services: ['s3'] }],
  ['ownership', 'metrics-pusher', undefined, {}],
  [
    'ownership',
    'payments-webhook',
    undefined,
    { owner: 'tom.baker@acme.example', directoryStatus: 'DEPROVISIONED' },
  ],
  [
    'ownership',
    'invoice-renderer',
    undefined,
    { owner: 'lwei', ownerSource: 'tag:nhi-owner', directoryStatus: 'SUSPENDED' },
  ],
  ['human-use', 'jenkins-ops', undefined, { consolePassword: true }],
  ['aws-root-access-keys', 'root account', undefined, { active: 1 }],
  ['external-trust', 'vendor-monitoring', undefined, {}],
  ['external-trust', 'github-actions-deploy', undefined, {}],
  // IAM service last accessed data: CloudFront granted, last used 2025-12-02.
  [
    'aws-unused-services',
    'github-actions-deploy',
    undefined,
    { unusedServices: [{ namespace: 'cloudfront', unusedDays: 333 }], grantedServices: 2 },
  ],
  ['staleness', 'nightly-report-legacy', undefined, { unusedDays: 200 }],
  ['staleness', 'migration-2025', undefined, { lastUsedAt: null, ageDays: 365 }],
  // Trusts ecs-tasks.amazonaws.com with no aws:SourceAccount / aws:SourceArn (confused deputy).
  ['aws-confused-deputy', 'migration-2025', undefined, { services: ['ecs-tasks.amazonaws.com'] }],
  // AdministratorAccess attached to the user itself, not through a group (CIS AWS 1.15).
  [
    'aws-user-attached-policies',
    'legacy-admin-bot',
    undefined,
    { managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
  ],
  ['rotation-age', 'airflow-worker', 'AKIAACMEDATA00000001', { ageDays: 164 }],
  // Google Cloud, organization 900000000001 (fixtures/demo/gcp/README.md).
  ['gcp-wif-no-condition', 'ci/github-actions', undefined, {}],
  ['gcp-api-key-unrestricted', 'Legacy mobile app', '7c0f5b2e-9d41-4a6b-8e3f-2b1c0d9e8f7a', {}],
  ['gcp-basic-roles', 'deployer', undefined, {}],
  ['gcp-impersonation', 'deployer', undefined, {}],
  ['rotation-age', 'deployer', '5d1e0c4b9a8f7e6d5c4b3a291807f6e5d4c3b2a1', { ageDays: 400 }],
  ['gcp-user-managed-keys', 'deployer', undefined, {}],
  // roles/editor holds iam.serviceAccounts.actAs: deployer@ can act as any account of the project.
  ['excess-privilege', 'deployer', undefined, { level: 'admin' }],
  // The custom role projects/acme-prod/roles/pipelineAdmin holds resourcemanager.projects.setIamPolicy.
  ['excess-privilege', 'etl-legacy', undefined, { level: 'admin' }],
  [
    'ownership',
    'etl-legacy',
    undefined,
    { owner: 'tom.baker@acme.example', directoryStatus: 'DEPROVISIONED' },
  ],
  ['rotation-age', 'etl-legacy', '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567', { ageDays: 120 }],
  ['staleness', 'etl-legacy', undefined, {}],
  ['staleness', 'etl-legacy', '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567', {}],
  ['gcp-user-managed-keys', 'etl-legacy', undefined, {}],
  ['ownership', '400000000001-compute', undefined, {}],
  ['staleness', '400000000001-compute', undefined, { observedDays: 183 }],
  // GitHub, organisation acme (fixtures/demo/github/README.md).
  ['excess-privilege', 'deploy-bot-pro', undefined, { level: 'admin' }],
  ['github-app-permissions', 'deploy-bot-pro', undefined, {}],
  ['ownership', 'deploy-bot-pro', undefined, {}],
  ['github-token-expiry', 'release-pipeline', 'token:66001', {}],
  ['staleness', 'release-pipeline', 'token:66001', { unusedDays: 200 }],
  ['github-deploy-key-write', 'release-bot', 'deploy-key:2101', {}],
  ['ownership', 'release-bot', undefined, { owner: 'tbaker', orgMember: false }],
  ['rotation-age', 'LEGACY_DEPLOY_TOKEN', 'LEGACY_DEPLOY_TOKEN', { ageDays: 746 }],
  ['github-secret-visibility', 'LEGACY_DEPLOY_TOKEN', 'LEGACY_DEPLOY_TOKEN', {}],
  // GitHub records no owner for a secret; the demo config names one for every other (ownership.owners).
  ['ownership', 'LEGACY_DEPLOY_TOKEN', undefined, {}],
  // An OAuth app the org approved (audit log, issue 9) that nobody is named for.
  ['ownership', 'Acme Metrics Exporter', undefined, {}],
  ['github-webhook-exposure', 'web hook to alerts.acme.example', undefined, {}],
  // Microsoft Entra ID, tenant acme.onmicrosoft.com (fixtures/demo/entra/README.md).
  [
    'entra-app-credentials',
    'payroll-sync',
    '3c5be9d3-8481-5d15-a7c0-2bc7568126a4',
    { expiresAt: '2299-12-31T08:00:00.000Z' },
  ],
  ['entra-app-credentials', 'legacy-reporting', 'ed92d506-b86d-53ff-8db5-421e4677708b', { daysExpired: 153 }],
  ['entra-app-credentials', 'invoice-mailer', undefined, { activeCount: 2 }],
  [
    'excess-privilege',
    'directory-automation',
    undefined,
    {
      level: 'admin',
      reasons: ['application permission RoleManagement.ReadWrite.Directory on Microsoft Graph'],
    },
  ],
  [
    'entra-tenant-wide-consent',
    'MailMerge Pro',
    undefined,
    { highRiskScopes: ['Mail.ReadWrite'], thirdParty: true },
  ],
  [
    'entra-federated-credential',
    'infra-deployer',
    undefined,
    { claimsMatchingExpression: "claims['sub'] matches 'repo:acme/*'" },
  ],
  [
    'ownership',
    'vendor-sync',
    undefined,
    { owner: 'tom.baker@acme.example', directoryStatus: 'DEPROVISIONED' },
  ],
  ['staleness', 'old-dashboard', undefined, { unusedDays: 376 }],
  // Google Workspace, acme.example (fixtures/demo/README.md): third-party OAuth apps.
  [
    'workspace-high-risk-scopes',
    'MailMerge Studio',
    undefined,
    { highRiskScopes: ['https://mail.google.com/'], userCount: 3 },
  ],
  ['workspace-departed-grantor', 'Legacy Expense Sync', undefined, { onlyDeparted: true }],
  ['workspace-unverified-app', 'anonymous', undefined, { anonymous: true }],
  [
    'workspace-high-risk-scopes',
    'anonymous',
    undefined,
    { highRiskScopes: ['https://www.googleapis.com/auth/drive'] },
  ],
  ['workspace-rare-app-high-risk', 'Directory Helper', undefined, { userCount: 1 }],
  [
    'workspace-high-risk-scopes',
    'Directory Helper',
    undefined,
    { highRiskScopes: ['https://www.googleapis.com/auth/admin.directory.user'] },
  ],
  ['excess-privilege', 'Directory Helper', undefined, { level: 'admin' }],
];

const CLEAN = [
  'svc-orders-api',
  'git-mirror',
  'github-actions-release',
  'partner-billing-reader',
  'app-api-ec2',
  'AWSServiceRoleForOrganizations',
  'dbt-runner',
  'looker-sync',
  'NhiscanReadOnly',
  'emr-job-runner',
  'reporting',
  'Storefront maps',
  'ci/gitlab',
  'nhiscan-reader',
  'codecov',
  'metrics-export',
  'sprint-report',
  'ci-readonly',
  'NPM_PUBLISH_TOKEN',
  'DB_MIGRATION_URL',
  'PROD_DEPLOY_KEY',
  'SENTRY_AUTH_TOKEN',
  'web hook to ci.acme.example',
  'web hook to deploy.acme.example',
  'ledger-api',
  'hr-portal',
  'MeetingRooms Cloud',
  'orders-func',
  'Microsoft Graph',
  'MeetingRooms Scheduler',
  'Acme Intranet SSO',
  'Acme Notes',
];

let out: string;
let printed: string;
let demo: ScanCommandResult;
let envBefore: Record<string, string | undefined>;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'nhiscan-demo-'));
  // Settings a user may have that would send the SDK elsewhere (or fail it) if the demo did not
  // set them aside: the demo still scans its own estate.
  process.env.AWS_PROFILE = 'my-real-profile';
  process.env.AWS_ENDPOINT_URL_IAM = 'http://127.0.0.1:9/';
  process.env.AWS_SESSION_TOKEN = 'a-real-session-token';
  envBefore = Object.fromEntries(
    Object.keys(process.env)
      .filter((k) => k.startsWith('AWS_'))
      .map((k) => [k, process.env[k]]),
  );
  printed = '';
  demo = await runDemo({ out, log: silentLogger, print: (t) => (printed += t), color: false });
});

afterAll(() => {
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_ENDPOINT_URL_IAM;
  delete process.env.AWS_SESSION_TOKEN;
  rmSync(out, { recursive: true, force: true });
});

describe('what was tested', () => {
  it('one evaluation per policy x identity; the counts add up and agree with the findings', () => {
    expectCountsAddUp(demo.result);
    const summary = demo.result.evaluationSummary!;
    expect(Object.keys(summary.byPolicy).sort()).toEqual(Object.keys(demo.result.run.policies).sort());
    // Every planted problem is a fail; the demo's clean identities pass or are not judged, never fail.
    for (const [policyId, name] of PLANTED) {
      const identity = demo.result.identities.find((i) => i.name === name)!;
      const record = demo.result.evaluations.find(
        (e) => e.policyId === policyId && e.identityUid === identity.uid,
      );
      expect(record?.status, `${policyId} on ${name}`).toBe('fail');
    }
    // The file of record carries the counts, not the records.
    const written = JSON.parse(readFileSync(join(out, 'nhiscan-result.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(written).not.toHaveProperty('evaluations');
    expect(written.evaluationSummary).toEqual(summary);
  });
});

describe('findings', () => {
  it.each(PLANTED)('%s on %s', (policyId, name, credentialUid, evidence) => {
    const hits = demo.result.findings.filter(
      (f) => f.policyId === policyId && f.identityName === name && f.credentialUid === credentialUid,
    );
    expect(hits).toHaveLength(1);
    expect(hits[0]!.evidence).toMatchObject(evidence);
    expect(hits[0]!.controls.some((c) => c.framework === 'SOC2')).toBe(true);
  });

  it('carries the trust statement that made external-trust fire', () => {
    const byName = (n: string) =>
      demo.result.findings.find((f) => f.policyId === 'external-trust' && f.identityName === n)!;
    expect(byName('vendor-monitoring').evidence.trust).toMatchObject([
      { principal: 'arn:aws:iam::333333333333:root' },
    ]);
    expect(byName('github-actions-deploy').evidence.trust).toMatchObject([
      {
        principal: `arn:aws:iam::${PROD}:oidc-provider/token.actions.githubusercontent.com`,
        conditions: { StringEquals: { 'token.actions.githubusercontent.com:aud': ['sts.amazonaws.com'] } },
      },
    ]);
  });

  it('raises nothing but the planted findings', () => {
    const found = demo.result.findings
      .map((f) => `${f.policyId} ${f.identityName} ${f.credentialUid ?? ''}`)
      .sort();
    expect(found).toEqual(PLANTED.map(([p, n, c]) => `${p} ${n} ${c ?? ''}`).sort());
  });

  it.each(CLEAN)('raises nothing on the clean identity %s, which is inventoried', (name) => {
    expect(demo.result.identities.some((i) => i.name === name)).toBe(true);
    expect(demo.result.findings.filter((f) => f.identityName === name)).toEqual([]);
  });

  it('leaves the person alice.nguyen (console password, no keys) out of the inventory', () => {
    expect(demo.result.identities.map((i) => i.name)).not.toContain('alice.nguyen');
  });

  it('exits 1: findings at or above high', () => {
    expect(demo.exitCode).toBe(EXIT.findings);
  });
});

describe('inventory', () => {
  it('holds both accounts, users and roles, with the SSH key and the inactive key', () => {
    const inProd = demo.result.identities.filter((i) => i.location.scope === PROD);
    const inData = demo.result.identities.filter((i) => i.location.scope === DATA);
    expect(inProd.filter((i) => i.kind === 'aws.iam_user')).toHaveLength(13);
    expect(inProd.filter((i) => i.kind === 'aws.iam_role')).toHaveLength(8);
    expect(inData.map((i) => i.name).sort()).toEqual([
      'NhiscanReadOnly',
      'airflow-worker',
      'dbt-runner',
      'emr-job-runner',
      'looker-sync',
    ]);
    const mirror = inProd.find((i) => i.name === 'git-mirror')!;
    expect(mirror.credentials).toMatchObject([
      { uid: 'APKAACMEPROD00000001', type: 'ssh_key', status: 'active' },
    ]);
    const orders = inProd.find((i) => i.name === 'svc-orders-api')!;
    expect(orders.credentials.map((c) => [c.uid, c.status])).toEqual([
      ['AKIAACMEPROD00000013', 'active'],
      ['AKIAACMEPROD00000014', 'inactive'],
    ]);
    // Only the default version (v2) of the group's customer managed policy counts.
    expect(orders.privilege.level).toBe('write');
    expect(orders.privilege.grants.some((g) => g.actions.includes('s3:*'))).toBe(false);
  });

  it('reads the fallback data of acme-data: key ids and last use from ListAccessKeys + GetAccessKeyLastUsed', () => {
    const worker = demo.result.identities.find((i) => i.name === 'airflow-worker')!;
    expect(worker.credentials).toMatchObject([
      {
        uid: 'AKIAACMEDATA00000001',
        lastUsedAt: '2026-10-31T02:14:00.000Z',
        lastUsedDetail: { source: 'GetAccessKeyLastUsed', service: 's3' },
      },
    ]);
    expect(worker.attributes.consolePassword).toBe(false);
  });
});

describe('coverage', () => {
  it('is complete for acme-prod, scanned as the default chain’s principal', () => {
    const prod = demo.result.coverage.find((c) => c.scope === PROD)!;
    expect(prod).toMatchObject({ target: 'aws:default', status: 'complete', gaps: [] });
    expect(prod.principal).toMatch(/^arn:aws:sts::111111111111:assumed-role\//);
  });

  it('marks the role the scan assumed in acme-data and the GitHub App installation as the scanner, judged like any other identity', () => {
    const scanners = demo.result.identities.filter((i) => i.attributes.scanner === true);
    expect(scanners.map((i) => [i.name, i.location.scope, i.attributes.scannerPrincipal])).toEqual([
      ['NhiscanReadOnly', DATA, `arn:aws:sts::${DATA}:assumed-role/NhiscanReadOnly/nhiscan`],
      ['nhiscan-reader', 'acme', expect.stringMatching(/^app\/nhiscan-reader \(installation \d+ on acme\)$/)],
    ]);
  });

  it('shows the denied credential report as a recovered gap and the denied SSH key listing as a lost one', () => {
    const data = demo.result.coverage.find((c) => c.scope === DATA)!;
    expect(data).toMatchObject({
      target: `aws:assume/${DATA}`,
      status: 'partial',
      principal: `arn:aws:sts::${DATA}:assumed-role/NhiscanReadOnly/nhiscan`,
    });
    const gaps = data.gaps.map((g) => ({
      call: g.call,
      code: g.code,
      recovered: g.recovered,
      resource: g.resource,
    }));
    expect(gaps).toContainEqual({
      call: 'iam:GenerateCredentialReport',
      code: 'access_denied',
      recovered: true,
      resource: undefined,
    });
    expect(data.gaps.find((g) => g.call === 'iam:GenerateCredentialReport')?.fallback).toBeTruthy();
    expect(gaps).toContainEqual({
      call: 'iam:ListSSHPublicKeys',
      code: 'access_denied',
      recovered: false,
      resource: `arn:aws:iam::${DATA}:user/looker-sync`,
    });
    // The service last accessed job of dbt-runner ends FAILED: its unused services are unknown.
    expect(gaps).toContainEqual({
      call: 'iam:GetServiceLastAccessedDetails',
      code: 'unavailable',
      recovered: false,
      resource: `arn:aws:iam::${DATA}:user/dbt-runner`,
    });
    expect(gaps).toHaveLength(3);
    expect(demo.result.run.complete).toBe(false);
  });
});

describe('the run', () => {
  it('is judged as of the estate’s fixed date, and says so first', () => {
    expect(demo.result.run.asOf).toBe('2026-11-01T00:00:00.000Z');
    expect(printed.split('\n')[0]).toMatch(/^Demo estate, judged as of 2026-11-01T00:00:00\.000Z/);
  });

  it('writes a ScanResult to the out folder and prints where', () => {
    expect(demo.files).toEqual([join(out, 'nhiscan-result.json')]);
    const parsed = ScanResult.parse(JSON.parse(readFileSync(demo.files[0]!, 'utf8')));
    expect(parsed.findings).toHaveLength(PLANTED.length);
    expect(printed).toContain(`Wrote ${demo.files[0]!}`);
    expect(printed).toContain('SOC 2 CC6.3');
  });

  it('puts the user’s AWS environment back afterwards, untouched', () => {
    const after = Object.fromEntries(
      Object.keys(process.env)
        .filter((k) => k.startsWith('AWS_'))
        .map((k) => [k, process.env[k]]),
    );
    // Same variables, same values: the demo's endpoint and keys are gone, the user's profile is back.
    expect(after).toEqual(envBefore);
  });

  it('gives the same findings, with the same ids, on a second run; --fail-on none exits 3 (incomplete)', async () => {
    const again = mkdtempSync(join(tmpdir(), 'nhiscan-demo-'));
    try {
      const second = await runDemo({
        out: again,
        failOn: 'none',
        log: silentLogger,
        print: () => undefined,
        color: false,
      });
      expect(second.result.findings.map((f) => f.uid)).toEqual(demo.result.findings.map((f) => f.uid));
      expect(second.exitCode).toBe(EXIT.incomplete);
      expect(existsSync(join(again, 'nhiscan-result.json'))).toBe(true);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });
});

describe('the estate', () => {
  it('has a file for every call the connector makes: the only errors are the planted ones', async () => {
    const server = await startDemoEstate({ asOf: new Date('2026-11-01T00:00:00Z') });
    const restore = swapAwsEnv(demoAwsEnv(server));
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-demo-'));
    try {
      await scanCommand({
        config: DEMO_CONFIG,
        out: dir,
        log: silentLogger,
        print: () => undefined,
        color: false,
      });
    } finally {
      restore();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
    const failed = server.requests
      .filter((r) => r.status !== 200)
      .map((r) => `${r.status} ${r.summary ?? r.path}`);
    expect(failed.sort()).toEqual([
      '403 222222222222 GenerateCredentialReport → AccessDenied',
      '403 222222222222 ListSSHPublicKeys UserName=looker-sync → AccessDenied',
      // No console password: AWS answers GetLoginProfile with NoSuchEntity.
      '404 222222222222 GetLoginProfile UserName=airflow-worker → NoSuchEntity',
      '404 222222222222 GetLoginProfile UserName=dbt-runner → NoSuchEntity',
      '404 222222222222 GetLoginProfile UserName=looker-sync → NoSuchEntity',
    ]);
    expect(server.requests.every((r) => r.route === 'aws')).toBe(true);
  });
});
