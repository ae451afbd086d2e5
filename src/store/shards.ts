// Shard results in the store (schema v3, shard_results): each `scan --shard I/N` writes its row;
// `nhiscan merge` reads the unmerged rows of one run and, in the transaction that records the
// merged scan, marks them merged.
import { UsageError } from '../errors.js';
import { parseShard, type ShardResult } from '../shard.js';
import type { Db, Tx } from './db.js';

export interface ShardRunKey {
  asOf: string;
  configHash: string;
  count: number;
}

/**
 * Stores a shard; the same shard run again replaces its row, unless the run is merged already.
 * Returns how many shards of its run are in, unmerged, counted under the same write lock: the one
 * that makes it N is the last in (two shards finishing at once cannot both see N).
 */
export const saveShard = async (db: Db, shard: ShardResult, now: Date): Promise<number> =>
  db.write(async (tx) => {
    const key = [shard.run.asOf, shard.run.configHash, shard.shard.count, shard.shard.index];
    const rows = await tx.all<{ merged_seq: unknown }>(
      'SELECT merged_seq FROM shard_results WHERE as_of = ? AND config_hash = ? AND shard_count = ? AND shard_index = ?',
      key,
    );
    const merged = rows[0]?.merged_seq;
    if (merged !== undefined && merged !== null)
      throw new UsageError(
        `store ${db.label}: shard ${shard.shard.index}/${shard.shard.count} as of ${shard.run.asOf} is merged already (scan #${Number(merged)}): a new run needs another --as-of`,
      );
    await tx.run(
      'DELETE FROM shard_results WHERE as_of = ? AND config_hash = ? AND shard_count = ? AND shard_index = ?',
      key,
    );
    await tx.run(
      `INSERT INTO shard_results (as_of, config_hash, shard_count, shard_index, plan_hash, run_id, recorded_at, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [...key, shard.run.planHash, shard.run.id, now.toISOString(), JSON.stringify(shard)],
    );
    const present = await tx.all<{ n: unknown }>(
      'SELECT COUNT(*) AS n FROM shard_results WHERE as_of = ? AND config_hash = ? AND shard_count = ? AND merged_seq IS NULL',
      key.slice(0, 3),
    );
    return Number(present[0]?.n ?? 0);
  });

/**
 * The unmerged shards of one run of this config: as of `asOf` when given, else the only as-of
 * with unmerged shards (several → exit 2 naming them).
 */
export const loadShards = async (
  db: Db,
  opts: { configHash: string; asOf?: string | undefined },
): Promise<{ key: ShardRunKey; shards: ShardResult[] }> => {
  const rows = await db.all<{ as_of: string; shard_count: unknown; shard_index: unknown; data: string }>(
    `SELECT as_of, shard_count, shard_index, data FROM shard_results
     WHERE config_hash = ? AND merged_seq IS NULL${opts.asOf ? ' AND as_of = ?' : ''}
     ORDER BY as_of, shard_count, shard_index`,
    opts.asOf ? [opts.configHash, opts.asOf] : [opts.configHash],
  );
  const runs = [...new Set(rows.map((r) => `${r.as_of} in ${Number(r.shard_count)} shards`))];
  const first = rows[0];
  if (!first)
    throw new UsageError(
      `store ${db.label}: no unmerged shard results of this config${opts.asOf ? ` as of ${opts.asOf}` : ''}`,
    );
  if (runs.length > 1)
    throw new UsageError(
      `store ${db.label}: unmerged shards of several runs (${runs.join('; ')}): name one with --as-of`,
    );
  return {
    key: { asOf: first.as_of, configHash: opts.configHash, count: Number(first.shard_count) },
    shards: rows.map((r) =>
      parseShard(JSON.parse(r.data), `store ${db.label} shard ${Number(r.shard_index)}`),
    ),
  };
};

/** A shard run another process merged first (its record is rolled back). */
export class MergedAlready extends Error {
  override readonly name = 'MergedAlready';
}

/**
 * Inside the transaction recording the merged scan: its shards are merged, by that scan. With
 * `expect` (the automatic merge), every one of them must still be unmerged: when another process
 * merged the run first, the transaction is rolled back (MergedAlready), so a run is merged once.
 */
export const markMerged = async (tx: Tx, key: ShardRunKey, seq: number, expect?: number): Promise<void> => {
  if (expect !== undefined) {
    const rows = await tx.all<{ n: unknown }>(
      'SELECT COUNT(*) AS n FROM shard_results WHERE as_of = ? AND config_hash = ? AND shard_count = ? AND merged_seq IS NULL',
      [key.asOf, key.configHash, key.count],
    );
    if (Number(rows[0]?.n ?? 0) !== expect)
      throw new MergedAlready(`the shards of the run as of ${key.asOf} were merged by another process`);
  }
  await tx.run(
    'UPDATE shard_results SET merged_seq = ? WHERE as_of = ? AND config_hash = ? AND shard_count = ? AND merged_seq IS NULL',
    [seq, key.asOf, key.configHash, key.count],
  );
};
