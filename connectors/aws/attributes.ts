// AWS identity kinds and the typed attribute vocabulary the connector writes under
// `identity.attributes` (identities.ts checks each object it builds with `satisfies`), read by the
// policies through the readers below: a permissive parse, so an identity of another provider or
// kind, or from an older scan, yields undefined rather than a wrong finding.
import { z } from 'zod';
import { memoisedRead } from '../../src/attribute-read.js';
import { type Identity, TRUST_PRINCIPAL } from '../../src/model.js';

export const AWS_KINDS = {
  /** An IAM user that is a workload (no console password, or a password and active keys). */
  iamUser: 'aws.iam_user',
  /** An IAM role (service-linked and Identity Center roles included, marked). */
  iamRole: 'aws.iam_role',
  /** The account's root user, inventoried when the credential report shows it holds a key or certificate. */
  rootAccount: 'aws.root_account',
} as const;
export type AwsKind = (typeof AWS_KINDS)[keyof typeof AWS_KINDS];

/**
 * The trust principal types the AWS connector writes (`Trust.principalType`): the key of the
 * trust policy's Principal, lower-cased (`AWS`, `Federated`, `Service`), `any` for "*", `other`
 * for a key IAM may add. `aws` (an account, or a user / role / session of one) is AWS's own.
 */
export const AWS_TRUST_PRINCIPAL = { ...TRUST_PRINCIPAL, aws: 'aws' } as const;
export type AwsTrustPrincipalType = (typeof AWS_TRUST_PRINCIPAL)[keyof typeof AWS_TRUST_PRINCIPAL];

const OptString = z.string().optional().catch(undefined);
const OptBool = z.boolean().optional().catch(undefined);

/** IAM's service last accessed answer for a principal (last-accessed.ts); absent when not asked. */
export const ServiceLastAccessedAttribute = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('complete'),
    jobCompletedAt: z.string().optional(),
    services: z.array(
      z.object({
        namespace: z.string(),
        name: z.string(),
        lastAuthenticated: z.string().nullable(),
        lastAuthenticatedRegion: z.string().optional(),
        blockedBy: z.string().optional(),
      }),
    ),
  }),
  z.object({ status: z.literal('unknown'), reason: z.string() }),
]);
export type ServiceLastAccessedAttribute = z.infer<typeof ServiceLastAccessedAttribute>;
const OptLastAccessed = ServiceLastAccessedAttribute.optional().catch(undefined);

export const AwsUserAttributes = z.object({
  path: z.string().catch('/'),
  userId: OptString,
  /** Unknown (absent) when neither the credential report nor GetLoginProfile answered. */
  consolePassword: OptBool,
  /** null: never signed in; absent: not known. */
  passwordLastUsed: z.string().nullable().optional().catch(undefined),
  mfaActive: OptBool,
  groups: z.array(z.string()).catch([]),
  permissionsBoundary: OptString,
  /** The principal this scan ran as (GetCallerIdentity): its own credentials, inventoried like any other. */
  scanner: OptBool,
  scannerPrincipal: OptString,
  /** Managed policy ARNs attached to the user itself (not through a group); absent: not read. */
  managedPolicies: z.array(z.string()).optional().catch(undefined),
  /** Names of the user's own inline policies; absent: not read. */
  inlinePolicies: z.array(z.string()).optional().catch(undefined),
  serviceLastAccessed: OptLastAccessed,
});
export type AwsUserAttributes = z.infer<typeof AwsUserAttributes>;

export const AwsRoleAttributes = z.object({
  path: z.string().catch('/'),
  roleId: OptString,
  serviceLinked: z.boolean().catch(false),
  /** An IAM Identity Center permission-set role (path /aws-reserved/sso.amazonaws.com/). */
  ssoReserved: z.boolean().catch(false),
  maxSessionDuration: z.number().optional().catch(undefined),
  instanceProfiles: z.array(z.string()).catch([]),
  /** How far back AWS tracks RoleLastUsed: older use reads as "none recorded". */
  lastUsedTrackingDays: z.number().optional().catch(undefined),
  /** The role this scan ran as (GetCallerIdentity, an assumed-role session of it). */
  scanner: OptBool,
  scannerPrincipal: OptString,
  serviceLastAccessed: OptLastAccessed,
});
export type AwsRoleAttributes = z.infer<typeof AwsRoleAttributes>;

export const AwsRootAccountAttributes = z.object({
  mfaActive: OptBool,
  /** null: never signed in; absent: not known. */
  passwordLastUsed: z.string().nullable().optional().catch(undefined),
  source: z.literal('credential-report').catch('credential-report'),
});
export type AwsRootAccountAttributes = z.infer<typeof AwsRootAccountAttributes>;

const read = <S extends z.ZodType>(kind: AwsKind, schema: S) => {
  const parse = memoisedRead(schema);
  return (identity: Pick<Identity, 'provider' | 'kind' | 'attributes'>): z.output<S> | undefined => {
    if (identity.provider !== 'aws' || identity.kind !== kind) return undefined;
    return parse(identity.attributes);
  };
};

export const awsUserAttributes = read(AWS_KINDS.iamUser, AwsUserAttributes);
export const awsRoleAttributes = read(AWS_KINDS.iamRole, AwsRoleAttributes);
