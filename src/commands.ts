// What the CLI commands do, as functions the tests call in-process.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { addDays, isoDay, parseAsOf, parseIsoDay, systemClock } from './clock.js';
import { type Config, FailOn, loadConfig, resolveFromConfig } from './config.js';
import { controlTitles } from './controls/index.js';
import { Interrupted, UsageError, errorMessage } from './errors.js';
import { exitCodeFor, exitCodeForSignal } from './exit-codes.js';
import type { Logger } from './log.js';
import type { Progress } from './progress.js';
import type { TargetSelection } from './target-select.js';
import type { Scan, ScanResult } from './model.js';
import { builtins } from './registry.js';
import {
  loadSigningKey,
  preflightEvidenceDir,
  SIGNING_KEY_ENV,
  writeEvidenceBundle,
} from './report/bundle.js';
import { type Reporter, selectReporters, writeScanResultJson } from './report/index.js';
import type { ReportHistory } from './report/types.js';
import { lockOutputDir, type OutputLock, preflightOutputDir, writeRun } from './report/output.js';
import { renderSummary } from './report/terminal.js';
import { judgeScan, runScan, verdictHash, verdictInputs } from './scan.js';
import { type ShardSource, loadMerge } from './shard-command.js';
import { MergedAlready, markMerged } from './store/shards.js';
import { type Severity, Severity as SeveritySchema } from './model.js';
import { type RecordedScan, newAtOrAbove, recordScan } from './store/record.js';
import { openStore, resolveStoreSpec, storeLabel } from './store/open.js';
import { reportHistory } from './store/history.js';
import { periodReport } from './store/period.js';
import { periodFiles } from './store/period-output.js';
import { EXIT } from './exit-codes.js';
import type { WorkersSetting } from './target-workers.js';

/** `--fail-on`: a severity (any open finding), `none`, or `new[:SEVERITY]` (regressions only). */
export type FailOnChoice = { mode: 'open'; threshold: FailOn } | { mode: 'new'; severity: Severity };

export const parseFailOn = (text: string): FailOnChoice => {
  const m = /^new(?::(.+))?$/.exec(text);
  if (m) {
    const sev = SeveritySchema.safeParse(m[1] ?? 'high');
    if (!sev.success) {
      throw new UsageError(
        `--fail-on new:SEVERITY: expected one of ${SeveritySchema.options.join(', ')}, found "${m[1]}"`,
      );
    }
    return { mode: 'new', severity: sev.data };
  }
  const parsed = FailOn.safeParse(text);
  if (!parsed.success) {
    throw new UsageError(
      `--fail-on: expected one of ${FailOn.options.join(', ')} or new[:SEVERITY], found "${text}"`,
    );
  }
  return { mode: 'open', threshold: parsed.data };
};

export interface ScanCommandOptions {
  config: string | Config;
  out?: string | undefined;
  asOf?: string | undefined;
  failOn?: string | undefined;
  /** `--store`: a path, URL or env:NAME; `true` for nhiscan.sqlite beside the output. */
  store?: string | boolean | undefined;
  log: Logger;
  /** Where the summary goes (stdout in the CLI). */
  print: (text: string) => void;
  color?: boolean;
  /** How many open findings the summary lists (`--limit`; Infinity for `--all`); default 10. */
  limit?: number | undefined;
  /** `--format`: names from the report map (json is always written); default output.formats. */
  formats?: readonly string[] | undefined;
  /** `--wait-lock`: seconds to wait for another scan holding the output folder (default 0: fail). */
  waitLock?: number | undefined;
  /** `--evidence DIR`: write the evidence bundle there. */
  evidence?: string | undefined;
  /** `--sign-key FILE`: Ed25519 private key (PEM) to sign the bundle's manifest. */
  signKey?: string | undefined;
  /** Plug-in reporters by id (from the config's plug-ins). */
  extraReporters?: Readonly<Record<string, Reporter>>;
  /** The command line recorded in the evidence bundle. */
  argv?: readonly string[];
  /** Where `--out -` writes the JSON result (process.stdout in the CLI). */
  stdout?: Writable;
  /** Where the summary goes when stdout carries the JSON (stderr in the CLI). */
  printErr?: (text: string) => void;
  /** Aborted with an `Interrupted` reason on SIGINT / SIGTERM (the CLI wires the signals). */
  signal?: AbortSignal | undefined;
  /** `--target` / `--provider` globs (a leading ! excludes). */
  select?: TargetSelection | undefined;
  /** `--period-from` / `--period-to`: the evidence bundle's period window (ISO dates, nights inclusive). */
  periodFrom?: string | undefined;
  periodTo?: string | undefined;
  /** `nhiscan merge`: judge the shard results (these files, else the store's) instead of scanning. */
  fromShards?: ShardSource | undefined;
  /** The progress display on stderr (`--progress`); finished (its lines cleared) before the summary. */
  progress?: Progress | undefined;
  /** `--workers N|auto`: worker threads collecting targets (default: the config's `workers`, else 1). */
  workers?: WorkersSetting | undefined;
  /**
   * The last shard's automatic merge: every shard of the run must still be unmerged when the scan
   * is recorded; if another process merged it first, nothing is recorded or written (`mergedElsewhere`).
   */
  autoMerge?: boolean | undefined;
}

