// One target's collection: who am I (STS), the whole IAM picture (GetAccountAuthorizationDetails),
// the credential report (or its per-user fallback), then identities, streamed.
import { setMaxListeners } from 'node:events';
import { IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { CollectContext } from '../../src/connector.js';
import { mapLimit } from '../../src/concurrency.js';
import { ScanError } from '../../src/errors.js';
import type { IdentityInput } from '../../src/model.js';
import { type AuthorizationDetails, GAAD_CALL, readAuthorizationDetails } from './authorization-details.js';
import type { AwsConfig } from './config.js';
import type { CredentialReportRow } from './credential-report.js';
import { buildRootAccount } from './root-account.js';
import {
  type UserCalls,
  type UserCredentialFacts,
  credentialsFromApi,
  credentialsFromReport,
} from './credentials.js';
import { targetError } from './errors.js';
import {
  SERVICE_LINKED_PATH,
  boundarySource,
  buildRole,
  buildUser,
  pathFromArn,
  tagsOf,
  userPolicySources,
} from './identities.js';
import { organizationLimits } from './organization.js';
import { type PrivilegeLimits, computePrivilege } from './privilege.js';
import { type Sleep, fetchCredentialReport } from './report.js';
import { CallerIdentity, type UserDetail } from './schema.js';
import { traceCalls } from './trace.js';

export const FALLBACK = 'ListAccessKeys + GetAccessKeyLastUsed per user';
/** A report generated this long before asOf (or less) was generated for this scan. */
export const REPORT_FRESH_MS = 5 * 60_000;
/**
 * IAM throttles per account, and a scan sends a few calls per user: adaptive mode slows the client
 * down when throttled instead of spending its few attempts at full speed. AWS_MAX_ATTEMPTS and
 * AWS_RETRY_MODE, when set, still win.
 */
export const RETRY_DEFAULTS = { retryMode: 'adaptive', maxAttempts: 8 } as const;

/** Settings passed to every SDK client (tests lower maxAttempts). Never an endpoint: the SDK reads AWS_ENDPOINT_URL*. */
export interface ClientSettings {
  maxAttempts?: number;
  retryMode?: 'standard' | 'adaptive' | 'legacy';
}

/** The retry defaults, minus whatever the environment sets (the SDK reads it when we do not). */
export const retrySettings = (env: NodeJS.ProcessEnv = process.env): ClientSettings => ({
  ...(env.AWS_RETRY_MODE ? {} : { retryMode: RETRY_DEFAULTS.retryMode }),
  ...(env.AWS_MAX_ATTEMPTS ? {} : { maxAttempts: RETRY_DEFAULTS.maxAttempts }),
});

/**
 * The SDK's Node request handler settings: a connection that does not open, or a request that
 * stays silent, this long fails (and the SDK's retries each get the same bound; the target's
 * deadline, through the abort signal, bounds them all).
 */
export const requestHandlerSettings = (
  ms: number,
): {
  connectionTimeout: number;
  requestTimeout: number;
  throwOnRequestTimeout: true;
  socketTimeout: number;
} => ({
  connectionTimeout: ms,
  // Without throwOnRequestTimeout the handler only logs a warning when requestTimeout passes.
  requestTimeout: ms,
  throwOnRequestTimeout: true,
  socketTimeout: ms,
});

/** A credential provider as the SDK's own providers return it. */
export type CredentialProvider = ReturnType<typeof fromNodeProviderChain>;

export interface CollectOptions {
  config: AwsConfig;
  credentials: CredentialProvider;
  /** The call that resolves the credentials, for the gap when it fails (e.g. "sts:AssumeRole"). */
  credentialsCall: string;
  /** What to do when no credentials resolve, added to the gap's message. */
  credentialsHint?: string;
  clientSettings: ClientSettings;
  sleep: Sleep;
}

interface UserPlan {
  arn: string;
  name: string;
  detail: UserDetail | undefined;
  row: CredentialReportRow | undefined;
}

/**
 * A signal of the target's own: every in-flight SDK request adds an abort listener, and with the
 * per-target concurrency (plus sockets closing lazily) Node would warn about a leak that is not one.
 */
const targetSignal = (
  parent: AbortSignal,
  concurrency: number,
): { signal: AbortSignal; release: () => void } => {
  const controller = new AbortController();
  setMaxListeners(concurrency * 4 + 16, controller.signal);
  const onAbort = (): void => {
    controller.abort(parent.reason);
  };
  if (parent.aborted) onAbort();
  else parent.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    release: () => {
      parent.removeEventListener('abort', onAbort);
    },
  };
};

