// Orchestration: every target of every enabled connector, with bounded concurrency; coverage per
// target; then owners, then policies. A failure in one target never aborts the others.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Clock } from './clock.js';
import { type OpenedSession, createCollectContext, openSession } from './collect-context.js';
import { mapLimit } from './concurrency.js';
import { type Config, resolveFromConfig } from './config.js';
import type { AnyConnector, CollectContext, Target } from './connector.js';
import { type Directory, loadDirectory } from './directory.js';
import { Interrupted, ScanError, TargetDeadline, UsageError, errorMessage, errorName } from './errors.js';
import { evaluatePolicies } from './evaluate.js';
import { type Logger, withEvents } from './log.js';
import type { ProgressSink } from './progress.js';
import {
  Coverage,
  type Gap,
  Identity,
  isOpenGap,
  type Scan,
  type ScanResult,
  ScanResult as ScanResultSchema,
  type Severity,
  severityRank,
} from './model.js';
import { ownerResolver } from './owner.js';
import { applyFinancialScope } from './financial-scope.js';
import { applyExceptions, type ExceptionRule, loadExceptions } from './exceptions.js';
import { applyAcceptedGaps } from './accepted-gaps.js';
import { createControlResolver } from './controls/index.js';
import { VERSION } from './version.js';
import { compareCodeUnits } from './order.js';
import { sha256, stableStringify } from './hash.js';
import { type TargetSelection, isEmptySelection, targetSelector } from './target-select.js';
import { type ShardSpec, assignShards } from './shard-plan.js';
import { builtins } from './registry.js';
import { createSharePool, shareFinding, shareIdentity } from './share.js';
import { type TargetPool, type WorkersSetting, createTargetPool, workerCount } from './target-workers.js';

/**
 * A target from which nothing could be read is `failed`, not `partial`: no identity came back
 * and every call that was tried was refused (denied, or its credentials rejected).
 */
export const readNothing = (identities: number, gaps: readonly Gap[]): boolean => {
  // A gap no permission can close says nothing about whether the credentials worked.
  const telling = gaps.filter((g) => g.closable !== false);
  return (
    identities === 0 &&
    telling.length > 0 &&
    telling.every((g) => !g.recovered && (g.code === 'access_denied' || g.code === 'auth_failed'))
  );
};

export interface ScanOptions {
  config: Config;
  clock: Clock;
  log: Logger;
  directory?: Directory | undefined;
  /** Accepted-risk exceptions (already validated). */
  exceptions?: readonly ExceptionRule[] | undefined;
  signal?: AbortSignal;
  /** `--target` / `--provider`: the targets to run (default every target of the config). */
  select?: TargetSelection | undefined;
  /** `--shard I/N`: collect only this shard's targets (src/shard.ts decides which). */
  shard?: ShardSpec | undefined;
  /** The progress display (src/progress.ts): told of each target, identity, call and wait. */
  progress?: ProgressSink | undefined;
  /** `--workers`: worker threads collecting targets (overrides the config's `workers`; 1 = none). */
  workers?: WorkersSetting | undefined;
}

export interface TargetRun {
  coverage: Coverage;
  identities: Identity[];
}

/** One entry of the scan's plan: a target in the order a whole run records it, and its shard. */
export interface PlannedTarget {
  provider: string;
  target: string;
  /** It listed other targets (an organisation): every shard lists it, shard 1 records it. */
  discovery: boolean;
  /** 1-based; always 1 without --shard. */
  shard: number;
}

/** What the targets gave, before judging: each run with its place in the plan. */
export interface Collected {
  startedAt: string;
  plan: PlannedTarget[];
  runs: { position: number; run: TargetRun }[];
  interrupted: boolean;
}

/** Connector sessions by provider block (its parsed config object). */
type Sessions = ReadonlyMap<unknown, Promise<OpenedSession>>;

export const runScan = async (options: ScanOptions): Promise<Scan> => {
  const collected = await collectScan(options);
  return judgeScan(options, collected);
};

