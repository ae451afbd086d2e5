// An organization scan end to end: two projects, read
// by the real Google clients (answered by nock), judged by the generic and the GCP policies.
// acme-prod holds deployer@ (roles/editor, a 400-day-old key), an unrestricted API key and a
// GitHub Actions provider without an attribute condition; acme-data denies the scanner.
import { describe, expect, it } from 'vitest';
import { createGcpConnector } from '../../../connectors/gcp/index.js';
import { policies } from '../../../policies/index.js';
import { gcpApiKeyUnrestricted } from '../../../policies/gcp-api-key-unrestricted.js';
import { gcpBasicRoles } from '../../../policies/gcp-basic-roles.js';
import { gcpImpersonation } from '../../../policies/gcp-impersonation.js';
import { gcpUserManagedKeys } from '../../../policies/gcp-user-managed-keys.js';
import { gcpWifNoCondition } from '../../../policies/gcp-wif-no-condition.js';
import { buildConfig } from '../../../src/config.js';
import { findingUid } from '../../../src/evaluate.js';
import { silentLogger } from '../../../src/log.js';
import type { Finding } from '../../../src/model.js';
import { runScan } from '../../../src/scan.js';
import * as estate from '../../../fixtures/gcp/estate.js';
import { callerDenied, iamPermissionDenied } from '../../../fixtures/gcp/errors.js';
import { api, fakeAuth, mockDataDenied, mockOrg, mockProd } from './harness.js';

const registries = {
  connectors: { gcp: createGcpConnector({ authClient: fakeAuth() }) },
  policies: {
    ...policies,
    'gcp-basic-roles': gcpBasicRoles,
    'gcp-impersonation': gcpImpersonation,
    'gcp-api-key-unrestricted': gcpApiKeyUnrestricted,
    'gcp-wif-no-condition': gcpWifNoCondition,
    'gcp-user-managed-keys': gcpUserManagedKeys,
  },
};

const { PROD, DATA } = estate;
const OPEN_KEY = `gcp:${PROD.id}/apikey/${estate.API_KEY_OPEN}`;
const MAPS_KEY = `gcp:${PROD.id}/apikey/${estate.API_KEY_MAPS}`;

const scan = async () => {
  mockOrg();
  mockProd();
  mockDataDenied({ crm: callerDenied(), iam: iamPermissionDenied('iam.serviceAccounts.list') });
  const config = buildConfig(
    { providers: { gcp: { organizations: [estate.ORG_ID], rolePermissions: false, expandGroups: false } } },
    registries,
    'nhiscan.config.yaml',
    process.cwd(),
  );
  return runScan({
    config,
    clock: { asOf: new Date(estate.AS_OF), now: () => new Date() },
    log: silentLogger,
  });
};

const soc2 = (f: Finding): string[] => f.controls.filter((c) => c.framework === 'SOC2').map((c) => c.id);

const find = (
  findings: readonly Finding[],
  policyId: string,
  identityUid: string,
  key: string,
  credentialUid?: string,
): Finding => {
  const uid = findingUid(policyId, identityUid, credentialUid, key);
  const hit = findings.find((f) => f.uid === uid);
  if (!hit)
    throw new Error(
      `no ${policyId}/${key} finding on ${identityUid}: ${findings.map((f) => `${f.policyId} ${f.identityUid}`).join('; ')}`,
    );
  return hit;
};