export async function* collectAccount(
  opts: CollectOptions,
  parentCtx: CollectContext,
): AsyncGenerator<IdentityInput> {
  const { config } = opts;
  const { signal, release } = targetSignal(parentCtx.signal, parentCtx.concurrency);
  const ctx: CollectContext = { ...parentCtx, signal };
  const clientConfig = {
    region: config.region,
    credentials: opts.credentials,
    requestHandler: requestHandlerSettings(parentCtx.requestTimeoutMs),
    ...retrySettings(),
    ...opts.clientSettings,
  };
  const sts = traceCalls(new STSClient(clientConfig), 'sts', ctx.log);
  const iam = traceCalls(new IAMClient(clientConfig), 'iam', ctx.log);
  try {
    // Resolve credentials once up front so a failure names the call that failed (AssumeRole, SSO, …).
    try {
      await opts.credentials();
    } catch (err) {
      const failure = targetError(opts.credentialsCall, err);
      if (opts.credentialsHint && failure.gap.code === 'auth_failed') {
        failure.gap.message = `${failure.gap.message} (${opts.credentialsHint})`;
      }
      throw failure;
    }
    const account = await whoAmI(sts, ctx);
    const details = await readAuthorizationDetails(iam, ctx);
    // One reporter for roles and users: a shared managed policy is reported once.
    const problems = documentProblems(ctx);
    const limits = await organizationLimits(clientConfig, config, account, ctx);
    yield* roles(details, account, problems, limits, ctx);
    yield* users(iam, details, account, problems, limits, opts, ctx);
  } finally {
    sts.destroy();
    iam.destroy();
    release();
  }
}

const whoAmI = async (sts: STSClient, ctx: CollectContext): Promise<string> => {
  let raw: unknown;
  try {
    raw = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: ctx.signal });
  } catch (err) {
    throw targetError('sts:GetCallerIdentity', err);
  }
  const parsed = CallerIdentity.safeParse(raw);
  if (!parsed.success) {
    throw new ScanError({
      code: 'invalid_response',
      call: 'sts:GetCallerIdentity',
      message: 'GetCallerIdentity returned no 12-digit Account or no Arn',
    });
  }
  ctx.setScope(parsed.data.Account);
  ctx.setPrincipal(parsed.data.Arn);
  return parsed.data.Account;
};

/** Reports an unreadable document once per policy (a managed policy is shared by many identities). */
const documentProblems = (ctx: CollectContext) => {
  const seen = new Set<string>();
  return (
    identityArn: string,
    problems: readonly { prefix: string; message: string; code?: 'partial_data' }[],
  ): void => {
    for (const p of problems) {
      const shared = p.prefix.startsWith('managed:') || p.prefix.startsWith('group-');
      const key = shared ? p.prefix : `${identityArn}|${p.prefix}`;
      if (seen.has(key)) continue;
      seen.add(key);
      ctx.gap({
        code: p.code ?? 'invalid_response',
        call: GAAD_CALL,
        resource: shared ? p.prefix.slice(p.prefix.indexOf(':') + 1) : identityArn,
        message: `${p.prefix}: ${p.message}`,
      });
    }
  };
};

function* roles(
  details: AuthorizationDetails,
  account: string,
  report: ReturnType<typeof documentProblems>,
  limits: PrivilegeLimits,
  ctx: CollectContext,
): Generator<IdentityInput> {
  const noLastUsed: string[] = [];
  for (const role of details.roles) {
    // SCPs never restrict service-linked roles.
    const built = buildRole(role, details, account, role.Path.startsWith(SERVICE_LINKED_PATH) ? {} : limits);
    report(role.Arn, built.problems);
    if (role.RoleLastUsed === undefined) noLastUsed.push(role.Arn);
    yield built.identity;
  }
  if (noLastUsed.length > 0) {
    ctx.gap({
      code: 'partial_data',
      call: GAAD_CALL,
      ...(noLastUsed.length === 1 ? { resource: noLastUsed[0] } : {}),
      message: `${noLastUsed.length} role${noLastUsed.length === 1 ? '' : 's'} came without RoleLastUsed, so ${noLastUsed.length === 1 ? 'its' : 'their'} last use is unknown: ${noLastUsed.slice(0, 10).join(', ')}${noLastUsed.length > 10 ? ', …' : ''}`,
    });
  }
}

