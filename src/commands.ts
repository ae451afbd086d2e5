// What the CLI commands do, as functions the tests call in-process.
import { resolve } from 'node:path';
import { parseAsOf, systemClock } from './clock.js';
import { type Config, FailOn, loadConfig, resolveFromConfig } from './config.js';
import { type Directory, loadDirectory } from './directory.js';
import { Interrupted, UsageError } from './errors.js';
import { loadExceptions } from './exceptions.js';
import { exitCodeFor, exitCodeForSignal } from './exit-codes.js';
import type { Logger } from './log.js';
import type { ScanResult } from './model.js';
import { builtins } from './registry.js';
import { reporters, writeReport } from './report/index.js';
import { renderSummary } from './report/terminal.js';
import { runScan } from './scan.js';

export interface ScanCommandOptions {
  config: string | Config;
  out?: string | undefined;
  asOf?: string | undefined;
  failOn?: string | undefined;
  log: Logger;
  /** Where the summary goes (stdout in the CLI). */
  print: (text: string) => void;
  color?: boolean;
  /** Aborted with an `Interrupted` reason on SIGINT / SIGTERM (the CLI wires the signals). */
  signal?: AbortSignal | undefined;
}

export interface ScanCommandResult {
  exitCode: number;
  result: ScanResult;
  files: string[];
}

export const scanCommand = async (opts: ScanCommandOptions): Promise<ScanCommandResult> => {
  const config = typeof opts.config === 'string' ? await loadConfig(opts.config, builtins) : opts.config;
  if (config.providers.length === 0) {
    throw new UsageError('the config enables no provider: add one under `providers:` (see `nhiscan init`)');
  }
  let failOn: FailOn = config.file.failOn;
  if (opts.failOn !== undefined) {
    const parsed = FailOn.safeParse(opts.failOn);
    if (!parsed.success) {
      throw new UsageError(`--fail-on: expected one of ${FailOn.options.join(', ')}, found "${opts.failOn}"`);
    }
    failOn = parsed.data;
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
  const result = await runScan({
    config,
    clock: systemClock(asOf),
    log: opts.log,
    directory,
    exceptions,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const outDir =
    opts.out !== undefined ? resolve(opts.out) : resolveFromConfig(config, config.file.output.dir);
  const files = [await writeReport(reporters.json, result, outDir)];
  opts.print(
    renderSummary(result, { failOn, files, ...(opts.color !== undefined ? { color: opts.color } : {}) }),
  );
  const reason: unknown = opts.signal?.reason;
  if (result.run.interrupted && reason instanceof Interrupted) {
    opts.print(
      `\nInterrupted by ${reason.signal}: the result above holds the targets finished before it; the others are recorded as "interrupted" gaps.\n`,
    );
    return { exitCode: exitCodeForSignal(reason.signal), result, files };
  }
  return { exitCode: exitCodeFor(result, failOn), result, files };
};