describe('a Google Cloud organization with two projects', () => {
  it('reports each planted problem with its SOC 2 criterion', async () => {
    const { findings } = await scan();

    const editor = find(findings, 'gcp-basic-roles', estate.DEPLOYER, 'basic-role');
    expect(soc2(editor)).toEqual(['CC6.3']);
    expect(editor.evidence).toMatchObject({
      roles: ['roles/editor'],
      bindings: [{ role: 'roles/editor', resource: `projects/${PROD.id}` }],
    });

    const oldKey = find(findings, 'rotation-age', estate.DEPLOYER, '', estate.DEPLOYER_OLD_KEY);
    expect(soc2(oldKey)).toEqual(['CC6.1']);
    expect(oldKey).toMatchObject({
      severity: 'high',
      evidence: { ageDays: 400, maxAgeDays: 90, credentialType: 'sa_key' },
    });

    const apiKey = find(findings, 'gcp-api-key-unrestricted', OPEN_KEY, 'unrestricted', estate.API_KEY_OPEN);
    expect(soc2(apiKey)).toEqual(['CC6.6']);
    expect(apiKey.evidence).toMatchObject({ applicationRestriction: 'none', apiTargets: [] });

    const wif = find(findings, 'gcp-wif-no-condition', estate.GITHUB_PROVIDER, 'no-condition');
    expect(soc2(wif)).toEqual(['CC6.6']);
    expect(wif).toMatchObject({
      severity: 'critical',
      evidence: { issuerUri: 'https://token.actions.githubusercontent.com', attributeCondition: null },
    });

    // Every finding carries at least one SOC 2 criterion, and every one is in acme-prod.
    for (const f of findings) {
      expect(soc2(f).length, f.policyId).toBeGreaterThan(0);
      expect(f.location).toMatchObject({ provider: 'gcp', scope: PROD.id });
    }
    // The clean identities beside them draw nothing: a restricted, recent API key with an
    // owner, and a GitLab provider pinned to its namespace.
    expect(
      findings.filter((f) => f.identityUid === MAPS_KEY || f.identityUid === estate.GITLAB_PROVIDER),
    ).toEqual([]);
    const impersonation = findings.filter((f) => f.policyId === 'gcp-impersonation');
    expect(impersonation.map((f) => f.evidence['reaches'])).toEqual([
      [estate.DEPLOYER, estate.REPORTING, estate.COMPUTE_DEFAULT].sort(),
      [estate.DEPLOYER, estate.REPORTING, estate.COMPUTE_DEFAULT].sort(),
    ]);
    // The full list, so nothing fires that should not.
    expect(findings.map((f) => [f.policyId, f.identityUid, f.credentialUid ?? null]).sort()).toEqual(
      [
        ['gcp-wif-no-condition', estate.GITHUB_PROVIDER, null],
        ['gcp-api-key-unrestricted', OPEN_KEY, estate.API_KEY_OPEN],
        ['rotation-age', OPEN_KEY, estate.API_KEY_OPEN], // 95 days old
        ['ownership', OPEN_KEY, null],
        ['gcp-basic-roles', estate.DEPLOYER, null],
        ['rotation-age', estate.DEPLOYER, estate.DEPLOYER_OLD_KEY],
        ['gcp-user-managed-keys', estate.DEPLOYER, null],
        ['gcp-basic-roles', estate.COMPUTE_DEFAULT, null],
        ['ownership', estate.COMPUTE_DEFAULT, null],
        // No authentication in Policy Analyzer's window, which is longer than the 90-day limit.
        ['staleness', estate.COMPUTE_DEFAULT, null],
        ['ownership', estate.LEGACY, null],
        // developers@ holds Service Account User and Admin on the whole project: one finding
        // per problem on the binding (not one per account), carried by the first account it
        // reaches, with every account it reaches in `reaches` (issue 9).
        ['gcp-impersonation', impersonation[0]!.identityUid, null],
        ['gcp-impersonation', impersonation[0]!.identityUid, null],
      ].sort(),
    );
  });

  it('gives each project a coverage entry: acme-prod complete, the denied acme-data failed (nothing could be read)', async () => {
    const { coverage, identities, run } = await scan();
    expect(run.complete).toBe(false);
    expect(coverage.map((c) => [c.target, c.scope, c.status])).toEqual([
      [`gcp:organization/${estate.ORG_ID}`, `organizations/${estate.ORG_ID}`, 'complete'],
      [`gcp:project/${DATA.id}`, DATA.id, 'failed'],
      [`gcp:project/${PROD.id}`, PROD.id, 'complete'],
    ]);
    const [org, data, prod] = coverage;
    // The organization's entry is the listing: what it found, nothing scanned under its name.
    expect(org).toMatchObject({ provider: 'gcp', counts: {}, gaps: [] });
    expect(org!.notes).toContain(`lists 2 target(s): gcp:project/${DATA.id}, gcp:project/${PROD.id}`);
    expect(prod).toMatchObject({
      provider: 'gcp',
      counts: { 'gcp.service_account': 4, 'gcp.api_key': 2, 'gcp.wif_provider': 2 },
      gaps: [],
    });
    expect(data!.counts).toEqual({});
    expect(data!.gaps.map((g) => [g.code, g.call, g.resource, g.permission])).toEqual([
      [
        'access_denied',
        'cloudresourcemanager.projects.getIamPolicy',
        `projects/${DATA.id}`,
        'resourcemanager.projects.getIamPolicy',
      ],
      [
        'access_denied',
        'iam.projects.serviceAccounts.list',
        `projects/${DATA.id}`,
        'iam.serviceAccounts.list',
      ],
    ]);
    expect(data!.notes.find((n) => n.startsWith(`projects/${DATA.id}: denied`))).toBeDefined();
    expect(identities.map((i) => i.location.scope)).toEqual(Array(8).fill(PROD.id));
  });

  it('records an organization that refuses to list its projects as a failed discovery', async () => {
    api('cloudresourcemanager')
      .get('/v3/projects')
      .query({ parent: `organizations/${estate.ORG_ID}`, pageSize: '500' })
      .reply(403, callerDenied());
    const { coverage, identities, run } = await runScan({
      config: buildConfig(
        {
          providers: { gcp: { organizations: [estate.ORG_ID], rolePermissions: false, expandGroups: false } },
        },
        registries,
        'nhiscan.config.yaml',
        process.cwd(),
      ),
      clock: { asOf: new Date(estate.AS_OF), now: () => new Date() },
      log: silentLogger,
    });
    expect(run.complete).toBe(false);
    expect(identities).toEqual([]);
    expect(coverage.map((c) => [c.target, c.status])).toEqual([
      [`gcp:organization/${estate.ORG_ID}`, 'failed'],
    ]);
    expect(coverage[0]!.gaps.map((g) => [g.code, g.call, g.resource, g.permission])).toEqual([
      [
        'access_denied',
        'cloudresourcemanager.projects.list',
        `organizations/${estate.ORG_ID}`,
        'resourcemanager.projects.list',
      ],
    ]);
  });
});