async function* users(
  iam: IAMClient,
  details: AuthorizationDetails,
  account: string,
  reported: ReturnType<typeof documentProblems>,
  limits: PrivilegeLimits,
  opts: CollectOptions,
  ctx: CollectContext,
): AsyncGenerator<IdentityInput> {
  const outcome = await fetchCredentialReport(iam, ctx, {
    maxWaitSeconds: opts.config.credentialReport.maxWaitSeconds,
    sleep: opts.sleep,
  });
  const report = outcome.ok ? outcome.report : undefined;
  let listKeysOfKeylessUsers = false;
  if (outcome.ok) {
    ctx.note(
      `IAM credential report generated at ${outcome.generatedAt ?? 'an unknown time'} (GeneratedTime)`,
    );
    const generated = outcome.generatedAt === undefined ? NaN : Date.parse(outcome.generatedAt);
    if (!(ctx.clock.asOf.getTime() - generated <= REPORT_FRESH_MS)) {
      listKeysOfKeylessUsers = true;
      ctx.note(
        'the credential report predates the scan (AWS reuses one for up to 4 hours): access keys were listed for every user, so keys created since are seen',
      );
    }
    const root = outcome.report.root;
    if (root) {
      const rootIdentity = buildRootAccount(root, account);
      if (rootIdentity) yield rootIdentity;
      else
        ctx.note('root account: no access key or signing certificate (credential report row <root_account>)');
    }
    if (outcome.report.invalidLines.length > 0 || outcome.report.missingColumns.length > 0) {
      ctx.gap({
        code: 'invalid_response',
        call: 'iam:GetCredentialReport',
        message: [
          outcome.report.invalidLines.length > 0
            ? `unreadable rows at lines ${outcome.report.invalidLines.join(', ')}`
            : '',
          outcome.report.missingColumns.length > 0
            ? `missing columns ${outcome.report.missingColumns.join(', ')}`
            : '',
        ]
          .filter(Boolean)
          .join('; '),
      });
    }
  } else {
    ctx.note(
      'credential report unavailable: access keys read with ListAccessKeys + GetAccessKeyLastUsed and console passwords with GetLoginProfile, per user',
    );
  }

  const plans: UserPlan[] = details.users.map((u) => ({
    arn: u.Arn,
    name: u.UserName,
    detail: u,
    row: report?.users.get(u.Arn),
  }));
  // When the details are incomplete, users only the report knows are still inventoried.
  if (!details.complete && report) {
    const known = new Set(plans.map((p) => p.arn));
    for (const row of report.users.values()) {
      if (!known.has(row.arn)) plans.push({ arn: row.arn, name: row.user, detail: undefined, row });
    }
  }

  const calls: UserCalls = { iam, ctx };
  const chunkSize = Math.max(16, ctx.concurrency * 4);
  let people = 0;
  let fallbackComplete = true;
  for (let i = 0; i < plans.length; i += chunkSize) {
    const chunk = plans.slice(i, i + chunkSize);
    const built = await mapLimit(chunk, ctx.concurrency, async (plan) => {
      const facts = plan.row
        ? await credentialsFromReport(calls, plan, plan.row, {
            sshPublicKeys: opts.config.sshPublicKeys,
            listKeysOfKeylessUsers,
          })
        : await credentialsFromApi(calls, plan, { sshPublicKeys: opts.config.sshPublicKeys });
      return { plan, facts };
    });
    for (const { plan, facts } of built) {
      if (!facts.fallbackComplete && !plan.row) fallbackComplete = false;
      if (facts.person) {
        people += 1;
        continue;
      }
      yield userIdentity(plan, facts, details, account, reported, limits);
    }
  }

  if (people > 0) {
    ctx.note(
      `${people} IAM user${people === 1 ? '' : 's'} with console passwords and no active access keys skipped as people`,
    );
  }
  if (!outcome.ok) {
    ctx.gap({ ...outcome.gap, fallback: FALLBACK, recovered: fallbackComplete });
  }
}

const userIdentity = (
  plan: UserPlan,
  facts: UserCredentialFacts,
  details: AuthorizationDetails,
  account: string,
  reported: ReturnType<typeof documentProblems>,
  limits: PrivilegeLimits,
): IdentityInput => {
  const u = plan.detail;
  let privilege;
  if (u) {
    privilege = computePrivilege(userPolicySources(u, details), {
      ...limits,
      boundary: boundarySource(u.PermissionsBoundary?.PermissionsBoundaryArn, details),
    });
    reported(plan.arn, privilege.invalid);
  } else {
    privilege = computePrivilege([], limits);
    privilege.reasons.push(
      'GetAccountAuthorizationDetails did not return this user: its policies are unknown, not absent',
    );
  }
  return buildUser(
    {
      arn: plan.arn,
      name: plan.name,
      path: u?.Path ?? pathFromArn(plan.arn),
      userId: u?.UserId,
      createdAt: u?.CreateDate ?? plan.row?.userCreationTime,
      tags: tagsOf(u?.Tags ?? []),
      groups: u?.GroupList ?? [],
      permissionsBoundary: u?.PermissionsBoundary?.PermissionsBoundaryArn,
      consolePassword: facts.consolePassword,
      passwordLastUsed: facts.passwordLastUsed,
      mfaActive: facts.mfaActive,
      credentials: facts.credentials,
      privilege,
    },
    account,
  );
};
