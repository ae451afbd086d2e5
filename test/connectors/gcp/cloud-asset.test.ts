// Cloud Asset Inventory discovery (providers.gcp.cloudAssetInventory): the demo organization and a
// generated bench estate scanned both ways by the real clients (@google-cloud/asset in its REST
// mode, the googleapis clients) over loopback must give the same identities and findings; the
// CAI path replaces the per-project and per-account reads with two listings; a refused listing is
// a gap for the scope and the projects are read per project.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gcpBenchRoute } from '../../../bench/fake-cloud/gcp.js';
import { CAI_CALL, readScopeInventory } from '../../../connectors/gcp/cloud-asset.js';
import { gcpGap } from '../../../connectors/gcp/errors.js';
import { createGcpConnector } from '../../../connectors/gcp/index.js';
import { iamPermissionDenied } from '../../../fixtures/gcp/errors.js';
import { api, fakeAuth } from './harness.js';
import { GcpConfig } from '../../../connectors/gcp/config.js';
import { gcpDemoEndpoints, gcpRoute } from '../../../connectors/gcp/demo.js';
import { policies } from '../../../policies/index.js';
import { gcpApiKeyUnrestricted } from '../../../policies/gcp-api-key-unrestricted.js';
import { gcpBasicRoles } from '../../../policies/gcp-basic-roles.js';
import { gcpImpersonation } from '../../../policies/gcp-impersonation.js';
import { gcpUserManagedKeys } from '../../../policies/gcp-user-managed-keys.js';
import { gcpWifNoCondition } from '../../../policies/gcp-wif-no-condition.js';
import { buildConfig } from '../../../src/config.js';
import { startDemoServer, type DemoServer } from '../../../src/demo/server.js';
import { silentLogger } from '../../../src/log.js';
import type { ScanResult } from '../../../src/model.js';
import { fixturesDir } from '../../../src/paths.js';
import { runScan } from '../../../src/scan.js';

const DEMO = join(fixturesDir, 'demo');
const AS_OF = '2026-11-01T00:00:00Z';
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

const scan = async (server: DemoServer, org: string, extra: Record<string, unknown>): Promise<ScanResult> => {
  const config = buildConfig(
    {
      asOf: AS_OF,
      providers: {
        gcp: {
          organizations: [org],
          auth: { type: 'none' },
          endpoints: gcpDemoEndpoints(server.url),
          ...extra,
        },
      },
    },
    registries,
    'nhiscan.config.yaml',
    DEMO,
  );
  return runScan({ config, clock: { asOf: new Date(AS_OF), now: () => new Date() }, log: silentLogger });
};

/** What must not depend on the path: the identities and the findings, of the projects both read. */
const verdict = (result: ScanResult, skip: (uid: string) => boolean = () => false) => ({
  identities: result.identities.filter((i) => !skip(i.uid)),
  findings: result.findings.filter((f) => !skip(f.identityUid)),
});

/** Requests by API and method, as the demo server saw them. */
const calls = (server: DemoServer, from: number) =>
  server.requests.slice(from).map((r) => `${r.method} ${r.path.replace(/^\/gcp/, '')}`);

