// Recording a scan: everything in ONE write transaction — run metadata, the inventory snapshot,
// evaluations, findings by stable id, coverage per target, exceptions, the finding lifecycle and
// the link to the previous scan. A scan that throws half-way leaves nothing behind.
import { UsageError } from '../errors.js';
import type { EvaluationRecord, Finding, ScanResult } from '../model.js';
import { severityRank } from '../model.js';
import { isOpenFinding } from '../findings.js';
import type { Db, Param, Tx } from './db.js';
import {
  GENESIS_HASH,
  MANIFEST_FORMAT,
  digestContent,
  manifestHash,
  manifestText,
  type ScanManifest,
} from './manifest.js';

/** A finished scan as the store reads it; evaluation records when the scan produced them. */
export type StorableScan = ScanResult & { evaluations?: readonly EvaluationRecord[] };

export interface RecordedScan {
  seq: number;
  manifestHash: string;
  prevHash: string;
  /** Findings open now that were not open before this scan (never seen, or resolved and back). */
  newFindings: Finding[];
  /** The scan this one follows, when there is one. */
  previous?: { seq: number; runId: string; asOf: string };
}

export interface RecordOptions {
  /** Called between inserts: tests use it to throw mid-transaction. */
  onProgress?: (stage: string) => void;
  /** Runs inside the same transaction once the scan is in (the shard merge marks its shards). */
  withinRecord?: (tx: Tx, seq: number) => Promise<void>;
}

export const controlKeys = (f: Pick<Finding, 'controls'>): string[] =>
  [...new Set(f.controls.map((c) => `${c.framework}:${c.id}`))].sort();

const json = (v: unknown): string => JSON.stringify(v ?? null);
const opt = (v: string | null | undefined): string | null => v ?? null;

