// One target's collection: who am I (STS), the whole IAM picture (GetAccountAuthorizationDetails),
// the credential report (or its per-user fallback), then identities, streamed.
import { setMaxListeners } from 'node:events';
import type { Agent as HttpAgent } from 'node:http';
import { GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { CollectContext } from '../../src/connector.js';
import { mapLimit, mapWindow } from '../../src/concurrency.js';
import { ScanError } from '../../src/errors.js';
import { networkAgent } from '../../src/proxy.js';
import type { IdentityInput } from '../../src/model.js';
import { AWS_KINDS, AWS_TRUST_PRINCIPAL } from './attributes.js';
import { type AuthorizationDetails, GAAD_CALL, readAuthorizationDetails } from './authorization-details.js';
import type { AwsConfig } from './config.js';
import type { CredentialReportRow } from './credential-report.js';
import { buildRootAccount } from './root-account.js';
import { attachServiceLastAccessed, wantsLastAccessed } from './last-accessed.js';
import {
  type UserCalls,
  type UserCredentialFacts,
  credentialsFromApi,
  credentialsFromReport,
} from './credentials.js';
import { awsGap, isNotFound, targetError } from './errors.js';
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
import { NONE } from './effective.js';
import { type ComputedPrivilege, type PrivilegeLimits, computePrivilege, decideAction } from './privilege.js';
import { type Sleep, fetchCredentialReport } from './credential-report-fetch.js';
import { CallerIdentity, type UserDetail } from './schema.js';
import type { OrganizationMembership } from './targets.js';
import { sender } from './send.js';
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
  httpAgent?: HttpAgent;
  httpsAgent?: HttpAgent;
} => {
  // HTTPS_PROXY / NO_PROXY: the SDK's node:http handler ignores them by itself.
  const agent = networkAgent();
  return {
    connectionTimeout: ms,
    // Without throwOnRequestTimeout the handler only logs a warning when requestTimeout passes.
    requestTimeout: ms,
    throwOnRequestTimeout: true,
    socketTimeout: ms,
    ...(agent ? { httpAgent: agent, httpsAgent: agent } : {}),
  };
};

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
  /** Set when an organisation target listed the account. */
  organization?: OrganizationMembership | undefined;
  /** The credentials that listed the organisation: they read its SCPs and RCPs. */
  organizationCredentials?: CredentialProvider | undefined;
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
    await resolveCredentials(opts);
    const { account, arn: callerArn } = await whoAmI(sts, ctx);
    const details = await readAuthorizationDetails(iam, ctx);
    // One reporter for roles and users: a shared managed policy is reported once.
    const problems = documentProblems(ctx);
    const membership = opts.organization;
    const limits = await organizationLimits(
      membership && opts.organizationCredentials
        ? { ...clientConfig, credentials: opts.organizationCredentials }
        : clientConfig,
      config,
      account,
      ctx,
      membership,
    );
    // The scan's own credentials are an identity like any other: marked, and judged the same.
    // Principals worth IAM's service last accessed data are held back and asked about together
    // (one polling loop for all their jobs); the others stream on.
    const lastAccessed = config.serviceLastAccessed;
    const held: IdentityInput[] = [];
    for (const found of roles(details, account, problems, limits, ctx, membership)) {
      const role = markScanner(found, callerArn);
      if (wantsLastAccessed(role, lastAccessed)) held.push(role);
      else yield role;
    }
    for await (const found of users(iam, details, account, problems, limits, opts, ctx)) {
      const user = markScanner(found, callerArn);
      if (wantsLastAccessed(user, lastAccessed)) held.push(user);
      else yield user;
    }
    yield* withLastAccessed(iam, held, lastAccessed, opts.sleep, ctx);
  } finally {
    sts.destroy();
    iam.destroy();
    release();
  }
}