describe('Cloud Asset Inventory discovery on the demo organization', () => {
  let server: DemoServer;
  let perProject: ScanResult;
  let cai: ScanResult;
  let caiCalls: string[];
  let perProjectCalls: string[];

  beforeAll(async () => {
    server = await startDemoServer({ gcp: gcpRoute({ dir: join(DEMO, 'gcp') }) });
    let from = server.requests.length;
    perProject = await scan(server, '900000000001', {});
    perProjectCalls = calls(server, from);
    from = server.requests.length;
    cai = await scan(server, '900000000001', { cloudAssetInventory: true });
    caiCalls = calls(server, from);
  });
  afterAll(async () => {
    await server.close();
  });

  it('gives the per-project path’s identities and findings, and sees what the denied project hides', () => {
    // acme-data denies the scanner its IAM policy and service accounts. Cloud Asset Inventory is
    // read with the organization's permissions: that project's accounts and policy are seen
    // through it, so acme-prod's accounts no longer have privilege unknown for want of it.
    const denied = (uid: string) => uid.includes('acme-data');
    const known = (r: ScanResult) => {
      const v = verdict(r, denied);
      return { ...v, identities: v.identities.map((i) => ({ ...i, unknownFacts: undefined })) };
    };
    expect(known(cai)).toEqual(known(perProject));
    expect(verdict(perProject).identities.length).toBeGreaterThan(5);
    const prod = (r: ScanResult) =>
      r.identities.filter((i) => i.uid.endsWith('@acme-prod.iam.gserviceaccount.com'));
    expect(prod(perProject).every((i) => i.unknownFacts?.includes('privilege'))).toBe(true);
    expect(prod(cai).some((i) => i.unknownFacts?.includes('privilege'))).toBe(false);
    // acme-data holds no accounts: through CAI it is read (empty), not denied.
    const data = (r: ScanResult) => r.coverage.find((c) => c.target === 'gcp:project/acme-data');
    expect(data(perProject)?.gaps.map((g) => g.call)).toContain('iam.projects.serviceAccounts.list');
    expect(data(cai)?.gaps.map((g) => g.call)).not.toContain('iam.projects.serviceAccounts.list');
  });

  it('replaces the per-project and per-account reads with two listings of the organization', () => {
    const listed = caiCalls.filter((c) => c.includes('/cloudasset/'));
    expect(listed).toEqual([
      'GET /cloudasset/v1/organizations/900000000001/assets',
      'GET /cloudasset/v1/organizations/900000000001/assets',
    ]);
    const replaced =
      /serviceAccounts(\/[^/]+\/keys|\/[^/:]+:getIamPolicy)?$|\/keys$|workloadIdentityPools|projects\/[^/]+:getIamPolicy|organizations\/\d+:getIamPolicy/;
    expect(perProjectCalls.filter((c) => replaced.test(c)).length).toBeGreaterThan(5);
    expect(caiCalls.filter((c) => replaced.test(c))).toEqual([]);
    // What CAI does not hold is still read: Policy Analyzer, deny policies, roles.
    expect(caiCalls.some((c) => c.includes('/policyanalyzer/'))).toBe(true);
    expect(caiCalls.some((c) => c.includes('/denypolicies'))).toBe(true);
  });

  it('says on every target read through it that Cloud Asset Inventory is eventually consistent', () => {
    const prod = cai.coverage.find((c) => c.target === 'gcp:project/acme-prod');
    const org = cai.coverage.find((c) => c.target === 'gcp:organization/900000000001');
    for (const entry of [prod, org])
      expect(entry?.notes.some((n) => /Cloud Asset Inventory .*eventually consistent/.test(n))).toBe(true);
    expect(prod?.gaps).toEqual([]);
  });

  it('goes through the proxy the environment names, as the other Google clients do', async () => {
    // A proxy that refuses every connection: the listing fails (a recovered gap), never goes direct.
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY };
    process.env.HTTP_PROXY = 'http://127.0.0.1:9';
    delete process.env.NO_PROXY;
    try {
      const err = await readScopeInventory(
        {
          config: GcpConfig.parse({
            organizations: ['900000000001'],
            auth: { type: 'none' },
            endpoints: gcpDemoEndpoints(server.url),
          }),
          auth: undefined,
          ctx: {
            limit: (fn) => fn(),
            log: silentLogger,
            signal: new AbortController().signal,
            requestTimeoutMs: 10_000,
          },
        },
        'organizations/900000000001',
        new Set(['400000000001']),
      ).catch((e: unknown) => e);
      expect(gcpGap(CAI_CALL, err).code).toBe('unavailable');
    } finally {
      if (saved.HTTP_PROXY === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved.HTTP_PROXY;
      if (saved.NO_PROXY !== undefined) process.env.NO_PROXY = saved.NO_PROXY;
    }
  });

  it('records a refused listing as a gap for the scope and reads every project per project', async () => {
    // A folder the route does not know: the listing is refused; here the organization's own listing
    // is refused by pointing CAI at a path the demo does not serve.
    const from = server.requests.length;
    const result = await scan(server, '900000000001', {
      cloudAssetInventory: true,
      endpoints: { ...gcpDemoEndpoints(server.url), cloudasset: `${server.url}/gcp/nowhere/` },
    });
    const org = result.coverage.find((c) => c.target === 'gcp:organization/900000000001');
    expect(org?.gaps).toEqual([
      expect.objectContaining({
        call: 'cloudasset.assets.list',
        resource: 'organizations/900000000001',
        recovered: true,
        fallback: expect.stringContaining('read per project instead') as string,
      }),
    ]);
    expect(verdict(result)).toEqual(verdict(perProject));
    expect(calls(server, from).some((c) => c.endsWith('/serviceAccounts'))).toBe(true);
  });
});

