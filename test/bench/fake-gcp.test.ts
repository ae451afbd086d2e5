// The benchmark's Google Cloud (bench/fake-cloud/gcp.ts): the demo's route over a generated
// estate serves pages by index at the size the client asks for (capped as IAM caps it), answers
// folders as Google's Folder (no `policy` field), and the Cloud Asset Inventory model counts pages
// of 500 (bench/cai-model.ts).
import { describe, expect, it } from 'vitest';
import { caiComparison } from '../../bench/cai-model.js';
import { gcpBenchRoute, gcpCounts, gcpEstate } from '../../bench/fake-cloud/gcp.js';

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

  it('models Cloud Asset Inventory at 500 results a page, keeping what it does not replace', () => {
    const counts = gcpCounts(gcpEstate({ projects: 50, accounts: 200, folders: 5 }));
    // 200 accounts a project, 180 with a user-managed key, every one with a Google-managed key.
    expect(counts).toMatchObject({ projects: 50, folders: 5, accounts: 10_000, keys: 19_000, apiKeys: 10 });
    expect(counts.accountPolicies).toBe(500);
    const cai = caiComparison(
      counts,
      {
        'iam:keys.list': 10_000,
        'policyanalyzer:serviceAccountLastAuthentication': 50,
        'policyanalyzer:serviceAccountKeyLastAuthentication': 50,
        'iam:policies.listPolicies': 56,
        'iam:roles.get': 4,
      },
      20_500,
    );
    // ⌈(50 + 5 + 10,000 + 19,000 + 10) ÷ 500⌉ = 59; ⌈(1 + 5 + 50 + 500) ÷ 500⌉ = 2; 160 stay.
    expect(cai).toMatchObject({
      searchAllResources: 59,
      searchAllIamPolicies: 2,
      residual: 160,
      caiCalls: 221,
    });
    expect(cai.saving).toBeCloseTo(20_500 / 221, 9);
  });
});
