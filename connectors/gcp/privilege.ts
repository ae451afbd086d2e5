// Reading IAM allow policies: which roles a service account holds (on its project, the folders
// and organization above it), who can act as it, and the privilege level those roles add up to.
// Roles are not expanded into permissions (that would need the Roles API per custom role); the
// level comes from the role's name, and a reason names each binding it rests on.
import type { Grant, PrivilegeLevel, Trust } from '../../src/model.js';
import { PRIVILEGE_ORDER } from '../../src/model.js';
import type { Binding, IamPolicy } from './schema.js';

/** A policy and the resource it is attached to ("projects/acme-prod", "folders/12", "organizations/34", an SA). */
export interface AttachedPolicy {
  resource: string;
  policy: IamPolicy;
}

export interface BindingRef {
  role: string;
  resource: string;
  /** The condition's title (or expression when untitled). */
  condition?: string;
  expression?: string;
  /** Held through this group ("group:ops@example.com"), not granted to the identity itself. */
  via?: string;
  /** Through a group nested in `via`, not `via` directly. */
  nested?: boolean;
}

export interface PrincipalRef extends BindingRef {
  /** The member as IAM writes it: "user:alice@example.com", "serviceAccount:…", "group:…". */
  principal: string;
}

/**
 * Roles that let their holder act as (impersonate) a service account: attach it to a workload,
 * mint its access or ID tokens, or create a key for it (Key Admin: `iam.serviceAccountKeys.create`
 * — a key is the account, for as long as the key lives).
 */
export const ACT_AS_ROLES: readonly string[] = [
  'roles/iam.serviceAccountUser',
  'roles/iam.serviceAccountTokenCreator',
  'roles/iam.serviceAccountOpenIdTokenCreator',
  'roles/iam.workloadIdentityUser',
  'roles/iam.serviceAccountKeyAdmin',
];
/**
 * Roles that let their holder change who may use a service account (`iam.serviceAccounts.
 * setIamPolicy`): Service Account Admin, and Security Admin, which sets every allow policy.
 */
export const SA_ADMIN_ROLES: readonly string[] = ['roles/iam.serviceAccountAdmin', 'roles/iam.securityAdmin'];

/**
 * "deleted:serviceAccount:x@p.iam.gserviceaccount.com?uid=123": a principal deleted since the
 * binding was made. It can do nothing until undeleted (then IAM rewrites the member), and a new
 * account created with the same email is a different principal the binding does not name.
 */
export const isDeletedMember = (member: string): boolean => member.startsWith('deleted:');

const READ_SUFFIX = /(viewer|reader|browser|reviewer)$/i;

/** Predefined roles are "roles/…"; custom ones live under a project or organization. */
export const isCustomRole = (role: string): boolean => /^(projects|organizations)\/[^/]+\/roles\//.test(role);

/** The level a role grants, from its name: owner and "*Admin" roles administer, viewers read. */
export const roleLevel = (role: string): PrivilegeLevel => {
  if (role === 'roles/owner') return 'admin';
  if (isCustomRole(role)) return 'write'; // permissions unknown without the Roles API: assume it changes things
  // "roles/compute.instanceAdmin.v1": a version suffix is not the role's last word.
  const name = role.slice(role.lastIndexOf('/') + 1).replace(/\.v\d+$/i, '');
  const last = name.slice(name.lastIndexOf('.') + 1);
  if (/admin$/i.test(last)) return 'admin';
  if (role === 'roles/viewer' || READ_SUFFIX.test(last)) return 'read';
  return 'write';
};

const conditionOf = (b: Binding): Pick<BindingRef, 'condition' | 'expression'> =>
  b.condition
    ? {
        condition: b.condition.title ?? b.condition.expression ?? 'condition',
        ...(b.condition.expression ? { expression: b.condition.expression } : {}),
      }
    : {};

const memberMatches = (member: string, wanted: string): boolean =>
  member.toLowerCase() === wanted.toLowerCase();

/** One binding as an identity's role: the role, where, and its condition. */
export const bindingRef = (b: Binding, resource: string): BindingRef => ({
  role: b.role,
  resource,
  ...conditionOf(b),
});

/** Bindings that name `member` (e.g. "serviceAccount:ci@acme-prod.iam.gserviceaccount.com", "group:…"). */
export const bindingsOf = (member: string, policies: readonly AttachedPolicy[]): BindingRef[] =>
  policies.flatMap(({ resource, policy }) =>
    policy.bindings
      .filter((b) => b.members.some((m) => memberMatches(m, member)))
      .map((b) => bindingRef(b, resource)),
  );

