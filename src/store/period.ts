// The period report for a SOC 2 Type 2 window: the scan schedule as run (nights covered, missed,
// partial and why), per SOC 2 criterion the findings opened, closed and still open with their age,
// median and 90th-percentile time to remediate, exceptions active and expired, population over time.
import { DAY_MS, isoDay, isoInstant, parseIsoDay } from '../clock.js';
import { UsageError } from '../errors.js';
import { compareCodeUnits } from '../order.js';
import { SOC2_CRITERIA } from '../controls/soc2.js';
import type { Db } from './db.js';
import { type Gap, isOpenGap } from '../model.js';

type StoredGap = Pick<Gap, 'code' | 'call' | 'recovered' | 'closable' | 'accepted'>;

export interface NightEntry {
  date: string;
  status: 'covered' | 'partial' | 'missed';
  scans: { seq: number; runId: string; asOf: string; complete: boolean }[];
  /** For a partial night: each target that did not finish complete, with its status and gaps. */
  reasons: { target: string; status: string; gaps: string[] }[];
  /** Open findings carried forward because their target was not re-checked that night. */
  notRechecked: number;
}

export interface OpenItem {
  uid: string;
  policyId: string;
  severity: string;
  identityName: string;
  scope: string;
  openedAt: string;
  ageDays: number;
}

export interface ControlPeriod {
  control: string;
  title: string;
  opened: number;
  closed: number;
  stillOpen: OpenItem[];
  remediationDays: number[];
  medianDaysToRemediate: number | null;
  p90DaysToRemediate: number | null;
}

export interface ExceptionPeriod {
  id: string;
  approver: string;
  expires: string;
  /** Nights in the window on which it was active / expired / matched nothing. */
  nights: { active: number; expired: number; unmatched: number };
  expiredInWindow: boolean;
}

export interface PeriodReport {
  format: 'nhiscan-period/1';
  from: string;
  to: string;
  /** Ages are measured at the last scan of the window. */
  asOf: string | null;
  schedule: { nights: number; covered: number; partial: number; missed: string[]; entries: NightEntry[] };
  totals: {
    opened: number;
    closed: number;
    stillOpen: number;
    medianDaysToRemediate: number | null;
    p90DaysToRemediate: number | null;
  };
  controls: ControlPeriod[];
  exceptions: ExceptionPeriod[];
  population: { date: string; asOf: string; identities: number; credentials: number; findings: number }[];
}

