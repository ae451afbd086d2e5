// What a Google Cloud role lets its holder do, judged by the permissions it holds, not its name.
// Custom roles and predefined roles alike are read with the IAM API (roles.get and its project /
// organization forms), once per role per scan; the level comes from the permissions:
//   admin (estate)  = changes who may do what on a project, folder or organization
//                     (`resourcemanager.{projects,folders,organizations}.setIamPolicy`), or becomes
//                     another principal (`iam.serviceAccounts.actAs`, `getAccessToken`,
//                     `getOpenIdToken`, `signBlob`, `signJwt`, `implicitDelegation`, `setIamPolicy`,
//                     `iam.serviceAccountKeys.create`), or rewrites roles (`iam.roles.create`/`update`)
//   admin (service) = any other `*.setIamPolicy` (a bucket's, a dataset's, a topic's)
//   write           = any other permission whose verb is not a read verb
//   read            = every verb a read verb: get*, list*, search*, query*, read*, export*,
//                     lookup*, view*, access (Secret Manager), check*, batchGet*
// When a role cannot be read, its level falls back to the role's name (privilege.ts `roleLevel`)
// — the only bundled fallback — and the failed call is a coverage gap.
import type { CollectContext } from '../../src/connector.js';
import { createLimiter } from '../../src/concurrency.js';
import type { PrivilegeLevel } from '../../src/model.js';
import { PRIVILEGE_ORDER } from '../../src/model.js';
import { callApi } from './calls.js';
import type { GcpClients } from './clients.js';
import { Role } from './schema.js';

export type PermissionClass = 'estate-admin' | 'service-admin' | 'write' | 'read';

const ESTATE_ADMIN: readonly RegExp[] = [
  /^resourcemanager\.(projects|folders|organizations)\.setIamPolicy$/,
  /^iam\.serviceAccounts\.(actAs|getAccessToken|getOpenIdToken|signBlob|signJwt|implicitDelegation|setIamPolicy)$/,
  /^iam\.serviceAccountKeys\.create$/,
  /^iam\.roles\.(create|update)$/,
];

const READ_VERB = /^(get|list|search|query|read|export|lookup|view|check|batchGet|access$)/;

/** The class of one permission ("service.resource.verb"). */
export const classifyPermission = (permission: string): PermissionClass => {
  if (ESTATE_ADMIN.some((re) => re.test(permission))) return 'estate-admin';
  const verb = permission.slice(permission.lastIndexOf('.') + 1);
  if (verb === 'setIamPolicy') return 'service-admin';
  return READ_VERB.test(verb) ? 'read' : 'write';
};

const LEVEL_OF: Record<PermissionClass, PrivilegeLevel> = {
  'estate-admin': 'admin',
  'service-admin': 'admin',
  write: 'write',
  read: 'read',
};

export interface PermissionVerdict {
  level: PrivilegeLevel;
  /** Set when admin: estate (the project / folder / organization, or other principals) or one service. */
  adminScope?: 'estate' | 'service';
  /** The permissions that decide the level (a few, sorted), for the evidence. */
  decidedBy: string[];
}

const rank = (l: PrivilegeLevel): number => PRIVILEGE_ORDER.indexOf(l);

/** The level a set of permissions adds up to, with the permissions that decide it. */
export const levelOfPermissions = (permissions: Iterable<string>): PermissionVerdict => {
  let level: PrivilegeLevel = 'none';
  let estate = false;
  const deciding = new Map<PrivilegeLevel, string[]>();
  for (const p of permissions) {
    const cls = classifyPermission(p);
    const l = LEVEL_OF[cls];
    if (cls === 'estate-admin') estate = true;
    if (rank(l) > rank(level)) level = l;
    const list = deciding.get(l) ?? [];
    list.push(p);
    deciding.set(l, list);
  }
  let decidedBy = [...(deciding.get(level) ?? [])].sort();
  // Estate administration is the finding that matters: show it first when there is any.
  if (estate) decidedBy = decidedBy.filter((p) => classifyPermission(p) === 'estate-admin');
  return {
    level,
    ...(level === 'admin' ? { adminScope: estate ? ('estate' as const) : ('service' as const) } : {}),
    decidedBy: decidedBy.slice(0, 5),
  };
};

/** A role as read from the IAM API. */
export interface RoleInfo {
  name: string;
  permissions: readonly string[];
  /** Custom roles: a deleted role's bindings grant nothing; so do a DISABLED role's. */
  inactive?: 'deleted' | 'disabled';
}

export type RoleLookup = { ok: true; role: RoleInfo } | { ok: false; err: unknown; call: string };

/** The API method and IAM permission that read a role, by the role's form. */
export const roleCall = (
  role: string,
): { call: string; permission: string | undefined; kind: 'predefined' | 'project' | 'organization' } => {
  if (role.startsWith('projects/'))
    return { call: 'iam.projects.roles.get', permission: 'iam.roles.get', kind: 'project' };
  if (role.startsWith('organizations/'))
    return { call: 'iam.organizations.roles.get', permission: 'iam.roles.get', kind: 'organization' };
  // Predefined roles are readable by any authenticated caller.
  return { call: 'iam.roles.get', permission: undefined, kind: 'predefined' };
};

export interface RoleCatalog {
  /** The role's permissions, read once per scan; a failure is returned (the caller records the gap). */
  get(role: string): Promise<RoleLookup>;
}

export const createRoleCatalog = (clients: GcpClients, ctx: CollectContext): RoleCatalog => {
  // Shared by every target of the scan (like the IAM policy cache): a limiter of its own.
  const own: Pick<CollectContext, 'limit'> = { limit: createLimiter(ctx.concurrency) };
  const opts = clients.opts.iam;
  const cache = new Map<string, Promise<RoleLookup>>();
  const read = (role: string): Promise<RoleLookup> => {
    const { call, kind } = roleCall(role);
    const fetch = () =>
      kind === 'project'
        ? clients.iam.projects.roles.get({ name: role }, opts)
        : kind === 'organization'
          ? clients.iam.organizations.roles.get({ name: role }, opts)
          : clients.iam.roles.get({ name: role }, opts);
    return callApi(own, call, Role, fetch).then(
      (r): RoleLookup => ({
        ok: true,
        role: {
          name: r.name ?? role,
          permissions: r.includedPermissions ?? [],
          ...(r.deleted
            ? { inactive: 'deleted' as const }
            : r.stage === 'DISABLED'
              ? { inactive: 'disabled' as const }
              : {}),
        },
      }),
      (err: unknown): RoleLookup => ({ ok: false, err, call }),
    );
  };
  return {
    get(role) {
      let p = cache.get(role);
      if (!p) {
        p = read(role);
        cache.set(role, p);
      }
      return p;
    },
  };
};