/** Collects every target of the config (or of its shard) without judging. */
export const collectScan = async (options: ScanOptions): Promise<Collected> => {
  const { config, clock, log } = options;
  const abort = options.signal ?? new AbortController().signal;
  // Each provider block with targets opens its connector's session once, before its first target.
  const sessions = new Map<unknown, Promise<OpenedSession>>();
  for (const { connector, config: providerConfig } of config.providers) {
    sessions.set(
      providerConfig,
      openSession(connector, providerConfig, {
        clock,
        log,
        signal: abort,
        baseDir: config.baseDir,
        requestTimeoutMs: config.file.timeouts.requestSeconds * 1000,
      }),
    );
  }
  try {
    return await scanWith({ ...options, signal: abort }, sessions);
  } finally {
    // Closed after the last target, also when the scan failed; a failed close is reported, not hidden.
    for (const opened of sessions.values()) {
      const o = await opened;
      if (o.ok && o.session)
        await o.session.close().catch((err: unknown) => {
          log.error(`closing a connector session failed: ${errorMessage(err)}`);
        });
    }
  }
};

/**
 * The config hash the result records covers everything that changes the verdict: the config file,
 * and the contents of the people directory, the exceptions and the plug-in modules it names (not
 * just their paths).
 */
/** The files besides the config that change the verdict: the people directory and the exceptions. */
export const verdictInputs = (
  config: Config,
): { directory: Directory | undefined; exceptions: ExceptionRule[] | undefined } => ({
  // The path as written is what evidence names: the same on every machine, no local folders.
  directory: config.file.directory
    ? loadDirectory(
        resolveFromConfig(config, config.file.directory.path),
        config.file.directory,
        config.file.directory.path,
      )
    : undefined,
  exceptions: config.file.exceptions
    ? loadExceptions(resolveFromConfig(config, config.file.exceptions))
    : undefined,
});

export const verdictHash = (
  config: Config,
  directory: Directory | undefined,
  exceptions: readonly ExceptionRule[] | undefined,
): string =>
  directory === undefined && exceptions === undefined && config.plugins === undefined
    ? config.hash
    : sha256(
        stableStringify({
          config: config.hash,
          ...(directory ? { directory: directory.digest } : {}),
          ...(exceptions ? { exceptions } : {}),
          ...(config.plugins ? { plugins: config.plugins } : {}),
        }),
      );

