// Builds the identities of the AWS contract (briefs: aws.iam_user, aws.iam_role) from what the
// connector read. Pure functions: no API calls here.
import type { z } from 'zod';
import type { Credential, IdentityInput, Trust, UnknownFact } from '../../src/model.js';
import type { AuthorizationDetails } from './authorization-details.js';
import { PolicyDocumentError, parsePolicyDocument, toTrusts } from './policy-document.js';
import {
  type ComputedPrivilege,
  type LimitSource,
  type PolicySource,
  type PrivilegeLimits,
  computePrivilege,
} from './privilege.js';
import type { RoleDetail, Tag, UserDetail } from './schema.js';
import { AWS_KINDS, AwsRoleAttributes, AwsUserAttributes } from './attributes.js';

/** AWS keeps role last-used data for 400 days. */
export const ROLE_LAST_USED_TRACKING_DAYS = 400;
export const SERVICE_LINKED_PATH = '/aws-service-role/';
/** IAM Identity Center creates and deletes these from permission sets; people assume them via SSO. */
export const SSO_RESERVED_PATH = '/aws-reserved/sso.amazonaws.com/';

export const tagsOf = (tags: readonly Tag[]): Record<string, string> =>
  Object.fromEntries(tags.map((t) => [t.Key, t.Value]));

/** "arn:aws:iam::123:user/ops/bot" → "/ops/". */
export const pathFromArn = (arn: string): string => {
  const resource = arn.split(':').slice(5).join(':');
  const parts = resource.split('/').slice(1, -1);
  return parts.length === 0 ? '/' : `/${parts.join('/')}/`;
};

const missingBecause = (details: AuthorizationDetails): string =>
  details.complete
    ? 'not returned by GetAccountAuthorizationDetails'
    : 'GetAccountAuthorizationDetails did not complete';

const managedSource = (details: AuthorizationDetails, prefix: string, arn: string): PolicySource => {
  const document = details.policies.get(arn);
  return {
    prefix,
    arn,
    document,
    // A complete GetAccountAuthorizationDetails returns every attached policy's document.
    ...(document === undefined
      ? { missingBecause: missingBecause(details), missingIsGap: details.complete }
      : {}),
  };
};

/** Inline, attached and group policies of a user, in the Grant.source vocabulary of the contract. */
export const userPolicySources = (user: UserDetail, details: AuthorizationDetails): PolicySource[] => {
  const sources: PolicySource[] = [
    ...user.UserPolicyList.map((p) => ({
      prefix: `user-inline:${p.PolicyName}`,
      document: p.PolicyDocument,
    })),
    ...user.AttachedManagedPolicies.map((p) => managedSource(details, `managed:${p.PolicyArn}`, p.PolicyArn)),
  ];
  for (const groupName of user.GroupList) {
    const group = details.groups.get(groupName);
    if (!group) {
      sources.push({
        prefix: `group:${groupName}`,
        document: undefined,
        missingBecause: `group ${missingBecause(details)}`,
        missingIsGap: details.complete,
      });
      continue;
    }
    sources.push(
      ...group.GroupPolicyList.map((p) => ({
        prefix: `group-inline:${groupName}/${p.PolicyName}`,
        document: p.PolicyDocument,
      })),
      ...group.AttachedManagedPolicies.map((p) =>
        managedSource(details, `group-managed:${groupName}/${p.PolicyArn}`, p.PolicyArn),
      ),
    );
  }
  return sources;
};

export const rolePolicySources = (role: RoleDetail, details: AuthorizationDetails): PolicySource[] => [
  ...role.RolePolicyList.map((p) => ({ prefix: `role-inline:${p.PolicyName}`, document: p.PolicyDocument })),
  ...role.AttachedManagedPolicies.map((p) => managedSource(details, `managed:${p.PolicyArn}`, p.PolicyArn)),
];

/** The permissions boundary as a limit: its document comes from the same authorization details. */
export const boundarySource = (
  arn: string | undefined,
  details: AuthorizationDetails,
): LimitSource | undefined =>
  arn === undefined
    ? undefined
    : // A boundary the details did not return is not applied (said in the reasons), not a gap.
      {
        kind: 'boundary',
        name: arn,
        policies: [{ ...managedSource(details, `boundary:${arn}`, arn), missingIsGap: false }],
      };

export interface UserFacts {
  arn: string;
  name: string;
  path: string;
  userId?: string | undefined;
  createdAt?: string | null | undefined;
  tags: Record<string, string>;
  groups: string[];
  permissionsBoundary?: string | undefined;
  /** Policies on the user itself (not through groups); undefined = not read. */
  managedPolicies?: string[] | undefined;
  inlinePolicies?: string[] | undefined;
  /** undefined = could not be learned. */
  consolePassword: boolean | undefined;
  passwordLastUsed?: string | null | undefined;
  mfaActive?: boolean | undefined;
  credentials: Credential[];
  privilege: ComputedPrivilege;
  /** GetAccountAuthorizationDetails did not return the user: its tags and policies were not read. */
  detailsMissing?: boolean;
}

/** The model's Privilege, without the connector-only list of unreadable documents. */
const stripInvalid = (
  privilege: ComputedPrivilege,
): Omit<ComputedPrivilege, 'invalid' | 'partial' | 'unreadSources'> => ({
  level: privilege.level,
  grants: privilege.grants,
  reasons: privilege.reasons,
  attached: privilege.attached,
  ...(privilege.boundary ? { boundary: privilege.boundary } : {}),
  ...(privilege.conditionalLevel ? { conditionalLevel: privilege.conditionalLevel } : {}),
  ...(privilege.limits ? { limits: privilege.limits } : {}),
});

