// The AWS doctor's fallback when iam:SimulatePrincipalPolicy is refused or unavailable (an
// emulator, a principal not allowed to simulate): each read call of the permission manifest is
// sent once, in its cheapest form (MaxItems/MaxResults 1), through the clients and credentials a
// scan uses. Only an answer is evidence: success, or an error AWS gives after authorising the call
// (no such entity, no credential report yet, no organization) → granted; AccessDenied → missing;
// anything else, or a call that needs a resource the caller cannot name, → unknown.
import {
  GenerateCredentialReportCommand,
  GenerateServiceLastAccessedDetailsCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountAuthorizationDetailsCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  GetServiceLastAccessedDetailsCommand,
  GetUserCommand,
  type IAMClient,
  ListAccessKeysCommand,
  ListSSHPublicKeysCommand,
  ListSigningCertificatesCommand,
} from '@aws-sdk/client-iam';
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { z } from 'zod';
import type { DoctorCheck } from '../../src/connector.js';
import { errorName } from '../../src/errors.js';
import type { AwsConfig } from './config.js';
import { awsGap } from './errors.js';
import type { AwsTargetData } from './targets.js';

export type ProbeResult = Pick<DoctorCheck, 'status'> & { detail: string };

/** Errors AWS only returns once the caller is authorised for the call: proof of the permission. */
const PAST_AUTHORISATION = new Set([
  'NoSuchEntity',
  'NoSuchEntityException',
  // GetCredentialReport's (the SDK names them by shape, the wire by code).
  'ReportNotPresent',
  'CredentialReportNotPresentException',
  'ReportExpired',
  'CredentialReportExpiredException',
  'ReportInProgress',
  'CredentialReportNotReadyException',
  'AWSOrganizationsNotInUseException',
  'ChildNotFoundException',
  'TargetNotFoundException',
  'ParentNotFoundException',
  'PolicyNotFoundException',
]);

const ORG_POLICY_CALLS = [
  'organizations:DescribeOrganization',
  'organizations:ListParents',
  'organizations:ListPoliciesForTarget',
  'organizations:DescribePolicy',
];
const ORG_TARGET_CALLS = [
  'organizations:ListRoots',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:ListAccountsForParent',
  'organizations:ListTagsForResource',
];
const LAST_ACCESSED_CALLS = ['iam:GenerateServiceLastAccessedDetails', 'iam:GetServiceLastAccessedDetails'];

const FirstId = z
  .object({ Roots: z.array(z.object({ Id: z.string().min(1) })).min(1) })
  .transform((r) => r.Roots[0]?.Id);
const FirstPolicyId = z
  .object({ Policies: z.array(z.object({ Id: z.string().min(1) })).min(1) })
  .transform((r) => r.Policies[0]?.Id);
const JobId = z.object({ JobId: z.string().min(1) }).transform((r) => r.JobId);

/** The IAM user name of a caller ARN (`arn:aws:iam::ACCOUNT:user/PATH/NAME`), undefined for roles and root. */
export const callerUserName = (arn: string): string | undefined =>
  /^arn:[^:]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];

/**
 * Probes every permission in `permissions` (manifest order) and returns a result for each. `who`
 * is what GetCallerIdentity said (and `policyArn` its IAM principal); `accessKeyId` the key the clients sign with (a key id, not a
 * secret: the scan inventories them).
 */
