// The Google Cloud connector through the real clients (@googleapis/iam, cloudresourcemanager,
// googleapis' apikeys and policyanalyzer modules, google-auth-library) against nock: every call
// the connector makes is answered from the typed fixtures, and a mock left unused fails the test.
import { describe, expect, it } from 'vitest';
import { ScanError } from '../../../src/errors.js';
import * as estate from '../../../fixtures/gcp/estate.js';
import * as tree from '../../../fixtures/gcp/folders.js';
import { callerDenied, iamPermissionDenied, serviceDisabled } from '../../../fixtures/gcp/errors.js';
import { api, byUid, collect, mockDataDenied, mockOrg, mockProd } from './harness.js';

const { PROD, DATA } = estate;

describe('gcp connector: one project', () => {
  it('reads service accounts across pages, with keys, roles, impersonators and last use', async () => {
    mockProd({ projectGet: true });
    const [run] = await collect({ projects: [PROD.id] });
    expect(run!.error).toBeUndefined();
    expect(run!.gaps).toEqual([]);
    expect(run!.scope).toBe(PROD.id);
    const ids = run!.identities;
    expect(ids.map((i) => [i.kind, i.uid]).sort()).toEqual(
      [
        ['gcp.service_account', estate.DEPLOYER],
        ['gcp.service_account', estate.REPORTING],
        ['gcp.service_account', estate.COMPUTE_DEFAULT],
        ['gcp.service_account', estate.LEGACY],
        ['gcp.api_key', `gcp:${PROD.id}/apikey/${estate.API_KEY_OPEN}`],
        ['gcp.api_key', `gcp:${PROD.id}/apikey/${estate.API_KEY_MAPS}`],
        ['gcp.wif_provider', estate.GITHUB_PROVIDER],
        ['gcp.wif_provider', estate.GITLAB_PROVIDER],
      ].sort(),
    );

    const deployer = byUid(ids, estate.DEPLOYER);
    expect(deployer).toMatchObject({
      provider: 'gcp',
      name: 'deployer',
      location: { provider: 'gcp', scope: PROD.id },
      lastUsedAt: '2026-02-27T08:00:00.000Z',
      lastUsedDetail: { source: 'policy-analyzer', observationStart: '2025-11-01T08:00:00.000Z' },
      owner: { value: 'alice@example.com', source: 'gcp:description' },
      managedBy: 'user',
      privilege: { level: 'write', attached: ['roles/editor'] },
      attributes: {
        uniqueId: '104857600000000000001',
        projectNumber: PROD.number,
        disabled: false,
        bindings: [{ role: 'roles/editor', resource: `projects/${PROD.id}` }],
      },
    });
    expect(deployer.createdAt).toBeUndefined(); // the IAM API has no creation time
    expect(deployer.privilege.grants).toEqual([
      expect.objectContaining({
        actions: ['roles/editor'],
        resources: [`projects/${PROD.id}`],
        conditional: false,
      }),
    ]);
    expect(deployer.privilege.reasons).toEqual([`roles/editor on projects/${PROD.id}`]);
    expect(deployer.attributes.canActAs).toEqual(
      expect.arrayContaining([
        {
          principal: 'user:bob@example.com',
          role: 'roles/iam.serviceAccountTokenCreator',
          resource: `projects/${PROD.id}/serviceAccounts/${estate.DEPLOYER}`,
        },
        {
          principal: 'group:developers@example.com',
          role: 'roles/iam.serviceAccountUser',
          resource: `projects/${PROD.id}`,
        },
      ]),
    );
    expect(deployer.attributes.administeredBy).toEqual([
      {
        principal: 'group:developers@example.com',
        role: 'roles/iam.serviceAccountAdmin',
        resource: `projects/${PROD.id}`,
      },
    ]);
    expect(deployer.credentials).toEqual([
      expect.objectContaining({
        uid: estate.DEPLOYER_OLD_KEY,
        type: 'sa_key',
        status: 'active',
        createdAt: '2025-01-25T00:00:00.000Z',
        lastRotatedAt: '2025-01-25T00:00:00.000Z',
        expiresAt: null, // 9999-12-31: never
        lastUsedAt: '2026-02-27T08:00:00.000Z',
        managedBy: 'user',
      }),
      expect.objectContaining({
        uid: estate.DEPLOYER_SYSTEM_KEY,
        status: 'active',
        expiresAt: '2026-03-08T04:00:00.000Z',
        lastUsedAt: null, // Policy Analyzer answered and has no authentication for it
        managedBy: 'provider',
      }),
    ]);

    // Conditional bindings keep their condition; roles inherited from the organization count.
    const reporting = byUid(ids, estate.REPORTING);
    expect(reporting.owner).toEqual({ value: 'bob@example.com', source: 'gcp:description' });
    expect(reporting.privilege.level).toBe('read');
    expect(reporting.privilege.grants).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actions: ['roles/storage.objectViewer'], conditional: true }),
        expect.objectContaining({
          actions: ['roles/bigquery.dataViewer'],
          resources: [`organizations/${estate.ORG_ID}`],
        }),
      ]),
    );
    expect(reporting.attributes.bindings).toContainEqual({
      role: 'roles/storage.objectViewer',
      resource: `projects/${PROD.id}`,
      condition: 'reports bucket only',
      expression: 'resource.name.startsWith("projects/_/buckets/acme-reports")',
    });

    const compute = byUid(ids, estate.COMPUTE_DEFAULT);
    expect(compute.attributes.defaultAccount).toBe('compute');
    expect(compute.lastUsedAt).toBeNull(); // no authentication in the observation window
    expect(compute.owner).toBeNull();

    const legacy = byUid(ids, estate.LEGACY);
    expect(legacy.attributes.disabled).toBe(true);
    // A disabled account's key cannot authenticate, whatever the key's own flag says.
    expect(legacy.credentials).toEqual([
      expect.objectContaining({
        uid: estate.LEGACY_KEY,
        status: 'inactive',
        attributes: expect.objectContaining({ keyOrigin: 'USER_PROVIDED', accountDisabled: true }),
      }),
    ]);
  });

  it('maps API keys and workload identity providers', async () => {
    mockProd({ projectGet: true });
    const [run] = await collect({ projects: [PROD.id] });
    const open = byUid(run!.identities, `gcp:${PROD.id}/apikey/${estate.API_KEY_OPEN}`);
    expect(open).toMatchObject({
      name: 'Legacy mobile key',
      createdAt: '2025-11-26T00:00:00.000Z',
      attributes: { applicationRestriction: 'none', apiTargets: [], restrictions: {} },
      credentials: [
        {
          uid: estate.API_KEY_OPEN,
          type: 'api_key',
          status: 'active',
          createdAt: '2025-11-26T00:00:00.000Z',
          lastRotatedAt: '2025-11-26T00:00:00.000Z',
        },
      ],
    });
    const maps = byUid(run!.identities, `gcp:${PROD.id}/apikey/${estate.API_KEY_MAPS}`);
    expect(maps).toMatchObject({
      tags: { owner: 'carol@example.com' },
      attributes: { applicationRestriction: 'browser', apiTargets: ['maps-backend.googleapis.com'] },
    });

    const github = byUid(run!.identities, estate.GITHUB_PROVIDER);
    expect(github).toMatchObject({
      name: 'ci/github-actions',
      location: { scope: PROD.id, resource: estate.POOL },
      owner: { value: 'alice@example.com', source: 'gcp:description' },
      trust: [
        {
          principalType: 'federated',
          principal: 'https://token.actions.githubusercontent.com',
          conditions: {},
        },
      ],
      attributes: {
        poolId: 'ci',
        issuerUri: 'https://token.actions.githubusercontent.com',
        disabled: false,
        protocol: 'oidc',
      },
    });
    expect(github.attributes.attributeCondition).toBeUndefined();
    const gitlab = byUid(run!.identities, estate.GITLAB_PROVIDER);
    expect(gitlab.trust[0]!.conditions).toEqual({
      CEL: { attributeCondition: ["assertion.namespace_path == 'acme'"] },
    });
  });

  it('records a disabled Policy Analyzer API as a gap and leaves last use unknown', async () => {
    const disabled = serviceDisabled('policyanalyzer.googleapis.com', 'Policy Analyzer API', '999999999999');
    mockProd({ projectGet: true, policyAnalyzerError: disabled });
    const [run] = await collect({ projects: [PROD.id] });
    expect(run!.gaps).toHaveLength(2);
    expect(run!.gaps).toContainEqual(
      expect.objectContaining({
        code: 'not_supported',
        call: 'policyanalyzer.projects.locations.activityTypes.activities.query',
        resource: `projects/${PROD.id}/locations/global/activityTypes/serviceAccountLastAuthentication`,
        fallback: 'last use of service accounts and keys left unknown',
        recovered: false,
      }),
    );
    expect(run!.gaps[0]!.message).toContain('policyanalyzer.googleapis.com');
    expect(run!.gaps[0]!.message).toContain('projects/999999999999');
    const deployer = byUid(run!.identities, estate.DEPLOYER);
    expect(deployer.lastUsedAt).toBeUndefined();
    expect(deployer.credentials.map((c) => c.lastUsedAt)).toEqual([undefined, undefined]);
  });

  it('records a denied API Keys call with the permission it needs and keeps the rest', async () => {
    mockProd({ projectGet: true, apiKeysError: callerDenied() });
    const [run] = await collect({ projects: [PROD.id] });
    expect(run!.gaps).toEqual([
      expect.objectContaining({
        code: 'access_denied',
        call: 'apikeys.projects.locations.keys.list',
        resource: `projects/${PROD.id}`,
        permission: 'apikeys.keys.list',
      }),
    ]);
    expect(run!.identities.filter((i) => i.kind === 'gcp.api_key')).toEqual([]);
    expect(run!.identities.filter((i) => i.kind === 'gcp.service_account')).toHaveLength(4);
  });

  it('fails a project target the scanner cannot read', async () => {
    api('cloudresourcemanager').get(`/v3/projects/${DATA.id}`).reply(403, callerDenied());
    const [run] = await collect({ projects: [DATA.id] });
    expect(run!.error).toBeInstanceOf(ScanError);
    const err = run!.error as ScanError;
    expect(err.reach).toBe('target');
    expect(err.gap).toMatchObject({
      code: 'access_denied',
      call: 'cloudresourcemanager.projects.get',
      resource: `projects/${DATA.id}`,
      permission: 'resourcemanager.projects.get',
    });
  });
});