export const median = (xs: readonly number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? null) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/** Nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
export const percentile = (xs: readonly number[], p: number): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] ?? null;
};

const days = (from: string, to: string): number =>
  Math.round(((Date.parse(to) - Date.parse(from)) / DAY_MS) * 100) / 100;

interface EventRow {
  seq: unknown;
  finding_uid: string;
  event: string;
  at: string;
  opened_at: string;
  policy_id: string;
  severity: string;
  identity_name: string;
  scope: string;
  controls: string;
}

export const periodReport = async (db: Db, fromText: string, toText: string): Promise<PeriodReport> => {
  const from = parseIsoDay(fromText, '--from');
  const to = parseIsoDay(toText, '--to');
  if (to < from) throw new UsageError('--to is before --from');
  const start = from.toISOString();
  const end = new Date(to.getTime() + DAY_MS).toISOString();

  const scans = (
    await db.all<{
      seq: unknown;
      run_id: string;
      as_of: string;
      complete: unknown;
      identities: unknown;
      credentials: unknown;
      findings: unknown;
    }>(
      'SELECT seq, run_id, as_of, complete, identities, credentials, findings FROM scans WHERE as_of >= ? AND as_of < ? ORDER BY seq',
      [start, end],
    )
  ).map((s) => ({
    seq: Number(s.seq),
    runId: s.run_id,
    asOf: s.as_of,
    complete: Number(s.complete) === 1,
    identities: Number(s.identities),
    credentials: Number(s.credentials),
    findings: Number(s.findings),
  }));
  const coverage = await db.all<{ seq: unknown; target: string; status: string; gaps: string }>(
    "SELECT c.seq, c.target, c.status, c.gaps FROM scan_coverage c JOIN scans s ON s.seq = c.seq WHERE s.as_of >= ? AND s.as_of < ? AND c.status <> 'complete'",
    [start, end],
  );
  const events = await db.all<EventRow>(
    `SELECT e.seq, e.finding_uid, e.event, e.at, e.opened_at, l.policy_id, l.severity, l.identity_name, l.scope, l.controls
     FROM finding_events e JOIN finding_lifecycle l ON l.uid = e.finding_uid WHERE e.at < ?`,
    [end],
  );

  // The schedule, night by night.
  const entries: NightEntry[] = [];
  for (let t = from.getTime(); t <= to.getTime(); t += DAY_MS) {
    const date = isoDay(new Date(t));
    const tonight = scans.filter((s) => isoDay(s.asOf) === date);
    const seqs = new Set(tonight.map((s) => s.seq));
    const reasons = coverage
      .filter((c) => seqs.has(Number(c.seq)))
      .map((c) => ({
        target: c.target,
        status: c.status,
        gaps: (JSON.parse(c.gaps) as StoredGap[]).filter(isOpenGap).map((g) => `${g.call} ${g.code}`),
      }));
    entries.push({
      date,
      status: tonight.length === 0 ? 'missed' : tonight.some((s) => !s.complete) ? 'partial' : 'covered',
      scans: tonight.map(({ seq, runId, asOf, complete }) => ({ seq, runId, asOf, complete })),
      reasons,
      notRechecked: events.filter((e) => e.event === 'not-rechecked' && seqs.has(Number(e.seq))).length,
    });
  }

  // Each finding's state at the end of the window, and what happened inside it.
  const sorted = [...events].sort(
    (a, b) => Number(a.seq) - Number(b.seq) || compareCodeUnits(a.event, b.event),
  );
  const state = new Map<string, { open: boolean; openedAt: string; row: EventRow }>();
  for (const e of sorted) {
    state.set(e.finding_uid, { open: e.event !== 'resolved', openedAt: e.opened_at, row: e });
  }
  const inWindow = sorted.filter((e) => e.at >= start);
  const lastAsOf = scans.at(-1)?.asOf ?? null;
  const controlsOf = (e: EventRow): string[] =>
    (JSON.parse(e.controls) as string[]).filter((c) => c.startsWith('SOC2:'));

  const byControl = new Map<string, ControlPeriod>();
  const control = (key: string): ControlPeriod => {
    let c = byControl.get(key);
    if (!c) {
      const id = key.slice('SOC2:'.length);
      c = {
        control: id,
        title: (SOC2_CRITERIA as Record<string, string>)[id] ?? '',
        opened: 0,
        closed: 0,
        stillOpen: [],
        remediationDays: [],
        medianDaysToRemediate: null,
        p90DaysToRemediate: null,
      };
      byControl.set(key, c);
    }
    return c;
  };
  const allRemediation: number[] = [];
  let opened = 0;
  for (const e of inWindow) {
    if (e.event === 'opened' || e.event === 'reopened') {
      opened++;
      for (const k of controlsOf(e)) control(k).opened++;
    } else if (e.event === 'resolved') {
      const d = days(e.opened_at, e.at);
      allRemediation.push(d);
      for (const k of controlsOf(e)) {
        const c = control(k);
        c.closed++;
        c.remediationDays.push(d);
      }
    }
  }
  const openItems: OpenItem[] = [];
  for (const [uid, s] of state) {
    if (!s.open || lastAsOf === null) continue;
    const item: OpenItem = {
      uid,
      policyId: s.row.policy_id,
      severity: s.row.severity,
      identityName: s.row.identity_name,
      scope: s.row.scope,
      openedAt: s.openedAt,
      ageDays: days(s.openedAt, lastAsOf),
    };
    openItems.push(item);
    for (const k of controlsOf(s.row)) control(k).stillOpen.push(item);
  }
  const byAge = (a: OpenItem, b: OpenItem): number => b.ageDays - a.ageDays || compareCodeUnits(a.uid, b.uid);
  for (const c of byControl.values()) {
    c.stillOpen.sort(byAge);
    c.remediationDays.sort((a, b) => a - b);
    c.medianDaysToRemediate = median(c.remediationDays);
    c.p90DaysToRemediate = percentile(c.remediationDays, 90);
  }

  // Exceptions as each scan of the window saw them.
  const exRows = await db.all<{ id: string; status: string; expires: string; approver: string }>(
    'SELECT x.id, x.status, x.expires, x.approver FROM scan_exceptions x JOIN scans s ON s.seq = x.seq WHERE s.as_of >= ? AND s.as_of < ?',
    [start, end],
  );
  const exceptions = new Map<string, ExceptionPeriod>();
  for (const x of exRows) {
    const e = exceptions.get(x.id) ?? {
      id: x.id,
      approver: x.approver,
      expires: x.expires,
      nights: { active: 0, expired: 0, unmatched: 0 },
      expiredInWindow: false,
    };
    if (x.status === 'active' || x.status === 'expired' || x.status === 'unmatched') e.nights[x.status]++;
    const exp = isoInstant(x.expires)?.getTime();
    e.expiredInWindow = exp !== undefined && exp >= from.getTime() && exp < Date.parse(end);
    exceptions.set(x.id, e);
  }

  return {
    format: 'nhiscan-period/1',
    from: fromText,
    to: toText,
    asOf: lastAsOf,
    schedule: {
      nights: entries.length,
      covered: entries.filter((e) => e.status !== 'missed').length,
      partial: entries.filter((e) => e.status === 'partial').length,
      missed: entries.filter((e) => e.status === 'missed').map((e) => e.date),
      entries,
    },
    totals: {
      opened,
      closed: allRemediation.length,
      stillOpen: openItems.length,
      medianDaysToRemediate: median(allRemediation),
      p90DaysToRemediate: percentile(allRemediation, 90),
    },
    controls: [...byControl.values()].sort((a, b) => compareCodeUnits(a.control, b.control)),
    exceptions: [...exceptions.values()].sort((a, b) => compareCodeUnits(a.id, b.id)),
    population: scans.map((s) => ({
      date: isoDay(s.asOf),
      asOf: s.asOf,
      identities: s.identities,
      credentials: s.credentials,
      findings: s.findings,
    })),
  };
};