/** Resolves credentials once up front so a failure names the call that failed (AssumeRole, SSO, …). */
export const resolveCredentials = async (
  opts: Pick<CollectOptions, 'credentials' | 'credentialsCall' | 'credentialsHint'>,
): Promise<void> => {
  try {
    await opts.credentials();
  } catch (err) {
    const failure = targetError(opts.credentialsCall, err);
    if (opts.credentialsHint && failure.gap.code === 'auth_failed') {
      failure.gap.message = `${failure.gap.message} (${opts.credentialsHint})`;
    }
    throw failure;
  }
};

/**
 * Is `identity` the principal the scan runs as? GetCallerIdentity names a user or the root by
 * its IAM ARN, a role by its session (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`, no path).
 */
export const isCaller = (identity: IdentityInput, callerArn: string): boolean => {
  const session = /^arn:[^:]+:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(callerArn);
  if (session)
    return (
      identity.kind === AWS_KINDS.iamRole &&
      identity.location.scope === session[1] &&
      identity.name === session[2]
    );
  if (/^arn:[^:]+:iam::\d{12}:root$/.test(callerArn))
    return identity.kind === AWS_KINDS.rootAccount && callerArn.includes(`::${identity.location.scope}:`);
  return identity.uid === callerArn;
};

const markScanner = (identity: IdentityInput, callerArn: string): IdentityInput =>
  isCaller(identity, callerArn)
    ? { ...identity, attributes: { ...identity.attributes, scanner: true, scannerPrincipal: callerArn } }
    : identity;

/** The held principals, with their service last accessed data (or why it is unknown). */
async function* withLastAccessed(
  iam: IAMClient,
  held: IdentityInput[],
  config: AwsConfig['serviceLastAccessed'],
  sleep: Sleep,
  ctx: CollectContext,
): AsyncGenerator<IdentityInput> {
  if (!config.enabled) {
    ctx.note('service last accessed data not read: serviceLastAccessed.enabled is false in the AWS config');
    return;
  }
  const folded = foldGaps(ctx, 'principal');
  let failure: Error | undefined;
  try {
    await attachServiceLastAccessed(iam, held, config, folded.ctx, sleep);
  } catch (err) {
    // Stopped (deadline, interrupt) while waiting: the principals are still inventoried, their use unknown.
    failure = err instanceof Error ? err : new Error(String(err));
    for (const identity of held) {
      if (identity.attributes?.['serviceLastAccessed'] !== undefined) continue;
      identity.attributes = {
        ...identity.attributes,
        serviceLastAccessed: { status: 'unknown', reason: 'the target stopped before the job finished' },
      };
    }
  } finally {
    folded.flush();
  }
  ctx.note(
    `IAM service last accessed data asked for ${plural(held.length, 'principal')} whose effective level is at least ${config.minLevel} (serviceLastAccessed.minLevel)`,
  );
  yield* held;
  if (failure !== undefined) throw failure;
}

