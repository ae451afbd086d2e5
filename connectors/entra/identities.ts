// From Graph objects to nhiscan identities: one per app registration (its home-tenant service
// principal folded in: credentials live on the application, permissions on the service
// principal), one per service principal without a registration here (third-party and Microsoft
// apps), one per managed identity. Ids depend only on the tenant and the app's or object's id.
import type { z } from 'zod';
import { normalizeTimestamp } from '../../src/clock.js';
import type { Credential, Grant, IdentityInput, PrivilegeLevel } from '../../src/model.js';
import type { Credential as CredentialSchema } from '../../src/model.js';
import { PRIVILEGE_ORDER } from '../../src/model.js';
import {
  ENTRA_KINDS,
  type EntraAppPermission,
  type EntraAttributes,
  type EntraDelegatedGrant,
  type EntraDirectoryRole,
  type EntraFederatedCredential,
  type EntraOwner,
} from './attributes.js';
import {
  ADMIN_ROLE_TEMPLATES,
  HIGH_RISK_PERMISSIONS,
  PRIVILEGED_ROLE_TEMPLATES,
  permissionLevel,
  roleLevel,
} from './privilege.js';
import type {
  Application,
  AppRoleAssignment,
  DirectoryRole,
  FederatedIdentityCredential,
  KeyCredential,
  OAuth2PermissionGrant,
  Owner,
  PasswordCredential,
  ResourceServicePrincipal,
  ServicePrincipal,
  ServicePrincipalSignInActivity,
} from './schema.js';
import { compareCodeUnits } from '../../src/order.js';

type CredentialInput = z.input<typeof CredentialSchema>;

export interface TenantFacts {
  tenantId: string;
  apps: Application[];
  appsListed: boolean;
  servicePrincipals: ServicePrincipal[];
  isProvider: (sp: ServicePrincipal) => boolean;
  /** By application or service principal object id; absent = not known. */
  owners: Map<string, Owner[]>;
  federated: Map<string, FederatedIdentityCredential[]>;
  /** By service principal id. */
  assignments: Map<string, AppRoleAssignment[]>;
  /** Resource service principals by id. */
  resources: Map<string, ResourceServicePrincipal>;
  grants: OAuth2PermissionGrant[] | undefined;
  /** Directory roles by member id; undefined = not known. */
  roles: Map<string, DirectoryRole[]> | undefined;
  /** By appId (lower case); undefined = the report could not be read. */
  signIns: Map<string, ServicePrincipalSignInActivity> | undefined;
  signInUnavailable: string | undefined;
}

const credentialStatus = (
  start: string | undefined,
  end: string | undefined,
  asOf: Date,
): Credential['status'] => {
  if (end && Date.parse(end) <= asOf.getTime()) return 'expired';
  if (start && Date.parse(start) > asOf.getTime()) return 'pending';
  return 'active';
};

const secretCredential = (p: PasswordCredential, holder: string, asOf: Date): CredentialInput => {
  const start = normalizeTimestamp(p.startDateTime);
  const end = normalizeTimestamp(p.endDateTime);
  return {
    uid: p.keyId,
    type: 'secret',
    status: credentialStatus(start, end, asOf),
    createdAt: start,
    lastRotatedAt: start,
    // Graph always sets endDateTime; a missing one means the credential has no expiry.
    expiresAt: p.endDateTime ? end : null,
    attributes: {
      holder,
      ...(p.displayName ? { displayName: p.displayName } : {}),
      ...(p.hint ? { hint: p.hint } : {}),
      ...(p.customKeyIdentifier ? { customKeyIdentifier: p.customKeyIdentifier } : {}),
    },
  };
};

const certificateCredential = (k: KeyCredential, holder: string, asOf: Date): CredentialInput => {
  const start = normalizeTimestamp(k.startDateTime);
  const end = normalizeTimestamp(k.endDateTime);
  return {
    uid: k.keyId,
    type: 'certificate',
    status: credentialStatus(start, end, asOf),
    createdAt: start,
    lastRotatedAt: start,
    expiresAt: k.endDateTime ? end : null,
    attributes: {
      holder,
      ...(k.displayName ? { displayName: k.displayName } : {}),
      ...(k.type ? { keyType: k.type } : {}),
      ...(k.usage ? { usage: k.usage } : {}),
      ...(k.customKeyIdentifier ? { customKeyIdentifier: k.customKeyIdentifier } : {}),
    },
  };
};

