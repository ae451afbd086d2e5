// `scan --shard I/N` and `nhiscan merge`: a shard collects its targets (src/shard-plan.ts) without
// judging them — policies read the whole inventory (trust, escalation paths, duplicates across
// targets), so only the merge of every shard can judge — and writes a shard result (a file, and
// the store's shard_results table). The merge checks the shards belong to one run, names any
// missing one, and judges their union with the same code as a whole run (scan.ts judgeScan).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Clock } from './clock.js';
import { UsageError, errorMessage } from './errors.js';
import { sha256, stableStringify } from './hash.js';
import { Coverage, Identity, ScanResult as ScanResultSchema, type ScanResult } from './model.js';
import type { Collected, PlannedTarget } from './scan.js';
import type { ShardSpec } from './shard-plan.js';
import { VERSION } from './version.js';

export const SHARD_FORMAT = 'nhiscan-shard/1';

const PlannedTargetSchema = z.object({
  provider: z.string(),
  target: z.string(),
  discovery: z.boolean(),
  shard: z.number().int().positive(),
});

export const ShardResult = z.object({
  format: z.literal(SHARD_FORMAT),
  shard: z.object({ index: z.number().int().positive(), count: z.number().int().positive() }),
  // The result's run fields (configHash: the verdict's, which every shard and the merge must agree on).
  run: ScanResultSchema.shape.run
    .pick({ id: true, tool: true, startedAt: true, finishedAt: true, asOf: true, configHash: true })
    .extend({
      /** Over the config hash, as-of, shard count and plan: shards of one run share it. */
      planHash: z.string(),
      interrupted: z.boolean(),
    }),
  /** Every target of the run (all shards), in the order a whole run records them. */
  plan: z.array(PlannedTargetSchema),
  /** This shard's targets as collected (identities not yet judged, owners not yet resolved). */
  runs: z.array(
    z.object({
      position: z.number().int().nonnegative(),
      coverage: Coverage,
      identities: z.array(Identity),
    }),
  ),
});
export type ShardResult = z.infer<typeof ShardResult>;

export const shardFileName = (spec: ShardSpec): string => `nhiscan-shard-${spec.index}-of-${spec.count}.json`;

const planHash = (configHash: string, asOf: string, count: number, plan: readonly PlannedTarget[]): string =>
  sha256(stableStringify({ configHash, asOf, count, plan }));

export const shardResultOf = (
  collected: Collected,
  opts: { shard: ShardSpec; clock: Clock; configHash: string },
): ShardResult => {
  const asOf = opts.clock.asOf.toISOString();
  return {
    format: SHARD_FORMAT,
    shard: opts.shard,
    run: {
      id: randomUUID(),
      tool: { name: 'nhiscan', version: VERSION },
      startedAt: collected.startedAt,
      finishedAt: opts.clock.now().toISOString(),
      asOf,
      configHash: opts.configHash,
      planHash: planHash(opts.configHash, asOf, opts.shard.count, collected.plan),
      interrupted: collected.interrupted,
    },
    plan: collected.plan,
    runs: collected.runs.map(({ position, run }) => ({ position, ...run })),
  };
};

/** Reads a shard result file; anything else is exit 2 naming the file. */
export const readShardFile = (path: string): ShardResult => {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`${path}: cannot read a shard result: ${errorMessage(err)}`);
  }
  return parseShard(raw, path);
};

export const parseShard = (raw: unknown, where: string): ShardResult => {
  const parsed = ShardResult.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `${where}: not a shard result written by \`nhiscan scan --shard\` (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`,
    );
  }
  return parsed.data;
};

export interface MergedShards {
  collected: Collected;
  asOf: string;
  shard: NonNullable<ScanResult['run']['shard']>;
}

/**
 * Checks the shards are of one run (same config hash, as-of, count and plan) and puts their
 * targets back in the plan's order. A missing shard is refused, naming it and its targets; with
 * `allowMissing` its targets are recorded as failed coverage (never silently complete).
 */
export const mergeShards = (
  shards: readonly ShardResult[],
  opts: { configHash: string; allowMissing?: boolean; now: () => Date },
): MergedShards => {
  const first = shards[0];
  if (!first) throw new UsageError('merge: no shard results to merge');
  const label = (s: ShardResult): string => `shard ${s.shard.index}/${s.shard.count}`;
  for (const s of shards) {
    if (s.run.configHash !== opts.configHash)
      throw new UsageError(
        `merge: ${label(s)} was scanned with another config (hash ${s.run.configHash}) than this one (${opts.configHash}): merge with the config the shards ran with`,
      );
    if (s.shard.count !== first.shard.count || s.run.asOf !== first.run.asOf)
      throw new UsageError(
        `merge: ${label(s)} (as of ${s.run.asOf}) and ${label(first)} (as of ${first.run.asOf}) are not of one sharded run`,
      );
    if (s.run.planHash !== first.run.planHash)
      throw new UsageError(
        `merge: ${label(s)} and ${label(first)} found different targets (their organisation listings differ): run every shard again`,
      );
  }
  const count = first.shard.count;
  const byIndex = new Map<number, ShardResult>();
  for (const s of shards) {
    const seen = byIndex.get(s.shard.index);
    if (seen && seen.run.id !== s.run.id)
      throw new UsageError(`merge: ${label(s)} given twice (runs ${seen.run.id} and ${s.run.id}): keep one`);
    byIndex.set(s.shard.index, s);
  }
  const indexes = Array.from({ length: count }, (_, i) => i + 1);
  const missing = indexes.filter((i) => !byIndex.has(i));
  const plan = first.plan;
  if (missing.length > 0 && !opts.allowMissing) {
    const names = missing.map((i) => {
      const targets = plan.filter((p) => p.shard === i).map((p) => p.target);
      return `${i}/${count} (${targets.length > 0 ? targets.join(', ') : 'no targets'})`;
    });
    throw new UsageError(
      `merge: missing shard(s) ${names.join('; ')}: run them, or pass --allow-missing to record their targets as failed`,
    );
  }
  const at = opts.now().toISOString();
  const runs = [...byIndex.values()].flatMap((s) =>
    s.runs.map(({ position, coverage, identities }) => ({ position, run: { coverage, identities } })),
  );
  plan.forEach((p, position) => {
    if (!missing.includes(p.shard)) return;
    runs.push({
      position,
      run: {
        identities: [],
        coverage: Coverage.parse({
          provider: p.provider,
          target: p.target,
          status: 'failed',
          startedAt: at,
          finishedAt: at,
          counts: {},
          gaps: [
            {
              code: 'unknown',
              call: 'nhiscan:shard',
              resource: p.target,
              message: `shard ${p.shard}/${count} did not report: this target was not scanned`,
              recovered: false,
            },
          ],
          notes: [],
          ...(p.discovery ? { discovery: true } : {}),
        }),
      },
    });
  });
  runs.sort((a, b) => a.position - b.position);
  const merged = [...byIndex.values()];
  return {
    asOf: first.run.asOf,
    shard: { count, merged: [...byIndex.keys()].sort((a, b) => a - b), missing },
    collected: {
      startedAt: merged.map((s) => s.run.startedAt).sort()[0] ?? at,
      plan,
      runs,
      interrupted: merged.some((s) => s.run.interrupted),
    },
  };
};

export const shardFilePath = (outDir: string, spec: ShardSpec): string => join(outDir, shardFileName(spec));