export const whoAmI = async (
  sts: STSClient,
  ctx: CollectContext,
): Promise<{ account: string; arn: string }> => {
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
  return { account: parsed.data.Account, arn: parsed.data.Arn };
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
  membership: OrganizationMembership | undefined,
): Generator<IdentityInput> {
  const noLastUsed: string[] = [];
  for (const role of details.roles) {
    // SCPs never restrict service-linked roles.
    const built = buildRole(role, details, account, role.Path.startsWith(SERVICE_LINKED_PATH) ? {} : limits);
    report(role.Arn, built.problems);
    if (membership?.zoneOfTrust)
      markOrganizationTrust(built.identity.trust, membership.id, membership.zoneOfTrust);
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
  // Users only the report knows are inventoried too (their tags and policies unknown): when the
  // details failed, or when a "complete" answer left them out (a proxy that reshaped the XML parses
  // into empty lists, not an error), which is itself a gap naming them.
  if (report) {
    const known = new Set(plans.map((p) => p.arn));
    let missing = [...report.users.values()].filter((row) => !known.has(row.arn));
    // A reused report (up to 4 hours old) still lists users deleted since: GetUser tells them apart.
    if (details.complete && missing.length > 0) missing = await stillPresent(iam, missing, ctx);
    for (const row of missing) plans.push({ arn: row.arn, name: row.user, detail: undefined, row });
    if (details.complete && missing.length > 0) {
      ctx.gap({
        code: 'invalid_response',
        call: GAAD_CALL,
        ...(missing.length === 1 ? { resource: missing[0]?.arn } : {}),
        message: `the credential report lists ${plural(missing.length, 'user')} that GetAccountAuthorizationDetails did not return (their tags and policies are unknown): ${listSome(missing.map((r) => r.arn))}`,
      });
    }
    // The other way: a user the report should show (created before it was generated) but does not.
    const generated = outcome.ok && outcome.generatedAt ? Date.parse(outcome.generatedAt) : NaN;
    const absent = details.users.filter(
      (u) => !report.users.has(u.Arn) && u.CreateDate !== undefined && Date.parse(u.CreateDate) < generated,
    );
    if (absent.length > 0) {
      ctx.gap({
        code: 'partial_data',
        call: 'iam:GetCredentialReport',
        ...(absent.length === 1 ? { resource: absent[0]?.Arn } : {}),
        message: `the credential report has no row for ${plural(absent.length, 'user')} created before it was generated: ${listSome(absent.map((u) => u.Arn))}`,
        fallback: FALLBACK,
        recovered: true,
      });
    }
  }

  // One gap per call and cause, naming the users, not one per user (thousands when a permission is missing).
  const folded = foldGaps(ctx, 'user');
  const calls: UserCalls = { iam, send: sender(iam, ctx.signal), ctx: folded.ctx };
  // A window of users a few times the concurrency: the limiter keeps `concurrency` calls in
  // flight while some users wait on a second call; no barrier between batches.
  const window = Math.max(16, ctx.concurrency * 4);
  let people = 0;
  let fallbackComplete = true;
  const ssh = opts.config.sshPublicKeys;
  let sshListed = 0;
  try {
    const built = mapWindow(plans, window, async (plan) => {
      // Privilege first (no call): it decides whether the user's SSH keys are worth a call.
      const privilege = userPrivilege(plan, details, limits);
      const sshPublicKeys = ssh === true || (ssh === 'codecommit' && mayUseCodeCommit(privilege));
      if (sshPublicKeys) sshListed += 1;
      const facts = plan.row
        ? await credentialsFromReport(calls, plan, plan.row, { sshPublicKeys, listKeysOfKeylessUsers })
        : await credentialsFromApi(calls, plan, { sshPublicKeys });
      return { plan, facts, privilege };
    });
    for await (const { plan, facts, privilege } of built) {
      if (!facts.fallbackComplete && !plan.row) fallbackComplete = false;
      if (facts.person) {
        people += 1;
        continue;
      }
      reported(plan.arn, privilege.invalid);
      yield userIdentity(plan, facts, privilege, account);
    }
  } finally {
    // Also when the target stops early (deadline, interrupt): what was learned is recorded.
    folded.flush();
  }

  if (ssh === 'codecommit' && plans.length > 0) {
    ctx.note(
      `SSH public keys listed for ${sshListed} of ${plans.length} IAM users: those whose access allows a CodeCommit git action (or is unknown); the keys of the others authenticate to nothing (sshPublicKeys: true lists every user's)`,
    );
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

/** Report rows whose user still exists (or whose existence could not be checked: kept, unknown). */
const stillPresent = async (
  iam: IAMClient,
  rows: readonly CredentialReportRow[],
  ctx: CollectContext,
): Promise<CredentialReportRow[]> => {
  const checked = await mapLimit(rows, ctx.concurrency, async (row) => {
    try {
      await iam.send(new GetUserCommand({ UserName: row.user }), { abortSignal: ctx.signal });
      return row;
    } catch (err) {
      if (isNotFound(err)) {
        ctx.note(
          `credential report row ${row.arn} skipped: the user was deleted after the report was generated`,
        );
        return undefined;
      }
      ctx.gap(awsGap('iam:GetUser', err, { resource: row.arn }));
      return row;
    }
  });
  return checked.filter((r): r is CredentialReportRow => r !== undefined);
};

type GapInput = Parameters<CollectContext['gap']>[0];

/**
 * A context whose per-resource gaps (per user, per principal) are held and folded by call, code,
 * permission and fallback: one resource keeps its gap as it was; several become one gap listing them.
 */
const foldGaps = (ctx: CollectContext, noun: string): { ctx: CollectContext; flush: () => void } => {
  const groups = new Map<string, GapInput[]>();
  const gap = (g: GapInput): void => {
    if (g.resource === undefined) {
      ctx.gap(g);
      return;
    }
    const key = [g.call, g.code, g.permission ?? '', g.fallback ?? '', String(g.recovered ?? false)].join(
      '\u0000',
    );
    groups.set(key, [...(groups.get(key) ?? []), g]);
  };
  const flush = (): void => {
    for (const list of groups.values()) {
      const [first] = list;
      if (!first) continue;
      if (list.length === 1) {
        ctx.gap(first);
        continue;
      }
      const rest: GapInput = { ...first };
      delete rest.resource;
      ctx.gap({
        ...rest,
        message: `${plural(list.length, noun)}: ${listSome(list.map((g) => g.resource ?? ''))} (first: ${first.message})`,
      });
    }
    groups.clear();
  };
  return { ctx: { ...ctx, gap }, flush };
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const listSome = (items: readonly string[]): string =>
  `${items.slice(0, 10).join(', ')}${items.length > 10 ? `, … (${items.length - 10} more)` : ''}`;

/** "arn:aws:iam::123456789012:root" / "123456789012" → the 12-digit account, else undefined. */
const trustedAccount = (principal: string): string | undefined =>
  /^\d{12}$/.test(principal) ? principal : /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];

/** Trust in another account of the same organisation is inside its zone of trust. */
export const markOrganizationTrust = (
  trust: IdentityInput['trust'],
  organizationId: string,
  accounts: ReadonlySet<string>,
): void => {
  for (const t of trust ?? []) {
    if (t.principalType !== AWS_TRUST_PRINCIPAL.aws) continue;
    const account = trustedAccount(t.principal);
    if (account !== undefined && accounts.has(account)) t.organization = organizationId;
  }
};

/** CodeCommit's git actions: the only use of an IAM user's SSH public keys. */
const CODECOMMIT_GIT = ['codecommit:GitPull', 'codecommit:GitPush'];

/**
 * Whether the user may use CodeCommit (so its SSH keys are credentials worth listing): yes when
 * its effective access allows a git action even conditionally, and also when a policy of it could
 * not be read (unknown is not absent).
 */
export const mayUseCodeCommit = (privilege: ComputedPrivilege): boolean =>
  privilege.unreadSources > 0 ||
  CODECOMMIT_GIT.some(
    (action) => decideAction(privilege.grants, privilege.limits ?? [], action).state !== NONE,
  );

const userPrivilege = (
  plan: UserPlan,
  details: AuthorizationDetails,
  limits: PrivilegeLimits,
): ComputedPrivilege => {
  const u = plan.detail;
  if (u) {
    return computePrivilege(userPolicySources(u, details), {
      ...limits,
      boundary: boundarySource(u.PermissionsBoundary?.PermissionsBoundaryArn, details),
    });
  }
  const privilege = computePrivilege([], limits);
  privilege.unreadSources += 1;
  privilege.reasons.push(
    'GetAccountAuthorizationDetails did not return this user: its policies are unknown, not absent',
  );
  return privilege;
};

const userIdentity = (
  plan: UserPlan,
  facts: UserCredentialFacts,
  privilege: ComputedPrivilege,
  account: string,
): IdentityInput => {
  const u = plan.detail;
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
      managedPolicies: u?.AttachedManagedPolicies.map((p) => p.PolicyArn),
      inlinePolicies: u?.UserPolicyList.map((p) => p.PolicyName),
      consolePassword: facts.consolePassword,
      passwordLastUsed: facts.passwordLastUsed,
      mfaActive: facts.mfaActive,
      credentials: facts.credentials,
      privilege,
      detailsMissing: u === undefined,
    },
    account,
  );
};
