// The IAM actions the AWS connector's calls need, as data (src/permissions.ts): one entry per SDK
// command it sends, named `service:Action` as the call trace names them (trace.ts) and as IAM's
// Service Authorization Reference does. The readme's section and the README's list are written
// from it, and a test checks every command the demo scan sends is here.
import type { PermissionEntry, PermissionManifest } from '../../src/permissions.js';

/** An IAM policy document (the subset written here). */
export interface IamPolicyDocument {
  Version: '2012-10-17';
  Statement: { Sid: string; Effect: 'Allow'; Action: string[]; Resource: '*' }[];
}

const entry = (
  action: string,
  reads: string,
  required: boolean,
  extra: Partial<PermissionEntry> = {},
): PermissionEntry => ({ permission: action, reads, calls: [action], required, ...extra });

const IAM: readonly PermissionEntry[] = [
  entry(
    'iam:GetAccountAuthorizationDetails',
    'users, groups, roles, inline and managed policy documents, tags, permissions boundaries, role last use',
    true,
  ),
  entry('iam:GenerateCredentialReport', 'starts (or reuses) the credential report', false),
  entry(
    'iam:GetCredentialReport',
    'password state and last use, MFA, access-key and signing-certificate slots of every user',
    false,
  ),
  entry('iam:ListAccessKeys', 'access key ids of a user', true),
  entry(
    'iam:GetUser',
    'whether a user the credential report lists but GetAccountAuthorizationDetails did not return still exists',
    false,
  ),
  entry('iam:GetAccessKeyLastUsed', 'last use of a key the credential report does not cover', false),
  entry('iam:GetLoginProfile', 'whether a user without a report row has a console password', false),
  entry('iam:ListSigningCertificates', 'signing certificate ids, status and upload date', false),
  entry('iam:ListSSHPublicKeys', 'CodeCommit SSH key ids, status and upload date (`sshPublicKeys`)', false),
  entry(
    'iam:GenerateServiceLastAccessedDetails',
    'starts the service last accessed job of a principal at or above `serviceLastAccessed.minLevel`',
    false,
  ),
  entry(
    'iam:GetServiceLastAccessedDetails',
    'the services its policies allow and when it last used each (`serviceLastAccessed`)',
    false,
  ),
  entry(
    'iam:SimulatePrincipalPolicy',
    '`nhiscan doctor` only: which of these actions the scan principal is allowed (a scan never calls it)',
    false,
  ),
];

const ORGANIZATIONS: readonly PermissionEntry[] = [
  entry(
    'organizations:DescribeOrganization',
    'the organization and its management account (`organizationPolicies`)',
    false,
  ),
  entry('organizations:ListParents', "the account's OU path", false),
  entry('organizations:ListPoliciesForTarget', 'the SCPs and RCPs attached at each level of the path', false),
  entry('organizations:DescribePolicy', 'each SCP and RCP document', false),
  entry('organizations:ListRoots', '`organization` targets: the root of the OU tree', false),
  entry(
    'organizations:ListOrganizationalUnitsForParent',
    '`organization` targets: the OUs below the root and each OU',
    false,
  ),
  entry(
    'organizations:ListAccountsForParent',
    '`organization` targets: the accounts of the root and each OU',
    false,
  ),
  entry(
    'organizations:ListTagsForResource',
    '`organization` targets: account tags, only when an include/exclude filter names a tag',
    false,
  ),
];

const STS: readonly PermissionEntry[] = [
  entry('sts:GetCallerIdentity', 'the account id and who the scan runs as', true, {
    implicit: 'AWS allows it to every caller',
  }),
  entry(
    'sts:AssumeRole',
    '`assume-role` and `organization` targets: the source identity assumes each target role (allow it on `arn:<partition>:iam::<accountId>:role/<roleName>`; that role trusts the source)',
    false,
  ),
];

const actions = (entries: readonly PermissionEntry[]): string[] => entries.map((e) => e.permission);

export const awsPermissions: PermissionManifest<IamPolicyDocument> = {
  provider: 'aws',
  howToGrant:
    'Attach this policy to the identity nhiscan runs as (or to the role it assumes in each account). The AWS managed `SecurityAudit` policy covers it too. `iam:GenerateCredentialReport` only produces the report; without it (or without `iam:GetCredentialReport`) the scan falls back to the per-user calls and says so. The Organizations actions are usually allowed only in the management account or a delegated administrator; where they are denied the scan records a gap and privilege levels are upper bounds (`organizationPolicies: false` skips them).',
  grantsCaption: 'A read-only IAM policy',
  grants: {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'NhiscanReadIam', Effect: 'Allow', Action: actions(IAM), Resource: '*' },
      {
        Sid: 'NhiscanReadOrganizationPolicies',
        Effect: 'Allow',
        Action: actions(ORGANIZATIONS),
        Resource: '*',
      },
    ],
  },
  entries: [...IAM, ...ORGANIZATIONS, ...STS],
};
