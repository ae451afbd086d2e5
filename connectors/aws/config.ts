// The `providers.aws` block of the config. Credentials never appear here: each target names a
// way to reach an account through the SDK's own chain (env, profiles, SSO, instance roles).
import { z } from 'zod';

const AccountId = z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id');

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
]);
export type AwsTarget = z.infer<typeof AwsTarget>;

export const AwsConfig = z.strictObject({
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
  /** List SSH public keys (CodeCommit) per user: one call per user. */
  sshPublicKeys: z.boolean().default(true),
});
export type AwsConfig = z.infer<typeof AwsConfig>;
