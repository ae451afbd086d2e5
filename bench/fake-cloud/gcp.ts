// The benchmark's Google Cloud: an organization of N projects × M service accounts, generated
// in memory and served by the demo's own route (connectors/gcp/demo.ts `gcpEstateRoute`), so the
// paths, payload shapes, errors and paging (`pageSize` honoured up to the API's cap, the page
// token an offset: page N is a slice, never a re-read of pages 1…N-1) are the demo's. Roles come
// from the demo's roles.json (the predefined roles the bindings below name).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gcpEstateRoute, type GcpDemoEstate, type GcpDemoProject } from '../../connectors/gcp/demo.js';
import type { DemoRoute } from '../../src/demo/server.js';
import { packageRoot } from '../../src/paths.js';

export interface GcpEstateSpec {
  projects: number;
  /** Service accounts per project. */
  accounts: number;
  /** Folders under the organization; project p sits in folder p mod (folders + 1), 0 = the organization itself. */
  folders: number;
}

export const GCP_ORG_ID = '900000000077';
const ORG = `organizations/${GCP_ORG_ID}`;
const DAY = 86_400_000;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
export const gcpProjectId = (p: number): string => `bench-${pad(p, 5)}`;
const projectNumber = (p: number): string => String(500_000_000_000 + p);
const folderName = (j: number): string => `folders/${String(700_000_000_000 + j)}`;
const accountEmail = (p: number, i: number): string =>
  `sa-${pad(i, 4)}@${gcpProjectId(p)}.iam.gserviceaccount.com`;
const parentOf = (spec: GcpEstateSpec, p: number): string => {
  const j = p % (spec.folders + 1);
  return j === 0 ? ORG : folderName(j - 1);
};

/** Synthetic account i has a user-managed key unless i % 10 == 9; every account has a Google-managed one. */
const hasUserKey = (i: number): boolean => i % 10 !== 9;
/** Every fifth project has one API key. */
const apiKeysOf = (p: number): number => (p % 5 === 0 ? 1 : 0);

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const sa = (members: string[]): string[] => members.map((m) => `serviceAccount:${m}`);

