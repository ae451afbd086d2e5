// The `providers.aws` block of the config. Credentials never appear here: each target names a
// way to reach an account through the SDK's own chain (env, profiles, SSO, instance roles).
import { z } from 'zod';

const AccountId = z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id');
/** An organizational unit ("ou-ab12-cdef3456") or the root ("r-ab12"). */
const OuId = z
  .string()
  .regex(
    /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/,
    'expected an OU id (ou-…) or the root id (r-…)',
  );

/** Which member accounts of an organisation to scan: an account matches when any entry does. */
const AccountSelector = z.strictObject({
  accounts: z.array(AccountId).default([]),
  /** An account anywhere below one of these OUs (or the root). */
  ous: z.array(OuId).default([]),
  /** Account tags, key → value; an account matches when it carries any one of them. */
  tags: z.record(z.string().min(1), z.string()).default({}),
});
export type AccountSelector = z.infer<typeof AccountSelector>;

export const AwsTarget = z.discriminatedUnion('type', [
  /** The SDK's default credential chain (env, AWS_PROFILE, SSO, instance/container role). */
  z.strictObject({ type: z.literal('default') }),
  /** A named profile from ~/.aws/config (SSO profiles included). */
  z.strictObject({ type: z.literal('profile'), profile: z.string().min(1) }),
  /** Accounts reached by sts:AssumeRole from the default chain or `sourceProfile`. */
  z.strictObject({
    type: z.literal('assume-role'),
    accountIds: z.array(AccountId).min(1),
    roleName: z.string().min(1).default('NhiscanReadOnly'),
    /** Optional; prefer `externalIdEnv` so the value stays out of the file. */
    externalId: z.string().min(2).optional(),
    /** Name of an environment variable holding the ExternalId. */
    externalIdEnv: z.string().min(1).optional(),
    sourceProfile: z.string().min(1).optional(),
    sessionName: z.string().min(2).max(64).default('nhiscan'),
    /** The partition's ARN prefix ("aws", "aws-us-gov", "aws-cn"). */
    partition: z.enum(['aws', 'aws-us-gov', 'aws-cn']).default('aws'),
  }),
  /**
   * Every active account of an AWS Organization, listed from the management account or a delegated
   * administrator (the default chain or `sourceProfile`) and reached by sts:AssumeRole of
   * `roleName` in each; the account the source credentials belong to is scanned with them.
   */
  z.strictObject({
    type: z.literal('organization'),
    roleName: z.string().min(1).default('NhiscanReadOnly'),
    externalId: z.string().min(2).optional(),
    externalIdEnv: z.string().min(1).optional(),
    sourceProfile: z.string().min(1).optional(),
    sessionName: z.string().min(2).max(64).default('nhiscan'),
    partition: z.enum(['aws', 'aws-us-gov', 'aws-cn']).default('aws'),
    /** Only these accounts (none given: all of them). */
    include: AccountSelector.optional(),
    /** Never these accounts (wins over include). */
    exclude: AccountSelector.optional(),
    /**
     * Roles trusting another account of the same organisation are not "external" (the
     * organisation as zone of trust, as IAM Access Analyzer uses it); `account` judges every
     * other account as external.
     */
    zoneOfTrust: z.enum(['organization', 'account']).default('organization'),
  }),
]);
export type AwsTarget = z.infer<typeof AwsTarget>;

/** The partition a region belongs to (IAM and STS endpoints, and ARNs, differ per partition). */
export const partitionOfRegion = (region: string): 'aws' | 'aws-us-gov' | 'aws-cn' =>
  region.startsWith('us-gov-') ? 'aws-us-gov' : region.startsWith('cn-') ? 'aws-cn' : 'aws';

export const AwsConfig = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** IAM is global; this is the region used for STS and request signing. */
    region: z.string().min(1).default('us-east-1'),
    targets: z
      .array(AwsTarget)
      .min(1)
      .default([{ type: 'default' }]),
    credentialReport: z
      .strictObject({
        /** Give up waiting for GenerateCredentialReport after this long and fall back. */
        maxWaitSeconds: z.number().min(0).max(900).default(120),
      })
      .default({ maxWaitSeconds: 120 }),
    /**
     * IAM SSH public keys only authenticate to CodeCommit: `codecommit` (default) lists them for the
     * users whose effective access allows a CodeCommit git action (or is unknown); `true` for every
     * user (one call each); `false` never.
     */
    sshPublicKeys: z.union([z.boolean(), z.literal('codecommit')]).default('codecommit'),
    /**
     * Read the SCPs and RCPs of each account's OU path through AWS Organizations and apply them to
     * privilege (needs organizations:ListParents, ListPoliciesForTarget, DescribePolicy: usually the
     * management account or a delegated administrator). A denied call is a gap; privilege is then
     * computed without them, and says so.
     */
    organizationPolicies: z.boolean().default(true),
    /**
     * IAM's service last accessed data (GenerateServiceLastAccessedDetails, then
     * GetServiceLastAccessedDetails polled): which granted services each principal used and when,
     * for the aws-unused-services policy. Two calls or more per principal, so only principals whose
     * effective level is at least `minLevel`; a job not done after `maxWaitSeconds` is a gap.
     */
    serviceLastAccessed: z
      .strictObject({
        enabled: z.boolean().default(true),
        minLevel: z.enum(['read', 'write', 'admin']).default('write'),
        maxWaitSeconds: z.number().min(0).max(900).default(60),
      })
      .default({ enabled: true, minLevel: 'write', maxWaitSeconds: 60 }),
  })
  // One region serves every target: a GovCloud or China role cannot be assumed through the
  // commercial STS endpoint (it would fail as a bad token, far from the cause).
  .superRefine((config, ctx) => {
    const partition = partitionOfRegion(config.region);
    config.targets.forEach((t, i) => {
      if ((t.type === 'assume-role' || t.type === 'organization') && t.partition !== partition) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', i, 'partition'],
          message: `partition ${t.partition} needs a region of that partition (region is ${config.region}, in ${partition}); scan other partitions from a config of their own`,
        });
      }
    });
  });
export type AwsConfig = z.infer<typeof AwsConfig>;
