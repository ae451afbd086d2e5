// `nhiscan doctor` for one Google Cloud target: the credentials are proven (the session's token
// exchange), then Resource Manager's testIamPermissions on the target's own resource (project,
// folder or organisation) says which permissions of the manifest the caller holds there. It needs
// no permission of its own. The permissions read on the folders and organisation above a target
// (`inheritedPolicies`) are asked of each of those resources in turn. Grants made only on single
// projects below an organisation or folder target are not seen from it.
import type { CollectContext, DoctorCheck, DoctorReport, Target } from '../../src/connector.js';
import type { PermissionEntry } from '../../src/permissions.js';
import { callApi } from './calls.js';
import { createClients, type GcpClients } from './clients.js';
import type { GcpConfig } from './config.js';
import { gcpGap, targetError } from './errors.js';
import type { GcpSession } from './index.js';
import { GROUPS_GRANT } from './groups.js';
import { gcpPermissions } from './permissions.js';
import { createHierarchy } from './hierarchy.js';
import { Project, TestIamPermissionsResponse } from './schema.js';
import type { GcpTargetData } from './targets.js';

const CAI_PERMISSIONS = ['cloudasset.assets.listResource', 'cloudasset.assets.listIamPolicy'];

/** Which permissions a config leaves unused (its switches), so doctor does not ask for them. */
const unused = (config: GcpConfig, kind: GcpTargetData['kind']): Map<string, string> => {
  const out = new Map<string, string>();
  const off = (perms: string[], why: string): void => {
    for (const p of perms) out.set(p, why);
  };
  if (!config.policyAnalyzer)
    off(
      [
        'policyanalyzer.serviceAccountLastAuthenticationActivities.query',
        'policyanalyzer.serviceAccountKeyLastAuthenticationActivities.query',
      ],
      'providers.gcp.policyAnalyzer is off',
    );
  if (!config.apiKeys) off(['apikeys.keys.list'], 'providers.gcp.apiKeys is off');
  if (!config.workloadIdentity)
    off(
      ['iam.workloadIdentityPools.list', 'iam.workloadIdentityPoolProviders.list'],
      'providers.gcp.workloadIdentity is off',
    );
  if (!config.rolePermissions) off(['iam.roles.get'], 'providers.gcp.rolePermissions is off');
  if (!config.rolePermissions || !config.denyPolicies)
    off(['iam.denypolicies.list', 'iam.denypolicies.get'], 'providers.gcp.denyPolicies is off');
  if (!config.inheritedPolicies)
    off(
      [
        'resourcemanager.folders.get',
        'resourcemanager.folders.getIamPolicy',
        'resourcemanager.organizations.getIamPolicy',
      ],
      'providers.gcp.inheritedPolicies is off',
    );
  if (kind === 'project')
    off(
      ['resourcemanager.projects.list', 'resourcemanager.folders.list'],
      'used to list the projects of an organisation or folder target only',
    );
  if (!config.cloudAssetInventory) off(CAI_PERMISSIONS, 'providers.gcp.cloudAssetInventory is off');
  else if (kind === 'project')
    off(CAI_PERMISSIONS, 'Cloud Asset Inventory is read for organisation and folder targets only');
  return out;
};

/**
 * Permissions read on the resources above the target, by the kind of resource that needs them:
 * asked of each folder / the organisation above, not of the target (testIamPermissions on a
 * project rejects permissions that are not valid for a project).
 */
const ABOVE_FOLDER = ['resourcemanager.folders.get', 'resourcemanager.folders.getIamPolicy'];
const ABOVE_ORG = ['resourcemanager.organizations.getIamPolicy'];
const ABOVE: Readonly<Record<GcpTargetData['kind'], readonly string[]>> = {
  project: [...ABOVE_FOLDER, ...ABOVE_ORG],
  folder: ABOVE_ORG,
  organization: [],
};

type Kind = 'projects' | 'folders' | 'organizations';
const kindOf = (resource: string): Kind => resource.slice(0, resource.indexOf('/')) as Kind;

const resourceOf = (data: GcpTargetData): string =>
  data.kind === 'project'
    ? `projects/${data.projectId}`
    : `${data.kind === 'organization' ? 'organizations' : 'folders'}/${data.id}`;

