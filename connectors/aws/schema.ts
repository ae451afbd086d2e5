// Permissive schemas for the AWS SDK outputs this connector relies on. The SDK has already parsed
// the awsQuery XML into objects (dates as Date); these schemas check the fields we read, keep
// unknown ones, and degrade a malformed field to "unknown" instead of failing the whole page.
import { z } from 'zod';
import { normalizeTimestamp } from '../../src/clock.js';

/** A timestamp as the SDK hands it over (Date), normalised to an ISO string; bad values → undefined. */
export const SdkDate = z
  .union([z.date(), z.string()])
  .transform(normalizeTimestamp)
  .optional()
  .catch(undefined);

const OptString = z.string().optional().catch(undefined);

/** A list that is absent or malformed counts as empty; items are checked one by one by the caller. */
const looseList = z
  .array(z.unknown())
  .optional()
  .catch(undefined)
  .transform((v) => v ?? []);

export const Tag = z.looseObject({ Key: z.string(), Value: z.string().catch('') });
export type Tag = z.infer<typeof Tag>;

export const InlinePolicy = z.looseObject({ PolicyName: z.string(), PolicyDocument: OptString });
export type InlinePolicy = z.infer<typeof InlinePolicy>;

export const AttachedPolicy = z.looseObject({ PolicyName: OptString, PolicyArn: z.string() });
export type AttachedPolicy = z.infer<typeof AttachedPolicy>;

export const PermissionsBoundary = z
  .looseObject({ PermissionsBoundaryArn: OptString, PermissionsBoundaryType: OptString })
  .optional()
  .catch(undefined);

const itemsOf = <T extends z.ZodType>(item: T) =>
  looseList.transform((items) =>
    items.flatMap((raw) => {
      const parsed = item.safeParse(raw);
      return parsed.success ? [parsed.data] : [];
    }),
  );

export const UserDetail = z.looseObject({
  Path: z.string().catch('/'),
  UserName: z.string(),
  UserId: OptString,
  Arn: z.string(),
  CreateDate: SdkDate,
  UserPolicyList: itemsOf(InlinePolicy),
  GroupList: itemsOf(z.string()),
  AttachedManagedPolicies: itemsOf(AttachedPolicy),
  PermissionsBoundary,
  Tags: itemsOf(Tag),
});
export type UserDetail = z.infer<typeof UserDetail>;

export const GroupDetail = z.looseObject({
  Path: z.string().catch('/'),
  GroupName: z.string(),
  GroupId: OptString,
  Arn: OptString,
  CreateDate: SdkDate,
  GroupPolicyList: itemsOf(InlinePolicy),
  AttachedManagedPolicies: itemsOf(AttachedPolicy),
});
export type GroupDetail = z.infer<typeof GroupDetail>;

export const InstanceProfile = z.looseObject({ InstanceProfileName: OptString, Arn: OptString });

export const RoleDetail = z.looseObject({
  Path: z.string().catch('/'),
  RoleName: z.string(),
  RoleId: OptString,
  Arn: z.string(),
  CreateDate: SdkDate,
  AssumeRolePolicyDocument: OptString,
  InstanceProfileList: itemsOf(InstanceProfile),
  RolePolicyList: itemsOf(InlinePolicy),
  AttachedManagedPolicies: itemsOf(AttachedPolicy),
  PermissionsBoundary,
  Tags: itemsOf(Tag),
  /** Absent or empty when AWS has no record of use in its tracking window. */
  RoleLastUsed: z.looseObject({ LastUsedDate: SdkDate, Region: OptString }).optional().catch(undefined),
  MaxSessionDuration: z.number().optional().catch(undefined),
});
export type RoleDetail = z.infer<typeof RoleDetail>;

export const PolicyVersion = z.looseObject({
  Document: OptString,
  VersionId: OptString,
  IsDefaultVersion: z.boolean().optional().catch(undefined),
});