describe('Cloud Asset Inventory discovery on a generated organization', () => {
  const route = gcpBenchRoute({ projects: 7, accounts: 13, folders: 2 }, Date.parse(AS_OF));
  let server: DemoServer;
  beforeAll(async () => {
    server = await startDemoServer({ gcp: route });
  });
  afterAll(async () => {
    await server.close();
  });

  it('gives the same identities and findings both ways, folders and pages included', async () => {
    const perProject = await scan(server, '900000000077', {});
    const from = server.requests.length;
    const cai = await scan(server, '900000000077', { cloudAssetInventory: true });
    expect(verdict(cai)).toEqual(verdict(perProject));
    expect(perProject.identities.length).toBe(7 * 13 + 2);
    expect(calls(server, from).filter((c) => c.includes('/cloudasset/'))).toHaveLength(2);
  });
});

describe('providers.gcp.cloudAssetInventory', () => {
  it('is off by default and refuses anything but a boolean, naming the key', () => {
    expect(GcpConfig.parse({ projects: ['acme-prod'] }).cloudAssetInventory).toBe(false);
    const bad = GcpConfig.safeParse({ organizations: ['1'], cloudAssetInventory: 'yes' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['cloudAssetInventory']);
  });
});

describe('the Cloud Asset API read with real credentials (nock)', () => {
  const ctx = {
    limit: <T>(fn: () => Promise<T>) => fn(),
    log: silentLogger,
    signal: new AbortController().signal,
    requestTimeoutMs: 10_000,
  };
  const config = GcpConfig.parse({ organizations: ['123456789012'], workloadIdentity: false });
  const account = {
    name: 'projects/acme-prod/serviceAccounts/ci@acme-prod.iam.gserviceaccount.com',
    projectId: 'acme-prod',
    uniqueId: '104000000000000000001',
    email: 'ci@acme-prod.iam.gserviceaccount.com',
    oauth2ClientId: '104000000000000000001',
  };
  const key = {
    name: `${account.name}/keys/0a1b2c`,
    validAfterTime: '2026-01-01T00:00:00Z',
    validBeforeTime: '9999-12-31T23:59:59Z',
    keyAlgorithm: 'KEY_ALG_RSA_2048',
    keyOrigin: 'GOOGLE_PROVIDED',
    keyType: 'USER_MANAGED',
  };
  const saName = `//iam.googleapis.com/projects/acme-prod/serviceAccounts/${account.uniqueId}`;
  const ancestors = ['projects/400000000001', 'organizations/123456789012'];

  it('sends the credentials to cloudasset.googleapis.com, follows pages and sorts assets by project', async () => {
    const seen: string[] = [];
    api('cloudasset')
      .get('/v1/organizations/123456789012/assets')
      .query((q) => {
        seen.push(`${String(q.contentType)} ${String(q.pageSize)} ${String(q.pageToken ?? '')}`);
        return q.contentType === '1' && !q.pageToken;
      })
      .reply(200, {
        readTime: '2026-11-01T00:00:00.123456Z',
        assets: [
          {
            name: saName,
            assetType: 'iam.googleapis.com/ServiceAccount',
            resource: {
              version: 'v1',
              discoveryName: 'ServiceAccount',
              parent: '//cloudresourcemanager.googleapis.com/projects/400000000001',
              data: account,
            },
            ancestors,
          },
        ],
        nextPageToken: 'page-2',
      })
      .get('/v1/organizations/123456789012/assets')
      .query((q) => {
        seen.push(`${String(q.contentType)} ${String(q.pageSize)} ${String(q.pageToken ?? '')}`);
        return q.contentType === '1' && q.pageToken === 'page-2';
      })
      .reply(200, {
        readTime: '2026-11-01T00:00:00.123456Z',
        assets: [
          {
            name: `${saName}/keys/0a1b2c`,
            assetType: 'iam.googleapis.com/ServiceAccountKey',
            resource: { version: 'v1', discoveryName: 'ServiceAccountKey', parent: saName, data: key },
            ancestors,
          },
        ],
      })
      .get('/v1/organizations/123456789012/assets')
      .query((q) => q.contentType === '2')
      .reply(200, {
        readTime: '2026-11-01T00:00:00.123456Z',
        assets: [
          {
            name: '//cloudresourcemanager.googleapis.com/projects/400000000001',
            assetType: 'cloudresourcemanager.googleapis.com/Project',
            iamPolicy: {
              version: 3,
              etag: 'BwYabc=',
              bindings: [
                {
                  role: 'roles/editor',
                  members: [`serviceAccount:${account.email}`],
                  condition: {
                    title: 'until 2027',
                    expression: 'request.time < timestamp("2027-01-01T00:00:00Z")',
                  },
                },
              ],
            },
            ancestors,
          },
          {
            name: '//cloudresourcemanager.googleapis.com/organizations/123456789012',
            assetType: 'cloudresourcemanager.googleapis.com/Organization',
            iamPolicy: {
              version: 1,
              etag: 'BwYorg=',
              bindings: [{ role: 'roles/viewer', members: ['group:ops@acme.example'] }],
            },
            ancestors: ['organizations/123456789012'],
          },
        ],
      });
    const inventory = await readScopeInventory(
      { config, auth: fakeAuth(), ctx },
      'organizations/123456789012',
      new Set(['400000000001']),
    );
    expect(seen.filter((s) => s.startsWith('1 '))).toEqual(['1 1000 ', '1 1000 page-2']);
    const prod = inventory.projects.get('400000000001');
    expect(prod?.accounts.map((a) => a.email)).toEqual([account.email]);
    expect(prod?.keys[account.email]).toEqual([key]);
    expect(prod?.policy.bindings[0]?.condition?.title).toBe('until 2027');
    expect(inventory.containers.get('organizations/123456789012')?.bindings).toHaveLength(1);
    expect(inventory.readTime).toBe('2026-11-01T00:00:00.123456Z');
  });

  it('refuses an asset of a project in scope its schema does not read, instead of skipping it', async () => {
    const noEmail: Partial<typeof account> = { ...account };
    delete noEmail.email;
    const listing = (data: unknown, ancestry: string[]) => ({
      assets: [
        {
          name: saName,
          assetType: 'iam.googleapis.com/ServiceAccount',
          resource: { version: 'v1', discoveryName: 'ServiceAccount', data },
          ancestors: ancestry,
        },
      ],
    });
    api('cloudasset')
      .get('/v1/organizations/123456789012/assets')
      .query((q) => q.contentType === '1')
      .reply(200, listing(noEmail, ancestors))
      .get('/v1/organizations/123456789012/assets')
      .query((q) => q.contentType === '2')
      .reply(200, { assets: [] });
    const err = await readScopeInventory(
      { config, auth: fakeAuth(), ctx },
      'organizations/123456789012',
      new Set(['400000000001']),
    ).catch((e: unknown) => e);
    expect(gcpGap(CAI_CALL, err)).toMatchObject({ code: 'invalid_response', call: 'cloudasset.assets.list' });
    expect(gcpGap(CAI_CALL, err).message).toContain(`iam.googleapis.com/ServiceAccount ${saName}`);
    // The same asset in a project the scan does not cover is not read at all.
    api('cloudasset')
      .get('/v1/organizations/123456789012/assets')
      .query((q) => q.contentType === '1')
      .reply(200, listing(noEmail, ['projects/499999999999', 'organizations/123456789012']))
      .get('/v1/organizations/123456789012/assets')
      .query((q) => q.contentType === '2')
      .reply(200, { assets: [] });
    const inventory = await readScopeInventory(
      { config, auth: fakeAuth(), ctx },
      'organizations/123456789012',
      new Set(['400000000001']),
    );
    expect(inventory.projects.get('400000000001')?.accounts).toEqual([]);
  });

  it('raises a refused listing with Google’s status and the permission it names', async () => {
    api('cloudasset')
      .get('/v1/organizations/123456789012/assets')
      .query(true)
      .times(2)
      .reply(403, iamPermissionDenied('cloudasset.assets.listResource'));
    const err = await readScopeInventory(
      { config, auth: fakeAuth(), ctx },
      'organizations/123456789012',
      new Set(['400000000001']),
    ).catch((e: unknown) => e);
    expect(gcpGap(CAI_CALL, err)).toMatchObject({
      code: 'access_denied',
      call: 'cloudasset.assets.list',
      permission: 'cloudasset.assets.listResource',
    });
  });
});
