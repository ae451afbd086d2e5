// `nhiscan diff`: what changed between two scans — new, resolved, persisting (with ages), and the
// findings of targets that were not re-checked (a partial or failed target resolves nothing).
import { readFile } from 'node:fs/promises';
import { daysBetween, isoDay } from '../clock.js';
import { UsageError, errorMessage } from '../errors.js';
import { type Coverage, type Finding, ScanResult, severityRank } from '../model.js';
import { compareCodeUnits } from '../order.js';
import type { Db } from './db.js';

export interface ScanSide {
  label: string;
  asOf: string;
  findings: readonly Finding[];
  coverage: readonly Pick<Coverage, 'provider' | 'scope' | 'status' | 'target'>[];
}

export interface DiffEntry {
  uid: string;
  policyId: string;
  severity: Finding['severity'];
  provider: string;
  scope: string;
  identityName: string;
  title: string;
  /** When it was first seen: from the store's lifecycle, else the older scan's date (a lower bound). */
  firstSeen: string;
  ageDays: number;
  ageIsLowerBound: boolean;
}

export interface ScanDiff {
  a: { label: string; asOf: string };
  b: { label: string; asOf: string };
  new: DiffEntry[];
  resolved: DiffEntry[];
  /** In A, absent from B, but B did not completely scan the target: still open, not re-checked. */
  notRechecked: DiffEntry[];
  persisting: DiffEntry[];
}

const order = (x: DiffEntry, y: DiffEntry): number =>
  severityRank(y.severity) - severityRank(x.severity) ||
  compareCodeUnits(x.policyId, y.policyId) ||
  compareCodeUnits(x.uid, y.uid);

export const diffScans = (a: ScanSide, b: ScanSide, firstSeen?: ReadonlyMap<string, string>): ScanDiff => {
  const inA = new Map(a.findings.map((f) => [f.uid, f]));
  const inB = new Map(b.findings.map((f) => [f.uid, f]));
  const entry = (f: Finding, fallback: string): DiffEntry => {
    const known = firstSeen?.get(f.uid);
    const seen = known ?? fallback;
    return {
      uid: f.uid,
      policyId: f.policyId,
      severity: f.severity,
      provider: f.provider,
      scope: f.location.scope,
      identityName: f.identityName,
      title: f.title,
      firstSeen: seen,
      ageDays: daysBetween(seen, new Date(b.asOf)) ?? 0,
      ageIsLowerBound: known === undefined && fallback === a.asOf,
    };
  };
  const out: ScanDiff = {
    a: { label: a.label, asOf: a.asOf },
    b: { label: b.label, asOf: b.asOf },
    new: [],
    resolved: [],
    notRechecked: [],
    persisting: [],
  };
  for (const f of inB.values()) {
    if (inA.has(f.uid)) out.persisting.push(entry(f, a.asOf));
    else out.new.push(entry(f, b.asOf));
  }
  for (const f of inA.values()) {
    if (inB.has(f.uid)) continue;
    const covering = b.coverage.filter((c) => c.provider === f.provider && c.scope === f.location.scope);
    const rechecked = covering.length > 0 && covering.every((c) => c.status === 'complete');
    (rechecked ? out.resolved : out.notRechecked).push(entry(f, a.asOf));
  }
  for (const list of [out.new, out.resolved, out.notRechecked, out.persisting]) list.sort(order);
  return out;
};

export const readResultFile = async (path: string): Promise<ScanSide> => {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`${path}: ${errorMessage(err)}`);
  }
  const parsed = ScanResult.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `${path}: not a nhiscan result (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`,
    );
  }
  return {
    label: path,
    asOf: parsed.data.run.asOf,
    findings: parsed.data.findings,
    coverage: parsed.data.coverage,
  };
};

interface StoredScan {
  seq: number;
  runId: string;
  asOf: string;
}

/** A scan named by its number (`12`), its run id or a unique prefix of it, or `latest`. */
export const findScan = async (db: Db, ref: string): Promise<StoredScan> => {
  const rows = await db.all<{ seq: unknown; run_id: string; as_of: string }>(
    /^\d+$/.test(ref)
      ? 'SELECT seq, run_id, as_of FROM scans WHERE seq = ?'
      : ref === 'latest'
        ? 'SELECT seq, run_id, as_of FROM scans ORDER BY seq DESC LIMIT 1'
        : "SELECT seq, run_id, as_of FROM scans WHERE run_id LIKE ? || '%' LIMIT 2",
    ref === 'latest' ? [] : [/^\d+$/.test(ref) ? Number(ref) : ref],
  );
  if (rows.length !== 1 || !rows[0]) {
    throw new UsageError(
      rows.length > 1
        ? `scan "${ref}" is ambiguous: give more of the run id`
        : `no scan "${ref}" in the store`,
    );
  }
  return { seq: Number(rows[0].seq), runId: rows[0].run_id, asOf: rows[0].as_of };
};