/** Every live member granted one of `roles` by these policies (deleted principals act as no one). */
export const principalsWith = (
  roles: readonly string[],
  policies: readonly AttachedPolicy[],
): PrincipalRef[] =>
  policies.flatMap(({ resource, policy }) =>
    policy.bindings
      .filter((b) => roles.includes(b.role))
      .flatMap((b) =>
        b.members
          .filter((m) => !isDeletedMember(m))
          .map((principal) => ({ principal, role: b.role, resource, ...conditionOf(b) })),
      ),
  );

export interface GcpPrivilege {
  level: PrivilegeLevel;
  grants: Grant[];
  reasons: string[];
  attached: string[];
}

/** " via group:x (nested)" for a role held through a group, else nothing. */
export const viaText = (b: Pick<BindingRef, 'via' | 'nested'>): string =>
  b.via ? ` via ${b.via}${b.nested ? ' (through a nested group)' : ''}` : '';

const describeBinding = (b: BindingRef): string =>
  `${b.role} on ${b.resource}${viaText(b)}${b.condition ? ` (conditional: ${b.condition})` : ''}`;

/** Grants, level and reasons from the roles an identity holds. */
export const privilegeOf = (bindings: readonly BindingRef[]): GcpPrivilege => {
  let level: PrivilegeLevel = 'none';
  const reasons: string[] = [];
  const grants: Grant[] = bindings.map((b) => ({
    effect: 'Allow',
    actions: [b.role],
    notAction: false,
    resources: [b.resource],
    notResource: false,
    conditional: b.condition !== undefined,
    source: `iam-policy:${b.resource}#${b.role}`,
  }));
  for (const b of bindings) {
    const l = roleLevel(b.role);
    if (PRIVILEGE_ORDER.indexOf(l) > PRIVILEGE_ORDER.indexOf(level)) level = l;
  }
  // Reasons name the bindings that decide the level, so evidence shows why.
  for (const b of bindings) {
    if (roleLevel(b.role) !== level) continue;
    reasons.push(
      `${describeBinding(b)}${isCustomRole(b.role) ? ' — custom role, permissions not expanded' : ''}`,
    );
  }
  return { level, grants, reasons, attached: [...new Set(bindings.map((b) => b.role))].sort() };
};

/** `allUsers` / `allAuthenticatedUsers` able to act as the account: anyone on the internet. */
export const publicActAs = (canActAs: readonly PrincipalRef[]): Trust[] =>
  canActAs
    .filter((p) => p.principal === 'allUsers' || p.principal === 'allAuthenticatedUsers')
    .map((p): Trust => ({
      principalType: 'any',
      principal: p.principal,
      conditions: p.expression ? { CEL: { expression: [p.expression] } } : {},
      actions: [p.role],
      source: `iam-policy:${p.resource}#${p.role}`,
    }));

/** Federated principals (workload / workforce identity pools): "principal://…", "principalSet://…". */
export const isFederatedMember = (member: string): boolean =>
  /^principal(Set)?:\/\/iam\.googleapis\.com\/.*\/(workloadIdentityPools|workforcePools)\//.test(member);

/**
 * The workload identity pool a "principal://" / "principalSet://" member belongs to
 * ("projects/123/locations/global/workloadIdentityPools/ci", lower-cased), or undefined.
 */
export const poolOfMember = (member: string): string | undefined =>
  /^principal(?:Set)?:\/\/iam\.googleapis\.com\/(projects\/\d+\/locations\/[^/]+\/workloadIdentityPools\/[^/]+)\//i
    .exec(member)?.[1]
    ?.toLowerCase();

/**
 * Identities of an external identity provider able to act as the account, through a workload
 * (or workforce) identity pool: `principalSet://…/workloadIdentityPools/ci/*` is every identity
 * any of the pool's providers vouches for.
 */
export const federatedActAs = (canActAs: readonly PrincipalRef[]): Trust[] =>
  canActAs
    .filter((p) => isFederatedMember(p.principal))
    .map((p): Trust => ({
      principalType: 'federated',
      principal: p.principal,
      conditions: p.expression ? { CEL: { expression: [p.expression] } } : {},
      actions: [p.role],
      source: `iam-policy:${p.resource}#${p.role}`,
    }));