export const doctorGcp = async (
  target: Target<GcpTargetData>,
  config: GcpConfig,
  ctx: CollectContext<GcpSession>,
): Promise<DoctorReport> => {
  const data = target.data;
  const resource = resourceOf(data);
  const { client, principal } = await ctx.session.auth;
  const clients = createClients(config, client, ctx.signal, ctx.requestTimeoutMs, ctx.log);
  // Group members need a Workspace admin role, not an IAM permission: testIamPermissions cannot
  // see it (the method says so; a scan records a refused group as a gap).
  const entries = gcpPermissions.entries.filter((e) => !e.implicit && e.permission !== GROUPS_GRANT);
  const off = unused(config, data.kind);
  const above = new Set(ABOVE[data.kind]);
  const asked = entries
    .filter((e) => !off.has(e.permission) && !above.has(e.permission))
    .map((e) => e.permission);
  const opts = clients.opts.cloudresourcemanager;
  /** The permissions of `permissions` the caller holds on `on` (throws what the call threw). */
  const test = async (on: string, permissions: string[]): Promise<Set<string>> => {
    const kind = kindOf(on);
    const call = `cloudresourcemanager.${kind}.testIamPermissions`;
    const request = { resource: on, requestBody: { permissions } };
    const answer = await callApi(ctx, call, TestIamPermissionsResponse, () =>
      kind === 'projects'
        ? clients.crm.projects.testIamPermissions(request, opts)
        : kind === 'folders'
          ? clients.crm.folders.testIamPermissions(request, opts)
          : clients.crm.organizations.testIamPermissions(request, opts),
    );
    return new Set(answer.permissions ?? []);
  };
  const call = `cloudresourcemanager.${kindOf(resource)}.testIamPermissions`;
  const method = `${call} on ${resource}${config.inheritedPolicies && data.kind !== 'organization' ? ' and on each folder / the organisation above it' : ''}${config.expandGroups ? `; not checked: ${GROUPS_GRANT} (group members), which a scan records as a gap when refused` : ''}`;
  const check = (e: PermissionEntry, status: DoctorCheck['status'], detail?: string): DoctorCheck => ({
    permission: e.permission,
    status,
    reads: e.reads,
    required: e.required,
    ...(detail !== undefined ? { detail } : {}),
  });
  let held: Set<string>;
  try {
    held = await test(resource, asked);
  } catch (err) {
    const gap = gcpGap(call, err, { resource });
    // 401, or 403/404 (Google answers both when the resource does not exist or is hidden from
    // the caller): the credentials do not reach the target at all.
    if (gap.code === 'auth_failed' || gap.code === 'access_denied' || gap.code === 'not_found')
      throw targetError(call, err, { resource });
    return {
      ...(principal ? { principal } : {}),
      method,
      checks: entries.map((e) => check(e, 'unknown', `not verified: ${gap.message}`)),
    };
  }
  const aboveChecks =
    above.size > 0
      ? await checkAbove(
          data,
          resource,
          [...above].filter((p) => !off.has(p)),
          ctx,
          clients,
          test,
        )
      : new Map<string, AboveCheck>();
  return {
    ...(principal ? { principal } : {}),
    method,
    checks: entries.map((e) => {
      const why = off.get(e.permission);
      if (why !== undefined) return check(e, 'not-needed', why);
      const a = aboveChecks.get(e.permission);
      if (a !== undefined) return check(e, a.status, a.detail);

      return held.has(e.permission) ? check(e, 'granted') : check(e, 'missing', `not held on ${resource}`);
    }),
  };
};

interface AboveCheck {
  status: DoctorCheck['status'];
  detail: string;
}

/**
 * The folders and organisation above the target (a project's parent from projects.get, then up
 * the folder chain), each asked for the permissions read on it. A permission is granted when
 * every resource that needs it holds it; any resource not reached leaves it unknown.
 */
const checkAbove = async (
  data: GcpTargetData,
  resource: string,
  permissions: string[],
  ctx: CollectContext,
  clients: GcpClients,
  test: (on: string, permissions: string[]) => Promise<Set<string>>,
): Promise<Map<string, AboveCheck>> => {
  const out = new Map<string, AboveCheck>();
  const all = (status: DoctorCheck['status'], detail: string): Map<string, AboveCheck> => {
    for (const p of permissions) out.set(p, { status, detail });
    return out;
  };
  if (permissions.length === 0) return out;
  const hierarchy = createHierarchy(clients, ctx);
  let start: string | undefined;
  if (data.kind === 'project') {
    try {
      const project = await callApi(ctx, 'cloudresourcemanager.projects.get', Project, () =>
        clients.crm.projects.get({ name: resource }, clients.opts.cloudresourcemanager),
      );
      start = project.parent;
    } catch (err) {
      return all(
        'unknown',
        `the parent of ${resource} was not read: ${gcpGap('cloudresourcemanager.projects.get', err).message}`,
      );
    }
  }
  const chain = start === undefined ? await hierarchy.ancestors(resource) : await hierarchy.ancestors(start);
  const names = start === undefined ? chain.names : [start, ...chain.names];
  if (chain.gaps.length > 0)
    return all(
      'unknown',
      `the resources above ${resource} were not all read: ${chain.gaps[0]?.message ?? ''}`,
    );
  const lacking = new Map<string, string[]>();
  const needers = new Map<string, string[]>();
  for (const name of names) {
    const kind = kindOf(name);
    const wanted = permissions.filter((p) => (kind === 'folders' ? ABOVE_FOLDER : ABOVE_ORG).includes(p));
    if (kind === 'projects' || wanted.length === 0) continue;
    let held: Set<string>;
    try {
      held = await test(name, wanted);
    } catch (err) {
      for (const p of wanted)
        if (!out.has(p))
          out.set(p, {
            status: 'unknown',
            detail: `not verified on ${name}: ${gcpGap(`cloudresourcemanager.${kind}.testIamPermissions`, err).message}`,
          });
      continue;
    }
    for (const p of wanted) {
      needers.set(p, [...(needers.get(p) ?? []), name]);
      if (!held.has(p)) lacking.set(p, [...(lacking.get(p) ?? []), name]);
    }
  }
  for (const p of permissions) {
    if (out.has(p)) continue;
    const on = needers.get(p);
    const lacks = lacking.get(p);
    out.set(
      p,
      on === undefined
        ? {
            status: 'not-needed',
            detail: `no ${ABOVE_ORG.includes(p) ? 'organisation' : 'folder'} above ${resource}`,
          }
        : lacks !== undefined
          ? { status: 'missing', detail: `not held on ${lacks.join(', ')}` }
          : { status: 'granted', detail: `held on ${on.join(', ')}` },
    );
  }
  return out;
};
