// Google Cloud resources → the generic model (src/model.ts), so the provider-neutral policies
// (rotation, staleness, multiple keys, excess privilege, ownership) judge them like any other.
import { normalizeTimestamp } from '../../src/clock.js';
import type { Credential, IdentityInput, Owner, Trust } from '../../src/model.js';
import {
  ACT_AS_ROLES,
  SA_ADMIN_ROLES,
  bindingsOf,
  federatedActAs,
  principalsWith,
  privilegeOf,
  publicActAs,
  type AttachedPolicy,
  type BindingRef,
  type PrincipalRef,
} from './privilege.js';
import type { EffectivePrivilege } from './effective.js';
import type { GroupMembership } from './groups.js';
import type {
  ApiKey,
  Project,
  ServiceAccount,
  ServiceAccountKey,
  WorkloadIdentityPool,
  WorkloadIdentityPoolProvider,
} from './schema.js';
import {
  ApiKeyAttributes,
  GCP_KINDS,
  ServiceAccountAttributes,
  WifProviderAttributes,
  type Written,
} from './attributes.js';

/** Keys that never expire carry validBeforeTime 9999-12-31T23:59:59Z. */
const isNeverExpiry = (value: string | undefined): boolean => !!value && /^9999-/.test(value);

export const projectNumberOf = (project: Project): string => project.name.replace(/^projects\//, '');

/** The default accounts Google creates for Compute Engine and App Engine in a project. */
export const defaultAccountOf = (email: string, project: Project): 'compute' | 'appengine' | undefined => {
  const e = email.toLowerCase();
  if (
    e === `${projectNumberOf(project)}-compute@developer.gserviceaccount.com` ||
    /^\d+-compute@developer\.gserviceaccount\.com$/.test(e)
  )
    return 'compute';
  if (e === `${project.projectId.toLowerCase()}@appspot.gserviceaccount.com`) return 'appengine';
  return undefined;
};

/** Service agents: accounts Google creates and manages for its own services. */
export const isServiceAgent = (email: string): boolean =>
  /@gcp-sa-[a-z0-9-]+\.iam\.gserviceaccount\.com$/i.test(email) ||
  /@(cloudservices|cloudbuild|container-engine-robot|compute-system|dataflow-service-producer-prod|serverless-robot-prod)\.(iam\.)?gserviceaccount\.com$/i.test(
    email,
  ) ||
  /^service-\d+@/i.test(email);

/**
 * The project a service account lives in, from its email: "x@<projectId>.iam.gserviceaccount.com",
 * "<projectNumber>-compute@developer.gserviceaccount.com", "<projectId>@appspot.gserviceaccount.com".
 * Undefined for anything else (service agents live in Google's projects, GKE's
 * "<project>.svc.id.goog[ns/ksa]" is a Kubernetes account, not a Google one).
 */
export const homeProjectOf = (
  email: string,
): { projectId: string } | { projectNumber: string } | undefined => {
  const e = email.toLowerCase();
  if (isServiceAgent(e)) return undefined;
  const byId = /^[^@]+@([a-z][-a-z0-9]*[a-z0-9])\.iam\.gserviceaccount\.com$/.exec(e)?.[1];
  if (byId) return { projectId: byId };
  const byNumber = /^(\d+)-compute@developer\.gserviceaccount\.com$/.exec(e)?.[1];
  if (byNumber) return { projectNumber: byNumber };
  const appEngine = /^([a-z][-a-z0-9]*[a-z0-9])@appspot\.gserviceaccount\.com$/.exec(e)?.[1];
  if (appEngine) return { projectId: appEngine };
  return undefined;
};

/** Last authentication from Policy Analyzer, or undefined when it could not be read. */
export interface LastAuthentication {
  /** By service account unique id and by lower-cased email. */
  accounts: Map<string, string>;
  /** By key id. */
  keys: Map<string, string>;
  observationStart?: string;
  observationEnd?: string;
}

const lastUsedDetail = (auth: LastAuthentication): Record<string, string> => ({
  source: 'policy-analyzer',
  ...(auth.observationStart ? { observationStart: auth.observationStart } : {}),
  ...(auth.observationEnd ? { observationEnd: auth.observationEnd } : {}),
});

const keyIdOf = (key: ServiceAccountKey): string => key.name.slice(key.name.lastIndexOf('/') + 1);

export const keyCredential = (
  key: ServiceAccountKey,
  account: ServiceAccount,
  asOf: Date,
  auth: LastAuthentication | undefined,
): Credential => {
  const id = keyIdOf(key);
  const created = normalizeTimestamp(key.validAfterTime);
  const expires = isNeverExpiry(key.validBeforeTime) ? null : normalizeTimestamp(key.validBeforeTime);
  let status: Credential['status'] = 'active';
  if (key.disabled || account.disabled) status = 'inactive';
  else if (expires && Date.parse(expires) <= asOf.getTime()) status = 'expired';
  const lastUsed = auth ? (auth.keys.get(id) ?? null) : undefined;
  return {
    uid: id,
    type: 'sa_key',
    status,
    createdAt: created,
    lastRotatedAt: created,
    expiresAt: expires,
    lastUsedAt: lastUsed,
    ...(auth ? { lastUsedDetail: lastUsedDetail(auth) } : {}),
    // Google-managed keys rotate themselves; rotation policies leave them alone.
    managedBy: key.keyType === 'SYSTEM_MANAGED' ? 'provider' : 'user',
    attributes: {
      name: key.name,
      keyType: key.keyType,
      keyOrigin: key.keyOrigin,
      keyAlgorithm: key.keyAlgorithm,
      disabled: key.disabled ?? false,
      ...(key.disableReason ? { disableReason: key.disableReason } : {}),
      ...(key.extendedStatus?.length ? { extendedStatus: key.extendedStatus } : {}),
      ...(account.disabled ? { accountDisabled: true } : {}),
    },
  };
};

export interface AccountInput {
  account: ServiceAccount;
  project: Project;
  keys: ServiceAccountKey[] | undefined;
  /** The account's own IAM policy, when it could be read. */
  accountPolicy: AttachedPolicy | undefined;
  /** The project's policy and those above it (folders, organization), nearest first. */
  resourcePolicies: AttachedPolicy[];
  /**
   * Roles the account holds elsewhere in the scan: other scanned projects, and folders or the
   * organization not above its own project (a CI project's deployer, owner of every app project).
   */
  elsewhere?: readonly BindingRef[];
  /** Uids of the project's live API keys bound to the account (they authenticate as it). */
  boundApiKeys?: readonly string[];
  auth: LastAuthentication | undefined;
  owner: Owner | null;
  asOf: Date;
  /**
   * Judges the bindings by the roles' permissions, deny policies and conditions (effective.ts);
   * without it (providers.gcp.rolePermissions: false) roles are judged by their names.
   */
  judge?: (bindings: readonly BindingRef[]) => EffectivePrivilege;
  /** Roles the account holds through Google groups it belongs to (expandGroups), with the group. */
  throughGroups?: readonly BindingRef[];
  /**
   * The scan's groups as read (expandGroups): members of groups that can act as the account or
   * administer it.
   */
  groups?: GroupMembership;
}

/** The roles a member holds: on its project and above, and elsewhere in the scan. */
export const memberBindings = (
  member: string,
  resourcePolicies: readonly AttachedPolicy[],
  elsewhere: readonly BindingRef[] = [],
): BindingRef[] => {
  const here = new Set(resourcePolicies.map((p) => p.resource));
  return [...bindingsOf(member, resourcePolicies), ...elsewhere.filter((b) => !here.has(b.resource))];
};

/** The roles an account holds: on its project and above, and elsewhere in the scan. */
export const accountBindings = (
  email: string,
  resourcePolicies: readonly AttachedPolicy[],
  elsewhere: readonly BindingRef[] = [],
): BindingRef[] => memberBindings(`serviceAccount:${email}`, resourcePolicies, elsewhere);

/**
 * The members of the groups among `refs` (who can act as the account, or administer it), each with
 * the group's grant (`via`), and the groups whose members could not be read. Members keep the
 * group's binding: a project-level finding stays one finding on the group's binding.
 */
const throughGroups = (
  refs: readonly PrincipalRef[],
  groups: GroupMembership,
): { members: PrincipalRef[]; unread: string[] } => {
  const members: PrincipalRef[] = [];
  const unread = new Set<string>();
  for (const p of refs) {
    if (!/^group:/i.test(p.principal)) continue;
    const found = groups.membersOf(p.principal.slice('group:'.length));
    if (!found) {
      unread.add(p.principal.toLowerCase());
      continue;
    }
    for (const m of found)
      members.push({ ...p, principal: m.principal, via: p.principal, ...(m.nested ? { nested: true } : {}) });
  }
  return { members, unread: [...unread].sort() };
};

/** The group expansions of `canActAs` and `administeredBy`, for the attributes. */
const expandedGroups = (
  canActAs: readonly PrincipalRef[],
  administeredBy: readonly PrincipalRef[],
  groups: GroupMembership,
) => {
  const act = throughGroups(canActAs, groups);
  const admin = throughGroups(administeredBy, groups);
  return {
    canActAsThroughGroups: act.members,
    actAsGroupsUnread: act.unread,
    administeredByThroughGroups: admin.members,
    adminGroupsUnread: admin.unread,
  };
};

/** The identity's privilege and the bindings as judged, for its attributes. */
const privilegeFields = (
  bindings: readonly BindingRef[],
  judge: ((bindings: readonly BindingRef[]) => EffectivePrivilege) | undefined,
) => {
  if (!judge) return { privilege: privilegeOf(bindings), bindings: [...bindings], extra: {} };
  const { judged, adminScope, ...privilege } = judge(bindings);
  return {
    privilege,
    bindings: judged,
    extra: { permissionsJudged: true, ...(adminScope ? { adminScope } : {}) },
  };
};

export const serviceAccountIdentity = (input: AccountInput): IdentityInput => {
  const { account, project, auth } = input;
  const email = account.email;
  const bindings = [
    ...accountBindings(email, input.resourcePolicies, input.elsewhere),
    ...(input.throughGroups ?? []),
  ];
  // Who can act as it: impersonation roles on the account itself, its project, and above.
  const actAsScope = [...(input.accountPolicy ? [input.accountPolicy] : []), ...input.resourcePolicies];
  const canActAs = principalsWith(ACT_AS_ROLES, actAsScope);
  const administeredBy = principalsWith(SA_ADMIN_ROLES, actAsScope);
  const recorded = auth
    ? (auth.accounts.get(account.uniqueId ?? '') ?? auth.accounts.get(email.toLowerCase()) ?? null)
    : undefined;
  // Policy Analyzer does not record requests made with API keys bound to the account: with such
  // a key, its silence (or an old date) says nothing about whether the account is still in use.
  const boundApiKeys = [...(input.boundApiKeys ?? [])].sort();
  const lastUsed = boundApiKeys.length > 0 ? undefined : recorded;
  const usageDetail = auth
    ? {
        ...lastUsedDetail(auth),
        ...(boundApiKeys.length > 0
          ? {
              untracked: `requests with bound API keys (${boundApiKeys.join(', ')}) are not recorded`,
              ...(recorded ? { lastAuthenticatedTime: recorded } : {}),
            }
          : {}),
      }
    : undefined;
  const trust: Trust[] = [...publicActAs(canActAs), ...federatedActAs(canActAs)];
  const judged = privilegeFields(bindings, input.judge);
  return {
    uid: email,
    provider: 'gcp',
    kind: GCP_KINDS.serviceAccount,
    name: email.slice(0, email.indexOf('@')) || email,
    location: { provider: 'gcp', scope: project.projectId },
    // The IAM API has no creation time for service accounts: unknown, not "never".
    createdAt: undefined,
    lastUsedAt: lastUsed,
    ...(usageDetail ? { lastUsedDetail: usageDetail } : {}),
    owner: input.owner,
    credentials: (input.keys ?? []).map((k) => keyCredential(k, account, input.asOf, auth)),
    privilege: judged.privilege,
    trust,
    managedBy: isServiceAgent(email) ? 'provider' : 'user',
    attributes: {
      resourceName: account.name,
      projectId: project.projectId,
      projectNumber: projectNumberOf(project),
      uniqueId: account.uniqueId,
      displayName: account.displayName,
      description: account.description,
      disabled: account.disabled ?? false,
      defaultAccount: defaultAccountOf(email, project),
      bindings: judged.bindings,
      ...judged.extra,
      canActAs,
      administeredBy,
      ...(input.groups ? expandedGroups(canActAs, administeredBy, input.groups) : {}),
      ...(boundApiKeys.length > 0 ? { boundApiKeys } : {}),
      // Keys could not be listed: an empty credential list would read as "no keys".
      ...(input.keys === undefined ? { keysUnknown: true } : {}),
    } satisfies Written<typeof ServiceAccountAttributes>,
  };
};

export type ApplicationRestriction = 'browser' | 'server' | 'android' | 'ios' | 'none';

export const applicationRestrictionOf = (key: ApiKey): ApplicationRestriction => {
  const r = key.restrictions;
  if (r?.browserKeyRestrictions) return 'browser';
  if (r?.serverKeyRestrictions) return 'server';
  if (r?.androidKeyRestrictions) return 'android';
  if (r?.iosKeyRestrictions) return 'ios';
  return 'none';
};

export const apiKeyIdentity = (key: ApiKey, project: Project, owner: Owner | null): IdentityInput => {
  const created = normalizeTimestamp(key.createTime);
  const apiTargets = (key.restrictions?.apiTargets ?? []).flatMap((t) => (t.service ? [t.service] : []));
  return {
    uid: `gcp:${project.projectId}/apikey/${key.uid}`,
    provider: 'gcp',
    kind: GCP_KINDS.apiKey,
    name: key.displayName || key.uid,
    location: { provider: 'gcp', scope: project.projectId },
    createdAt: created,
    owner,
    // Annotations are the API key's labels; the core reads owner tags from them.
    tags: key.annotations ?? {},
    credentials: [
      {
        uid: key.uid,
        type: 'api_key',
        status: key.deleteTime ? 'revoked' : 'active',
        createdAt: created,
        // An API key's string never changes: it is rotated by replacing the key.
        lastRotatedAt: created,
        managedBy: 'user',
        attributes: { name: key.name },
      },
    ],
    attributes: {
      resourceName: key.name,
      projectId: project.projectId,
      displayName: key.displayName,
      restrictions: key.restrictions ?? {},
      applicationRestriction: applicationRestrictionOf(key),
      apiTargets,
      serviceAccountEmail: key.serviceAccountEmail,
      updateTime: normalizeTimestamp(key.updateTime),
    } satisfies Written<typeof ApiKeyAttributes>,
  };
};

/** What a provider trusts: the OIDC issuer, the AWS account, or the SAML IdP's entity id. */
export const issuerOf = (p: WorkloadIdentityPoolProvider): { protocol: string; issuer: string } => {
  if (p.oidc) return { protocol: 'oidc', issuer: p.oidc.issuerUri ?? 'oidc' };
  if (p.aws) return { protocol: 'aws', issuer: `aws:${p.aws.accountId ?? 'unknown'}` };
  if (p.saml) {
    // XML attributes may be single- or double-quoted.
    const entity = /entityID\s*=\s*(?:"([^"]+)"|'([^']+)')/.exec(p.saml.idpMetadataXml ?? '');
    return { protocol: 'saml', issuer: entity?.[1] ?? entity?.[2] ?? 'saml' };
  }
  if (p.x509) return { protocol: 'x509', issuer: 'x509' };
  return { protocol: 'unknown', issuer: 'unknown' };
};