const project = (spec: GcpEstateSpec, p: number, base: number): GcpDemoProject => {
  const projectId = gcpProjectId(p);
  const number = projectNumber(p);
  const emails = Array.from({ length: spec.accounts }, (_, i) => accountEmail(p, i));
  const every = (k: number, r: number): string[] => emails.filter((_, i) => i % k === r);
  const next = (p + 1) % spec.projects;
  const bindings = [
    { role: 'roles/owner', members: ['user:platform-lead@acme.example'] },
    ...(emails.length > 0 ? [{ role: 'roles/editor', members: sa(emails.slice(0, 1)) }] : []),
    { role: 'roles/logging.logWriter', members: sa(emails) },
    { role: 'roles/storage.objectCreator', members: sa(every(3, 1)) },
    {
      role: 'roles/bigquery.dataViewer',
      // One account of the next project reads here: a grant outside the account's own project.
      members: sa([...every(3, 2), ...(spec.accounts > 1 && next !== p ? [accountEmail(next, 1)] : [])]),
    },
  ].filter((b) => b.members.length > 0);
  return {
    project: {
      name: `projects/${number}`,
      projectId,
      parent: parentOf(spec, p),
      state: 'ACTIVE',
      displayName: `Bench project ${p}`,
      labels: { env: p % 2 === 0 ? 'prod' : 'dev' },
      createTime: `${iso(base - (400 + (p % 300)) * DAY).slice(0, -1)}.000Z`,
      etag: `W/"bench-${p}"`,
    },
    denied: false,
    disabledServices: [],
    policy: { version: 3, etag: `BwYbench${pad(p, 5)}=`, bindings },
    serviceAccounts: emails.map((email, i) => {
      const uniqueId = `1${pad(p, 5)}${pad(i, 15)}`;
      const name = `projects/${projectId}/serviceAccounts/${email}`;
      const key = (id: string, type: 'USER_MANAGED' | 'SYSTEM_MANAGED', after: number, before: string) => ({
        name: `${name}/keys/${id}`,
        validAfterTime: iso(after),
        validBeforeTime: before,
        keyAlgorithm: 'KEY_ALG_RSA_2048',
        keyOrigin: 'GOOGLE_PROVIDED',
        keyType: type,
      });
      return {
        account: {
          name,
          projectId,
          uniqueId,
          email,
          displayName: `Bench account ${i}`,
          ...(i % 3 === 0 ? {} : { description: `Batch worker. owner: team-${i % 20}@acme.example` }),
          etag: 'MDEwMjE5MjA=',
          oauth2ClientId: uniqueId,
        },
        keys: [
          ...(hasUserKey(i)
            ? [
                key(
                  `u${pad(p, 5)}${pad(i, 6)}`,
                  'USER_MANAGED',
                  base - (10 + (i % 400)) * DAY,
                  '9999-12-31T23:59:59Z',
                ),
              ]
            : []),
          key(`s${pad(p, 5)}${pad(i, 6)}`, 'SYSTEM_MANAGED', base - (i % 14) * DAY, iso(base + 16 * DAY)),
        ],
        // One account in 20 may be impersonated by a developer; the others answer just an etag.
        ...(i % 20 === 0
          ? {
              policy: {
                version: 1,
                etag: 'BwYbenchSa=',
                bindings: [{ role: 'roles/iam.serviceAccountUser', members: ['user:dev@acme.example'] }],
              },
            }
          : {}),
      };
    }),
    apiKeys: Array.from({ length: apiKeysOf(p) }, (_, k) => {
      const uid = `0b${pad(p, 6)}-0000-4000-8000-${pad(k, 12)}`;
      return {
        name: `projects/${number}/locations/global/keys/${uid}`,
        uid,
        displayName: `Bench key ${p}/${k}`,
        createTime: `${iso(base - 90 * DAY).slice(0, -1)}.000Z`,
        updateTime: `${iso(base - 90 * DAY).slice(0, -1)}.000Z`,
        etag: `W/"bench-key-${p}-${k}"`,
      };
    }),
    workloadIdentityPools: [],
    activities: {
      serviceAccountLastAuthentication: emails
        .map((email, i) => ({ email, i }))
        .filter(({ i }) => i % 5 !== 0)
        .map(({ email, i }) => {
          const full = `//iam.googleapis.com/projects/${projectId}/serviceAccounts/${email}`;
          return {
            activityType: 'serviceAccountLastAuthentication',
            fullResourceName: full,
            observationPeriod: { startTime: iso(base - 180 * DAY), endTime: iso(base - DAY) },
            activity: {
              lastAuthenticatedTime: iso(base - (1 + (i % 150)) * DAY),
              serviceAccount: {
                serviceAccountId: `1${pad(p, 5)}${pad(i, 15)}`,
                projectNumber: number,
                fullResourceName: full,
              },
            },
          };
        }),
      serviceAccountKeyLastAuthentication: emails
        .map((email, i) => ({ email, i }))
        .filter(({ i }) => hasUserKey(i) && i % 4 !== 0)
        .map(({ email, i }) => {
          const full = `//iam.googleapis.com/projects/${projectId}/serviceAccounts/${email}/keys/u${pad(p, 5)}${pad(i, 6)}`;
          return {
            activityType: 'serviceAccountKeyLastAuthentication',
            fullResourceName: full,
            observationPeriod: { startTime: iso(base - 180 * DAY), endTime: iso(base - DAY) },
            activity: {
              lastAuthenticatedTime: iso(base - (1 + (i % 150)) * DAY),
              serviceAccountKey: {
                serviceAccountId: `1${pad(p, 5)}${pad(i, 15)}`,
                projectNumber: number,
                fullResourceName: full,
              },
            },
          };
        }),
    },
    denyPolicies: [],
  };
};

