// The connector on shapes real estates have and the first fixtures did not: roles held in
// another project and on a folder not above the account, accounts of projects outside the
// scan, deleted and federated members, Key Admins, an API key bound to an account, exposed
// keys, AWS and X.509 providers, paged API keys and activities, a quota error on a POST, and a
// project pending deletion. Real clients, nock answers typed against the clients' own types.
import { describe, expect, it } from 'vitest';
import { createGcpConnector } from '../../../connectors/gcp/index.js';
import { policies } from '../../../policies/index.js';
import { gcpApiKeyUnrestricted } from '../../../policies/gcp-api-key-unrestricted.js';
import { gcpBasicRoles } from '../../../policies/gcp-basic-roles.js';
import { gcpImpersonation } from '../../../policies/gcp-impersonation.js';
import { gcpUserManagedKeys } from '../../../policies/gcp-user-managed-keys.js';
import { gcpWifNoCondition } from '../../../policies/gcp-wif-no-condition.js';
import { buildConfig } from '../../../src/config.js';
import { ScanError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/log.js';
import { runScan } from '../../../src/scan.js';
import { ORG_ID, orgPolicy } from '../../../fixtures/gcp/estate.js';
import { callerDenied, quotaExceeded } from '../../../fixtures/gcp/errors.js';
import * as estate from '../../../fixtures/gcp/estate.js';
import * as real from '../../../fixtures/gcp/edge-shapes.js';
import { api, byUid, collect, fakeAuth, mockProd, runOf } from './harness.js';
import { AS_OF } from '../../../fixtures/gcp/estate.js';

const V3 = { options: { requestedPolicyVersion: 3 } };
const { OPS, APP } = real;

const mockOps = (): void => {
  const crm = api('cloudresourcemanager');
  crm.get(`/v3/projects/${OPS.id}`).reply(200, real.opsProject);
  crm.post(`/v3/projects/${OPS.id}:getIamPolicy`, V3).reply(200, real.opsPolicy);
  crm.post(`/v3/organizations/${ORG_ID}:getIamPolicy`, V3).reply(200, orgPolicy);

  const iam = api('iam');
  iam.get(`/v1/projects/${OPS.id}/serviceAccounts`).query({ pageSize: '100' }).reply(200, real.opsAccounts);
  const accounts = [
    [real.TERRAFORM, real.terraformKeys, real.terraformAccountPolicy],
    [real.VERTEX, {}, { etag: 'ACAB' }],
  ] as const;
  for (const [email, keys, policy] of accounts) {
    iam.get(`/v1/projects/${OPS.id}/serviceAccounts/${email}/keys`).reply(200, keys);
    iam
      .post(`/v1/projects/${OPS.id}/serviceAccounts/${email}:getIamPolicy`)
      .query({ 'options.requestedPolicyVersion': '3' })
      .reply(200, policy);
  }
  iam
    .get(`/v1/projects/${OPS.id}/locations/global/workloadIdentityPools`)
    .query({ pageSize: '100' })
    .reply(200, real.opsPools);
  iam.get(`/v1/${real.OPS_POOL}/providers`).query({ pageSize: '100' }).reply(200, real.opsProviders);

  const keys = api('apikeys');
  const keysPath = `/v2/projects/${OPS.id}/locations/global/keys`;
  keys.get(keysPath).query({ pageSize: '300' }).reply(200, real.opsApiKeysPage1);
  keys
    .get(keysPath)
    .query({ pageSize: '300', pageToken: real.opsApiKeysPage1.nextPageToken })
    .reply(200, real.opsApiKeysPage2);

  const pa = api('policyanalyzer');
  const query = (type: string) =>
    `/v1/projects/${OPS.id}/locations/global/activityTypes/${type}/activities:query`;
  pa.get(query('serviceAccountLastAuthentication'))
    .query({ pageSize: '1000' })
    .reply(200, real.opsAccountActivitiesPage1);
  pa.get(query('serviceAccountLastAuthentication'))
    .query({ pageSize: '1000', pageToken: real.opsAccountActivitiesPage1.nextPageToken })
    .reply(200, real.opsAccountActivitiesPage2);
  pa.get(query('serviceAccountKeyLastAuthentication'))
    .query({ pageSize: '1000' })
    .reply(200, real.opsKeyActivities);
};

/** acme-app: a policy (its first read refused for quota), a folder above it, nothing inside. */
const mockApp = (): void => {
  const crm = api('cloudresourcemanager');
  crm.get(`/v3/projects/${APP.id}`).reply(200, real.appProject);
  crm
    .post(`/v3/projects/${APP.id}:getIamPolicy`, V3)
    .reply(429, quotaExceeded('cloudresourcemanager.googleapis.com', '999999999999'));
  crm.post(`/v3/projects/${APP.id}:getIamPolicy`, V3).reply(200, real.appPolicy);
  crm.get(`/v3/${real.APP_FOLDER}`).reply(200, real.appFolder);
  crm.post(`/v3/${real.APP_FOLDER}:getIamPolicy`, V3).reply(200, real.appFolderPolicy);
  const iam = api('iam');
  iam.get(`/v1/projects/${APP.id}/serviceAccounts`).query({ pageSize: '100' }).reply(200, {});
  iam
    .get(`/v1/projects/${APP.id}/locations/global/workloadIdentityPools`)
    .query({ pageSize: '100' })
    .reply(200, {});
  api('apikeys')
    .get(`/v2/projects/${APP.id}/locations/global/keys`)
    .query({ pageSize: '300' })
    .reply(200, {});
  for (const type of ['serviceAccountLastAuthentication', 'serviceAccountKeyLastAuthentication']) {
    api('policyanalyzer')
      .get(`/v1/projects/${APP.id}/locations/global/activityTypes/${type}/activities:query`)
      .query({ pageSize: '1000' })
      .reply(200, {});
  }
};

const scanBoth = async () => {
  mockOps();
  mockApp();
  const runs = await collect({ projects: [OPS.id, APP.id] });
  return { ops: runOf(runs, `gcp:project/${OPS.id}`), app: runOf(runs, `gcp:project/${APP.id}`) };
};

describe('gcp connector: estate shapes beyond the first fixtures', () => {
  it('reads every policy once, retrying a quota refusal on the POST, and leaves no gap', async () => {
    const { ops, app } = await scanBoth();
    expect(ops.error).toBeUndefined();
    expect(app.error).toBeUndefined();
    expect(ops.gaps).toEqual([]);
    expect(app.gaps).toEqual([]); // the 429 on getIamPolicy was retried, not recorded
    expect(app.identities).toEqual([]);
  });

  it('counts roles an account holds in another scanned project and on a folder not above it', async () => {
    const { ops } = await scanBoth();
    const terraform = byUid(ops.identities, real.TERRAFORM);
    expect(terraform.attributes.bindings).toEqual([
      {
        role: 'roles/logging.logWriter',
        resource: `projects/${OPS.id}`,
        condition: real.TERRAFORM_CONDITION, // untitled: the expression names it
        expression: real.TERRAFORM_CONDITION,
      },
      { role: 'roles/owner', resource: `projects/${APP.id}` },
      { role: 'roles/resourcemanager.folderAdmin', resource: real.APP_FOLDER },
    ]);
    expect(terraform.privilege).toMatchObject({
      level: 'admin',
      attached: ['roles/logging.logWriter', 'roles/owner', 'roles/resourcemanager.folderAdmin'],
      reasons: [
        `roles/owner on projects/${APP.id}`,
        `roles/resourcemanager.folderAdmin on ${real.APP_FOLDER}`,
      ],
    });
    // A ".v1" role is judged on its name, not on its version.
    expect(byUid(ops.identities, real.VERTEX).privilege).toMatchObject({
      level: 'admin',
      reasons: [`roles/compute.instanceAdmin.v1 on projects/${APP.id}`],
    });
  });

  it('maps absent fields to their defaults and reads every kind of key', async () => {
    const { ops } = await scanBoth();
    const terraform = byUid(ops.identities, real.TERRAFORM);
    expect(terraform.attributes).toMatchObject({ disabled: false, uniqueId: real.TERRAFORM_ID });
    expect(terraform.attributes.description).toBeUndefined();
    expect(terraform.owner).toBeNull();
    expect(terraform.lastUsedAt).toBe('2026-02-26T08:00:00.000Z');
    expect(terraform.credentials.map((c) => [c.uid, c.status, c.managedBy, c.expiresAt])).toEqual([
      [real.EXPOSED_KEY, 'active', 'user', null],
      [real.EXPOSED_DISABLED_KEY, 'inactive', 'user', null],
      [real.TERRAFORM_SYSTEM_KEY, 'active', 'provider', '2026-03-13T00:00:00.000Z'],
    ]);
    expect(terraform.credentials[0]).toMatchObject({
      lastUsedAt: '2026-02-27T08:00:00.000Z',
      attributes: {
        keyType: 'USER_MANAGED',
        extendedStatus: [
          {
            key: 'SERVICE_ACCOUNT_KEY_EXTENDED_STATUS_KEY_EXPOSED',
            value: 'https://github.com/acme/infra/blob/0a1b2c3/creds.json',
          },
        ],
      },
    });
    expect(terraform.credentials[1]!.attributes).toMatchObject({
      disabled: true,
      disableReason: 'SERVICE_ACCOUNT_KEY_DISABLE_REASON_EXPOSED',
    });
  });

  it('knows who can act as an account: Key Admins and federated identities, never deleted principals', async () => {
    const { ops } = await scanBoth();
    const terraform = byUid(ops.identities, real.TERRAFORM);
    const canActAs = terraform.attributes.canActAs as { principal: string; role: string }[];
    expect(canActAs.map((p) => [p.principal, p.role])).toEqual([
      [real.GITHUB_REPO_SET, 'roles/iam.workloadIdentityUser'],
      ['user:dana@example.com', 'roles/iam.serviceAccountKeyAdmin'],
      [`serviceAccount:${real.PUBSUB_AGENT}`, 'roles/iam.serviceAccountTokenCreator'],
    ]);
    expect(terraform.trust).toEqual([
      {
        principalType: 'federated',
        principal: real.GITHUB_REPO_SET,
        conditions: {},
        actions: ['roles/iam.workloadIdentityUser'],
        source: `iam-policy:projects/${OPS.id}/serviceAccounts/${real.TERRAFORM}#roles/iam.workloadIdentityUser`,
      },
    ]);
  });

  it('leaves last use unknown for an account used through a bound API key', async () => {
    const { ops } = await scanBoth();
    const vertex = byUid(ops.identities, real.VERTEX);
    expect(vertex.lastUsedAt).toBeUndefined();
    expect(vertex.lastUsedDetail).toMatchObject({
      source: 'policy-analyzer',
      lastAuthenticatedTime: '2025-09-20T07:00:00.000Z',
    });
    expect(vertex.attributes.boundApiKeys).toEqual([real.BOUND_KEY]);
    expect(ops.notes).toContainEqual(expect.stringContaining(`${real.VERTEX}: last use unknown`));

    const bound = byUid(ops.identities, `gcp:${OPS.id}/apikey/${real.BOUND_KEY}`);
    expect(bound).toMatchObject({
      name: real.BOUND_KEY, // no display name
      attributes: {
        serviceAccountEmail: real.VERTEX,
        applicationRestriction: 'server',
        apiTargets: ['aiplatform.googleapis.com'],
      },
    });
    // The second page of keys is read too.
    expect(byUid(ops.identities, `gcp:${OPS.id}/apikey/${real.ANDROID_KEY}`).attributes).toMatchObject({
      applicationRestriction: 'android',
    });
  });

  it('names accounts of projects outside the scan that hold roles here, but not service agents', async () => {
    const { ops, app } = await scanBoth();
    const foreign = (notes: string[]) => notes.filter((n) => n.includes('not in the inventory'));
    expect(foreign(ops.notes)).toEqual([
      `serviceAccount:${real.VENDOR} holds roles/viewer on projects/${OPS.id}; it belongs to projects/vendor-tools, which this scan does not cover, so it is not in the inventory`,
    ]);
    expect(foreign(app.notes)).toEqual([
      `serviceAccount:${real.VENDOR} holds roles/editor on projects/${APP.id}; it belongs to projects/vendor-tools, which this scan does not cover, so it is not in the inventory`,
    ]);
  });

  it('reads AWS and X.509 providers', async () => {
    const { ops } = await scanBoth();
    expect(byUid(ops.identities, real.AWS_PROVIDER)).toMatchObject({
      trust: [{ principalType: 'federated', principal: 'aws:210987654321', conditions: {} }],
      attributes: { protocol: 'aws', awsAccountId: '210987654321', attributeMapping: {} },
    });
    expect(byUid(ops.identities, real.AWS_PROVIDER).attributes.attributeCondition).toBeUndefined();
    expect(byUid(ops.identities, real.X509_PROVIDER).attributes).toMatchObject({ protocol: 'x509' });
  });

  it("gives a pool's providers the roles granted straight to the pool's identities, in any scanned project", async () => {
    const { ops } = await scanBoth();
    const github = byUid(ops.identities, real.OPS_GITHUB_PROVIDER);
    expect(github.privilege).toMatchObject({
      level: 'write',
      attached: ['roles/artifactregistry.writer'],
      grants: [
        expect.objectContaining({
          actions: ['roles/artifactregistry.writer'],
          resources: [`projects/${APP.id}`],
        }),
      ],
    });
    expect(github.attributes.poolBindings).toEqual([
      {
        principal: real.GITHUB_APP_SET,
        role: 'roles/artifactregistry.writer',
        resource: `projects/${APP.id}`,
      },
    ]);
    // Every provider of the pool admits identities the grant may name.
    expect(byUid(ops.identities, real.AWS_PROVIDER).privilege.attached).toEqual([
      'roles/artifactregistry.writer',
    ]);
  });

  it('retries getIamPolicy (a POST) refused for quota, as gaxios retries GETs', async () => {
    mockApp();
    api('cloudresourcemanager').post(`/v3/organizations/${ORG_ID}:getIamPolicy`, V3).reply(200, orgPolicy);
    const [run] = await collect({ projects: [APP.id] });
    expect(run!.error).toBeUndefined();
    expect(run!.gaps).toEqual([]);
    // acme-ops holds roles here, but is not scanned: its account and its pool's identities are
    // noted, not inventoried.
    expect(run!.notes.filter((n) => n.includes('not in the inventory'))).toEqual([
      `${real.GITHUB_APP_SET} holds roles/artifactregistry.writer on projects/${APP.id}; it belongs to a workload identity pool of project number ${OPS.number}, which this scan does not cover, so it is not in the inventory`,
      `serviceAccount:${real.VENDOR} holds roles/editor on projects/${APP.id}; it belongs to projects/vendor-tools, which this scan does not cover, so it is not in the inventory`,
      `serviceAccount:${real.TERRAFORM} holds roles/owner on projects/${APP.id}; it belongs to projects/${OPS.id}, which this scan does not cover, so it is not in the inventory`,
      `serviceAccount:${real.VERTEX} holds roles/compute.instanceAdmin.v1 on projects/${APP.id}; it belongs to projects/${OPS.id}, which this scan does not cover, so it is not in the inventory`,
    ]);
  });

  it('records Policy Analyzer refusing the scanner as two gaps naming each permission', async () => {
    mockProd({ projectGet: true, policyAnalyzerError: callerDenied() });
    const [run] = await collect({ projects: [estate.PROD.id] });
    expect(run!.gaps.map((g) => [g.code, g.resource, g.permission])).toEqual([
      [
        'access_denied',
        `projects/${estate.PROD.id}/locations/global/activityTypes/serviceAccountLastAuthentication`,
        'policyanalyzer.serviceAccountLastAuthenticationActivities.query',
      ],
      [
        'access_denied',
        `projects/${estate.PROD.id}/locations/global/activityTypes/serviceAccountKeyLastAuthentication`,
        'policyanalyzer.serviceAccountKeyLastAuthenticationActivities.query',
      ],
    ]);
    // Unknown, not "never used".
    expect(byUid(run!.identities, estate.DEPLOYER).lastUsedAt).toBeUndefined();
  });

  it('does not scan a configured project that is pending deletion', async () => {
    api('cloudresourcemanager').get('/v3/projects/acme-retired').reply(200, real.retiredProject);
    const [run] = await collect({ projects: ['acme-retired'] });
    expect(run!.error).toBeInstanceOf(ScanError);
    expect((run!.error as ScanError).gap).toMatchObject({
      code: 'not_found',
      call: 'cloudresourcemanager.projects.get',
      resource: 'projects/acme-retired',
    });
    expect(run!.identities).toEqual([]);
  });
});

describe('gcp: those estate shapes, judged', () => {
  it('reports what the estate holds and nothing it does not', async () => {
    mockOps();
    mockApp();
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
    const { findings, coverage } = await runScan({
      config: buildConfig(
        { providers: { gcp: { projects: [OPS.id, APP.id], rolePermissions: false, expandGroups: false } } },
        registries,
        'nhiscan.config.yaml',
        process.cwd(),
      ),
      clock: { asOf: new Date(AS_OF), now: () => new Date() },
      log: silentLogger,
    });
    expect(coverage.map((c) => [c.target, c.status])).toEqual([
      [`gcp:project/${OPS.id}`, 'complete'],
      [`gcp:project/${APP.id}`, 'complete'],
    ]);
    const BOUND = `gcp:${OPS.id}/apikey/${real.BOUND_KEY}`;
    const ANDROID = `gcp:${OPS.id}/apikey/${real.ANDROID_KEY}`;
    const { TERRAFORM, VERTEX, AWS_PROVIDER, X509_PROVIDER, OPS_GITHUB_PROVIDER } = real;
    expect(
      findings.map((f) => [f.policyId, f.identityUid, f.credentialUid ?? null, f.severity]).sort(),
    ).toEqual(
      [
        // Owner of acme-app and admin of its folder: invisible from acme-ops' policy alone.
        ['excess-privilege', TERRAFORM, null, 'critical'],
        // roles/compute.instanceAdmin.v1 on acme-app: administers one service, not the estate.
        ['excess-privilege', VERTEX, null, 'high'],
        // Published on GitHub and still enabled; the disabled exposed key draws nothing.
        ['gcp-user-managed-keys', TERRAFORM, real.EXPOSED_KEY, 'critical'],
        ['gcp-user-managed-keys', TERRAFORM, null, 'info'],
        // dana is Key Admin on the project (mints keys); the Pub/Sub agent and the deleted
        // principals are not reported. One grant, one finding (issue 9): it reaches both
        // accounts, listed in its evidence.
        ['gcp-impersonation', TERRAFORM, null, 'medium'],
        // An IP allow-list of 0.0.0.0/0 is no restriction.
        ['gcp-api-key-unrestricted', BOUND, real.BOUND_KEY, 'medium'],
        ['gcp-wif-no-condition', AWS_PROVIDER, null, 'medium'],
        ['rotation-age', ANDROID, real.ANDROID_KEY, 'high'], // 181 days
        ...[TERRAFORM, BOUND, ANDROID, AWS_PROVIDER, X509_PROVIDER, OPS_GITHUB_PROVIDER].map((uid) => [
          'ownership',
          uid,
          null,
          'medium',
        ]),
        // Not here: staleness of vertex@, whose bound API key Policy Analyzer does not see.
      ].sort(),
    );
    const impersonation = findings.find(
      (f) => f.policyId === 'gcp-impersonation' && f.identityUid === TERRAFORM,
    );
    expect(impersonation!.evidence).toMatchObject({ principals: ['user:dana@example.com'] });
    expect(impersonation!.evidence['reaches']).toEqual([TERRAFORM, VERTEX].sort());
  });
});
