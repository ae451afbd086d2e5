// IAM's service last accessed data ("access advisor"): which services an identity's policies allow,
// and when the identity last authenticated to each. GenerateServiceLastAccessedDetails starts a
// job per principal; GetServiceLastAccessedDetails is polled (bounded wait, the target's deadline
// on every call) until COMPLETED or FAILED, then read page by page. A job that fails, is refused
// or does not finish in time leaves that principal's use unknown: a gap, never "no service used".
import {
  GenerateServiceLastAccessedDetailsCommand,
  GetServiceLastAccessedDetailsCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { z } from 'zod';
import type { CollectContext } from '../../src/connector.js';
import { mapLimit } from '../../src/concurrency.js';
import { compareCodeUnits } from '../../src/order.js';
import { PRIVILEGE_ORDER, Privilege, type IdentityInput, type PrivilegeLevel } from '../../src/model.js';
import { AWS_KINDS, type ServiceLastAccessedAttribute } from './attributes.js';
import { serviceActions } from './action-catalog.js';
import type { AwsConfig } from './config.js';
import { NONE, evaluator } from './effective.js';
import { awsGap } from './errors.js';
import { FIRST_POLL_MS, MAX_POLL_MS, type Sleep } from './credential-report-fetch.js';
import { SdkDate } from './schema.js';

export const GENERATE_CALL = 'iam:GenerateServiceLastAccessedDetails';
export const GET_CALL = 'iam:GetServiceLastAccessedDetails';

/** One principal's answer: the services its identity policies allow, each with its last use. */
export type LastAccessed = ServiceLastAccessedAttribute;
/**
 * One service and its last use (null: none recorded in IAM's tracking period). `blockedBy` is set
 * when the effective evaluation (boundary, SCPs, RCPs, Denies) allows no action of the service:
 * IAM reports what the identity policies allow, not what reaches through the limits.
 */
export type ServiceUse = Extract<LastAccessed, { status: 'complete' }>['services'][number];

const OptString = z.string().optional().catch(undefined);

const GenerateOutput = z.looseObject({ JobId: z.string().min(1) });

const ServiceLastAccessed = z.looseObject({
  ServiceName: z.string(),
  ServiceNamespace: z.string().min(1),
  LastAuthenticated: SdkDate,
  LastAuthenticatedRegion: OptString,
});

const GetOutput = z.looseObject({
  /** IN_PROGRESS | COMPLETED | FAILED */
  JobStatus: z.string(),
  JobCompletionDate: SdkDate,
  ServicesLastAccessed: z.array(z.unknown()).optional().catch(undefined),
  IsTruncated: z.boolean().optional().catch(undefined),
  Marker: OptString,
  Error: z.looseObject({ Code: OptString, Message: OptString }).optional().catch(undefined),
});
type GetOutput = z.infer<typeof GetOutput>;

export interface LastAccessedOptions {
  maxWaitSeconds: number;
  sleep: Sleep;
}

type GapInput = Parameters<CollectContext['gap']>[0];

const servicesOf = (page: GetOutput, arn: string, ctx: CollectContext): ServiceUse[] | undefined => {
  const out: ServiceUse[] = [];
  for (const raw of page.ServicesLastAccessed ?? []) {
    const parsed = ServiceLastAccessed.safeParse(raw);
    if (!parsed.success) {
      ctx.gap({
        code: 'invalid_response',
        call: GET_CALL,
        resource: arn,
        message: 'a ServicesLastAccessed entry came without ServiceName or ServiceNamespace',
      });
      return undefined;
    }
    const s = parsed.data;
    out.push({
      namespace: s.ServiceNamespace,
      name: s.ServiceName,
      lastAuthenticated: s.LastAuthenticated ?? null,
      ...(s.LastAuthenticatedRegion ? { lastAuthenticatedRegion: s.LastAuthenticatedRegion } : {}),
    });
  }
  return out;
};

/**
 * Starts one job per principal, polls them together, and returns each principal's answer. Gaps go
 * through `ctx.gap` with the principal as resource (the caller folds them per call and cause).
 */
export const readServiceLastAccessed = async (
  iam: IAMClient,
  arns: readonly string[],
  ctx: CollectContext,
  opts: LastAccessedOptions,
): Promise<Map<string, LastAccessed>> => {
  const results = new Map<string, LastAccessed>();
  const unknown = (arn: string, gap: GapInput): void => {
    ctx.gap({ ...gap, resource: arn });
    results.set(arn, { status: 'unknown', reason: `${gap.call}: ${gap.message}` });
  };
  const jobs = new Map<string, string>();
  await mapLimit(arns, ctx.concurrency, async (arn) => {
    try {
      const out = await iam.send(new GenerateServiceLastAccessedDetailsCommand({ Arn: arn }), {
        abortSignal: ctx.signal,
      });
      const parsed = GenerateOutput.safeParse(out);
      if (parsed.success) jobs.set(arn, parsed.data.JobId);
      else
        unknown(arn, {
          code: 'invalid_response',
          call: GENERATE_CALL,
          message: 'the answer carried no JobId',
        });
    } catch (err) {
      unknown(arn, awsGap(GENERATE_CALL, err));
    }
  });

  /** One principal's job: undefined while IN_PROGRESS. */
  const poll = async (arn: string, jobId: string): Promise<LastAccessed | undefined> => {
    const services: ServiceUse[] = [];
    let marker: string | undefined;
    let completedAt: string | undefined;
    for (;;) {
      let page: GetOutput;
      try {
        const out = await iam.send(
          new GetServiceLastAccessedDetailsCommand({
            JobId: jobId,
            MaxItems: 1000,
            ...(marker ? { Marker: marker } : {}),
          }),
          { abortSignal: ctx.signal },
        );
        const parsed = GetOutput.safeParse(out);
        if (!parsed.success) {
          unknown(arn, {
            code: 'invalid_response',
            call: GET_CALL,
            message: 'the answer carried no JobStatus',
          });
          return results.get(arn);
        }
        page = parsed.data;
      } catch (err) {
        unknown(arn, awsGap(GET_CALL, err));
        return results.get(arn);
      }
      if (page.JobStatus === 'IN_PROGRESS' && marker === undefined) return undefined;
      if (page.JobStatus !== 'COMPLETED') {
        const why = page.Error
          ? `${page.Error.Code ?? 'error'}: ${page.Error.Message ?? ''}`
          : 'no reason given';
        unknown(arn, {
          code: page.JobStatus === 'FAILED' ? 'unavailable' : 'invalid_response',
          call: GET_CALL,
          message: `job ${jobId} ended ${page.JobStatus} (${why})`,
        });
        return results.get(arn);
      }
      completedAt ??= page.JobCompletionDate;
      const found = servicesOf(page, arn, ctx);
      if (!found) {
        const result: LastAccessed = { status: 'unknown', reason: `${GET_CALL}: unreadable service entry` };
        results.set(arn, result);
        return result;
      }
      services.push(...found);
      if (page.IsTruncated !== true) break;
      if (!page.Marker) {
        unknown(arn, {
          code: 'invalid_response',
          call: GET_CALL,
          message: 'a truncated page carried no Marker',
        });
        return results.get(arn);
      }
      marker = page.Marker;
    }
    const result: LastAccessed = {
      status: 'complete',
      ...(completedAt ? { jobCompletedAt: completedAt } : {}),
      services: services.sort((a, b) => compareCodeUnits(a.namespace, b.namespace)),
    };
    results.set(arn, result);
    return result;
  };

  const maxWaitMs = opts.maxWaitSeconds * 1000;
  let waited = 0;
  let delay = FIRST_POLL_MS;
  let pending = [...jobs.entries()];
  for (;;) {
    const done = await mapLimit(pending, ctx.concurrency, ([arn, jobId]) => poll(arn, jobId));
    pending = pending.filter((_, i) => done[i] === undefined);
    if (pending.length === 0) break;
    if (waited >= maxWaitMs) {
      for (const [arn, jobId] of pending) {
        unknown(arn, {
          code: 'timeout',
          call: GET_CALL,
          message: `job ${jobId} still IN_PROGRESS after ${Math.round(waited / 1000)}s (providers.aws.serviceLastAccessed.maxWaitSeconds = ${opts.maxWaitSeconds})`,
        });
      }
      break;
    }
    const wait = Math.min(delay, maxWaitMs - waited);
    await opts.sleep(wait, ctx.signal);
    waited += wait;
    delay = Math.min(delay * 2, MAX_POLL_MS);
  }
  return results;
};

/** The level that decides whether a principal is worth two calls: its conditional level when higher. */
const levelOf = (identity: IdentityInput): PrivilegeLevel => {
  const p = identity.privilege;
  const level = p?.level ?? 'none';
  const conditional = p?.conditionalLevel;
  return conditional && PRIVILEGE_ORDER.indexOf(conditional) > PRIVILEGE_ORDER.indexOf(level)
    ? conditional
    : level;
};

/** Whether the scan asks IAM about this identity (provider-managed roles are never judged). */
export const wantsLastAccessed = (
  identity: IdentityInput,
  config: AwsConfig['serviceLastAccessed'],
): boolean =>
  config.enabled &&
  // IAM answers for users, groups, roles and policies: not for the root user.
  (identity.kind === AWS_KINDS.iamUser || identity.kind === AWS_KINDS.iamRole) &&
  identity.managedBy !== 'provider' &&
  PRIVILEGE_ORDER.indexOf(levelOf(identity)) >= PRIVILEGE_ORDER.indexOf(config.minLevel);

/** Marks the services no action of which gets through the identity's limits and Denies. */
export const markBlocked = (identity: IdentityInput, services: readonly ServiceUse[]): ServiceUse[] => {
  const privilege = Privilege.parse(identity.privilege ?? { level: 'none' });
  const ev = evaluator(privilege.grants, privilege.limits ?? []);
  return services.map((s) => {
    const actions = serviceActions(s.namespace);
    // A service AWS's catalog does not know cannot be checked: kept as granted.
    if (!actions) return s;
    let blockedBy: string | undefined;
    for (const name of actions.names) {
      const decision = ev.decide(`${s.namespace}:${name}`);
      if (decision.state !== NONE) return s;
      blockedBy ??= decision.blockedBy;
    }
    return { ...s, blockedBy: blockedBy ?? 'no action of it is allowed' };
  });
};

/**
 * Reads the service last accessed data of the identities that qualify and writes it under
 * `attributes.serviceLastAccessed` (also `unknown` with the reason when the job failed).
 */
export const attachServiceLastAccessed = async (
  iam: IAMClient,
  identities: readonly IdentityInput[],
  config: AwsConfig['serviceLastAccessed'],
  ctx: CollectContext,
  sleep: Sleep,
): Promise<void> => {
  const chosen = identities.filter((i) => wantsLastAccessed(i, config));
  if (chosen.length === 0) return;
  const answers = await readServiceLastAccessed(
    iam,
    chosen.map((i) => i.uid),
    ctx,
    { maxWaitSeconds: config.maxWaitSeconds, sleep },
  );
  for (const identity of chosen) {
    const answer = answers.get(identity.uid);
    if (!answer) continue;
    const value: LastAccessed =
      answer.status === 'complete' ? { ...answer, services: markBlocked(identity, answer.services) } : answer;
    identity.attributes = { ...identity.attributes, serviceLastAccessed: value };
  }
};
