// The benchmark's Google Cloud (bench/fake-cloud/gcp.ts): the demo's route over a generated
// estate serves pages by index at the size the client asks for (capped as IAM caps it), answers
// folders as Google's Folder (no `policy` field), lists Cloud Asset Inventory assets 1,000 a page,
// and the CAI minimum and the pairing of the two measured runs (bench/cai-model.ts) are counted right.
import { describe, expect, it } from 'vitest';
import { caiComparison } from '../../bench/cai-model.js';
import {
  gcpBenchRoute,
  gcpCaiMinimum,
  gcpCounts,
  gcpEstate,
  gcpMinimum,
} from '../../bench/fake-cloud/gcp.js';

const get = async (route: ReturnType<typeof gcpBenchRoute>, path: string, query: Record<string, string>) => {
  const reply = await route.handle({
    method: 'GET',
    path,
    query: new URLSearchParams(query),
    headers: {},
    body: '',
  });
  return { ...reply, json: JSON.parse(reply.body) as Record<string, unknown> };
};

describe('the fake cloud’s Google Cloud', () => {
  it('pages service accounts by index at the asked page size, capped at 100', async () => {
    const route = gcpBenchRoute({ projects: 2, accounts: 150, folders: 1 });
    const path = '/iam/v1/projects/bench-00001/serviceAccounts';
    const emails: string[] = [];
    const sizes: number[] = [];
    let token: string | undefined;
    do {
      const page = await get(route, path, { pageSize: '40', ...(token ? { pageToken: token } : {}) });
      expect(page.status).toBe(200);
      expect(page.summary).toBe('gcp iam:serviceAccounts.list bench-00001');
      const accounts = page.json.accounts as { email: string }[];
      sizes.push(accounts.length);
      emails.push(...accounts.map((a) => a.email));
      token = page.json.nextPageToken as string | undefined;
    } while (token);
    expect(sizes).toEqual([40, 40, 40, 30]);
    expect(new Set(emails).size).toBe(150);
    expect(emails[149]).toBe('sa-0149@bench-00001.iam.gserviceaccount.com');
    const capped = await get(route, path, { pageSize: '1000' });
    expect((capped.json.accounts as unknown[]).length).toBe(100);
  });

  it('lists folders and projects as Resource Manager v3 answers them', async () => {
    const route = gcpBenchRoute({ projects: 4, accounts: 2, folders: 1 });
    const folders = await get(route, '/cloudresourcemanager/v3/folders', {
      parent: 'organizations/900000000077',
    });
    expect(folders.json.folders).toEqual([
      {
        name: 'folders/700000000000',
        parent: 'organizations/900000000077',
        displayName: 'bench-folder-0',
        state: 'ACTIVE',
        etag: 'W/"bench-folder-0"',
      },
    ]);
    const policy = await route.handle({
      method: 'POST',
      path: '/cloudresourcemanager/v3/folders/700000000000:getIamPolicy',
      query: new URLSearchParams(),
      headers: {},
      body: '{}',
    });
    expect(JSON.parse(policy.body)).toMatchObject({
      bindings: [
        {
          role: 'roles/storage.objectCreator',
          members: ['serviceAccount:sa-0000@bench-00001.iam.gserviceaccount.com'],
        },
      ],
    });
    // Projects 1 and 3 sit in the folder, 0 and 2 in the organization.
    const inFolder = await get(route, '/cloudresourcemanager/v3/projects', {
      parent: 'folders/700000000000',
    });
    expect((inFolder.json.projects as { projectId: string }[]).map((p) => p.projectId)).toEqual([
      'bench-00001',
      'bench-00003',
    ]);
  });

  it('lists Cloud Asset Inventory assets 1,000 a page, by content type, asset type and scope', async () => {
    const route = gcpBenchRoute({ projects: 4, accounts: 300, folders: 1 });
    const path = '/cloudasset/v1/organizations/900000000077/assets';
    const types = ['iam.googleapis.com/ServiceAccount', 'iam.googleapis.com/ServiceAccountKey'];
    const names: string[] = [];
    const sizes: number[] = [];
    let token: string | undefined;
    do {
      const query = new URLSearchParams({
        contentType: '1',
        pageSize: '5000',
        ...(token ? { pageToken: token } : {}),
      });
      for (const t of types) query.append('assetTypes', t);
      const reply = await route.handle({ method: 'GET', path, query, headers: {}, body: '' });
      expect(reply.summary).toBe('gcp cloudasset:assets.list organizations/900000000077 RESOURCE');
      const page = JSON.parse(reply.body) as {
        assets?: { name: string }[];
        nextPageToken?: string;
        readTime?: string;
      };
      expect(page.readTime).toMatch(/Z$/);
      sizes.push(page.assets?.length ?? 0);
      names.push(...(page.assets ?? []).map((a) => a.name));
      token = page.nextPageToken;
    } while (token);
    // 1,200 accounts, 1,080 user-managed keys and 1,200 Google-managed ones.
    expect(sizes).toEqual([1000, 1000, 1000, 480]);
    expect(new Set(names).size).toBe(3480);
    // The folder's scope holds its projects only (1 and 3); IAM policies as their own listing.
    const policies = await get(route, '/cloudasset/v1/folders/700000000000/assets', {
      contentType: 'IAM_POLICY',
    });
    const assets = policies.json.assets as { name: string; assetType: string }[];
    expect(
      assets.filter((a) => a.assetType === 'cloudresourcemanager.googleapis.com/Project').map((a) => a.name),
    ).toEqual([
      '//cloudresourcemanager.googleapis.com/projects/500000000001',
      '//cloudresourcemanager.googleapis.com/projects/500000000003',
    ]);
    expect(assets.some((a) => a.assetType === 'cloudresourcemanager.googleapis.com/Organization')).toBe(
      false,
    );
  });

  it('counts the Cloud Asset Inventory minimum and pairs the two measured runs', () => {
    const estate = gcpEstate({ projects: 50, accounts: 200, folders: 5 });
    const counts = gcpCounts(estate);
    // 200 accounts a project, 180 with a user-managed key, every one with a Google-managed key.
    expect(counts).toMatchObject({ projects: 50, folders: 5, accounts: 10_000, keys: 19_000, apiKeys: 10 });
    expect(counts.accountPolicies).toBe(500);
    // Listing: 6 projects.list + 6 folders.list; assets.list ⌈(10,000 + 19,000 + 10) ÷ 1,000⌉ = 30
    // resources + ⌈(1 + 5 + 50 + 500) ÷ 1,000⌉ = 1 policies; Policy Analyzer 100, deny policies
    // 50 + 6, roles 4.
    expect(gcpCaiMinimum(estate)).toBe(12 + 30 + 1 + 100 + 56 + counts.roles);
    expect(gcpMinimum(estate)).toBeGreaterThan(20_000);
    const run = { wallSeconds: 2, cpuSeconds: 1, peakRssBytes: 100 };
    const cai = caiComparison(
      50,
      { ...run, calls: 20_500 },
      {
        ...run,
        calls: 209,
        byOperation: { 'cloudasset:assets.list': 31, 'iam:roles.get': 4 },
      },
    );
    expect(cai).toMatchObject({
      projects: 50,
      cai: { calls: 209, listings: 31, residual: 178 },
      perProject: { calls: 20_500 },
    });
    expect(cai.saving).toBeCloseTo(20_500 / 209, 9);
  });
});