const insertMany = async (tx: Tx, table: string, columns: string[], rows: Param[][]): Promise<void> => {
  // Batches keep statements under both engines' parameter limits.
  const per = Math.max(1, Math.floor(900 / columns.length));
  for (let i = 0; i < rows.length; i += per) {
    const batch = rows.slice(i, i + per);
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    await tx.run(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${batch.map(() => tuple).join(', ')}`,
      batch.flat(),
    );
  }
};

export interface ChainHead {
  seq: number;
  runId: string;
  asOf: string;
  manifestHash: string;
}

export const chainHead = async (tx: Tx): Promise<ChainHead | undefined> => {
  const rows = await tx.all<{ seq: unknown; run_id: string; as_of: string; manifest_hash: string }>(
    'SELECT seq, run_id, as_of, manifest_hash FROM scans ORDER BY seq DESC LIMIT 1',
  );
  const r = rows[0];
  return r
    ? { seq: Number(r.seq), runId: r.run_id, asOf: r.as_of, manifestHash: r.manifest_hash }
    : undefined;
};

const checkpoint = async (
  tx: Tx,
): Promise<{ seq: number; hash: string; asOf: string; scans: number } | undefined> => {
  const rows = await tx.all<{
    pruned_through_seq: unknown;
    last_pruned_hash: string;
    pruned_through_as_of: string;
    pruned_scans: unknown;
  }>(
    'SELECT pruned_through_seq, last_pruned_hash, pruned_through_as_of, pruned_scans FROM chain_checkpoint WHERE id = 1',
  );
  const r = rows[0];
  return r
    ? {
        seq: Number(r.pruned_through_seq),
        hash: r.last_pruned_hash,
        asOf: r.pruned_through_as_of,
        scans: Number(r.pruned_scans),
      }
    : undefined;
};
export { checkpoint as readCheckpoint };

export const recordScan = async (
  db: Db,
  scan: StorableScan,
  opts: RecordOptions = {},
): Promise<RecordedScan> =>
  db.write(async (tx) => {
    const progress = opts.onProgress ?? (() => undefined);
    const head = await chainHead(tx);
    if (head && Date.parse(scan.run.asOf) < Date.parse(head.asOf)) {
      throw new UsageError(
        `store ${db.label}: this scan is judged as of ${scan.run.asOf}, before the newest stored scan (${head.asOf}); ` +
          'the finding lifecycle is kept in time order, so scans are recorded oldest first',
      );
    }
    const cp = head ? undefined : await checkpoint(tx);
    const seq = head ? head.seq + 1 : cp ? cp.seq + 1 : 1;
    const prevHash = head?.manifestHash ?? cp?.hash ?? GENESIS_HASH;
    const credentials = scan.identities.reduce((n, i) => n + i.credentials.length, 0);

    // The scan row first (snapshots reference it), with a placeholder hash filled in at the end.
    await tx.run(
      `INSERT INTO scans (seq, run_id, as_of, started_at, finished_at, complete, tool_version, config_hash,
        identities, credentials, findings, manifest, manifest_hash, prev_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        seq,
        scan.run.id,
        scan.run.asOf,
        scan.run.startedAt,
        scan.run.finishedAt,
        scan.run.complete ? 1 : 0,
        scan.run.tool.version,
        scan.run.configHash,
        scan.identities.length,
        credentials,
        scan.findings.length,
        '',
        `pending:${scan.run.id}`,
        prevHash,
      ],
    );
    progress('scan');
    await insertMany(
      tx,
      'scan_coverage',
      ['seq', 'target', 'provider', 'scope', 'status', 'principal', 'gaps'],
      scan.coverage.map((c) => [
        seq,
        c.target,
        c.provider,
        opt(c.scope),
        c.status,
        opt(c.principal),
        json(c.gaps),
      ]),
    );
    progress('coverage');
    await insertMany(
      tx,
      'scan_identities',
      ['seq', 'uid', 'provider', 'kind', 'name', 'scope', 'data'],
      scan.identities.map((i) => [seq, i.uid, i.provider, i.kind, i.name, i.location.scope, json(i)]),
    );
    progress('identities');
    await insertMany(
      tx,
      'scan_credentials',
      ['seq', 'identity_uid', 'uid', 'type', 'status', 'created_at', 'last_rotated_at', 'last_used_at'],
      scan.identities.flatMap((i) =>
        i.credentials.map((c) => [
          seq,
          i.uid,
          c.uid,
          c.type,
          c.status,
          opt(c.createdAt),
          opt(c.lastRotatedAt),
          opt(c.lastUsedAt),
        ]),
      ),
    );
    progress('credentials');
    await insertMany(
      tx,
      'scan_findings',
      [
        'seq',
        'uid',
        'policy_id',
        'severity',
        'provider',
        'scope',
        'identity_uid',
        'controls',
        'exception_id',
        'exception_status',
        'data',
      ],
      scan.findings.map((f) => [
        seq,
        f.uid,
        f.policyId,
        f.severity,
        f.provider,
        f.location.scope,
        f.identityUid,
        json(controlKeys(f)),
        opt(f.exception?.id),
        opt(f.exception?.status),
        json(f),
      ]),
    );
    progress('findings');
    await insertMany(
      tx,
      'scan_evaluations',
      ['seq', 'policy_id', 'identity_uid', 'status', 'reason', 'findings'],
      (scan.evaluations ?? []).map((e) => [
        seq,
        e.policyId,
        e.identityUid,
        e.status,
        opt(e.reason),
        json(e.findings),
      ]),
    );
    progress('evaluations');
    await insertMany(
      tx,
      'scan_exceptions',
      ['seq', 'id', 'status', 'expires', 'approver', 'justification', 'findings'],
      scan.exceptions.map((x) => [
        seq,
        x.id,
        x.status,
        x.expires,
        x.approver,
        x.justification,
        json(x.findings),
      ]),
    );
    progress('exceptions');

    const newFindings = await updateLifecycle(tx, seq, scan);
    progress('lifecycle');

    const manifest: ScanManifest = {
      format: MANIFEST_FORMAT,
      seq,
      runId: scan.run.id,
      asOf: scan.run.asOf,
      startedAt: scan.run.startedAt,
      finishedAt: scan.run.finishedAt,
      complete: scan.run.complete,
      toolVersion: scan.run.tool.version,
      configHash: scan.run.configHash,
      counts: { identities: scan.identities.length, credentials, findings: scan.findings.length },
      prevHash,
      content: await digestContent(tx, seq),
    };
    const text = manifestText(manifest);
    const hash = manifestHash(text);
    await tx.run('UPDATE scans SET manifest = ?, manifest_hash = ? WHERE seq = ?', [text, hash, seq]);
    progress('manifest');
    if (opts.withinRecord) await opts.withinRecord(tx, seq);
    return {
      seq,
      manifestHash: hash,
      prevHash,
      newFindings,
      ...(head ? { previous: { seq: head.seq, runId: head.runId, asOf: head.asOf } } : {}),
    };
  });