const credentialsOf = (
  obj: { passwordCredentials?: PasswordCredential[] | null; keyCredentials?: KeyCredential[] | null },
  holder: string,
  asOf: Date,
): CredentialInput[] => [
  ...(obj.passwordCredentials ?? []).map((p) => secretCredential(p, holder, asOf)),
  // Verify-only keys of a service principal are token signing/encryption keys too: kept.
  ...(obj.keyCredentials ?? []).map((k) => certificateCredential(k, holder, asOf)),
];

const ownerOf = (o: Owner): EntraOwner => {
  const t = o['@odata.type'];
  const type =
    t === '#microsoft.graph.user'
      ? 'user'
      : t === '#microsoft.graph.servicePrincipal'
        ? 'servicePrincipal'
        : 'other';
  return {
    id: o.id,
    type,
    ...(o.displayName ? { displayName: o.displayName } : {}),
    ...(o.userPrincipalName ? { userPrincipalName: o.userPrincipalName } : {}),
    ...(o.mail ? { mail: o.mail } : {}),
  };
};

/** The owner the people directory is asked about: a user's UPN (or mail), else the object's name. */
const ownerValue = (o: EntraOwner): string => o.userPrincipalName ?? o.mail ?? o.displayName ?? o.id;

const federatedOf = (f: FederatedIdentityCredential): EntraFederatedCredential => ({
  id: f.id,
  ...(f.name ? { name: f.name } : {}),
  issuer: f.issuer ?? '',
  subject: f.subject ?? '',
  ...(f.claimsMatchingExpression?.value
    ? { claimsMatchingExpression: f.claimsMatchingExpression.value }
    : {}),
  audiences: f.audiences ?? [],
});

const maxLevel = (a: PrivilegeLevel, b: PrivilegeLevel): PrivilegeLevel =>
  PRIVILEGE_ORDER.indexOf(a) >= PRIVILEGE_ORDER.indexOf(b) ? a : b;

interface PrivilegeFacts {
  permissions: EntraAppPermission[] | undefined;
  grants: EntraDelegatedGrant[] | undefined;
  roles: EntraDirectoryRole[] | undefined;
  privilege: { level: PrivilegeLevel; grants: Grant[]; reasons: string[]; attached: string[] };
}

const privilegeOf = (facts: TenantFacts, sp: ServicePrincipal | undefined): PrivilegeFacts => {
  const reasons: string[] = [];
  const grants: Grant[] = [];
  const attached: string[] = [];
  let level: PrivilegeLevel = 'none';
  if (!sp) return { permissions: [], grants: [], roles: [], privilege: { level, grants, reasons, attached } };

  const assignments = facts.assignments.get(sp.id);
  const permissions = assignments?.map((a): EntraAppPermission => {
    const resource = facts.resources.get(a.resourceId);
    const role = resource?.appRoles?.find((r) => r.id === a.appRoleId);
    return {
      permission: role?.value ?? a.appRoleId,
      resource: resource?.displayName ?? a.resourceDisplayName ?? a.resourceId,
      resourceId: a.resourceId,
      appRoleId: a.appRoleId,
      assignmentId: a.id,
      ...(normalizeTimestamp(a.createdDateTime) ? { grantedAt: normalizeTimestamp(a.createdDateTime) } : {}),
    };
  });
  for (const p of permissions ?? []) {
    const l = permissionLevel(p.permission);
    level = maxLevel(level, l);
    grants.push({
      effect: 'Allow',
      actions: [p.permission],
      notAction: false,
      resources: [p.resource],
      notResource: false,
      conditional: false,
      source: `appRoleAssignment:${p.assignmentId}`,
    });
    if (l === 'admin' || HIGH_RISK_PERMISSIONS.has(p.permission))
      reasons.push(`application permission ${p.permission} on ${p.resource}`);
  }

  const roles =
    facts.roles === undefined
      ? undefined
      : (facts.roles.get(sp.id) ?? []).map((r): EntraDirectoryRole => ({
          roleId: r.id,
          displayName: r.displayName ?? r.roleTemplateId ?? r.id,
          ...(r.roleTemplateId ? { roleTemplateId: r.roleTemplateId } : {}),
        }));
  for (const r of roles ?? []) {
    const l = roleLevel(r.roleTemplateId);
    level = maxLevel(level, l);
    attached.push(r.displayName);
    if (
      r.roleTemplateId &&
      (r.roleTemplateId in ADMIN_ROLE_TEMPLATES || r.roleTemplateId in PRIVILEGED_ROLE_TEMPLATES)
    )
      reasons.push(`directory role ${r.displayName}`);
  }

  const delegated = facts.grants
    ?.filter((g) => g.clientId === sp.id)
    .map((g): EntraDelegatedGrant => ({
      grantId: g.id,
      resource: facts.resources.get(g.resourceId)?.displayName ?? g.resourceId,
      resourceId: g.resourceId,
      scopes: (g.scope ?? '').split(' ').filter(Boolean),
      consentType: g.consentType ?? 'unknown',
      ...(g.principalId ? { principalId: g.principalId } : {}),
    }));
  return { permissions, grants: delegated, roles, privilege: { level, grants, reasons, attached } };
};