const scanWith = async (
  { config, clock, log, signal, select, shard, progress, workers }: ScanOptions,
  sessions: Sessions,
): Promise<Collected> => {
  const startedAt = clock.now().toISOString();
  const abort = signal ?? new AbortController().signal;
  const selector = targetSelector(select);
  const all = config.providers.flatMap(({ connector, config: providerConfig }) =>
    connector.targets(providerConfig).map((target) => ({ connector, providerConfig, target })),
  );
  const configured = all.filter(({ connector, target }) =>
    connector.expand ? selector.lists(target) : selector.selects(target),
  );
  const selectsNothing = (): UsageError =>
    new UsageError(
      `--target / --provider select none of the config's targets (${all.map((j) => j.target.id).join(', ')})`,
    );
  if (configured.length === 0 && !isEmptySelection(select)) throw selectsNothing();
  // A provider whose authentication failed as a whole: its remaining targets are skipped, recorded.
  const deadProviders = new Map<string, string>();
  const markDead = (connectorId: string, err: unknown): void => {
    if (err instanceof ScanError && err.reach === 'provider') deadProviders.set(connectorId, err.message);
  };
  const skipIfDead = (connectorId: string, ctx: CollectContext): boolean => {
    const dead = deadProviders.get(connectorId);
    if (dead)
      ctx.gap({ code: 'auth_failed', call: `${connectorId}:authenticate`, message: `skipped: ${dead}` });
    return dead !== undefined;
  };

  // Discovery: targets that stand for many are listed first, each child becoming a target.
  const discoveries = await mapLimit(configured, config.file.targetConcurrency, async (job) => {
    const { connector, providerConfig, target } = job;
    if (!connector.expand) return { run: undefined, jobs: [job] };
    const expand = connector.expand.bind(connector);
    let children: Target[] | undefined;
    const run = await collectTarget(target, providerConfig, async (ctx) => {
      if (skipIfDead(connector.id, ctx)) return { skipped: true };
      try {
        children = await expand(target, providerConfig, ctx);
      } catch (err) {
        markDead(connector.id, err);
        throw err;
      }
      if (children && !isEmptySelection(select)) {
        const listed = children.length;
        children = children.filter((child) => selector.selectsChild(target, child));
        if (children.length < listed)
          ctx.note(`${listed - children.length} listed target(s) not selected by --target / --provider`);
      }
      if (children) ctx.note(`lists ${children.length} target(s): ${children.map((c) => c.id).join(', ')}`);
      return { skipped: false };
    });
    // undefined: the connector scans this target itself after all.
    if (children === undefined && run.coverage.status !== 'failed' && run.coverage.status !== 'skipped') {
      // Listed only because a pattern named its provider: it is not selected itself.
      return { run: undefined, jobs: selector.selects(target) ? [job] : [] };
    }
    // Listed only for a pattern no child matched, and nothing went wrong: not part of this scan.
    if (children?.length === 0 && !selector.selects(target) && run.coverage.status === 'complete') {
      return { run: undefined, jobs: [] };
    }
    // It listed targets rather than being one: the summary shows it as discovery.
    if (children !== undefined) run.coverage.discovery = true;
    return { run, jobs: (children ?? []).map((child) => ({ connector, providerConfig, target: child })) };
  });
  // A target listed twice (configured and listed by a discovery, or by two discoveries, e.g. an org the
  // App is installed on that is also one of the enterprise's) is scanned once, where it came first.
  const listedBy = new Map<string, string>();
  for (const [i, d] of discoveries.entries()) {
    const source = d.run?.coverage.target ?? configured[i]?.target.id ?? '?';
    const kept = d.jobs.filter((job) => !listedBy.has(job.target.id));
    const dropped = d.jobs.filter((job) => listedBy.has(job.target.id));
    for (const job of kept) listedBy.set(job.target.id, source);
    // Said on the discovery that listed them again, else on the one that listed them first.
    const sayOn =
      d.run ??
      discoveries.find((e) => e.run?.coverage.target === listedBy.get(dropped[0]?.target.id ?? ''))?.run;
    if (dropped.length > 0 && sayOn)
      sayOn.coverage.notes.push(
        `${dropped.length} listed target(s) scanned once, through what listed them first: ${dropped
          .map((job) => `${job.target.id} (${listedBy.get(job.target.id) ?? '?'})`)
          .join(', ')}`,
      );
    d.jobs = kept;
  }
  const jobs = discoveries.flatMap((d) => d.jobs);
  if (jobs.length === 0 && discoveries.every((d) => !d.run) && !isEmptySelection(select))
    throw selectsNothing();
  // The plan: every target in the order a whole run records it, each with its shard.
  const plan: PlannedTarget[] = [];
  const jobPositions: number[] = [];
  for (const d of discoveries) {
    if (d.run)
      plan.push({
        provider: d.run.coverage.provider,
        target: d.run.coverage.target,
        discovery: true,
        shard: 1,
      });
    for (const job of d.jobs) {
      jobPositions.push(plan.length);
      plan.push({ provider: job.target.provider, target: job.target.id, discovery: false, shard: 1 });
    }
  }
  if (shard) assignShards(plan, shard.count);
  const mine = (i: number): boolean => !shard || plan[jobPositions[i] ?? -1]?.shard === shard.index;
  progress?.planned(
    jobs.filter((_, i) => mine(i)).map((j) => ({ provider: j.target.provider, target: j.target.id })),
  );

  const myJobs = jobs.map((job, i) => ({ job, i })).filter(({ i }) => mine(i));
  // Worker threads (`--workers`): the same per-target function, only the connector's collect loop
  // runs elsewhere. A connector runs there when it says it can (Connector.workerThreads) and a
  // worker can load it: a built-in, or one of the config's plug-ins (loaded by module path).
  const inWorker = (connector: AnyConnector): boolean =>
    connector.workerThreads === true &&
    (builtins.connectors[connector.id] === connector || config.file.plugins.length > 0);
  const threads = workerCount(
    workers ?? config.file.workers,
    myJobs.filter(({ job }) => inWorker(job.connector)).length,
  );
  const pool: TargetPool | undefined = threads > 1 ? createTargetPool(threads, log) : undefined;
  const collectLoop = async (
    { connector, providerConfig, target }: (typeof jobs)[number],
    ctx: CollectContext,
    emit: (raw: unknown) => void,
  ): Promise<void> => {
    if (pool && inWorker(connector)) {
      log.debug(`${target.label}: collected in a worker thread`);
      return pool.collect(
        {
          connectorId: connector.id,
          plugins: config.file.plugins,
          baseDir: config.baseDir,
          block: config.providers.findIndex((p) => p.config === providerConfig),
          providerConfig,
          target,
          concurrency: config.file.concurrency,
          requestTimeoutMs: config.file.timeouts.requestSeconds * 1000,
          asOf: clock.asOf.toISOString(),
        },
        ctx,
        emit,
      );
    }
    for await (const raw of connector.collect(target, providerConfig, ctx)) {
      emit(raw);
    }
  };
  let collected: { position: number; run: TargetRun }[];
  try {
    collected = await mapLimit(myJobs, config.file.targetConcurrency, async ({ job, i }) => ({
      position: jobPositions[i] ?? 0,
      run: await collectTarget(job.target, job.providerConfig, async (ctx, emit) => {
        if (skipIfDead(job.connector.id, ctx)) return { skipped: true };
        log.info(`scanning ${job.target.label} …`);
        try {
          await collectLoop(job, ctx, emit);
        } catch (err) {
          markDead(job.connector.id, err);
          throw err;
        }
        return { skipped: false };
      }),
    }));
  } finally {
    // Interrupted: a worker stuck in a call is not waited for (the result is written now).
    await pool?.close(abort.aborted ? 0 : undefined);
  }
  // In the order configured, each discovery entry right before the targets it listed; a shard
  // other than the first leaves the discovery entries to shard 1.
  const discoveryRuns = discoveries.flatMap((d) => (d.run ? [d.run] : []));
  const runs = [
    ...(!shard || shard.index === 1
      ? discoveryRuns.map((run) => ({
          position: plan.findIndex((p) => p.discovery && p.target === run.coverage.target),
          run,
        }))
      : []),
    ...collected,
  ].sort((a, b) => a.position - b.position);

  async function collectTarget(
    target: Target,
    providerConfig: unknown,
    body: (ctx: CollectContext, emit: (raw: unknown) => void) => Promise<{ skipped: boolean }>,
  ): Promise<TargetRun> {
    const counts: Record<string, number> = {};
    const identities: Identity[] = [];
    const targetStart = clock.now().toISOString();
    const opened = (await sessions.get(providerConfig)) ?? { ok: true, session: undefined };
    const deadline = targetDeadline(abort, config.file.timeouts.targetMinutes * 60_000);
    progress?.started(target.provider, target.id);
    const { ctx, record } = createCollectContext({
      session: opened.ok ? opened.session : undefined,
      clock,
      concurrency: config.file.concurrency,
      // The target's calls and rate-limit waits reach the progress display through its logger.
      log: progress
        ? withEvents(log, (e) => {
            progress.event(target.provider, target.id, e);
          })
        : log,
      signal: deadline.signal,
      requestTimeoutMs: config.file.timeouts.requestSeconds * 1000,
      baseDir: config.baseDir,
      // The summary lists every gap at the end; the log has them as they happen, for --verbose.
      onGap: (g) => {
        log.debug(
          `${target.label}: ${g.call} ${g.code}${g.resource ? ` (${g.resource})` : ''}: ${g.message}`,
        );
      },
    });
    const { gaps, notes } = record;
    // One account's identities repeat locations, grants, trust and owners: held once (issue 14).
    const shared = createSharePool();
    let closed = false;
    const emit = (raw: unknown): void => {
      if (closed) return; // a connector still running past its deadline adds nothing
      const parsed = Identity.safeParse(raw);
      if (!parsed.success) {
        const uid = (raw as { uid?: unknown } | null)?.uid;
        ctx.gap({
          code: 'invalid_response',
          call: `${target.provider}:identity`,
          resource: typeof uid === 'string' ? uid : undefined,
          message: `connector produced an invalid identity: ${parsed.error.issues[0]?.message ?? 'unknown'}`,
        });
        return;
      }
      identities.push(shareIdentity(parsed.data, shared));
      counts[parsed.data.kind] = (counts[parsed.data.kind] ?? 0) + 1;
      progress?.identity(target.provider, target.id);
    };
    let status: Coverage['status'];
    try {
      if (deadline.signal.aborted) throw deadline.signal.reason; // interrupted before it started
      // A session that could not be opened fails each of its provider's targets with its error.
      if (!opened.ok) throw opened.err;
      // The deadline ends the wait even for a call that ignores its signal; the work's own late
      // failure then has no one to tell.
      const work = body(ctx, emit);
      work.catch(() => undefined);
      const { skipped } = await Promise.race([work, deadline.reached]);
      status = skipped
        ? 'skipped'
        : readNothing(identities.length, gaps)
          ? 'failed'
          : gaps.some(isOpenGap)
            ? 'partial'
            : 'complete';
    } catch (err) {
      status = 'failed';
      const stopped = deadline.signal.aborted ? stopGap(target, deadline.signal.reason) : undefined;
      if (stopped) gaps.push(stopped);
      else if (err instanceof ScanError) gaps.push({ ...err.gap, recovered: false });
      else
        gaps.push({
          code: 'unknown',
          call: `${target.provider}:collect`,
          message: `${errorName(err)}: ${errorMessage(err)}`,
          recovered: false,
        });
      log.error(`${target.label}: ${gaps.at(-1)?.message ?? 'failed'}`);
    } finally {
      closed = true;
      deadline.release();
      progress?.finished(target.provider, target.id);
    }
    return {
      identities,
      coverage: Coverage.parse({
        provider: target.provider,
        target: target.id,
        scope: record.scope,
        status,
        startedAt: targetStart,
        finishedAt: clock.now().toISOString(),
        principal: record.principal,
        counts,
        gaps,
        notes,
      }),
    };
  }

  return { startedAt, plan, runs, interrupted: abort.aborted && abort.reason instanceof Interrupted };
};