/** The evidence bundle's period report covers this many nights up to the scan's asOf by default. */
export const EVIDENCE_PERIOD_NIGHTS = 90;

/** The bundle's period window: the flags as given, else the 90 nights ending on the scan's asOf date. */
export const evidencePeriodWindow = (
  asOf: string,
  from?: string,
  to?: string,
): { from: string; to: string } => {
  const end = to ?? isoDay(asOf);
  const start = from ?? isoDay(addDays(parseIsoDay(end, '--period-to'), -(EVIDENCE_PERIOD_NIGHTS - 1)));
  return { from: start, to: end };
};

export interface ScanCommandResult {
  exitCode: number;
  /** The result and, beside it, one evaluation record per policy x identity. */
  result: Scan;
  files: string[];
  /** Set when the scan was recorded in a store. */
  recorded?: RecordedScan;
  /** The run's own folder (OUT/runs/<UTC start>-<id>); undefined with `--out -`. */
  runDir?: string | undefined;
  /** The evidence bundle's files, when --evidence was given. */
  evidence?: string[] | undefined;
  /** The automatic merge found the run merged by another process: nothing was written. */
  mergedElsewhere?: boolean;
}

/** A scan as reporters read it, whether or not runScan already returns the evaluation records. */
export const asScan = (result: ScanResult | Scan): Scan =>
  'evaluations' in result ? result : { ...result, evaluations: [] };