export const ManagedPolicyDetail = z.looseObject({
  PolicyName: OptString,
  Arn: z.string(),
  DefaultVersionId: OptString,
  AttachmentCount: z.number().optional().catch(undefined),
  PolicyVersionList: itemsOf(PolicyVersion),
});
export type ManagedPolicyDetail = z.infer<typeof ManagedPolicyDetail>;

/** One page of GetAccountAuthorizationDetails; raw lists, items checked individually by the caller. */
export const AuthorizationDetailsPage = z.looseObject({
  UserDetailList: looseList,
  GroupDetailList: looseList,
  RoleDetailList: looseList,
  Policies: looseList,
  IsTruncated: z.boolean().optional().catch(undefined),
  Marker: OptString,
});
export type AuthorizationDetailsPage = z.infer<typeof AuthorizationDetailsPage>;

export const CallerIdentity = z.looseObject({
  Account: z.string().regex(/^\d{12}$/),
  Arn: z.string().min(1),
  UserId: OptString,
});
export type CallerIdentity = z.infer<typeof CallerIdentity>;

/** One page of iam:SimulatePrincipalPolicy (`nhiscan doctor`). */
export const SimulatePolicyOutput = z.looseObject({
  EvaluationResults: z
    .array(z.looseObject({ EvalActionName: z.string(), EvalDecision: z.string() }))
    .optional()
    .default([]),
});

export const GenerateCredentialReportOutput = z.looseObject({
  /** STARTED | INPROGRESS | COMPLETE */
  State: OptString,
  Description: OptString,
});

export const GetCredentialReportOutput = z.looseObject({
  /** The SDK decodes the base64 payload into bytes. */
  Content: z.instanceof(Uint8Array),
  GeneratedTime: SdkDate,
  ReportFormat: OptString,
});

export const AccessKeyMetadata = z.looseObject({
  UserName: OptString,
  AccessKeyId: z.string().min(1),
  Status: OptString,
  CreateDate: SdkDate,
});
export type AccessKeyMetadata = z.infer<typeof AccessKeyMetadata>;
export const ListAccessKeysOutput = z.looseObject({ AccessKeyMetadata: itemsOf(AccessKeyMetadata) });

export const GetAccessKeyLastUsedOutput = z.looseObject({
  UserName: OptString,
  AccessKeyLastUsed: z
    .looseObject({ LastUsedDate: SdkDate, ServiceName: OptString, Region: OptString })
    .optional()
    .catch(undefined),
});

export const SshPublicKeyMetadata = z.looseObject({
  UserName: OptString,
  SSHPublicKeyId: z.string().min(1),
  Status: OptString,
  UploadDate: SdkDate,
});
export type SshPublicKeyMetadata = z.infer<typeof SshPublicKeyMetadata>;
export const ListSshPublicKeysOutput = z.looseObject({ SSHPublicKeys: itemsOf(SshPublicKeyMetadata) });

/** The certificate body is deliberately not modelled: it is not needed and never stored. */
export const SigningCertificate = z.looseObject({
  UserName: OptString,
  CertificateId: z.string().min(1),
  Status: OptString,
  UploadDate: SdkDate,
});
export type SigningCertificate = z.infer<typeof SigningCertificate>;
export const ListSigningCertificatesOutput = z.looseObject({ Certificates: itemsOf(SigningCertificate) });

export const GetLoginProfileOutput = z.looseObject({
  LoginProfile: z.looseObject({ UserName: OptString, CreateDate: SdkDate }).optional().catch(undefined),
});

/** Parses each item of a raw list; returns the good ones and how many were dropped. */
export const parseItems = <T>(
  schema: z.ZodType<T>,
  items: readonly unknown[],
): { items: T[]; invalid: number } => {
  const out: T[] = [];
  let invalid = 0;
  for (const raw of items) {
    const parsed = schema.safeParse(raw);
    if (parsed.success) out.push(parsed.data);
    else invalid += 1;
  }
  return { items: out, invalid };
};