const signInOf = (
  facts: TenantFacts,
  appId: string | null | undefined,
): Pick<IdentityInput, 'lastUsedAt' | 'lastUsedDetail'> => {
  if (facts.signIns === undefined || !appId) return {}; // unknown: the gap says why
  const activity = facts.signIns.get(appId.toLowerCase());
  const last = normalizeTimestamp(activity?.lastSignInActivity?.lastSignInDateTime);
  if (!activity || !last) {
    return {
      lastUsedAt: null,
      lastUsedDetail: { source: 'servicePrincipalSignInActivities', record: 'no sign-in recorded' },
    };
  }
  const kinds = (
    [
      ['applicationAuthenticationClientSignInActivity', 'app-only as client'],
      ['applicationAuthenticationResourceSignInActivity', 'app-only as resource'],
      ['delegatedClientSignInActivity', 'delegated as client'],
      ['delegatedResourceSignInActivity', 'delegated as resource'],
    ] as const
  ).filter(([k]) => activity[k]?.lastSignInDateTime === activity.lastSignInActivity?.lastSignInDateTime);
  return {
    lastUsedAt: last,
    lastUsedDetail: {
      source: 'servicePrincipalSignInActivities',
      ...(kinds[0] ? { flow: kinds[0][1] } : {}),
    },
  };
};

const ownerFields = (
  owners: EntraOwner[] | undefined,
): Pick<IdentityInput, 'owner' | 'unknownFacts'> & { attributes: Record<string, unknown> } => {
  if (owners === undefined) return { unknownFacts: ['owner'], attributes: {} }; // not read: a gap says why
  const sorted = [...owners].sort(
    (a, b) =>
      (a.type === 'user' ? 0 : 1) - (b.type === 'user' ? 0 : 1) ||
      compareCodeUnits(ownerValue(a), ownerValue(b)),
  );
  const first = sorted[0];
  return { owner: first ? { value: ownerValue(first), source: 'entra:owners' } : null, attributes: {} };
};

