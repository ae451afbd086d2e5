// Retention: delete scans older than a period, oldest first, and leave a checkpoint with the hash
// of the last one removed, so the chain still verifies from where it now starts (and says so).
import { addDays } from '../clock.js';
import { UsageError } from '../errors.js';
import type { Db } from './db.js';
import { readCheckpoint } from './record.js';

/** `400d`, `52w`, `13m` (30-day months) → days. */
export const parseKeep = (text: string): number => {
  const m = /^(\d{1,5})([dwm])$/.exec(text.trim());
  if (!m) throw new UsageError(`--keep: expected a period such as 400d, 57w or 13m, found "${text}"`);
  const n = Number(m[1]);
  const days = m[2] === 'd' ? n : m[2] === 'w' ? n * 7 : n * 30;
  if (days < 1) throw new UsageError('--keep: the period must be at least one day');
  return days;
};

export interface PruneResult {
  deleted: number;
  cutoff: string;
  checkpoint?: { seq: number; asOf: string; hash: string };
}

/** Deletes every scan judged before `now - keepDays`; the newest scan is always kept. */
export const pruneStore = async (db: Db, keepDays: number, now: Date): Promise<PruneResult> =>
  db.write(async (tx) => {
    const cutoff = addDays(now, -keepDays).toISOString();
    const head = await tx.all<{ seq: unknown }>('SELECT MAX(seq) AS seq FROM scans');
    const headSeq = Number(head[0]?.seq ?? 0);
    const old = await tx.all<{ seq: unknown; as_of: string; manifest_hash: string }>(
      'SELECT seq, as_of, manifest_hash FROM scans WHERE as_of < ? AND seq < ? ORDER BY seq',
      [cutoff, headSeq],
    );
    // Only a prefix of the chain may go: scans are in time order, but be exact about it.
    const last = old.at(-1);
    if (!last) return { deleted: 0, cutoff };
    const lastSeq = Number(last.seq);
    const prior = await readCheckpoint(tx);
    await tx.run('DELETE FROM scans WHERE seq <= ?', [lastSeq]);
    await tx.run('DELETE FROM chain_checkpoint WHERE id = 1');
    await tx.run(
      `INSERT INTO chain_checkpoint (id, pruned_through_seq, pruned_through_as_of, last_pruned_hash, pruned_scans, pruned_at)
       VALUES (1, ?, ?, ?, ?, ?)`,
      [lastSeq, last.as_of, last.manifest_hash, (prior?.scans ?? 0) + old.length, now.toISOString()],
    );
    // Events of resolved findings older than the cutoff go too; open findings keep their history.
    await tx.run(
      "DELETE FROM finding_events WHERE at < ? AND finding_uid IN (SELECT uid FROM finding_lifecycle WHERE state = 'resolved' AND resolved_at < ?)",
      [cutoff, cutoff],
    );
    return {
      deleted: old.length,
      cutoff,
      checkpoint: { seq: lastSeq, asOf: last.as_of, hash: last.manifest_hash },
    };
  });