/**
 * Judges what the targets gave: one inventory, the policies, exceptions, the result. The same
 * for one run and for the merge of its shards (src/shard.ts), so both give the same verdict.
 */
export const judgeScan = (
  { config, clock, log, directory, exceptions }: ScanOptions,
  collected: Collected,
  runInfo: { shard?: ScanResult['run']['shard'] } = {},
): Scan => {
  const { startedAt } = collected;
  const runs = collected.runs.map((r) => r.run);
  // Merge; the same identity reached through two targets (a profile and an assumed role into the
  // same account) is kept once.
  const byUid = new Map<string, Identity>();
  const coverageOf = new Map<string, Coverage>();
  // Owners resolved here and the final findings' repeated parts are held once too (issue 14).
  const shared = createSharePool();
  const resolveOwner = ownerResolver(config.file.ownership);
  for (const run of runs) {
    for (const identity of run.identities) {
      if (byUid.has(identity.uid)) {
        run.coverage.notes.push(
          `duplicate of an identity already seen through another target: ${identity.uid}`,
        );
        continue;
      }
      const judged = applyFinancialScope(resolveOwner(identity), config.file.financialScope);
      if (judged !== identity) {
        judged.owner = shared.share(judged.owner);
        judged.financialScope = shared.share(judged.financialScope);
      }
      byUid.set(identity.uid, judged);
      coverageOf.set(identity.uid, run.coverage);
    }
  }
  const identities = [...byUid.values()].sort((a, b) => compareCodeUnits(a.uid, b.uid));
  const coverage = runs.map((r) => r.coverage);

  const evaluation = evaluatePolicies(
    identities,
    config.policies,
    { asOf: clock.asOf, directory, inventory: identities },
    createControlResolver(config.file.controls.soc1, config.frameworks),
  );
  const { failures } = evaluation;
  const { findings, outcomes } = applyExceptions(evaluation.findings, exceptions ?? [], clock.asOf);
  for (const f of findings) shareFinding(f, shared);
  for (const o of outcomes) for (const w of o.warnings) log.warn(`exception ${o.id}: ${w}`);
  for (const w of directory?.warnings ?? []) log.warn(`directory: ${w}`);
  for (const failure of failures) {
    const target = coverageOf.get(failure.identityUid);
    if (!target) continue; // unreachable: every judged identity came from a target
    target.gaps.push(failure.gap);
    if (target.status === 'complete') target.status = 'partial';
  }
  // After every gap is in (policy failures too): the operator's accepted gaps stop counting.
  const acceptedRules = config.file.acceptedGaps;
  const accepted = acceptedRules ? applyAcceptedGaps(coverage, acceptedRules, clock.asOf) : undefined;
  for (const o of accepted ?? []) for (const w of o.warnings) log.warn(`accepted gap ${o.id}: ${w}`);

  // Identities, findings and coverage were each validated where they entered (emit,
  // evaluatePolicies, the target's record); parsing the whole result again deep-copied the estate
  // (issue 14: several copies at 100,000 identities). Only the parts not yet validated are parsed.
  const header = ScanResultHeader.parse({
    schemaVersion: 1,
    run: {
      id: randomUUID(),
      tool: { name: 'nhiscan', version: VERSION },
      startedAt,
      finishedAt: clock.now().toISOString(),
      asOf: clock.asOf.toISOString(),
      configHash: verdictHash(config, directory, exceptions),
      policies: Object.fromEntries(
        config.policies.map((p) => [
          p.policy.id,
          {
            enabled: p.enabled,
            severity: p.severity,
            options: p.options as Record<string, unknown>,
            overrides: p.overrides,
            ...(p.setBy ? { setBy: p.setBy } : {}),
          },
        ]),
      ),
      plugins: config.plugins ?? config.file.plugins,
      complete: coverage.length > 0 && coverage.every((c) => c.status === 'complete'),
      interrupted: collected.interrupted,
      ...runInfo,
    },
    exceptions: outcomes,
    ...(accepted ? { acceptedGaps: accepted } : {}),
    evaluationSummary: evaluation.summary,
  });
  const result: ScanResult = {
    schemaVersion: header.schemaVersion,
    run: header.run,
    identities,
    findings: findings.sort(compareFindings),
    coverage,
    exceptions: header.exceptions,
    ...(header.acceptedGaps ? { acceptedGaps: header.acceptedGaps } : {}),
    ...(header.evaluationSummary ? { evaluationSummary: header.evaluationSummary } : {}),
  };
  // The records travel beside the result, not inside nhiscan-result.json (millions at scale);
  // built as objects only when something reads them (the evidence bundle, the store, JUnit).
  return Object.defineProperty(result, 'evaluations', {
    get: () => evaluation.evaluations,
    enumerable: true,
    configurable: true,
  }) as Scan;
};