export const scanCommand = async (opts: ScanCommandOptions): Promise<ScanCommandResult> => {
  const config = typeof opts.config === 'string' ? await loadConfig(opts.config, builtins) : opts.config;
  for (const warning of config.warnings ?? []) opts.log.warn(warning);
  if (config.providers.length === 0) {
    throw new UsageError('the config enables no provider: add one under `providers:` (see `nhiscan init`)');
  }
  const failOnChoice: FailOnChoice =
    opts.failOn !== undefined ? parseFailOn(opts.failOn) : { mode: 'open', threshold: config.file.failOn };
  // With `new`, open findings alone never fail the job; the summary still shows them.
  const failOn: FailOn = failOnChoice.mode === 'open' ? failOnChoice.threshold : 'none';
  const outDirEarly =
    opts.out !== undefined ? resolve(opts.out) : resolveFromConfig(config, config.file.output.dir);
  const storeSpec = resolveStoreSpec({ cli: opts.store, config, outDir: outDirEarly });
  if (failOnChoice.mode === 'new' && !storeSpec) {
    throw new UsageError(
      '--fail-on new needs a store to compare with: add --store PATH or `store:` to the config',
    );
  }
  const asOfText = opts.asOf ?? config.file.asOf;
  let asOf: Date | undefined;
  if (asOfText !== undefined) {
    try {
      asOf = parseAsOf(asOfText);
    } catch (err) {
      throw new UsageError(`${opts.asOf !== undefined ? '--as-of' : 'asOf'}: ${(err as Error).message}`);
    }
  }
  const { directory, exceptions } = verdictInputs(config);
  // Every output check happens before the first API call: a bad folder costs seconds, not a scan.
  const toStdout = opts.out === '-';
  const reporters = selectReporters(
    opts.formats ?? config.file.output.formats,
    { ...config.reporters, ...opts.extraReporters },
    opts.formats ? '--format' : 'output.formats',
  );
  if (toStdout && reporters.length > 1) {
    throw new UsageError('--out - writes only the JSON result to stdout; drop --format or give a folder');
  }
  let signingKeyPem: string | undefined;
  if (opts.signKey !== undefined) {
    try {
      signingKeyPem = readFileSync(opts.signKey, 'utf8');
    } catch (err) {
      throw new UsageError(`--sign-key ${opts.signKey}: ${(err as Error).message}`);
    }
  } else if (process.env[SIGNING_KEY_ENV]) signingKeyPem = process.env[SIGNING_KEY_ENV];
  if (signingKeyPem !== undefined && opts.evidence === undefined) {
    throw new UsageError(`--sign-key (or ${SIGNING_KEY_ENV}) signs the evidence bundle: add --evidence DIR`);
  }
  if (signingKeyPem !== undefined) loadSigningKey(signingKeyPem, opts.signKey ?? SIGNING_KEY_ENV);
  const outDir = toStdout
    ? undefined
    : await preflightOutputDir(
        opts.out !== undefined ? resolve(opts.out) : resolveFromConfig(config, config.file.output.dir),
      );
  for (const [flag, value] of [
    ['--period-from', opts.periodFrom],
    ['--period-to', opts.periodTo],
  ] as const) {
    if (value === undefined) continue;
    parseIsoDay(value, flag);
    if (opts.evidence === undefined)
      throw new UsageError(`${flag} sets the evidence bundle's period report: add --evidence DIR`);
    if (!storeSpec)
      throw new UsageError(`${flag}: the period report is read from a store: add --store PATH or \`store:\``);
  }
  if (opts.periodFrom !== undefined && opts.periodTo !== undefined && opts.periodTo < opts.periodFrom)
    throw new UsageError('--period-to is before --period-from');
  const evidenceDir = opts.evidence !== undefined ? await preflightEvidenceDir(opts.evidence) : undefined;
  const locks: OutputLock[] = [];
  let store: Awaited<ReturnType<typeof openStore>> | undefined;
  try {
    if (outDir) locks.push(await lockOutputDir(outDir, opts.waitLock ?? 0, opts.signal));
    if (evidenceDir && evidenceDir !== outDir)
      locks.push(await lockOutputDir(evidenceDir, opts.waitLock ?? 0, opts.signal));
    // Opened before the scan, so a store that cannot be reached fails in seconds, not after the scan.
    store = storeSpec ? await openStore(storeSpec) : undefined;
    const merged = opts.fromShards
      ? await loadMerge(opts.fromShards, {
          store,
          asOf,
          configHash: verdictHash(config, directory, exceptions),
        })
      : undefined;
    const result = merged
      ? judgeScan(
          { config, clock: systemClock(new Date(merged.asOf)), log: opts.log, directory, exceptions },
          merged.collected,
          { shard: merged.shard },
        )
      : await runScan({
          config,
          clock: systemClock(asOf),
          log: opts.log,
          directory,
          exceptions,
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(opts.select ? { select: opts.select } : {}),
          ...(opts.progress ? { progress: opts.progress } : {}),
          ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
        }).finally(() => opts.progress?.finish());
    const reason: unknown = opts.signal?.reason;
    const interrupted = result.run.interrupted && reason instanceof Interrupted;
    const scan = asScan(result);
    // Recorded before any report is written, so the reports can say what is new. A store that
    // refuses the record costs the history, never the reports: they say history is unavailable.
    let recorded: RecordedScan | undefined;
    let history: ReportHistory = { status: 'off' };
    let refused: string | undefined;
    if (store && storeSpec) {
      const label = storeLabel(storeSpec);
      if (interrupted) {
        // An interrupted scan is not history: the store keeps whole nights only.
        history = { status: 'unavailable', store: label, reason: 'the scan was interrupted; not recorded' };
      } else {
        try {
          const key = merged?.key;
          // A merge marks its shards merged in the same transaction as the scan.
          const expect = opts.autoMerge ? merged?.shard.merged.length : undefined;
          recorded = await recordScan(
            store,
            scan,
            key ? { withinRecord: (tx, seq) => markMerged(tx, key, seq, expect) } : {},
          );
          opts.log.info(`recorded scan #${recorded.seq} in ${label}`);
          history = await reportHistory(store, recorded, scan.findings, label);
        } catch (err) {
          if (err instanceof MergedAlready && opts.autoMerge) {
            opts.log.info(`automatic merge: ${err.message}; nothing more to do`);
            return { exitCode: EXIT.ok, result: scan, files: [], mergedElsewhere: true };
          }
          refused = recorded
            ? `recorded as scan #${recorded.seq}, but its history could not be read back: ${errorMessage(err)}`
            : `the store refused to record this scan: ${errorMessage(err)}`;
          opts.log.error(`store ${label}: ${refused}; the reports are written without history`);
          history = { status: 'unavailable', store: label, reason: refused };
        }
      }
    }
    let files: string[] = [];
    let runDir: string | undefined;
    if (outDir) {
      ({ files, runDir } = await writeRun(scan, outDir, reporters, {
        history,
        controlTitles: controlTitles(config.file.controls.soc1, config.frameworks),
      }));
    } else {
      const stdout = opts.stdout ?? process.stdout;
      await writeScanResultJson(scan, stdout);
    }
    // The bundle carries the period report over its window, read from the store this scan is now in.
    let period: { files: [string, string][] } | undefined;
    if (evidenceDir && store && storeSpec && !interrupted) {
      const window = evidencePeriodWindow(scan.run.asOf, opts.periodFrom, opts.periodTo);
      try {
        period = { files: periodFiles(await periodReport(store, window.from, window.to)) };
      } catch (err) {
        const why = `the period report ${window.from} to ${window.to} could not be read: ${errorMessage(err)}`;
        opts.log.error(`store ${storeLabel(storeSpec)}: ${why}; the evidence bundle is written without it`);
        refused ??= why;
      }
    }
    const evidence = evidenceDir
      ? await writeEvidenceBundle(scan, evidenceDir, {
          config,
          argv: opts.argv ?? [],
          signingKeyPem,
          period,
        })
      : undefined;
    const summaryFiles = [
      ...files,
      ...(runDir ? [`${runDir} (this run's folder; latest points to it)`] : []),
      ...(evidenceDir ? [`${evidenceDir} (evidence bundle)`] : []),
    ];
    (toStdout ? (opts.printErr ?? ((t: string) => process.stderr.write(t))) : opts.print)(
      renderSummary(result, {
        failOn,
        files: summaryFiles,
        ...(opts.limit !== undefined ? { top: opts.limit } : {}),
        ...(opts.color !== undefined ? { color: opts.color } : {}),
      }),
    );
    if (interrupted) {
      (toStdout ? (opts.printErr ?? ((t: string) => process.stderr.write(t))) : opts.print)(
        `\nInterrupted by ${reason.signal}: the result above holds the targets finished before it; the others are recorded as "interrupted" gaps.\n`,
      );
      return { exitCode: exitCodeForSignal(reason.signal), result, files, runDir, evidence };
    }
    const print = toStdout ? (opts.printErr ?? ((t: string) => process.stderr.write(t))) : opts.print;
    let exitCode = exitCodeFor(result, failOn);
    if (recorded) {
      print(
        recorded.previous
          ? `${recorded.newFindings.length} new since last scan (#${recorded.previous.seq}, as of ${recorded.previous.asOf}).\n`
          : 'First scan in this store: nothing to compare with yet.\n',
      );
    }
    if (refused !== undefined) {
      print(
        `History unavailable (${refused})` +
          (recorded ? '' : ': the reports carry no history') +
          (failOnChoice.mode === 'new' && !recorded ? ' and nothing could be judged new' : '') +
          `; exit ${EXIT.unrecorded} unless a finding fails the job.\n`,
      );
      if (exitCode !== EXIT.findings) exitCode = EXIT.unrecorded;
    }
    if (failOnChoice.mode === 'new' && recorded) {
      const regressions = recorded.previous ? newAtOrAbove(recorded.newFindings, failOnChoice.severity) : [];
      if (regressions.length > 0) {
        print(
          `${regressions.length} new finding(s) at or above ${failOnChoice.severity} since the last scan.\n`,
        );
        exitCode = EXIT.findings;
      }
    }
    return { exitCode, result, files, runDir, evidence, ...(recorded ? { recorded } : {}) };
  } finally {
    for (const lock of locks) await lock.release();
    await store?.close();
  }
};
