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
}

export interface PrincipalRef extends BindingRef {
  /** The member as IAM writes it: "user:alice@example.com", "serviceAccount:…", "group:…". */
  principal: string;
}

/** Roles that let their holder act as (impersonate) a service account. */
export const ACT_AS_ROLES: readonly string[] = [
  'roles/iam.serviceAccountUser',
  'roles/iam.serviceAccountTokenCreator',
  'roles/iam.workloadIdentityUser',
];
/** Roles that let their holder change a service account (and so its policy and keys). */
export const SA_ADMIN_ROLES: readonly string[] = ['roles/iam.serviceAccountAdmin'];

const READ_SUFFIX = /(viewer|reader|browser|reviewer)$/i;

/** Predefined roles are "roles/…"; custom ones live under a project or organization. */
export const isCustomRole = (role: string): boolean => /^(projects|organizations)\/[^/]+\/roles\//.test(role);

/** The level a role grants, from its name: owner and "*Admin" roles administer, viewers read. */
export const roleLevel = (role: string): PrivilegeLevel => {
  if (role === 'roles/owner') return 'admin';
  if (isCustomRole(role)) return 'write'; // permissions unknown without the Roles API: assume it changes things
  const name = role.slice(role.lastIndexOf('/') + 1);
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

/** Bindings that name `member` (e.g. "serviceAccount:ci@acme-prod.iam.gserviceaccount.com"). */
export const bindingsOf = (member: string, policies: readonly AttachedPolicy[]): BindingRef[] =>
  policies.flatMap(({ resource, policy }) =>
    policy.bindings
      .filter((b) => b.members.some((m) => memberMatches(m, member)))
      .map((b) => ({ role: b.role, resource, ...conditionOf(b) })),
  );

/** Every member granted one of `roles` by these policies. */
export const principalsWith = (
  roles: readonly string[],
  policies: readonly AttachedPolicy[],
): PrincipalRef[] =>
  policies.flatMap(({ resource, policy }) =>
    policy.bindings
      .filter((b) => roles.includes(b.role))
      .flatMap((b) =>
        b.members.map((principal) => ({ principal, role: b.role, resource, ...conditionOf(b) })),
      ),
  );

export interface GcpPrivilege {
  level: PrivilegeLevel;
  grants: Grant[];
  reasons: string[];
  attached: string[];
}

const describeBinding = (b: BindingRef): string =>
  `${b.role} on ${b.resource}${b.condition ? ` (conditional: ${b.condition})` : ''}`;

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