export function* toIdentities(facts: TenantFacts, asOf: Date): Generator<IdentityInput> {
  const spByAppId = new Map<string, ServicePrincipal>();
  for (const sp of facts.servicePrincipals) if (sp.appId) spByAppId.set(sp.appId.toLowerCase(), sp);
  const registered = new Set(facts.apps.map((a) => a.appId.toLowerCase()));
  const scope = facts.tenantId;

  for (const app of [...facts.apps].sort((a, b) => compareCodeUnits(a.appId, b.appId))) {
    const sp = spByAppId.get(app.appId.toLowerCase());
    const owners = facts.owners.get(app.id)?.map(ownerOf);
    const fics = facts.federated.get(app.id)?.map(federatedOf);
    const p = privilegeOf(facts, sp);
    const own = ownerFields(owners);
    const attributes: EntraAttributes = {
      tenantId: facts.tenantId,
      appId: app.appId,
      applicationObjectId: app.id,
      ...(sp ? { servicePrincipalId: sp.id } : {}),
      ...(sp?.servicePrincipalType ? { servicePrincipalType: sp.servicePrincipalType } : {}),
      thirdParty: false,
      ...(app.signInAudience ? { signInAudience: app.signInAudience } : {}),
      ...(sp && typeof sp.accountEnabled === 'boolean' ? { accountEnabled: sp.accountEnabled } : {}),
      ...(owners ? { owners } : {}),
      ...(fics ? { federatedCredentials: fics } : {}),
      ...(p.permissions ? { applicationPermissions: p.permissions } : {}),
      ...(p.grants ? { delegatedGrants: p.grants } : {}),
      ...(p.roles ? { directoryRoles: p.roles } : {}),
      ...(facts.signInUnavailable ? { signInUnavailable: facts.signInUnavailable } : {}),
    };
    yield {
      uid: `entra:${facts.tenantId}/applications/${app.appId}`,
      provider: 'entra',
      kind: ENTRA_KINDS.application,
      name: app.displayName ?? app.appId,
      location: { provider: 'entra', scope, resource: `applications/${app.id}` },
      createdAt: normalizeTimestamp(app.createdDateTime),
      ...signInOf(facts, app.appId),
      ...(own.owner !== undefined ? { owner: own.owner } : {}),
      ...(own.unknownFacts ? { unknownFacts: own.unknownFacts } : {}),
      tags: Object.fromEntries((app.tags ?? []).map((t) => [t, ''])),
      credentials: [
        ...credentialsOf(app, 'application', asOf),
        ...(sp ? credentialsOf(sp, 'servicePrincipal', asOf) : []),
      ],
      privilege: p.privilege,
      attributes: {
        ...own.attributes,
        ...(sp?.accountEnabled === false ? { disabled: true } : {}),
        entra: attributes,
      },
    };
  }

  for (const sp of [...facts.servicePrincipals].sort((a, b) => compareCodeUnits(a.id, b.id))) {
    if (sp.appId && registered.has(sp.appId.toLowerCase())) continue; // folded into its application
    // When applications could not be listed, a home-tenant SP cannot be told from a third party's.
    const managed = sp.servicePrincipalType === 'ManagedIdentity';
    const provider = facts.isProvider(sp);
    const thirdParty =
      !managed &&
      !provider &&
      !!sp.appOwnerOrganizationId &&
      sp.appOwnerOrganizationId.toLowerCase() !== facts.tenantId.toLowerCase();
    const owners = facts.owners.get(sp.id)?.map(ownerOf);
    const p = privilegeOf(facts, sp);
    const own: ReturnType<typeof ownerFields> = provider ? { attributes: {} } : ownerFields(owners);
    const attributes: EntraAttributes = {
      tenantId: facts.tenantId,
      ...(sp.appId ? { appId: sp.appId } : {}),
      servicePrincipalId: sp.id,
      ...(sp.servicePrincipalType ? { servicePrincipalType: sp.servicePrincipalType } : {}),
      ...(sp.appOwnerOrganizationId ? { appOwnerOrganizationId: sp.appOwnerOrganizationId } : {}),
      thirdParty,
      ...(sp.verifiedPublisher?.displayName ? { publisher: sp.verifiedPublisher.displayName } : {}),
      ...(typeof sp.accountEnabled === 'boolean' ? { accountEnabled: sp.accountEnabled } : {}),
      ...(owners ? { owners } : {}),
      ...(provider ? {} : p.permissions ? { applicationPermissions: p.permissions } : {}),
      ...(p.grants ? { delegatedGrants: p.grants } : {}),
      ...(p.roles ? { directoryRoles: p.roles } : {}),
      ...(facts.signInUnavailable ? { signInUnavailable: facts.signInUnavailable } : {}),
    };
    yield {
      uid: `entra:${facts.tenantId}/servicePrincipals/${sp.id}`,
      provider: 'entra',
      kind: managed ? ENTRA_KINDS.managedIdentity : ENTRA_KINDS.servicePrincipal,
      name: sp.displayName ?? sp.appId ?? sp.id,
      location: { provider: 'entra', scope, resource: `servicePrincipals/${sp.id}` },
      ...signInOf(facts, sp.appId),
      ...(own.owner !== undefined ? { owner: own.owner } : {}),
      ...(own.unknownFacts ? { unknownFacts: own.unknownFacts } : {}),
      credentials: credentialsOf(sp, 'servicePrincipal', asOf).map((c) =>
        managed ? { ...c, managedBy: 'provider' as const } : c,
      ),
      privilege: p.privilege,
      managedBy: provider ? 'provider' : 'user',
      attributes: {
        ...own.attributes,
        // A managed identity's owner is the Azure resource it belongs to, not a person.
        ...(managed ? { providerRecordsOwner: false } : {}),
        ...(sp.accountEnabled === false ? { disabled: true } : {}),
        ...(managed && sp.alternativeNames?.length
          ? { azureResource: sp.alternativeNames.find((n) => n.startsWith('/subscriptions/')) }
          : {}),
        entra: attributes,
      },
    };
  }
}
