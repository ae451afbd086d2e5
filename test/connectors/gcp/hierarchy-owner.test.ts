// Folder targets (nested folders, paged project listings, inherited folder and organization
// policies, a denied folder policy) and the configurable owner sources.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as estate from '../../../fixtures/gcp/estate.js';
import { callerDenied } from '../../../fixtures/gcp/errors.js';
import * as tree from '../../../fixtures/gcp/folders.js';
import { api, byUid, collect, mockProd } from './harness.js';

const V3 = { options: { requestedPolicyVersion: 3 } };
const STAGE = tree.stageProject.projectId;

/** acme-stage exists but holds nothing. */
const mockEmptyStage = (): void => {
  api('cloudresourcemanager').post(`/v3/projects/${STAGE}:getIamPolicy`, V3).reply(200, tree.emptyPolicy);
  const iam = api('iam');
  iam.get(`/v1/projects/${STAGE}/serviceAccounts`).query({ pageSize: '100' }).reply(200, {});
  iam
    .get(`/v1/projects/${STAGE}/locations/global/workloadIdentityPools`)
    .query({ pageSize: '100' })
    .reply(200, {});
  api('apikeys').get(`/v2/projects/${STAGE}/locations/global/keys`).query({ pageSize: '300' }).reply(200, {});
  for (const type of ['serviceAccountLastAuthentication', 'serviceAccountKeyLastAuthentication']) {
    api('policyanalyzer')
      .get(`/v1/projects/${STAGE}/locations/global/activityTypes/${type}/activities:query`)
      .query({ pageSize: '1000' })
      .reply(200, {});
  }
};

describe('gcp connector: a folder', () => {
  const FOLDER = 'gcp:folder/42';

  it('lists the projects of its sub-folders, each a target inheriting folder and organization roles', async () => {
    const crm = api('cloudresourcemanager');
    crm
      .get('/v3/projects')
      .query({ parent: tree.ENGINEERING, pageSize: '500' })
      .reply(200, tree.engineeringProjects);
    crm
      .get('/v3/folders')
      .query({ parent: tree.ENGINEERING, pageSize: '500' })
      .reply(200, tree.engineeringFolders);
    crm
      .get('/v3/projects')
      .query({ parent: tree.PAYMENTS, pageSize: '500' })
      .reply(200, tree.paymentsProjectsPage1);
    crm
      .get('/v3/projects')
      .query({ parent: tree.PAYMENTS, pageSize: '500', pageToken: tree.paymentsProjectsPage1.nextPageToken })
      .reply(200, tree.paymentsProjectsPage2);
    crm.get('/v3/folders').query({ parent: tree.PAYMENTS, pageSize: '500' }).reply(200, tree.paymentsFolders);
    // Each read once for both projects (an interceptor answers once): the payments folder
    // denies, engineering and the organization answer.
    crm.post(`/v3/${tree.PAYMENTS}:getIamPolicy`, V3).reply(403, callerDenied());
    crm.post(`/v3/${tree.ENGINEERING}:getIamPolicy`, V3).reply(200, tree.engineeringPolicy);
    crm.get(`/v3/${tree.ENGINEERING}`).reply(200, tree.engineeringFolder);
    mockProd(); // includes the organization's policy
    mockEmptyStage();

    const runs = await collect({ folders: ['42'] });
    expect(runs.map((r) => [r.phase, r.targetId, r.scope])).toEqual([
      ['discovery', FOLDER, tree.ENGINEERING],
      ['collect', `gcp:project/${estate.PROD.id}`, estate.PROD.id],
      ['collect', `gcp:project/${STAGE}`, STAGE],
    ]);
    const [folder, prod, stage] = runs;
    expect(folder!.error).toBeUndefined();
    expect(folder!.children).toEqual([`gcp:project/${estate.PROD.id}`, `gcp:project/${STAGE}`]);
    expect(folder!.gaps).toEqual([]);

    // The denied folder policy concerns both projects: each entry says what it lacks.
    const deniedPayments = expect.objectContaining({
      code: 'access_denied',
      call: 'cloudresourcemanager.folders.getIamPolicy',
      resource: tree.PAYMENTS,
      permission: 'resourcemanager.folders.getIamPolicy',
      fallback: `roles granted on ${tree.PAYMENTS} are not included in privilege`,
    });
    for (const run of [prod!, stage!]) {
      expect(run.error).toBeUndefined();
      expect(run.gaps).toEqual([deniedPayments]);
      expect(run.notes).toContain(`listed by ${FOLDER}`);
    }
    expect(stage!.identities).toEqual([]);

    const deployer = byUid(prod!.identities, estate.DEPLOYER);
    expect(deployer.privilege.level).toBe('admin');
    expect(deployer.privilege.reasons).toEqual([`roles/resourcemanager.folderAdmin on ${tree.ENGINEERING}`]);
    expect(deployer.privilege.attached).toEqual(['roles/editor', 'roles/resourcemanager.folderAdmin']);
    const reporting = byUid(prod!.identities, estate.REPORTING);
    expect(reporting.privilege.grants.map((g) => g.resources[0])).toContain(`organizations/${estate.ORG_ID}`);
  });

  it('records a sub-folder it may not list as a gap of the discovery and lists the rest', async () => {
    const crm = api('cloudresourcemanager');
    // Here acme-stage sits directly in engineering.
    crm
      .get('/v3/projects')
      .query({ parent: tree.ENGINEERING, pageSize: '500' })
      .reply(200, { projects: [{ ...tree.stageProject, parent: tree.ENGINEERING }] });
    crm
      .get('/v3/folders')
      .query({ parent: tree.ENGINEERING, pageSize: '500' })
      .reply(200, tree.engineeringFolders);
    crm.get('/v3/projects').query({ parent: tree.PAYMENTS, pageSize: '500' }).reply(403, callerDenied());
    crm.get('/v3/folders').query({ parent: tree.PAYMENTS, pageSize: '500' }).reply(403, callerDenied());

    crm.post(`/v3/${tree.ENGINEERING}:getIamPolicy`, V3).reply(200, tree.engineeringPolicy);
    crm.get(`/v3/${tree.ENGINEERING}`).reply(200, tree.engineeringFolder);
    crm.post(`/v3/organizations/${estate.ORG_ID}:getIamPolicy`, V3).reply(200, estate.orgPolicy);
    mockEmptyStage();

    const runs = await collect({ folders: ['folders/42'] });
    expect(runs.map((r) => [r.targetId, r.error])).toEqual([
      [FOLDER, undefined],
      [`gcp:project/${STAGE}`, undefined],
    ]);
    const [folder, stage] = runs;
    expect(folder!.children).toEqual([`gcp:project/${STAGE}`]);
    expect(folder!.gaps.map((g) => [g.code, g.call, g.resource, g.permission])).toEqual([
      ['access_denied', 'cloudresourcemanager.projects.list', tree.PAYMENTS, 'resourcemanager.projects.list'],
      ['access_denied', 'cloudresourcemanager.folders.list', tree.PAYMENTS, 'resourcemanager.folders.list'],
    ]);
    // What was listed is read in full; the lost listing is the discovery's alone.
    expect(stage!.gaps).toEqual([]);
  });
});