/** The estate, deterministic for a spec and a clock (dates are relative to `now`). */
export const gcpEstate = (spec: GcpEstateSpec, now: number = Date.now()): GcpDemoEstate => {
  const base = Math.floor(now / 1000) * 1000;
  const roles = (
    JSON.parse(readFileSync(join(packageRoot, 'fixtures', 'demo', 'gcp', 'roles.json'), 'utf8')) as {
      roles: GcpDemoEstate['roles'];
    }
  ).roles;
  return {
    organization: {
      name: ORG,
      displayName: 'bench.acme.example',
      // An organization-level grant to one account of the first project (inherited by every project).
      policy: {
        version: 1,
        etag: 'BwYbenchOrg=',
        bindings: [
          { role: 'roles/resourcemanager.organizationAdmin', members: ['user:cloud-admin@acme.example'] },
          ...(spec.projects > 0 && spec.accounts > 0
            ? [{ role: 'roles/bigquery.dataViewer', members: [`serviceAccount:${accountEmail(0, 0)}`] }]
            : []),
        ],
      },
      folders: Array.from({ length: spec.folders }, (_, j) => ({
        name: folderName(j),
        parent: ORG,
        displayName: `bench-folder-${j}`,
        state: 'ACTIVE',
        etag: `W/"bench-folder-${j}"`,
        // A folder-level grant to one account of the folder's first project (p = j + 1).
        policy: {
          version: 1,
          etag: `BwYbenchF${pad(j, 3)}=`,
          bindings:
            j + 1 < spec.projects && spec.accounts > 0
              ? [
                  {
                    role: 'roles/storage.objectCreator',
                    members: [`serviceAccount:${accountEmail(j + 1, 0)}`],
                  },
                ]
              : [],
        },
      })),
      denyPolicies: [],
    },
    projects: Array.from({ length: spec.projects }, (_, p) => project(spec, p, base)),
    roles,
    groups: [],
  };
};

/** Counts of what the estate holds (for the minimum and the Cloud Asset Inventory model). */
export interface GcpEstateCounts {
  projects: number;
  folders: number;
  accounts: number;
  /** Keys as keys.list answers them: user-managed and Google-managed. */
  keys: number;
  apiKeys: number;
  /** Service accounts whose own IAM policy has bindings. */
  accountPolicies: number;
  /** Distinct roles bound to service accounts (each read once with roles.get). */
  roles: number;
  identities: number;
}

export const gcpCounts = (estate: GcpDemoEstate): GcpEstateCounts => {
  let accounts = 0;
  let keys = 0;
  let apiKeys = 0;
  let accountPolicies = 0;
  const roles = new Set<string>();
  const bound = (policy: Record<string, unknown> | undefined): void => {
    for (const b of (policy?.bindings ?? []) as { role: string; members: string[] }[])
      if (b.members.some((m) => m.startsWith('serviceAccount:'))) roles.add(b.role);
  };
  bound(estate.organization.policy);
  for (const f of estate.organization.folders) bound(f.policy as Record<string, unknown> | undefined);
  for (const p of estate.projects) {
    bound(p.policy);
    accounts += p.serviceAccounts.length;
    apiKeys += p.apiKeys.length;
    for (const s of p.serviceAccounts) {
      keys += s.keys.length;
      if (s.policy) accountPolicies += 1;
    }
  }
  return {
    projects: estate.projects.length,
    folders: estate.organization.folders.length,
    accounts,
    keys,
    apiKeys,
    accountPolicies,
    roles: roles.size,
    identities: accounts + apiKeys,
  };
};

const pages = (items: number, size: number): number => Math.max(1, Math.ceil(items / size));

/**
 * The fewest calls the connector can make for this estate, by the page sizes it asks for (each
 * at or under the API's cap). Discovery: for the organization and each folder, one
 * projects.list and one folders.list page per 500, and its getIamPolicy (inherited grants, read
 * once). Per project, what no per-project API avoids: projects.getIamPolicy; serviceAccounts.list
 * at 100 a page (IAM's cap); for every service account keys.list and serviceAccounts.getIamPolicy
 * (IAM has no project-wide form of either); the two Policy Analyzer activity queries (1,000 a
 * page); apikeys keys.list (300 a page); workloadIdentityPools.list (the estate has no pools);
 * the deny policies attached to it (listPolicies; the organization's and each folder's once).
 * Per scan: roles.get once per distinct role bound to a service account.
 */
