// What the reports of a recorded scan say about its history: what is new since the last scan,
// when each finding was first seen, and the trend of open findings and population over the last
// scans. Read after the scan is recorded, before any report is written.
import { type Finding, Severity, SEVERITY_ORDER } from '../model.js';
import type { ReportHistory, TrendPoint } from '../report/types.js';
import type { Db } from './db.js';
import type { RecordedScan } from './record.js';

/** How many scans the trend charts show by default: a month of nightly scans. */
export const TREND_SCANS = 30;

const zeroes = (): Record<Severity, number> =>
  Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<Severity, number>;

/** The last `limit` scans up to and including `seq`, oldest first. */
export const readTrend = async (db: Db, seq: number, limit = TREND_SCANS): Promise<TrendPoint[]> => {
  const scans = await db.all<{
    seq: unknown;
    as_of: string;
    identities: unknown;
    credentials: unknown;
    complete: unknown;
  }>(
    'SELECT seq, as_of, identities, credentials, complete FROM scans WHERE seq <= ? ORDER BY seq DESC LIMIT ?',
    [seq, limit],
  );
  if (scans.length === 0) return [];
  const oldest = Number(scans.at(-1)?.seq);
  // Open as src/findings.ts defines it: no exception, or an expired one.
  const counts = await db.all<{ seq: unknown; severity: string; n: unknown }>(
    `SELECT seq, severity, COUNT(*) AS n FROM scan_findings
      WHERE seq >= ? AND seq <= ? AND (exception_status IS NULL OR exception_status = 'expired')
      GROUP BY seq, severity`,
    [oldest, seq],
  );
  const bySeq = new Map<number, Record<Severity, number>>();
  for (const c of counts) {
    const sev = Severity.safeParse(c.severity);
    if (!sev.success) continue;
    const row = bySeq.get(Number(c.seq)) ?? zeroes();
    row[sev.data] += Number(c.n);
    bySeq.set(Number(c.seq), row);
  }
  return scans.reverse().map((s) => ({
    seq: Number(s.seq),
    asOf: s.as_of,
    open: bySeq.get(Number(s.seq)) ?? zeroes(),
    identities: Number(s.identities),
    credentials: Number(s.credentials),
    complete: Number(s.complete) === 1,
  }));
};

/** First-seen dates of the given findings, from the store's lifecycle. */
export const readFirstSeen = async (db: Db, findings: readonly Finding[]): Promise<Map<string, string>> => {
  const wanted = new Set(findings.map((f) => f.uid));
  const rows = await db.all<{ uid: string; first_seen_at: string }>(
    'SELECT uid, first_seen_at FROM finding_lifecycle',
  );
  return new Map(rows.filter((r) => wanted.has(r.uid)).map((r) => [r.uid, r.first_seen_at]));
};

export const reportHistory = async (
  db: Db,
  recorded: RecordedScan,
  findings: readonly Finding[],
  store: string,
  trendScans = TREND_SCANS,
): Promise<ReportHistory> => ({
  status: 'recorded',
  store,
  seq: recorded.seq,
  previous: recorded.previous ? { seq: recorded.previous.seq, asOf: recorded.previous.asOf } : undefined,
  newSinceLastScan: recorded.previous ? recorded.newFindings : [],
  firstSeen: await readFirstSeen(db, findings),
  trend: await readTrend(db, recorded.seq, trendScans),
});
