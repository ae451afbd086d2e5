// The demo's Google Cloud: the REST surface of Resource Manager v3, IAM v1, API Keys v2, Policy
// Analyzer v1, Cloud Identity v1 (groups) and the Cloud Asset API v1 (assets.list, for
// `cloudAssetInventory`) that the connector calls, played from files under <dir>/ (see
// fixtures/demo/gcp/). The connector reaches it through its endpoint overrides, one root URL
// per API: `${server.url}/gcp/<api>/`. Requests are answered as Google answers them: JSON
// bodies, `nextPageToken` paging, and errors as google.rpc.Status with an ErrorInfo. Tokens are
// not checked (the demo runs with `auth: none`, which the connector allows on loopback only).
//
// Files:
//   organization.json          { name, displayName, policy, folders: [] }
//   projects/<projectId>.json  { project, policy, serviceAccounts: [{ account, keys, policy }],
//                                apiKeys, workloadIdentityPools: [{ pool, providers }],
//                                activities: { <activityType>: [...] },
//                                denyPolicies?: [...]     — IAM v2 deny policies attached to the project
//                                denied?: true            — every call on the project is refused
//                                disabledServices?: [...] — e.g. "policyanalyzer.googleapis.com" }
//   roles.json                 { roles: [Role…] } — predefined and custom roles for roles.get
//   groups.json                { groups: [{ name, groupKey: { id }, memberships: [MemberRelation…] }] }
//                              — Cloud Identity groups: groups.lookup, searchTransitiveMemberships
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { GCP_APIS, GcpConfig } from './config.js';
import type { ConnectorDemo, DemoRequest, DemoResponse, DemoRoute } from '../../src/demo/server.js';

const Json = z.record(z.string(), z.unknown());
const Policy = Json;

const ProjectFile = z.strictObject({
  project: z.looseObject({ name: z.string(), projectId: z.string(), parent: z.string().optional() }),
  denied: z.boolean().default(false),
  disabledServices: z.array(z.string()).default([]),
  policy: Policy.default({}),
  serviceAccounts: z
    .array(
      z.strictObject({
        account: z.looseObject({ name: z.string(), email: z.string() }),
        keys: z.array(Json).default([]),
        policy: Policy.optional(),
      }),
    )
    .default([]),
  apiKeys: z.array(Json).default([]),
  workloadIdentityPools: z
    .array(
      z.strictObject({ pool: z.looseObject({ name: z.string() }), providers: z.array(Json).default([]) }),
    )
    .default([]),
  activities: z.record(z.string(), z.array(Json)).default({}),
  denyPolicies: z.array(z.looseObject({ name: z.string() })).default([]),
});
type ProjectFile = z.infer<typeof ProjectFile>;

const OrganizationFile = z.strictObject({
  name: z.string().regex(/^organizations\/\d+$/),
  displayName: z.string().optional(),
  policy: Policy.default({}),
  folders: z.array(z.looseObject({ name: z.string(), parent: z.string() })).default([]),
  denyPolicies: z.array(z.looseObject({ name: z.string() })).default([]),
});
type OrganizationFile = z.infer<typeof OrganizationFile>;

export interface GcpEstateOptions {
  /** Folder holding organization.json and projects/<projectId>.json. */
  dir: string;
}

/** The API root URLs the connector's `endpoints` block takes for a demo server at `serverUrl`. */
export const gcpDemoEndpoints = (serverUrl: string): Record<(typeof GCP_APIS)[number], string> => ({
  iam: `${serverUrl}/gcp/iam/`,
  cloudresourcemanager: `${serverUrl}/gcp/cloudresourcemanager/`,
  apikeys: `${serverUrl}/gcp/apikeys/`,
  policyanalyzer: `${serverUrl}/gcp/policyanalyzer/`,
  cloudidentity: `${serverUrl}/gcp/cloudidentity/`,
  cloudasset: `${serverUrl}/gcp/cloudasset/`,
});