export const loadStoredScan = async (db: Db, scan: StoredScan): Promise<ScanSide> => {
  const findings = (
    await db.all<{ data: string }>('SELECT data FROM scan_findings WHERE seq = ?', [scan.seq])
  ).map((r) => JSON.parse(r.data) as Finding);
  const coverage = await db.all<{
    provider: string;
    scope: string | null;
    status: Coverage['status'];
    target: string;
  }>('SELECT provider, scope, status, target FROM scan_coverage WHERE seq = ?', [scan.seq]);
  return {
    label: `#${scan.seq} (${scan.runId.slice(0, 8)})`,
    asOf: scan.asOf,
    findings,
    coverage: coverage.map((c) => ({ ...c, scope: c.scope ?? undefined })),
  };
};

export const firstSeenMap = async (db: Db): Promise<Map<string, string>> =>
  new Map(
    (
      await db.all<{ uid: string; first_seen_at: string }>('SELECT uid, first_seen_at FROM finding_lifecycle')
    ).map((r) => [r.uid, r.first_seen_at]),
  );

/** `nhiscan diff [A] [B]` over the store: default the last two scans. */
export const diffStored = async (db: Db, refA?: string, refB?: string): Promise<ScanDiff> => {
  let a: StoredScan;
  let b: StoredScan;
  if (refA === undefined) {
    const last = await db.all<{ seq: unknown; run_id: string; as_of: string }>(
      'SELECT seq, run_id, as_of FROM scans ORDER BY seq DESC LIMIT 2',
    );
    if (last.length < 2 || !last[0] || !last[1])
      throw new UsageError('diff: the store holds fewer than two scans');
    b = { seq: Number(last[0].seq), runId: last[0].run_id, asOf: last[0].as_of };
    a = { seq: Number(last[1].seq), runId: last[1].run_id, asOf: last[1].as_of };
  } else {
    a = await findScan(db, refA);
    b = await findScan(db, refB ?? 'latest');
  }
  return diffScans(await loadStoredScan(db, a), await loadStoredScan(db, b), await firstSeenMap(db));
};

/**
 * For reporters ("new since last scan"): the findings of `runId` that were not open before it.
 * Undefined when the scan is the first in the store (nothing to compare with).
 */
export const newSinceLastScan = async (db: Db, runId: string): Promise<Finding[] | undefined> => {
  const scan = await findScan(db, runId);
  const opened = await db.all<{ finding_uid: string }>(
    "SELECT finding_uid FROM finding_events WHERE seq = ? AND event IN ('opened', 'reopened')",
    [scan.seq],
  );
  const prior = await db.all<{ n: unknown }>('SELECT COUNT(*) AS n FROM scans WHERE seq < ?', [scan.seq]);
  if (Number(prior[0]?.n ?? 0) === 0) return undefined;
  const ids = new Set(opened.map((r) => r.finding_uid));
  return (await loadStoredScan(db, scan)).findings.filter((f) => ids.has(f.uid));
};

export const renderDiff = (d: ScanDiff): string => {
  const lines = [
    `Diff ${d.a.label} (as of ${d.a.asOf}) → ${d.b.label} (as of ${d.b.asOf})`,
    `  ${d.new.length} new, ${d.resolved.length} resolved, ${d.persisting.length} persisting, ${d.notRechecked.length} not re-checked (target incomplete in the newer scan)`,
  ];
  const section = (title: string, list: DiffEntry[], age: (e: DiffEntry) => string): void => {
    if (list.length === 0) return;
    lines.push('', `${title}:`);
    for (const e of list) {
      lines.push(
        `  ${e.severity.toUpperCase().padEnd(8)} ${e.policyId.padEnd(26)} ${e.identityName} (${e.scope}) ${age(e)}`,
      );
    }
  };
  const days = (e: DiffEntry): string => `${e.ageIsLowerBound ? '≥' : ''}${e.ageDays}d`;
  section('New', d.new, () => '');
  section('Resolved', d.resolved, (e) => `open ${days(e)}, since ${isoDay(e.firstSeen)}`);
  section('Not re-checked (kept open)', d.notRechecked, (e) => `age ${days(e)}`);
  section('Persisting', d.persisting, (e) => `age ${days(e)}, since ${isoDay(e.firstSeen)}`);
  return lines.join('\n') + '\n';
};
