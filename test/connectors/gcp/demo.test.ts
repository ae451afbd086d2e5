// The demo's Google Cloud (connectors/gcp/demo.ts serving fixtures/demo/gcp/) scanned by the real
// connector over loopback: the endpoint overrides, `auth: none`, Google-style paging and errors,
// and the planted problems each raising its finding.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGcpConnector } from '../../../connectors/gcp/index.js';
import { policies } from '../../../policies/index.js';
import { gcpApiKeyUnrestricted } from '../../../policies/gcp-api-key-unrestricted.js';
import { gcpBasicRoles } from '../../../policies/gcp-basic-roles.js';
import { gcpImpersonation } from '../../../policies/gcp-impersonation.js';
import { gcpUserManagedKeys } from '../../../policies/gcp-user-managed-keys.js';
import { gcpWifNoCondition } from '../../../policies/gcp-wif-no-condition.js';
import { buildConfig } from '../../../src/config.js';
import { gcpDemoEndpoints, gcpRoute } from '../../../connectors/gcp/demo.js';
import { startDemoServer, type DemoServer } from '../../../src/demo/server.js';
import { loadDirectory } from '../../../src/directory.js';
import { DirectoryConfig } from '../../../src/directory.js';
import { silentLogger } from '../../../src/log.js';
import type { ScanResult } from '../../../src/model.js';
import { fixturesDir } from '../../../src/paths.js';
import { runScan } from '../../../src/scan.js';

const DEMO = join(fixturesDir, 'demo');
const registries = {
  connectors: { gcp: createGcpConnector() },
  policies: {
    ...policies,
    'gcp-basic-roles': gcpBasicRoles,
    'gcp-impersonation': gcpImpersonation,
    'gcp-api-key-unrestricted': gcpApiKeyUnrestricted,
    'gcp-wif-no-condition': gcpWifNoCondition,
    'gcp-user-managed-keys': gcpUserManagedKeys,
  },
};

const SA = (name: string) => `${name}@acme-prod.iam.gserviceaccount.com`;
const POOL = 'projects/400000000001/locations/global/workloadIdentityPools/ci';