/** What the connector could not read about an identity (unknown, not absent). */
const unknownFactsOf = (facts: { tags?: boolean; privilege?: boolean; trust?: boolean }): UnknownFact[] =>
  (['tags', 'privilege', 'trust'] as const).filter((f) => facts[f] === true);

/**
 * Two keys of one user created in the same second (a script can) share a creation-time identity,
 * which no source can tell apart: those keep their path-dependent uid as the finding key instead.
 */
const distinctStableUids = (credentials: readonly Credential[]): Credential[] => {
  const seen = new Map<string, number>();
  for (const c of credentials) if (c.stableUid) seen.set(c.stableUid, (seen.get(c.stableUid) ?? 0) + 1);
  return credentials.map((c) => {
    if (!c.stableUid || seen.get(c.stableUid) === 1) return c;
    const rest: Credential = { ...c };
    delete rest.stableUid;
    return rest;
  });
};

export const buildUser = (facts: UserFacts, account: string): IdentityInput => {
  const unknownFacts = unknownFactsOf({
    tags: facts.detailsMissing,
    privilege: facts.detailsMissing === true || facts.privilege.partial,
  });
  return buildUserIdentity(facts, account, unknownFacts);
};

const buildUserIdentity = (
  facts: UserFacts,
  account: string,
  unknownFacts: UnknownFact[],
): IdentityInput => ({
  uid: facts.arn,
  provider: 'aws',
  kind: AWS_KINDS.iamUser,
  name: facts.name,
  location: { provider: 'aws', scope: account, resource: facts.path },
  ...(facts.createdAt !== undefined ? { createdAt: facts.createdAt } : {}),
  tags: facts.tags,
  credentials: distinctStableUids(facts.credentials),
  privilege: stripInvalid(facts.privilege),
  trust: [],
  managedBy: 'user',
  attributes: {
    path: facts.path,
    ...(facts.userId ? { userId: facts.userId } : {}),
    ...(facts.consolePassword !== undefined ? { consolePassword: facts.consolePassword } : {}),
    ...(facts.passwordLastUsed !== undefined ? { passwordLastUsed: facts.passwordLastUsed } : {}),
    ...(facts.mfaActive !== undefined ? { mfaActive: facts.mfaActive } : {}),
    groups: facts.groups,
    ...(facts.permissionsBoundary ? { permissionsBoundary: facts.permissionsBoundary } : {}),
    ...(facts.managedPolicies ? { managedPolicies: facts.managedPolicies } : {}),
    ...(facts.inlinePolicies ? { inlinePolicies: facts.inlinePolicies } : {}),
  } satisfies z.input<typeof AwsUserAttributes>,
  ...(unknownFacts.length > 0 ? { unknownFacts } : {}),
});

export interface BuiltRole {
  identity: IdentityInput;
  /** Documents that could not be read (for coverage gaps). */
  problems: { prefix: string; message: string }[];
}

export const buildRole = (
  role: RoleDetail,
  details: AuthorizationDetails,
  account: string,
  limits: PrivilegeLimits = {},
): BuiltRole => {
  const problems: BuiltRole['problems'] = [];
  const privilege = computePrivilege(rolePolicySources(role, details), {
    ...limits,
    boundary: boundarySource(role.PermissionsBoundary?.PermissionsBoundaryArn, details),
  });
  problems.push(...privilege.invalid);
  let trust: Trust[] = [];
  let trustRead = false;
  if (role.AssumeRolePolicyDocument === undefined) {
    problems.push({
      prefix: 'trust',
      message: 'the role came without its trust policy (AssumeRolePolicyDocument)',
    });
  } else {
    try {
      trust = toTrusts(parsePolicyDocument(role.AssumeRolePolicyDocument));
      trustRead = true;
    } catch (err) {
      problems.push({
        prefix: 'trust',
        message: err instanceof PolicyDocumentError ? err.message : String(err),
      });
    }
  }
  const serviceLinked = role.Path.startsWith(SERVICE_LINKED_PATH);
  const ssoReserved = role.Path.startsWith(SSO_RESERVED_PATH);
  const lastUsed = role.RoleLastUsed;
  const unknownFacts = unknownFactsOf({ privilege: privilege.partial, trust: !trustRead });
  return {
    problems,
    identity: {
      uid: role.Arn,
      provider: 'aws',
      kind: AWS_KINDS.iamRole,
      name: role.RoleName,
      location: { provider: 'aws', scope: account, resource: role.Path },
      ...(role.CreateDate !== undefined ? { createdAt: role.CreateDate } : {}),
      // An empty RoleLastUsed is AWS saying it has no record of use within its tracking window;
      // none at all says nothing (AWS always sends one): unknown, and the collector records a gap.
      ...(lastUsed === undefined ? {} : { lastUsedAt: lastUsed.LastUsedDate ?? null }),
      ...(lastUsed?.Region ? { lastUsedDetail: { region: lastUsed.Region } } : {}),
      tags: tagsOf(role.Tags),
      credentials: [],
      privilege: stripInvalid(privilege),
      trust,
      managedBy: serviceLinked || ssoReserved ? 'provider' : 'user',
      attributes: {
        path: role.Path,
        ...(role.RoleId ? { roleId: role.RoleId } : {}),
        serviceLinked,
        ssoReserved,
        ...(role.MaxSessionDuration !== undefined ? { maxSessionDuration: role.MaxSessionDuration } : {}),
        instanceProfiles: role.InstanceProfileList.flatMap((p) =>
          p.Arn ? [p.Arn] : p.InstanceProfileName ? [p.InstanceProfileName] : [],
        ),
        lastUsedTrackingDays: ROLE_LAST_USED_TRACKING_DAYS,
      } satisfies z.input<typeof AwsRoleAttributes>,
      ...(unknownFacts.length > 0 ? { unknownFacts } : {}),
    },
  };
};