interface LifecycleRow {
  uid: string;
  provider: string;
  scope: string;
  state: string;
  opened_at: string;
  not_rechecked_since: string | null;
}

/**
 * Opens, keeps, resolves or reopens each finding. A finding absent tonight is resolved only when
 * every target that covers its scope finished complete; otherwise it stays open, "not re-checked".
 */
const updateLifecycle = async (tx: Tx, seq: number, scan: StorableScan): Promise<Finding[]> => {
  const at = scan.run.asOf;
  const known = new Map(
    (
      await tx.all<LifecycleRow & { uid: string }>(
        'SELECT uid, provider, scope, state, opened_at, not_rechecked_since FROM finding_lifecycle',
      )
    ).map((r) => [r.uid, r]),
  );
  const present = new Set<string>();
  const newFindings: Finding[] = [];
  const event = (uid: string, kind: string, openedAt: string): Promise<void> =>
    tx.run('INSERT INTO finding_events (seq, finding_uid, event, at, opened_at) VALUES (?, ?, ?, ?, ?)', [
      seq,
      uid,
      kind,
      at,
      openedAt,
    ]);
  for (const f of scan.findings) {
    if (present.has(f.uid)) continue;
    present.add(f.uid);
    const row = known.get(f.uid);
    const facts: Param[] = [
      f.policyId,
      f.severity,
      f.provider,
      f.location.scope,
      f.identityUid,
      f.identityName,
      json(controlKeys(f)),
    ];
    if (!row) {
      await tx.run(
        `INSERT INTO finding_lifecycle (uid, policy_id, severity, provider, scope, identity_uid, identity_name, controls,
          first_seen_at, last_seen_at, state, opened_at, resolved_at, reopened, not_rechecked_since)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, NULL, 0, NULL)`,
        [f.uid, ...facts, at, at, at],
      );
      await event(f.uid, 'opened', at);
      newFindings.push(f);
    } else if (row.state === 'resolved') {
      await tx.run(
        `UPDATE finding_lifecycle SET policy_id = ?, severity = ?, provider = ?, scope = ?, identity_uid = ?, identity_name = ?,
          controls = ?, last_seen_at = ?, state = 'open', opened_at = ?, resolved_at = NULL, reopened = reopened + 1,
          not_rechecked_since = NULL WHERE uid = ?`,
        [...facts, at, at, f.uid],
      );
      await event(f.uid, 'reopened', at);
      newFindings.push(f);
    } else {
      await tx.run(
        `UPDATE finding_lifecycle SET policy_id = ?, severity = ?, provider = ?, scope = ?, identity_uid = ?, identity_name = ?,
          controls = ?, last_seen_at = ?, not_rechecked_since = NULL WHERE uid = ?`,
        [...facts, at, f.uid],
      );
    }
  }
  for (const row of known.values()) {
    if (row.state !== 'open' || present.has(row.uid)) continue;
    const covering = scan.coverage.filter((c) => c.provider === row.provider && c.scope === row.scope);
    if (covering.length > 0 && covering.every((c) => c.status === 'complete')) {
      await tx.run(
        "UPDATE finding_lifecycle SET state = 'resolved', resolved_at = ?, not_rechecked_since = NULL WHERE uid = ?",
        [at, row.uid],
      );
      await event(row.uid, 'resolved', row.opened_at);
    } else {
      await tx.run('UPDATE finding_lifecycle SET not_rechecked_since = ? WHERE uid = ?', [
        row.not_rechecked_since ?? at,
        row.uid,
      ]);
      await event(row.uid, 'not-rechecked', row.opened_at);
    }
  }
  return newFindings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
};

/** New findings at or above `min`, excepted ones left out (an accepted risk is not a regression). */
export const newAtOrAbove = (findings: readonly Finding[], min: Finding['severity']): Finding[] =>
  findings.filter((f) => isOpenFinding(f) && severityRank(f.severity) >= severityRank(min));