describe('the demo Google Cloud organization', () => {
  let server: DemoServer;
  let result: ScanResult;

  beforeAll(async () => {
    server = await startDemoServer({ gcp: gcpRoute({ dir: join(DEMO, 'gcp') }) });
    // The block the demo config carries; the endpoints are only known once the server listens.
    const config = buildConfig(
      {
        asOf: '2026-11-01T00:00:00Z',
        providers: {
          gcp: {
            organizations: ['900000000001'],
            auth: { type: 'none' },
            endpoints: gcpDemoEndpoints(server.url),
          },
        },
      },
      registries,
      'demo',
      DEMO,
    );
    const directory = loadDirectory(join(DEMO, 'people.csv'), DirectoryConfig.parse({ path: 'people.csv' }));
    result = await runScan({
      config,
      clock: { asOf: new Date('2026-11-01T00:00:00Z'), now: () => new Date() },
      log: silentLogger,
      directory,
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('lists the organization’s projects, scans acme-prod in full and records acme-data as denied', () => {
    expect(result.coverage.map((c) => [c.target, c.scope, c.status])).toEqual([
      ['gcp:organization/900000000001', 'organizations/900000000001', 'complete'],
      ['gcp:project/acme-data', 'acme-data', 'failed'],
      ['gcp:project/acme-prod', 'acme-prod', 'complete'],
    ]);
    const [org, data, prod] = result.coverage;
    expect(org!.notes).toContain('lists 2 target(s): gcp:project/acme-data, gcp:project/acme-prod');
    expect(prod).toMatchObject({
      counts: { 'gcp.service_account': 4, 'gcp.api_key': 2, 'gcp.wif_provider': 2 },
      gaps: [],
    });
    expect(data!.gaps.map((g) => [g.code, g.call, g.resource, g.permission])).toEqual([
      [
        'access_denied',
        'cloudresourcemanager.projects.getIamPolicy',
        'projects/acme-data',
        'resourcemanager.projects.getIamPolicy',
      ],
      [
        'access_denied',
        'iam.projects.serviceAccounts.list',
        'projects/acme-data',
        'iam.serviceAccounts.list',
      ],
    ]);
    // The organization's policy is read once, by the listing, for both projects.
    expect(
      server.requests.filter((r) => r.path.endsWith('/organizations/900000000001:getIamPolicy')),
    ).toHaveLength(1);
    // Every request went to the loopback server, under its API's prefix.
    expect(new Set(server.requests.map((r) => r.path.split('/')[2]))).toEqual(
      new Set(['cloudresourcemanager', 'iam', 'apikeys', 'policyanalyzer', 'cloudidentity']),
    );
    expect(server.requests.every((r) => r.route === 'gcp')).toBe(true);
  });

  it('raises each planted finding with its SOC 2 criterion', () => {
    const got = result.findings.map((f) => [
      f.policyId,
      f.identityUid,
      f.severity,
      f.controls
        .filter((c) => c.framework === 'SOC2')
        .map((c) => c.id)
        .join(' '),
    ]);
    expect(got).toEqual(
      expect.arrayContaining([
        ['gcp-basic-roles', SA('deployer'), 'high', 'CC6.3'],
        ['rotation-age', SA('deployer'), 'high', 'CC6.1'],
        ['gcp-impersonation', SA('deployer'), 'high', 'CC6.3'],
        [
          'gcp-api-key-unrestricted',
          'gcp:acme-prod/apikey/7c0f5b2e-9d41-4a6b-8e3f-2b1c0d9e8f7a',
          'high',
          'CC6.6',
        ],
        ['gcp-wif-no-condition', `${POOL}/providers/github-actions`, 'critical', 'CC6.6'],
        ['staleness', SA('etl-legacy'), 'medium', expect.stringContaining('CC6.2')],
        ['ownership', SA('etl-legacy'), 'high', 'CC6.2 CC6.3'],
      ]),
    );
    // Clean identities beside them: the restricted maps key, the pinned GitLab provider, reporting@.
    const clean = [
      'gcp:acme-prod/apikey/3e8d7c6b-5a49-4f38-a2e1-0d9c8b7a6f5e',
      `${POOL}/providers/gitlab`,
      SA('reporting'),
    ];
    expect(result.findings.filter((f) => clean.includes(f.identityUid))).toEqual([]);
  });

  it('judges roles by their permissions: a custom admin role, a read-only custom role, a deny policy', () => {
    const sa = (name: string) => result.identities.find((i) => i.uid === SA(name))!;
    const bindings = (name: string) =>
      (
        sa(name).attributes.bindings as {
          role: string;
          level: string;
          status: string;
          decidedBy?: string[];
        }[]
      ).map((b) => [b.role, b.level, b.status, b.decidedBy]);
    // The custom role holds resourcemanager.projects.setIamPolicy: administrator of the project.
    expect(sa('etl-legacy').privilege.level).toBe('admin');
    expect(sa('etl-legacy').attributes.adminScope).toBe('estate');
    expect(bindings('etl-legacy')).toContainEqual([
      'projects/acme-prod/roles/pipelineAdmin',
      'admin',
      'active',
      ['resourcemanager.projects.setIamPolicy'],
    ]);
    // The read-only custom role reads; reporting@'s BigQuery binding is scoped by its condition.
    expect(bindings('reporting')).toEqual([
      [
        'roles/bigquery.dataViewer',
        'write',
        'scoped',
        ['bigquery.tables.createSnapshot', 'bigquery.tables.replicateData'],
      ],
      [
        'projects/acme-prod/roles/auditReader',
        'read',
        'active',
        ['storage.objects.get', 'storage.objects.list'],
      ],
    ]);
    // roles/editor lets deployer@ act as any account of the project; the project's deny policy
    // takes away minting keys, not that.
    expect(sa('deployer').privilege.level).toBe('admin');
    const editor = (sa('deployer').attributes.bindings as { role: string; denied?: unknown }[]).find(
      (b) => b.role === 'roles/editor',
    );
    expect(editor?.denied).toEqual([
      {
        permission: 'iam.serviceAccountKeys.create',
        policy: 'policies/cloudresourcemanager.googleapis.com%2Fprojects%2Facme-prod/denypolicies/no-sa-keys',
      },
    ]);
    expect(sa('deployer').privilege.reasons).toEqual([
      'roles/editor on projects/acme-prod: admin by its permissions (iam.serviceAccounts.actAs); 1 permission(s) removed by deny policies',
    ]);
    // Each role read once for the scan, whoever holds it.
    const roleReads = server.requests.filter((r) =>
      /^\/gcp\/iam\/v1\/(roles|projects\/[^/]+\/roles)\//.test(r.path),
    );
    expect(roleReads.map((r) => r.path).sort()).toEqual([
      '/gcp/iam/v1/projects/acme-prod/roles/auditReader',
      '/gcp/iam/v1/projects/acme-prod/roles/pipelineAdmin',
      '/gcp/iam/v1/roles/bigquery.dataViewer',
      '/gcp/iam/v1/roles/editor',
      '/gcp/iam/v1/roles/logging.logWriter',
      '/gcp/iam/v1/roles/storage.objectCreator',
    ]);
    expect(
      result.findings
        .filter((f) => f.policyId === 'excess-privilege')
        .map((f) => [f.identityUid, f.severity]),
    ).toEqual(
      expect.arrayContaining([
        [SA('deployer'), 'critical'],
        [SA('etl-legacy'), 'critical'],
      ]),
    );
  });
});
