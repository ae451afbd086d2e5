// `nhiscan verify --store`: walks the chain oldest first. Each scan's rows must still hash to what
// its manifest says, its manifest to its recorded hash, and its `prev_hash` to the scan before it
// (or to the prune checkpoint). The first link that does not hold is named.
import type { Db } from './db.js';
import {
  GENESIS_HASH,
  MANIFEST_FORMAT,
  digestContent,
  manifestHash,
  type ScanManifest,
  type SnapshotName,
} from './manifest.js';
import { readCheckpoint } from './record.js';

export interface StoreVerification {
  ok: boolean;
  scans: number;
  /** Where verification started: the first scan ever, or the checkpoint left by `prune`. */
  from:
    | { kind: 'genesis' }
    | { kind: 'checkpoint'; prunedThroughSeq: number; prunedThroughAsOf: string; prunedScans: number };
  broken?: { seq: number; runId: string; asOf: string; reason: string };
}

interface ScanRow {
  seq: unknown;
  run_id: string;
  as_of: string;
  started_at: string;
  finished_at: string;
  complete: unknown;
  tool_version: string;
  config_hash: string;
  identities: unknown;
  credentials: unknown;
  findings: unknown;
  manifest: string;
  manifest_hash: string;
  prev_hash: string;
}

const whyBroken = async (db: Db, row: ScanRow, expectedPrev: string): Promise<string | undefined> => {
  const seq = Number(row.seq);
  if (manifestHash(row.manifest) !== row.manifest_hash)
    return 'its manifest does not match its recorded hash';
  let m: ScanManifest;
  try {
    m = JSON.parse(row.manifest) as ScanManifest;
  } catch {
    return 'its manifest is not JSON';
  }
  if (m.format !== MANIFEST_FORMAT) return `unknown manifest format ${String(m.format)}`;
  if (row.prev_hash !== expectedPrev || m.prevHash !== expectedPrev) {
    return `its previous-scan hash ${row.prev_hash.slice(0, 12)}… does not match the scan before it (${expectedPrev.slice(0, 12)}…): a scan was removed, inserted or replaced`;
  }
  const fields: [string, unknown, unknown][] = [
    ['seq', m.seq, seq],
    ['run id', m.runId, row.run_id],
    ['asOf', m.asOf, row.as_of],
    ['startedAt', m.startedAt, row.started_at],
    ['finishedAt', m.finishedAt, row.finished_at],
    ['complete', m.complete, Number(row.complete) === 1],
    ['tool version', m.toolVersion, row.tool_version],
    ['config hash', m.configHash, row.config_hash],
    ['identity count', m.counts.identities, Number(row.identities)],
    ['credential count', m.counts.credentials, Number(row.credentials)],
    ['finding count', m.counts.findings, Number(row.findings)],
  ];
  for (const [name, expected, actual] of fields) {
    if (expected !== actual)
      return `its ${name} was changed (manifest: ${String(expected)}, row: ${String(actual)})`;
  }
  const content = await digestContent(db, seq);
  for (const name of Object.keys(m.content) as SnapshotName[]) {
    const want = m.content[name];
    const got = content[name];
    if (want.rows !== got.rows)
      return `its ${name} rows were added or deleted (${want.rows} recorded, ${got.rows} now)`;
    if (want.sha256 !== got.sha256) return `its ${name} rows were edited`;
  }
  return undefined;
};

export const verifyStore = async (db: Db): Promise<StoreVerification> => {
  const cp = await readCheckpoint(db);
  const from: StoreVerification['from'] = cp
    ? { kind: 'checkpoint', prunedThroughSeq: cp.seq, prunedThroughAsOf: cp.asOf, prunedScans: cp.scans }
    : { kind: 'genesis' };
  let expectedPrev = cp?.hash ?? GENESIS_HASH;
  let expectedSeq = cp ? cp.seq + 1 : 1;
  let scans = 0;
  // Page through so a long history is never held whole.
  let after = 0;
  for (;;) {
    const rows = await db.all<ScanRow>('SELECT * FROM scans WHERE seq > ? ORDER BY seq LIMIT 200', [after]);
    if (rows.length === 0) break;
    for (const row of rows) {
      const seq = Number(row.seq);
      const reason =
        seq !== expectedSeq
          ? `scan #${expectedSeq} is missing before it (deleted outside nhiscan prune)`
          : await whyBroken(db, row, expectedPrev);
      if (reason)
        return { ok: false, scans, from, broken: { seq, runId: row.run_id, asOf: row.as_of, reason } };
      expectedPrev = row.manifest_hash;
      expectedSeq = seq + 1;
      scans++;
      after = seq;
    }
  }
  return { ok: true, scans, from };
};

export const renderStoreVerification = (label: string, v: StoreVerification): string => {
  const from =
    v.from.kind === 'genesis'
      ? 'from the first scan recorded'
      : `from the prune checkpoint (scans up to #${v.from.prunedThroughSeq}, as of ${v.from.prunedThroughAsOf}, were pruned: ${v.from.prunedScans} in all)`;
  if (v.ok) return `Store ${label}: chain intact, ${v.scans} scan(s) verified ${from}.\n`;
  const b = v.broken;
  return (
    `Store ${label}: CHAIN BROKEN at scan #${b?.seq} (run ${b?.runId}, as of ${b?.asOf}): ${b?.reason}.\n` +
    `  ${v.scans} scan(s) before it verified ${from}.\n`
  );
};
