// What the CLI commands do, as functions the tests call in-process.
import { resolve } from 'node:path';
import { parseAsOf, systemClock } from './clock.js';
import { type Config, FailOn, loadConfig, resolveFromConfig } from './config.js';
import { type Directory, loadDirectory } from './directory.js';
import { UsageError } from './errors.js';
import { loadExceptions } from './exceptions.js';
import { exitCodeFor } from './exit-codes.js';
import type { Logger } from './log.js';
import type { ScanResult } from './model.js';
import { builtins } from './registry.js';
import { reporters, writeReport } from './report/index.js';
import { renderSummary } from './report/terminal.js';
import { runScan } from './scan.js';
import { type Severity, Severity as SeveritySchema } from './model.js';
import { type RecordedScan, newAtOrAbove, recordScan } from './store/record.js';
import { openStore, resolveStoreSpec, storeLabel } from './store/open.js';
import { EXIT } from './exit-codes.js';

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
}

export interface ScanCommandResult {
  exitCode: number;
  result: ScanResult;
  files: string[];
  /** Set when the scan was recorded in a store. */
  recorded?: RecordedScan;
}

export const scanCommand = async (opts: ScanCommandOptions): Promise<ScanCommandResult> => {
  const config = typeof opts.config === 'string' ? await loadConfig(opts.config, builtins) : opts.config;
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
  // Opened before the scan, so a store that cannot be reached fails in seconds, not after the scan.
  const store = storeSpec ? await openStore(storeSpec) : undefined;
  const asOfText = opts.asOf ?? config.file.asOf;
  let asOf: Date | undefined;
  if (asOfText !== undefined) {
    try {
      asOf = parseAsOf(asOfText);
    } catch (err) {
      throw new UsageError(`${opts.asOf !== undefined ? '--as-of' : 'asOf'}: ${(err as Error).message}`);
    }
  }
  let directory: Directory | undefined;
  if (config.file.directory) {
    // The path as written is what evidence names: the same on every machine, no local folders.
    directory = loadDirectory(
      resolveFromConfig(config, config.file.directory.path),
      config.file.directory,
      config.file.directory.path,
    );
  }
  const exceptions = config.file.exceptions
    ? loadExceptions(resolveFromConfig(config, config.file.exceptions))
    : undefined;
  let recorded: RecordedScan | undefined;
  let result: ScanResult;
  let files: string[];
  try {
    result = await runScan({ config, clock: systemClock(asOf), log: opts.log, directory, exceptions });
    files = [await writeReport(reporters.json, result, outDirEarly)];
    if (store && storeSpec) {
      recorded = await recordScan(store, result);
      opts.log.info(`recorded scan #${recorded.seq} in ${storeLabel(storeSpec)}`);
    }
  } finally {
    await store?.close();
  }
  opts.print(
    renderSummary(result, { failOn, files, ...(opts.color !== undefined ? { color: opts.color } : {}) }),
  );
  let exitCode = exitCodeFor(result, failOn);
  if (recorded) {
    opts.print(
      recorded.previous
        ? `${recorded.newFindings.length} new since last scan (#${recorded.previous.seq}, as of ${recorded.previous.asOf}).\n`
        : 'First scan in this store: nothing to compare with yet.\n',
    );
  }
  if (failOnChoice.mode === 'new' && recorded) {
    const regressions = recorded.previous ? newAtOrAbove(recorded.newFindings, failOnChoice.severity) : [];
    if (regressions.length > 0) {
      opts.print(
        `${regressions.length} new finding(s) at or above ${failOnChoice.severity} since the last scan.\n`,
      );
      exitCode = EXIT.findings;
    }
  }
  return { exitCode, result, files, ...(recorded ? { recorded } : {}) };
};
