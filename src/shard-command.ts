// `nhiscan scan --shard I/N` and the loading half of `nhiscan merge` (the judging half is
// scanCommand's, so a merged scan writes the same reports and records the same way as a whole run).
import { resolve } from 'node:path';
import { parseAsOf, systemClock } from './clock.js';
import { type Config, loadConfig, resolveFromConfig } from './config.js';
import { Interrupted, UsageError } from './errors.js';
import { EXIT, exitCodeForSignal } from './exit-codes.js';
import { writeFileAtomic } from './fs-atomic.js';
import type { Logger } from './log.js';
import type { Progress } from './progress.js';
import { builtins } from './registry.js';
import { lockOutputDir, preflightOutputDir } from './report/output.js';
import { collectScan, verdictHash, verdictInputs } from './scan.js';
import {
  type MergedShards,
  mergeShards,
  readShardFile,
  type ShardResult,
  shardFilePath,
  shardResultOf,
} from './shard.js';
import type { ShardSpec } from './shard-plan.js';
import type { Db } from './store/db.js';
import { openStore, resolveStoreSpec, storeLabel } from './store/open.js';
import { loadShards, saveShard, type ShardRunKey } from './store/shards.js';
import type { TargetSelection } from './target-select.js';
import type { WorkersSetting } from './target-workers.js';

/** Where `nhiscan merge` reads the shards: these files, else the store's unmerged rows. */
export interface ShardSource {
  files: readonly string[];
  /** Record a missing shard's targets as failed coverage instead of refusing. */
  allowMissing?: boolean | undefined;
}

export const loadMerge = async (
  source: ShardSource,
  opts: { store: Db | undefined; asOf: Date | undefined; configHash: string },
): Promise<MergedShards & { key?: ShardRunKey }> => {
  let shards: ShardResult[];
  if (source.files.length > 0) shards = source.files.map((f) => readShardFile(f));
  else if (opts.store)
    shards = (await loadShards(opts.store, { configHash: opts.configHash, asOf: opts.asOf?.toISOString() }))
      .shards;
  else
    throw new UsageError(
      'merge: give the shard result files, or --store (or `store:` in the config) where the shards wrote',
    );
  const merged = mergeShards(shards, {
    configHash: opts.configHash,
    allowMissing: source.allowMissing,
    now: () => new Date(),
  });
  if (opts.asOf && opts.asOf.toISOString() !== merged.asOf)
    throw new UsageError(
      `merge: --as-of ${opts.asOf.toISOString()} but the shards were judged as of ${merged.asOf}`,
    );
  // The store's shard rows of this run (when there are any) become merged with the scan.
  return opts.store
    ? { ...merged, key: { asOf: merged.asOf, configHash: opts.configHash, count: merged.shard.count } }
    : merged;
};

export interface ShardCommandOptions {
  config: string | Config;
  shard: ShardSpec;
  out?: string | undefined;
  asOf?: string | undefined;
  store?: string | boolean | undefined;
  log: Logger;
  print: (text: string) => void;
  signal?: AbortSignal | undefined;
  select?: TargetSelection | undefined;
  waitLock?: number | undefined;
  /** The progress display on stderr (`--progress`); finished before the shard's summary. */
  progress?: Progress | undefined;
  /** `--workers N|auto`: worker threads collecting this shard's targets. */
  workers?: WorkersSetting | undefined;
  /** Options that judge or report: refused with a shard (only the merge judges). */
  refused?: Record<string, unknown>;
}

export interface ShardCommandResult {
  exitCode: number;
  shard: ShardResult;
  file: string;
}

export const shardCommand = async (opts: ShardCommandOptions): Promise<ShardCommandResult> => {
  const given = Object.entries(opts.refused ?? {}).filter(([, v]) => v !== undefined && v !== false);
  if (given.length > 0)
    throw new UsageError(
      `--shard collects only a part of the inventory, which cannot be judged alone: ${given.map(([k]) => k).join(', ')} belong(s) to \`nhiscan merge\``,
    );
  if (opts.out === '-')
    throw new UsageError('--shard writes its shard result to a folder (--out DIR), not to stdout');
  const config = typeof opts.config === 'string' ? await loadConfig(opts.config, builtins) : opts.config;
  for (const warning of config.warnings ?? []) opts.log.warn(warning);
  if (config.providers.length === 0)
    throw new UsageError('the config enables no provider: add one under `providers:` (see `nhiscan init`)');
  const asOfText = opts.asOf ?? config.file.asOf;
  if (asOfText === undefined)
    throw new UsageError(
      '--shard needs --as-of (or asOf: in the config): every shard of a run must judge as of one instant, and the merge finds them by it',
    );
  let asOf: Date;
  try {
    asOf = parseAsOf(asOfText);
  } catch (err) {
    throw new UsageError(`${opts.asOf !== undefined ? '--as-of' : 'asOf'}: ${(err as Error).message}`);
  }
  const { directory, exceptions } = verdictInputs(config);
  const outDir = await preflightOutputDir(
    opts.out !== undefined ? resolve(opts.out) : resolveFromConfig(config, config.file.output.dir),
  );
  const storeSpec = resolveStoreSpec({ cli: opts.store, config, outDir });
  const lock = await lockOutputDir(outDir, opts.waitLock ?? 0, opts.signal);
  let store: Db | undefined;
  try {
    store = storeSpec ? await openStore(storeSpec) : undefined;
    const clock = systemClock(asOf);
    const collected = await collectScan({
      config,
      clock,
      log: opts.log,
      shard: opts.shard,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.select ? { select: opts.select } : {}),
      ...(opts.progress ? { progress: opts.progress } : {}),
      ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
    }).finally(() => opts.progress?.finish());
    const shard = shardResultOf(collected, {
      shard: opts.shard,
      clock,
      configHash: verdictHash(config, directory, exceptions),
    });
    const file = shardFilePath(outDir, opts.shard);
    await writeFileAtomic(file, JSON.stringify(shard));
    const interrupted = shard.run.interrupted && opts.signal?.reason instanceof Interrupted;
    // An interrupted shard is not stored: the merge would take its cut-off targets as scanned.
    if (store && storeSpec && !interrupted) {
      await saveShard(store, shard, new Date());
      opts.log.info(`recorded shard ${opts.shard.index}/${opts.shard.count} in ${storeLabel(storeSpec)}`);
    }
    const mine = shard.plan.filter((p) => p.shard === opts.shard.index && !p.discovery).length;
    const identities = shard.runs.reduce((n, r) => n + r.identities.length, 0);
    const lines = shard.runs.map((r) => `  ${r.coverage.status.padEnd(9)} ${r.coverage.target}`);
    opts.print(
      `Shard ${opts.shard.index}/${opts.shard.count}, as of ${shard.run.asOf}: ${mine} of ${shard.plan.filter((p) => !p.discovery).length} target(s), ${identities} identities collected.\n` +
        `${lines.join('\n')}${lines.length > 0 ? '\n' : ''}` +
        `Wrote ${file}. Findings are judged when every shard is in: \`nhiscan merge\`.\n`,
    );
    const reason: unknown = opts.signal?.reason;
    if (interrupted && reason instanceof Interrupted)
      return { exitCode: exitCodeForSignal(reason.signal), shard, file };
    const complete = shard.runs.every((r) => r.coverage.status === 'complete');
    return { exitCode: complete ? EXIT.ok : EXIT.incomplete, shard, file };
  } finally {
    await lock.release();
    await store?.close();
  }
};