export const probePermissions = async (opts: {
  permissions: readonly string[];
  iam: IAMClient;
  org: OrganizationsClient;
  who: { account: string; arn: string; policyArn: string; accessKeyId?: string };
  data: AwsTargetData;
  config: AwsConfig;
  signal: AbortSignal;
}): Promise<Map<string, ProbeResult>> => {
  const { iam, org, who, data, config } = opts;
  const send = { abortSignal: opts.signal };
  const user = callerUserName(who.arn);
  const found: { rootId?: string; policyId?: string; jobId?: string } = {};
  const results = new Map<string, ProbeResult>();

  const probe = async <T>(
    call: string,
    request: () => Promise<unknown>,
    keep?: { schema: z.ZodType<T>; set: (v: T) => void },
  ): Promise<ProbeResult> => {
    let answer: unknown;
    try {
      answer = await request();
    } catch (err) {
      const gap = awsGap(call, err);
      if (gap.code === 'access_denied') return { status: 'missing', detail: `probed: ${errorName(err)}` };
      if (PAST_AUTHORISATION.has(errorName(err)))
        return {
          status: 'granted',
          detail: `probed: ${errorName(err)}, an answer given only once authorised`,
        };
      return { status: 'unknown', detail: `probed, no evidence either way: ${gap.message}` };
    }
    const kept = keep?.schema.safeParse(answer);
    if (keep && kept?.success) keep.set(kept.data);
    return { status: 'granted', detail: 'probed: the call succeeded' };
  };
  const needs = (what: string): ProbeResult => ({ status: 'unknown', detail: `not probed: needs ${what}` });
  const notNeeded = (why: string): ProbeResult => ({ status: 'not-needed', detail: why });
  const asUser = (call: string, request: (userName: string) => Promise<unknown>): Promise<ProbeResult> =>
    user === undefined
      ? Promise.resolve(needs('an IAM user; the caller is not one'))
      : probe(call, () => request(user)).then((r) =>
          r.status === 'granted' ? { ...r, detail: `${r.detail} (on the caller's own user)` } : r,
        );

  const probes: Record<string, () => Promise<ProbeResult>> = {
    'iam:GetAccountAuthorizationDetails': () =>
      probe('iam:GetAccountAuthorizationDetails', () =>
        iam.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 1 }), send),
      ),
    'iam:GenerateCredentialReport': () =>
      probe('iam:GenerateCredentialReport', () => iam.send(new GenerateCredentialReportCommand({}), send)),
    'iam:GetCredentialReport': () =>
      probe('iam:GetCredentialReport', () => iam.send(new GetCredentialReportCommand({}), send)),
    'iam:ListAccessKeys': () =>
      asUser('iam:ListAccessKeys', (UserName) =>
        iam.send(new ListAccessKeysCommand({ UserName, MaxItems: 1 }), send),
      ),
    'iam:GetUser': () =>
      asUser('iam:GetUser', (UserName) => iam.send(new GetUserCommand({ UserName }), send)),
    'iam:GetAccessKeyLastUsed': () =>
      user === undefined || who.accessKeyId === undefined
        ? Promise.resolve(needs("an IAM user's access key; the caller signs with none"))
        : asUser('iam:GetAccessKeyLastUsed', () =>
            iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: who.accessKeyId }), send),
          ),
    'iam:GetLoginProfile': () =>
      asUser('iam:GetLoginProfile', (UserName) => iam.send(new GetLoginProfileCommand({ UserName }), send)),
    'iam:ListSigningCertificates': () =>
      asUser('iam:ListSigningCertificates', (UserName) =>
        iam.send(new ListSigningCertificatesCommand({ UserName, MaxItems: 1 }), send),
      ),
    'iam:ListSSHPublicKeys': () =>
      config.sshPublicKeys === false
        ? Promise.resolve(notNeeded('sshPublicKeys is off in the AWS config'))
        : asUser('iam:ListSSHPublicKeys', (UserName) =>
            iam.send(new ListSSHPublicKeysCommand({ UserName, MaxItems: 1 }), send),
          ),
    // Starts a job, as a scan does; its id lets GetServiceLastAccessedDetails be probed.
    'iam:GenerateServiceLastAccessedDetails': () =>
      probe(
        'iam:GenerateServiceLastAccessedDetails',
        () => iam.send(new GenerateServiceLastAccessedDetailsCommand({ Arn: who.policyArn }), send),
        { schema: JobId, set: (v) => (found.jobId = v) },
      ),
    'iam:GetServiceLastAccessedDetails': () =>
      found.jobId === undefined
        ? Promise.resolve(needs('a job id, which GenerateServiceLastAccessedDetails did not give'))
        : probe('iam:GetServiceLastAccessedDetails', () =>
            iam.send(new GetServiceLastAccessedDetailsCommand({ JobId: found.jobId, MaxItems: 1 }), send),
          ),
    'organizations:DescribeOrganization': () =>
      probe('organizations:DescribeOrganization', () => org.send(new DescribeOrganizationCommand({}), send)),
    'organizations:ListParents': () =>
      probe('organizations:ListParents', () =>
        org.send(new ListParentsCommand({ ChildId: who.account, MaxResults: 1 }), send),
      ),
    'organizations:ListPoliciesForTarget': () =>
      probe(
        'organizations:ListPoliciesForTarget',
        () =>
          org.send(
            new ListPoliciesForTargetCommand({
              TargetId: who.account,
              Filter: 'SERVICE_CONTROL_POLICY',
              MaxResults: 1,
            }),
            send,
          ),
        { schema: FirstPolicyId, set: (v) => (found.policyId = v) },
      ),
    'organizations:DescribePolicy': () =>
      found.policyId === undefined
        ? Promise.resolve(needs('a policy id, which ListPoliciesForTarget did not give'))
        : probe('organizations:DescribePolicy', () =>
            org.send(new DescribePolicyCommand({ PolicyId: found.policyId }), send),
          ),
    'organizations:ListRoots': () =>
      probe('organizations:ListRoots', () => org.send(new ListRootsCommand({ MaxResults: 1 }), send), {
        schema: FirstId,
        set: (v) => (found.rootId = v),
      }),
    'organizations:ListOrganizationalUnitsForParent': () =>
      found.rootId === undefined
        ? Promise.resolve(needs('the root id, which ListRoots did not give'))
        : probe('organizations:ListOrganizationalUnitsForParent', () =>
            org.send(
              new ListOrganizationalUnitsForParentCommand({ ParentId: found.rootId, MaxResults: 1 }),
              send,
            ),
          ),
    'organizations:ListAccountsForParent': () =>
      found.rootId === undefined
        ? Promise.resolve(needs('the root id, which ListRoots did not give'))
        : probe('organizations:ListAccountsForParent', () =>
            org.send(new ListAccountsForParentCommand({ ParentId: found.rootId, MaxResults: 1 }), send),
          ),
    'organizations:ListTagsForResource': () =>
      probe('organizations:ListTagsForResource', () =>
        org.send(new ListTagsForResourceCommand({ ResourceId: who.account }), send),
      ),
    // Assuming a member's role has side effects nowhere, but which role is the target's to say.
    'sts:AssumeRole': () =>
      Promise.resolve(needs("a member account's role; a scan names each it cannot assume")),
  };

  // Sequential, in manifest order: later probes use what earlier ones found (root, policy, job id).
  for (const permission of opts.permissions) {
    const skip =
      LAST_ACCESSED_CALLS.includes(permission) && !config.serviceLastAccessed.enabled
        ? notNeeded('serviceLastAccessed is off in the AWS config')
        : ORG_POLICY_CALLS.includes(permission) && !config.organizationPolicies
          ? notNeeded('organizationPolicies is off in the AWS config')
          : ORG_TARGET_CALLS.includes(permission) && data.type !== 'organization'
            ? notNeeded('only `organization` targets call it')
            : permission === 'sts:AssumeRole' && data.type !== 'assume-role' && data.type !== 'organization'
              ? notNeeded('this target assumes no role')
              : undefined;
    const run = probes[permission];
    results.set(
      permission,
      skip ?? (run ? await run() : needs('a probe nhiscan does not have for this call')),
    );
  }
  return results;
};