describe('gcp connector: an organization', () => {
  const ORG = `gcp:organization/${estate.ORG_ID}`;

  it('lists each project as a target of its own: acme-prod complete, the denied acme-data partial', async () => {
    mockOrg();
    mockProd(); // the organization's policy once, shared by both projects
    mockDataDenied({ crm: callerDenied(), iam: iamPermissionDenied('iam.serviceAccounts.list') });
    const runs = await collect({ organizations: [estate.ORG_ID] });
    expect(runs.map((r) => [r.phase, r.targetId, r.scope])).toEqual([
      ['discovery', ORG, `organizations/${estate.ORG_ID}`],
      ['collect', `gcp:project/${DATA.id}`, DATA.id],
      ['collect', `gcp:project/${PROD.id}`, PROD.id],
    ]);
    const [org, data, prod] = runs;
    expect(org).toMatchObject({
      children: [`gcp:project/${DATA.id}`, `gcp:project/${PROD.id}`],
      gaps: [],
      identities: [],
    });
    expect(org!.error).toBeUndefined();

    expect(prod!.error).toBeUndefined();
    expect(prod!.gaps).toEqual([]);
    expect(prod!.identities).toHaveLength(8);
    expect(prod!.notes).toContain(`listed by ${ORG}`);
    // The organization's roles, read by the listing, still reach the project's accounts.
    expect(byUid(prod!.identities, estate.REPORTING).privilege.grants).toContainEqual(
      expect.objectContaining({
        actions: ['roles/bigquery.dataViewer'],
        resources: [`organizations/${estate.ORG_ID}`],
      }),
    );

    expect(data!.error).toBeUndefined();
    expect(data!.identities).toEqual([]);
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
    expect(data!.notes).toContain(
      `projects/${DATA.id}: denied — the scanner may not read its IAM policy or service accounts; nothing else was tried`,
    );
  });

  it('accepts "organizations/<id>" and leaves out excluded and separately listed projects', async () => {
    mockOrg();
    mockProd({ projectGet: true });
    const runs = await collect({
      projects: [PROD.id],
      organizations: [`organizations/${estate.ORG_ID}`],
      excludeProjects: [DATA.id],
    });
    // The explicit project is scanned once, by its own target.
    expect(runs.map((r) => [r.phase, r.targetId])).toEqual([
      ['discovery', ORG],
      ['collect', `gcp:project/${PROD.id}`],
    ]);
    expect(runs[0]!.children).toEqual([]);
    expect(runs[0]!.notes).toEqual(
      expect.arrayContaining([
        `projects/${PROD.id}: scanned by its own target (listed under projects)`,
        `projects/${DATA.id}: left out (excludeProjects)`,
      ]),
    );
    expect(runs[1]!.identities).toHaveLength(8);
    expect(runs[1]!.notes).not.toContain(`listed by ${ORG}`);
  });

  it('fails the discovery when the organization refuses to list its projects', async () => {
    api('cloudresourcemanager')
      .get('/v3/projects')
      .query({ parent: `organizations/${estate.ORG_ID}`, pageSize: '500' })
      .reply(403, callerDenied());
    const runs = await collect({ organizations: [estate.ORG_ID] });
    expect(runs).toHaveLength(1);
    const [org] = runs;
    expect(org!.phase).toBe('discovery');
    expect(org!.children).toBeUndefined();
    expect(org!.error).toBeInstanceOf(ScanError);
    const err = org!.error as ScanError;
    expect(err.reach).toBe('target');
    expect(err.gap).toMatchObject({
      code: 'access_denied',
      call: 'cloudresourcemanager.projects.list',
      resource: `organizations/${estate.ORG_ID}`,
      permission: 'resourcemanager.projects.list',
    });
  });

  it('lists a folder inside a configured organization through the organization only', async () => {
    mockOrg();
    api('cloudresourcemanager').get(`/v3/${tree.ENGINEERING}`).reply(200, tree.engineeringFolder);
    const runs = await collect({
      organizations: [estate.ORG_ID],
      folders: ['42'],
      excludeProjects: [PROD.id, DATA.id],
    });
    expect(runs.map((r) => [r.targetId, r.children, r.gaps])).toEqual([
      [ORG, [], []],
      ['gcp:folder/42', [], []],
    ]);
    expect(runs[1]!.notes).toEqual([
      `${tree.ENGINEERING} lies inside organizations/${estate.ORG_ID}, also configured: its projects are listed by ${ORG}`,
    ]);
  });
});
