// `nhiscan doctor` for one AWS account: the credentials resolve, sts:GetCallerIdentity names the
// principal, and iam:SimulatePrincipalPolicy says which actions of the permission manifest its
// policies allow. Where the simulation is refused or unavailable (denied, an emulator without it)
// doctor probes each call instead (doctor-probe.ts); for the root user every permission is
// unknown, never granted.
import { IAMClient, paginateSimulatePrincipalPolicy } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import type { CollectContext, DoctorCheck, DoctorReport } from '../../src/connector.js';
import {
  type ClientSettings,
  requestHandlerSettings,
  resolveCredentials,
  retrySettings,
  whoAmI,
} from './collect.js';
import type { AwsConfig } from './config.js';
import { probePermissions } from './doctor-probe.js';
import { awsGap } from './errors.js';
import { awsPermissions } from './permissions.js';
import { SimulatePolicyOutput } from './schema.js';
import type { AwsTargetData } from './targets.js';
import { traceCalls } from './trace.js';

const SIMULATE = 'iam:SimulatePrincipalPolicy';

/**
 * The ARN SimulatePrincipalPolicy takes for the caller: a user's as GetCallerIdentity gives it, a
 * role's from its session (`sts::…:assumed-role/NAME/SESSION` → `iam::…:role/NAME`; the session ARN
 * has no role path, so a role under a path is not found). Undefined for the root user.
 */
export const policySourceArn = (callerArn: string): string | undefined => {
  const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(callerArn);
  if (session) return `arn:${session[1]}:iam::${session[2]}:role/${session[3]}`;
  if (/^arn:[^:]+:iam::\d{12}:root$/.test(callerArn)) return undefined;
  return callerArn;
};

export const doctorAws = async (
  credentials: {
    provider: Parameters<typeof resolveCredentials>[0]['credentials'];
    call: string;
    hint?: string;
  },
  data: AwsTargetData,
  config: AwsConfig,
  ctx: CollectContext,
  clientSettings: ClientSettings,
): Promise<DoctorReport> => {
  const clientConfig = {
    region: config.region,
    credentials: credentials.provider,
    requestHandler: requestHandlerSettings(ctx.requestTimeoutMs),
    ...retrySettings(),
    ...clientSettings,
  };
  const sts = traceCalls(new STSClient(clientConfig), 'sts', ctx.log);
  const iam = traceCalls(new IAMClient(clientConfig), 'iam', ctx.log);
  const org = traceCalls(new OrganizationsClient(clientConfig), 'organizations', ctx.log);
  try {
    await resolveCredentials({
      credentials: credentials.provider,
      credentialsCall: credentials.call,
      ...(credentials.hint !== undefined ? { credentialsHint: credentials.hint } : {}),
    });
    const { account, arn } = await whoAmI(sts, ctx);
    const entries = awsPermissions.entries.filter((e) => !e.implicit);
    const method = `${SIMULATE} (simulated) on the caller's own policies (SCPs, resource policies and conditions are not simulated)`;
    // The scan assumed the target role: that call worked, whatever the source's policies say.
    const assumed = (permission: string): boolean =>
      permission === 'sts:AssumeRole' && data.type === 'assume-role';
    const check = (
      e: (typeof entries)[number],
      status: DoctorCheck['status'],
      detail?: string,
    ): DoctorCheck => ({
      permission: e.permission,
      status: assumed(e.permission) ? 'granted' : status,
      reads: e.reads,
      required: e.required,
      ...(assumed(e.permission)
        ? { detail: 'the target role was assumed' }
        : detail !== undefined
          ? { detail }
          : {}),
    });
    const unknown = (detail: string): DoctorReport => ({
      principal: arn,
      method,
      checks: entries.map((e) => check(e, 'unknown', detail)),
    });
    const source = policySourceArn(arn);
    if (source === undefined)
      return unknown('the root user is allowed every action; run nhiscan as an IAM user or role instead');
    const decisions = new Map<string, string>();
    try {
      const pages = paginateSimulatePrincipalPolicy(
        { client: iam },
        { PolicySourceArn: source, ActionNames: entries.map((e) => e.permission) },
      );
      for await (const page of pages) {
        for (const r of SimulatePolicyOutput.parse(page).EvaluationResults)
          decisions.set(r.EvalActionName, r.EvalDecision);
      }
    } catch (err) {
      // Refused or unavailable: probe each call instead, with the same clients and credentials.
      const gap = awsGap(SIMULATE, err);
      const refused = gap.code === 'access_denied';
      // A key id is not a secret (the scan inventories them); it names the caller's own key.
      const { accessKeyId } = await credentials.provider();
      const probed = await probePermissions({
        permissions: entries.map((e) => e.permission).filter((p) => p !== SIMULATE),
        iam,
        org,
        who: { account, arn, policyArn: source, accessKeyId },
        data,
        config,
        signal: ctx.signal,
      });
      return {
        principal: arn,
        method: `a probe of each call, sent once in its cheapest form with the scan's credentials (probed: ${SIMULATE} was ${refused ? 'refused' : 'unavailable'})`,
        checks: entries.map((e) => {
          if (e.permission === SIMULATE)
            return refused
              ? check(e, 'missing', `refused: ${gap.message}`)
              : check(e, 'unknown', `unavailable: ${gap.message}`);
          const r = probed.get(e.permission);
          return r ? check(e, r.status, r.detail) : check(e, 'unknown', 'not probed');
        }),
      };
    }
    return {
      principal: arn,
      method,
      checks: entries.map((e) => {
        const decision = decisions.get(e.permission);
        return decision === 'allowed'
          ? check(e, 'granted')
          : decision === 'implicitDeny' || decision === 'explicitDeny'
            ? check(e, 'missing', decision)
            : check(e, 'unknown', 'the simulation returned no decision for it');
      }),
    };
  } finally {
    sts.destroy();
    iam.destroy();
    org.destroy();
  }
};