/** Worst first (the one severity order, model.ts), then by policy, identity and finding id. */
/** The result without the estate (identities, findings, coverage), which is validated per item. */
const ScanResultHeader = ScanResultSchema.omit({ identities: true, findings: true, coverage: true });

export const compareFindings = (
  a: { severity: Severity; policyId: string; identityUid: string; uid: string },
  b: typeof a,
): number =>
  severityRank(b.severity) - severityRank(a.severity) ||
  compareCodeUnits(a.policyId, b.policyId) ||
  compareCodeUnits(a.identityUid, b.identityUid) ||
  compareCodeUnits(a.uid, b.uid);

/**
 * A target's signal: aborts when the scan's does (SIGINT / SIGTERM) or when the target's own
 * deadline passes. `reached` rejects at that moment, so the target's wait ends even if a call
 * ignores its signal.
 */
const targetDeadline = (
  scan: AbortSignal,
  ms: number,
): { signal: AbortSignal; reached: Promise<never>; release: () => void } => {
  const controller = new AbortController();
  // Every in-flight SDK request adds a listener; with the per-target concurrency that is many.
  setMaxListeners(0, controller.signal);
  const onScanAbort = (): void => {
    controller.abort(scan.reason);
  };
  const timer = setTimeout(() => {
    controller.abort(new TargetDeadline(ms));
  }, ms);
  if (scan.aborted) onScanAbort();
  else scan.addEventListener('abort', onScanAbort, { once: true });
  const reached = new Promise<never>((_, reject) => {
    const fail = (): void => {
      reject(controller.signal.reason as Error);
    };
    if (controller.signal.aborted) fail();
    else controller.signal.addEventListener('abort', fail, { once: true });
  });
  reached.catch(() => undefined); // handled by the race; never an unhandled rejection
  return {
    signal: controller.signal,
    reached,
    release: () => {
      clearTimeout(timer);
      scan.removeEventListener('abort', onScanAbort);
    },
  };
};

/** The gap a stopped target records: its deadline passed, or the scan was interrupted. */
const stopGap = (target: Target, reason: unknown): Gap => {
  if (reason instanceof TargetDeadline)
    return {
      code: 'timeout',
      call: `${target.provider}:target`,
      resource: target.id,
      message: `${reason.message}; what it collected so far is kept (raise timeouts.targetMinutes if it needs longer)`,
      recovered: false,
    };
  if (reason instanceof Interrupted)
    return {
      code: 'interrupted',
      call: `${target.provider}:target`,
      resource: target.id,
      message: `the scan was ${reason.message} before this target finished`,
      recovered: false,
    };
  return {
    code: 'interrupted',
    call: `${target.provider}:target`,
    resource: target.id,
    message: `the scan was stopped before this target finished: ${errorMessage(reason)}`,
    recovered: false,
  };
};