const lastSegment = (name: string): string => name.slice(name.lastIndexOf('/') + 1);

export const wifProviderIdentity = (
  provider: WorkloadIdentityPoolProvider,
  pool: WorkloadIdentityPool,
  project: Project,
  owner: Owner | null,
  /** Roles granted straight to the pool's identities (direct resource access), anywhere scanned. */
  poolGrants: readonly PrincipalRef[] = [],
  judge?: (bindings: readonly BindingRef[]) => EffectivePrivilege,
): IdentityInput => {
  const poolId = lastSegment(pool.name);
  const providerId = lastSegment(provider.name);
  const { protocol, issuer } = issuerOf(provider);
  const condition = provider.attributeCondition?.trim() || undefined;
  return {
    uid: provider.name,
    provider: 'gcp',
    kind: GCP_KINDS.wifProvider,
    name: `${poolId}/${providerId}`,
    location: { provider: 'gcp', scope: project.projectId, resource: pool.name },
    owner,
    // What the pool's identities may do themselves, with no service account in between: every
    // provider of the pool admits identities those grants may name.
    privilege: privilegeFields(poolGrants, judge).privilege,
    trust: [
      {
        principalType: 'federated',
        principal: issuer,
        // The attribute condition is one CEL expression; none means every token the issuer signs.
        conditions: condition ? { CEL: { attributeCondition: [condition] } } : {},
        actions: [],
        source: `wif:${poolId}/${providerId}`,
      },
    ],
    attributes: {
      resourceName: provider.name,
      projectId: project.projectId,
      poolId,
      providerId,
      displayName: provider.displayName,
      description: provider.description,
      protocol,
      issuerUri: provider.oidc?.issuerUri,
      allowedAudiences: provider.oidc?.allowedAudiences,
      awsAccountId: provider.aws?.accountId,
      attributeMapping: provider.attributeMapping ?? {},
      attributeCondition: condition,
      disabled: provider.disabled ?? false,
      state: provider.state,
      poolDisabled: pool.disabled ?? false,
      poolBindings: poolGrants,
    } satisfies Written<typeof WifProviderAttributes>,
  };
};