const json = (status: number, body: unknown, summary: string): DemoResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=UTF-8' },
  body: JSON.stringify(body, null, 2),
  summary,
});

const CANONICAL: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
};

/** An error as Google sends it (AIP-193). */
export const gcpError = (
  status: number,
  message: string,
  summary: string,
  info?: { reason: string; domain: string; metadata: Record<string, string> },
): DemoResponse =>
  json(
    status,
    {
      error: {
        code: status,
        message,
        status: CANONICAL[status] ?? 'UNKNOWN',
        ...(info ? { details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', ...info }] } : {}),
      },
    },
    summary,
  );

const denied = (permission: string, summary: string): DemoResponse =>
  gcpError(403, `Permission '${permission}' denied on resource (or it may not exist).`, summary, {
    reason: 'IAM_PERMISSION_DENIED',
    domain: 'iam.googleapis.com',
    metadata: { permission },
  });

const serviceDisabled = (service: string, projectNumber: string, summary: string): DemoResponse => {
  const url = `https://console.developers.google.com/apis/api/${service}/overview?project=${projectNumber}`;
  return gcpError(
    403,
    `${service} has not been used in project ${projectNumber} before or it is disabled. Enable it by visiting ${url} then retry.`,
    summary,
    {
      reason: 'SERVICE_DISABLED',
      domain: 'googleapis.com',
      metadata: {
        service,
        consumer: `projects/${projectNumber}`,
        containerInfo: projectNumber,
        activationUrl: url,
      },
    },
  );
};

/** One page of `items` under `field`, with Google's opaque continuation token (here: an offset). */
const page = (
  items: readonly unknown[],
  field: string,
  query: URLSearchParams,
  max: number,
): Record<string, unknown> => {
  const size = Math.min(Math.max(Number(query.get('pageSize')) || max, 1), max);
  const token = query.get('pageToken');
  const start = token
    ? Number(
        Buffer.from(token, 'base64url')
          .toString('utf8')
          .replace(/^offset:/, ''),
      ) || 0
    : 0;
  const slice = items.slice(start, start + size);
  const next =
    start + size < items.length ? Buffer.from(`offset:${start + size}`).toString('base64url') : undefined;
  // Google leaves empty lists out of the answer altogether.
  return { ...(slice.length > 0 ? { [field]: slice } : {}), ...(next ? { nextPageToken: next } : {}) };
};

/** google.cloud.asset.v1.ContentType by number. */
const CONTENT_TYPES: Record<string, string> = {
  '0': 'CONTENT_TYPE_UNSPECIFIED',
  '1': 'RESOURCE',
  '2': 'IAM_POLICY',
};

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8')) as unknown;

const RolesFile = z.strictObject({ roles: z.array(z.looseObject({ name: z.string() })).default([]) });

const GroupsFile = z.strictObject({
  groups: z
    .array(
      z.strictObject({
        name: z.string().regex(/^groups\/[^/]+$/),
        groupKey: z.strictObject({ id: z.string() }),
        memberships: z.array(Json).default([]),
      }),
    )
    .default([]),
});

/** A whole estate in memory: what the files hold once parsed (the benchmark generates one). */
export interface GcpDemoEstate {
  organization: OrganizationFile;
  projects: ProjectFile[];
  roles: z.infer<typeof RolesFile>['roles'];
  groups: z.infer<typeof GroupsFile>['groups'];
}

type Estate = GcpDemoEstate;
/** A project as the route serves it (a parsed projects/<projectId>.json). */
export type GcpDemoProject = ProjectFile;

const loadEstate = (dir: string): Estate => {
  const organization = OrganizationFile.parse(readJson(join(dir, 'organization.json')));
  const projects = readdirSync(join(dir, 'projects'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const parsed = ProjectFile.safeParse(readJson(join(dir, 'projects', f)));
      if (!parsed.success)
        throw new Error(`${join(dir, 'projects', f)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return parsed.data;
    });
  const rolesPath = join(dir, 'roles.json');
  const roles = existsSync(rolesPath) ? RolesFile.parse(readJson(rolesPath)).roles : [];
  const groupsPath = join(dir, 'groups.json');
  const groups = existsSync(groupsPath) ? GroupsFile.parse(readJson(groupsPath)).groups : [];
  return { organization, projects, roles, groups };
};

const numberOf = (p: ProjectFile): string => p.project.name.replace(/^projects\//, '');

type Handler = (m: RegExpExecArray, req: DemoRequest) => DemoResponse;

/** A capture group of a route pattern (every group in these patterns always matches). */
const at = (m: RegExpExecArray, i: number): string => m[i] ?? '';

export const gcpRoute = (options: GcpEstateOptions): DemoRoute => gcpEstateRoute(loadEstate(options.dir));

/** The route over an estate held in memory (the files' content, or a generated one). */
export const gcpEstateRoute = (estate: GcpDemoEstate): DemoRoute => {
  const org = estate.organization;
  const project = (idOrNumber: string): ProjectFile | undefined =>
    estate.projects.find((p) => p.project.projectId === idOrNumber || numberOf(p) === idOrNumber);
  const folder = (name: string) => org.folders.find((f) => f.name === name);
  // A folder's `policy` is the file's (its getIamPolicy answer), not a field of Google's Folder.
  const folderResource = (f: OrganizationFile['folders'][number]): Record<string, unknown> =>
    Object.fromEntries(Object.entries(f).filter(([k]) => k !== 'policy'));

  /** Resolves the project, then applies its denial or a disabled service before `answer`. */
  const inProject =
    (
      service: string,
      permission: string,
      answer: (p: ProjectFile, m: RegExpExecArray, req: DemoRequest) => DemoResponse,
    ): Handler =>
    (m, req) => {
      const summary = `${service} ${m[0]}`;
      const p = project(decodeURIComponent(at(m, 1)));
      // Google answers an unknown project and a forbidden one alike: 403, "or it may not exist".
      if (!p || p.denied) return denied(permission, summary);
      if (p.disabledServices.includes(service)) return serviceDisabled(service, numberOf(p), summary);
      return answer(p, m, req);
    };

  /** Deny policies attached to "projects/<id>", the organization or a folder; undefined when refused. */
  const denyPoliciesAt = (attachment: string): Record<string, unknown>[] | undefined => {
    if (attachment === org.name) return org.denyPolicies;
    if (folder(attachment)) return [];
    const p = /^projects\/([^/]+)$/.exec(attachment);
    const proj = p ? project(p[1] ?? '') : undefined;
    if (!proj || proj.denied) return undefined;
    return proj.denyPolicies;
  };

  const account = (p: ProjectFile, email: string) =>
    p.serviceAccounts.find((s) => s.account.email.toLowerCase() === decodeURIComponent(email).toLowerCase());

  // --- Cloud Asset API v1 (assets.list) ---------------------------------------------------
  // Every project under the parent answers, a denied one too: CAI is read with the organization's
  // (or folder's) cloudasset permissions, not the project's.
  const ancestry = (parent: string | undefined): string[] => {
    const out: string[] = [];
    for (let at = parent; at && out.length < 12; at = folder(at)?.parent) out.push(at);
    return out;
  };
  const under = (p: ProjectFile, scope: string): boolean => ancestry(p.project.parent).includes(scope);
  const CRM = '//cloudresourcemanager.googleapis.com/';
  // CAI names an account by its unique id.
  const accountId = (a: { email: string; uniqueId?: unknown }): string =>
    typeof a.uniqueId === 'string' ? a.uniqueId : a.email;
  const assetsOf = (scope: string, contentType: string, types: ReadonlySet<string>): unknown[] => {
    const want = (t: string) => types.size === 0 || types.has(t);
    const out: unknown[] = [];
    const push = (
      assetType: string,
      name: string,
      ancestors: string[],
      body: { resource?: Record<string, unknown>; iamPolicy?: Record<string, unknown> },
    ): void => {
      if (want(assetType)) out.push({ name, assetType, ...body, ancestors });
    };
    const resource = (parent: string, discoveryName: string, data: Record<string, unknown>) => ({
      resource: {
        version: discoveryName === 'Key' ? 'v2' : 'v1',
        discoveryDocumentUri: `https://${discoveryName === 'Key' ? 'apikeys' : 'iam'}.googleapis.com/$discovery/rest`,
        discoveryName,
        parent,
        data,
      },
    });
    const hasBindings = (policy: unknown): policy is Record<string, unknown> =>
      Array.isArray((policy as { bindings?: unknown } | undefined)?.bindings) &&
      (policy as { bindings: unknown[] }).bindings.length > 0;
    if (contentType === 'IAM_POLICY') {
      const containers = [org.name, ...org.folders.map((f) => f.name)].filter(
        (c) => c === scope || ancestry(folder(c)?.parent).includes(scope),
      );
      for (const c of containers) {
        const policy = c === org.name ? org.policy : folder(c)?.policy;
        const type = c === org.name ? 'Organization' : 'Folder';
        if (hasBindings(policy))
          push(`cloudresourcemanager.googleapis.com/${type}`, `${CRM}${c}`, ancestry(c), {
            iamPolicy: policy,
          });
      }
    }
    for (const p of estate.projects.filter((x) => under(x, scope))) {
      const number = numberOf(p);
      const ancestors = [`projects/${number}`, ...ancestry(p.project.parent)];
      const pid = p.project.projectId;
      if (contentType === 'IAM_POLICY') {
        if (hasBindings(p.policy))
          push('cloudresourcemanager.googleapis.com/Project', `${CRM}projects/${number}`, ancestors, {
            iamPolicy: p.policy,
          });
        for (const s of p.serviceAccounts)
          if (hasBindings(s.policy))
            push(
              'iam.googleapis.com/ServiceAccount',
              `//iam.googleapis.com/projects/${pid}/serviceAccounts/${accountId(s.account)}`,
              ancestors,
              { iamPolicy: s.policy },
            );
        continue;
      }
      if (contentType !== 'RESOURCE') continue;
      const home = `${CRM}projects/${number}`;
      for (const s of p.serviceAccounts) {
        const account = `//iam.googleapis.com/projects/${pid}/serviceAccounts/${accountId(s.account)}`;
        push(
          'iam.googleapis.com/ServiceAccount',
          account,
          ancestors,
          resource(home, 'ServiceAccount', s.account),
        );
        for (const k of s.keys) {
          const id = String(k.name).split('/').pop() ?? '';
          push(
            'iam.googleapis.com/ServiceAccountKey',
            `${account}/keys/${id}`,
            ancestors,
            resource(account, 'ServiceAccountKey', k),
          );
        }
      }
      for (const k of p.apiKeys)
        push(
          'apikeys.googleapis.com/Key',
          `//apikeys.googleapis.com/${String(k.name)}`,
          ancestors,
          resource(home, 'Key', k),
        );
      for (const w of p.workloadIdentityPools) {
        push(
          'iam.googleapis.com/WorkloadIdentityPool',
          `//iam.googleapis.com/${w.pool.name}`,
          ancestors,
          resource(home, 'WorkloadIdentityPool', w.pool),
        );
        for (const provider of w.providers)
          push(
            'iam.googleapis.com/WorkloadIdentityPoolProvider',
            `//iam.googleapis.com/${String(provider.name)}`,
            ancestors,
            resource(`//iam.googleapis.com/${w.pool.name}`, 'WorkloadIdentityPoolProvider', provider),
          );
      }
    }
    return out;
  };

  const routes: [string, RegExp, Handler][] = [
    // --- Resource Manager v3 ---------------------------------------------------------------
    [
      'GET',
      /^\/cloudresourcemanager\/v3\/projects$/,
      (_m, req) => {
        const parent = req.query.get('parent') ?? '';
        const children = estate.projects.filter((p) => p.project.parent === parent).map((p) => p.project);
        if (parent !== org.name && !folder(parent))
          return denied('resourcemanager.projects.list', `crm projects.list ${parent}`);
        return json(200, page(children, 'projects', req.query, 500), `crm projects.list ${parent}`);
      },
    ],
    [
      'GET',
      /^\/cloudresourcemanager\/v3\/folders$/,
      (_m, req) => {
        const parent = req.query.get('parent') ?? '';
        if (parent !== org.name && !folder(parent))
          return denied('resourcemanager.folders.list', `crm folders.list ${parent}`);
        return json(
          200,
          page(org.folders.filter((f) => f.parent === parent).map(folderResource), 'folders', req.query, 500),
          `crm folders.list ${parent}`,
        );
      },
    ],
    [
      'GET',
      /^\/cloudresourcemanager\/v3\/projects\/([^/:]+)$/,
      inProject('cloudresourcemanager.googleapis.com', 'resourcemanager.projects.get', (p) =>
        json(200, p.project, `crm projects.get ${p.project.projectId}`),
      ),
    ],
    [
      'POST',
      /^\/cloudresourcemanager\/v3\/projects\/([^/:]+):getIamPolicy$/,
      inProject('cloudresourcemanager.googleapis.com', 'resourcemanager.projects.getIamPolicy', (p) =>
        json(200, p.policy, `crm projects.getIamPolicy ${p.project.projectId}`),
      ),
    ],
    [
      'POST',
      /^\/cloudresourcemanager\/v3\/organizations\/(\d+):getIamPolicy$/,
      (m) =>
        `organizations/${at(m, 1)}` === org.name
          ? json(200, org.policy, `crm organizations.getIamPolicy ${at(m, 1)}`)
          : denied(
              'resourcemanager.organizations.getIamPolicy',
              `crm organizations.getIamPolicy ${at(m, 1)}`,
            ),
    ],
    [
      'GET',
      /^\/cloudresourcemanager\/v3\/folders\/(\d+)$/,
      (m) => {
        const f = folder(`folders/${at(m, 1)}`);
        return f
          ? json(200, folderResource(f), `crm folders.get ${at(m, 1)}`)
          : denied('resourcemanager.folders.get', `crm folders.get ${at(m, 1)}`);
      },
    ],
    [
      'POST',
      /^\/cloudresourcemanager\/v3\/folders\/(\d+):getIamPolicy$/,
      (m) => {
        const f = folder(`folders/${at(m, 1)}`);
        const policy = f?.policy;
        return f
          ? json(
              200,
              typeof policy === 'object' && policy !== null ? policy : {},
              `crm folders.getIamPolicy ${at(m, 1)}`,
            )
          : denied('resourcemanager.folders.getIamPolicy', `crm folders.getIamPolicy ${at(m, 1)}`);
      },
    ],
    // --- Cloud Asset API v1 ----------------------------------------------------------------
    [
      'GET',
      /^\/cloudasset\/v1\/((?:organizations|folders)\/\d+)\/assets$/,
      (m, req) => {
        const scope = at(m, 1);
        // The client sends enums as numbers ($alt=json;enum-encoding=int); the REST docs by name.
        const sent = req.query.get('contentType') ?? 'CONTENT_TYPE_UNSPECIFIED';
        const contentType = CONTENT_TYPES[sent] ?? sent;
        const permission =
          contentType === 'IAM_POLICY' ? 'cloudasset.assets.listIamPolicy' : 'cloudasset.assets.listResource';
        const summary = `cloudasset assets.list ${scope} ${contentType}`;
        if (scope !== org.name && !folder(scope)) return denied(permission, summary);
        const assets = assetsOf(scope, contentType, new Set(req.query.getAll('assetTypes')));
        return json(
          200,
          { readTime: new Date().toISOString(), ...page(assets, 'assets', req.query, 1000) },
          summary,
        );
      },
    ],
    // --- IAM v1 --------------------------------------------------------------------------
    [
      'GET',
      /^\/iam\/v1\/projects\/([^/]+)\/serviceAccounts$/,
      inProject('iam.googleapis.com', 'iam.serviceAccounts.list', (p, _m, req) =>
        json(
          200,
          page(
            p.serviceAccounts.map((s) => s.account),
            'accounts',
            req.query,
            100,
          ),
          `iam serviceAccounts.list ${p.project.projectId}`,
        ),
      ),
    ],
    [
      'GET',
      /^\/iam\/v1\/projects\/([^/]+)\/serviceAccounts\/([^/:]+)\/keys$/,
      inProject('iam.googleapis.com', 'iam.serviceAccountKeys.list', (p, m) => {
        const a = account(p, at(m, 2));
        if (!a)
          return gcpError(
            404,
            `Service account ${decodeURIComponent(at(m, 2))} does not exist.`,
            'iam keys.list',
          );
        return json(200, a.keys.length > 0 ? { keys: a.keys } : {}, `iam keys.list ${a.account.email}`);
      }),
    ],
    [
      'POST',
      /^\/iam\/v1\/projects\/([^/]+)\/serviceAccounts\/([^/:]+):getIamPolicy$/,
      inProject('iam.googleapis.com', 'iam.serviceAccounts.getIamPolicy', (p, m) => {
        const a = account(p, at(m, 2));
        if (!a)
          return gcpError(
            404,
            `Service account ${decodeURIComponent(at(m, 2))} does not exist.`,
            'iam getIamPolicy',
          );
        // An account without bindings answers with just an etag.
        return json(200, a.policy ?? { etag: 'ACAB' }, `iam serviceAccounts.getIamPolicy ${a.account.email}`);
      }),
    ],
    [
      'GET',
      /^\/iam\/v1\/projects\/([^/]+)\/locations\/global\/workloadIdentityPools$/,
      inProject('iam.googleapis.com', 'iam.workloadIdentityPools.list', (p, _m, req) =>
        json(
          200,
          page(
            p.workloadIdentityPools.map((w) => w.pool),
            'workloadIdentityPools',
            req.query,
            100,
          ),
          `iam workloadIdentityPools.list ${p.project.projectId}`,
        ),
      ),
    ],
    [
      'GET',
      /^\/iam\/v1\/projects\/([^/]+)\/locations\/global\/workloadIdentityPools\/([^/]+)\/providers$/,
      inProject('iam.googleapis.com', 'iam.workloadIdentityPoolProviders.list', (p, m, req) => {
        const pool = p.workloadIdentityPools.find((w) =>
          w.pool.name.endsWith(`/workloadIdentityPools/${at(m, 2)}`),
        );
        if (!pool) return gcpError(404, `Requested entity was not found.`, 'iam providers.list');
        return json(
          200,
          page(pool.providers, 'workloadIdentityPoolProviders', req.query, 100),
          `iam providers.list ${at(m, 2)}`,
        );
      }),
    ],
    [
      'GET',
      /^\/iam\/v1\/((?:roles|projects\/[^/]+\/roles|organizations\/\d+\/roles)\/[^/]+)$/,
      (m) => {
        const name = decodeURIComponent(at(m, 1));
        const role = estate.roles.find((r) => r.name === name);
        const summary = `iam roles.get ${name}`;
        if (role) return json(200, role, summary);
        // Google answers a custom role the caller may not see like one that does not exist.
        return name.startsWith('roles/')
          ? gcpError(404, `The role named ${name} was not found.`, summary)
          : denied('iam.roles.get', summary);
      },
    ],
    // --- IAM v2 deny policies ------------------------------------------------------------
    [
      'GET',
      /^\/iam\/v2\/policies\/([^/]+)\/denypolicies$/,
      (m, req) => {
        const attachment = decodeURIComponent(at(m, 1)).replace(
          /^cloudresourcemanager\.googleapis\.com\//,
          '',
        );
        const summary = `iam policies.listPolicies ${attachment}`;
        const found = denyPoliciesAt(attachment);
        if (!found) return denied('iam.denypolicies.list', summary);
        // listPolicies answers metadata only: the rules come with policies.get.
        const listed = found.map((p) => Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'rules')));
        return json(200, page(listed, 'policies', req.query, 1000), summary);
      },
    ],
    [
      'GET',
      /^\/iam\/v2\/(policies\/[^/]+\/denypolicies\/[^/]+)$/,
      (m) => {
        const name = at(m, 1);
        const attachment = decodeURIComponent(name.split('/')[1] ?? '').replace(
          /^cloudresourcemanager\.googleapis\.com\//,
          '',
        );
        const policy = denyPoliciesAt(attachment)?.find((p) => p.name === name);
        const summary = `iam policies.get ${name}`;
        return policy ? json(200, policy, summary) : gcpError(404, `Policy ${name} not found.`, summary);
      },
    ],
    // --- Cloud Identity v1 groups -------------------------------------------------------
    [
      'GET',
      /^\/cloudidentity\/v1\/groups:lookup$/,
      (_m, req) => {
        const id = (req.query.get('groupKey.id') ?? '').toLowerCase();
        const group = estate.groups.find((g) => g.groupKey.id.toLowerCase() === id);
        const summary = `cloudidentity groups.lookup ${id}`;
        // Google answers a group the caller may not see like one that does not exist.
        return group
          ? json(200, { name: group.name }, summary)
          : gcpError(
              403,
              'Error(2028): Permission denied for resource groups/lookup (or it may not exist).',
              summary,
            );
      },
    ],
    [
      'GET',
      /^\/cloudidentity\/v1\/(groups\/[^/]+)\/memberships:searchTransitiveMemberships$/,
      (m, req) => {
        const name = decodeURIComponent(at(m, 1));
        const group = estate.groups.find((g) => g.name === name);
        const summary = `cloudidentity searchTransitiveMemberships ${name}`;
        return group
          ? json(200, page(group.memberships, 'memberships', req.query, 1000), summary)
          : gcpError(
              403,
              `Error(2028): Permission denied for resource ${name} (or it may not exist).`,
              summary,
            );
      },
    ],
    // --- API Keys v2 ---------------------------------------------------------------------
    [
      'GET',
      /^\/apikeys\/v2\/projects\/([^/]+)\/locations\/global\/keys$/,
      inProject('apikeys.googleapis.com', 'apikeys.keys.list', (p, _m, req) =>
        json(200, page(p.apiKeys, 'keys', req.query, 300), `apikeys keys.list ${p.project.projectId}`),
      ),
    ],
    // --- Policy Analyzer v1 --------------------------------------------------------------
    [
      'GET',
      /^\/policyanalyzer\/v1\/projects\/([^/]+)\/locations\/global\/activityTypes\/([^/]+)\/activities:query$/,
      (m, req) => {
        const type = at(m, 2);
        const permission = `policyanalyzer.${type}Activities.query`;
        return inProject('policyanalyzer.googleapis.com', permission, (p) =>
          json(
            200,
            page(p.activities[type] ?? [], 'activities', req.query, 1000),
            `policyanalyzer ${type} ${p.project.projectId}`,
          ),
        )(m, req);
      },
    ],
  ];

  return {
    handle(req) {
      for (const [method, pattern, handler] of routes) {
        const m = pattern.exec(req.path);
        if (m && method === req.method) return handler(m, req);
      }
      return gcpError(
        404,
        `The demo has no Google API at ${req.method} ${req.path}.`,
        `unknown ${req.method} ${req.path}`,
      );
    },
  };
};

/** Points the demo config's Google Cloud block at the demo server, API by API. */
export const gcpDemo: ConnectorDemo = {
  route: ({ dir }) => gcpRoute({ dir }),
  pointAt: (config, serverUrl) => ({ ...(config as GcpConfig), endpoints: gcpDemoEndpoints(serverUrl) }),
  describe: () => 'a Google Cloud organisation',
};