describe('gcp connector: owners', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('takes owners from a mapping file, then the project label, in the configured order', async () => {
    dir = mkdtempSync(join(tmpdir(), 'nhiscan-gcp-owners-'));
    const mapping = join(dir, 'owners.yaml');
    writeFileSync(
      mapping,
      [
        `${estate.DEPLOYER.toUpperCase()}: dave@example.com`,
        `${estate.API_KEY_OPEN}: erin@example.com`,
        `"${estate.GITLAB_PROVIDER}": frank@example.com`,
      ].join('\n'),
    );
    mockProd({ projectGet: true });
    const [run] = await collect({
      projects: [estate.PROD.id],
      ownerSources: [
        { type: 'mapping', path: mapping },
        { type: 'project-label', key: 'owner' },
      ],
    });
    const owners = Object.fromEntries(run!.identities.map((i) => [i.uid, i.owner]));
    expect(owners).toMatchObject({
      [estate.DEPLOYER]: { value: 'dave@example.com', source: 'config:mapping' },
      [`gcp:${estate.PROD.id}/apikey/${estate.API_KEY_OPEN}`]: {
        value: 'erin@example.com',
        source: 'config:mapping',
      },
      [estate.GITLAB_PROVIDER]: { value: 'frank@example.com', source: 'config:mapping' },
      // The description says alice, but the description is not a configured source here.
      [estate.GITHUB_PROVIDER]: { value: 'payments-oncall', source: 'gcp:project-label:owner' },
      [estate.COMPUTE_DEFAULT]: { value: 'payments-oncall', source: 'gcp:project-label:owner' },
    });
  });

  it('stops the provider when the mapping file cannot be read', async () => {
    const [run] = await collect({
      projects: [estate.PROD.id],
      ownerSources: [{ type: 'mapping', path: '/nonexistent/owners.yaml' }],
    });
    expect(run!.error).toMatchObject({ reach: 'provider', gap: { call: 'gcp:owner-mapping' } });
  });
});

describe('gcp connector: unexpected payloads', () => {
  it('records an answer of the wrong shape as invalid_response and goes on', async () => {
    const crm = api('cloudresourcemanager');
    crm.get(`/v3/projects/${estate.PROD.id}`).reply(200, estate.prodProject);
    crm.post(`/v3/projects/${estate.PROD.id}:getIamPolicy`, V3).reply(200, estate.prodPolicy);
    crm.post(`/v3/organizations/${estate.ORG_ID}:getIamPolicy`, V3).reply(200, estate.orgPolicy);
    api('iam')
      .get(`/v1/projects/${estate.PROD.id}/serviceAccounts`)
      .query({ pageSize: '100' })
      .reply(200, ['not', 'a', 'ListServiceAccountsResponse']);
    const [run] = await collect({
      projects: [estate.PROD.id],
      workloadIdentity: false,
      apiKeys: false,
      policyAnalyzer: false,
    });
    expect(run!.error).toBeUndefined();
    expect(run!.gaps).toEqual([
      expect.objectContaining({
        code: 'invalid_response',
        call: 'iam.projects.serviceAccounts.list',
        resource: `projects/${estate.PROD.id}`,
      }),
    ]);
    expect(run!.identities).toEqual([]);
  });
});