export const gcpMinimum = (estate: GcpDemoEstate): number => {
  const c = gcpCounts(estate);
  const containers = 1 + c.folders;
  const discovery =
    [estate.organization.name, ...estate.organization.folders.map((f) => f.name)].reduce(
      (sum, name) => sum + pages(estate.projects.filter((p) => p.project.parent === name).length, 500),
      0,
    ) +
    containers + // folders.list: the organization's folders, and each folder's (none), one page each
    containers; // getIamPolicy of the organization and each folder
  const perProject = estate.projects.reduce((sum, p) => {
    const s = p.serviceAccounts.length;
    return (
      sum +
      1 + // projects.getIamPolicy
      pages(s, 100) +
      2 * s +
      pages(p.activities.serviceAccountLastAuthentication?.length ?? 0, 1000) +
      pages(p.activities.serviceAccountKeyLastAuthentication?.length ?? 0, 1000) +
      pages(p.apiKeys.length, 300) +
      1 + // workloadIdentityPools.list
      1 // deny policies attached to the project
    );
  }, 0);
  return discovery + perProject + containers + c.roles; // + deny policies of the org and folders
};

/** assets.list's page cap ("maximum is 1000"), which the connector asks for. */
const CAI_PAGE = 1000;

const hasBindings = (policy: unknown): boolean =>
  ((policy as { bindings?: unknown[] } | undefined)?.bindings?.length ?? 0) > 0;

/**
 * The fewest calls the connector can make for this estate with `cloudAssetInventory`: the same
 * project and folder listing (Resource Manager), then two assets.list listings of the
 * organization at 1,000 a page — resources (accounts, keys, API keys; the estate has no pools)
 * and IAM policies (every policy set: the organization's and folders' with bindings, each
 * project's, and accounts' with bindings) — in place of every getIamPolicy, serviceAccounts.list,
 * keys.list, API key and pool listing. What CAI does not hold stays as in gcpMinimum: Policy
 * Analyzer's two queries per project, deny policies per project and per container, roles.get
 * once per role.
 */
export const gcpCaiMinimum = (estate: GcpDemoEstate): number => {
  const c = gcpCounts(estate);
  const containers = 1 + c.folders;
  const listing =
    [estate.organization.name, ...estate.organization.folders.map((f) => f.name)].reduce(
      (sum, name) => sum + pages(estate.projects.filter((p) => p.project.parent === name).length, 500),
      0,
    ) + containers; // folders.list, one page each
  const resources = c.accounts + c.keys + c.apiKeys;
  const policies =
    (hasBindings(estate.organization.policy) ? 1 : 0) +
    estate.organization.folders.filter((f) => hasBindings(f.policy)).length +
    estate.projects.filter((p) => hasBindings(p.policy)).length +
    c.accountPolicies;
  const perProject = estate.projects.reduce(
    (sum, p) =>
      sum +
      pages(p.activities.serviceAccountLastAuthentication?.length ?? 0, 1000) +
      pages(p.activities.serviceAccountKeyLastAuthentication?.length ?? 0, 1000) +
      1, // deny policies attached to the project
    0,
  );
  return listing + pages(resources, CAI_PAGE) + pages(policies, CAI_PAGE) + perProject + containers + c.roles;
};

/** The fake's route: the demo's route over the generated estate, summaries as "gcp <api>:<method> …". */
export const gcpBenchRoute = (spec: GcpEstateSpec, now: number = Date.now()): DemoRoute => {
  const route = gcpEstateRoute(gcpEstate(spec, now));
  return {
    async handle(req) {
      const reply = await route.handle(req);
      // The demo writes "<api> <method> <resource>"; the fake's stats read the second word.
      const [api = '', method = '', ...rest] = (reply.summary ?? '').split(' ');
      return { ...reply, summary: ['gcp', `${api}:${method}`, ...rest].join(' ') };
    },
  };
};
