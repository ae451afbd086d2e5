// The period report's files: JSON (everything), CSV (one file per table, for auditors to sample)
// and one self-contained HTML page with Chart.js inlined (no network at view time).
import { join } from 'node:path';
import { isoDay } from '../clock.js';
import { UsageError } from '../errors.js';
import { chartJsSource } from '../report/html-assets.js';
import { writeFileAtomic } from './atomic.js';
import type { PeriodReport } from './period.js';

export const PERIOD_FORMATS = ['json', 'csv', 'html'] as const;
export type PeriodFormat = (typeof PERIOD_FORMATS)[number];

export const parsePeriodFormats = (text: string): PeriodFormat[] => {
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const f of list) {
    if (!(PERIOD_FORMATS as readonly string[]).includes(f)) {
      throw new UsageError(`--format: "${f}" is not one of ${PERIOD_FORMATS.join(', ')}`);
    }
  }
  return [...new Set(list)] as PeriodFormat[];
};

const csvCell = (v: string | number | boolean | null | undefined): string => {
  const s = v === null || v === undefined ? '' : String(v);
  // Leading = + - @ would be formulas in a spreadsheet: quote and prefix them.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
};
type Cell = string | number | boolean | null | undefined;
const csv = (header: string[], rows: Cell[][]): string =>
  [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';

export const periodCsv = (r: PeriodReport): Record<string, string> => ({
  'period-schedule.csv': csv(
    ['date', 'status', 'scans', 'run_ids', 'not_rechecked_findings', 'reasons'],
    r.schedule.entries.map((e) => [
      e.date,
      e.status,
      e.scans.length,
      e.scans.map((s) => s.runId).join(' '),
      e.notRechecked,
      e.reasons.map((x) => `${x.target} ${x.status}: ${x.gaps.join('; ')}`).join(' | '),
    ]),
  ),
  'period-controls.csv': csv(
    [
      'soc2_criterion',
      'title',
      'opened',
      'closed',
      'still_open',
      'median_days_to_remediate',
      'p90_days_to_remediate',
    ],
    r.controls.map((c) => [
      c.control,
      c.title,
      c.opened,
      c.closed,
      c.stillOpen.length,
      c.medianDaysToRemediate,
      c.p90DaysToRemediate,
    ]),
  ),
  'period-open-findings.csv': csv(
    ['finding_uid', 'policy', 'severity', 'identity', 'scope', 'opened_at', 'age_days', 'soc2_criteria'],
    dedupeOpen(r).map(({ item, controls }) => [
      item.uid,
      item.policyId,
      item.severity,
      item.identityName,
      item.scope,
      item.openedAt,
      item.ageDays,
      controls.join(' '),
    ]),
  ),
  'period-exceptions.csv': csv(
    [
      'exception',
      'approver',
      'expires',
      'active_nights',
      'expired_nights',
      'unmatched_nights',
      'expired_in_window',
    ],
    r.exceptions.map((x) => [
      x.id,
      x.approver,
      x.expires,
      x.nights.active,
      x.nights.expired,
      x.nights.unmatched,
      x.expiredInWindow,
    ]),
  ),
  'period-population.csv': csv(
    ['date', 'as_of', 'identities', 'credentials', 'findings'],
    r.population.map((p) => [p.date, p.asOf, p.identities, p.credentials, p.findings]),
  ),
});

const dedupeOpen = (r: PeriodReport) => {
  const m = new Map<
    string,
    { item: PeriodReport['controls'][number]['stillOpen'][number]; controls: string[] }
  >();
  for (const c of r.controls) {
    for (const item of c.stillOpen) {
      const e = m.get(item.uid) ?? { item, controls: [] };
      e.controls.push(c.control);
      m.set(item.uid, e);
    }
  }
  return [...m.values()].sort((a, b) => b.item.ageDays - a.item.ageDays);
};

const esc = (s: Cell): string =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** JSON for a <script> block: `<` escaped so no string can close it. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

export const periodHtml = (r: PeriodReport): string => {
  const rows = (cells: Cell[][]): string =>
    cells.map((c) => `<tr>${c.map((x) => `<td>${esc(x)}</td>`).join('')}</tr>`).join('\n');
  const chartData = {
    population: {
      labels: r.population.map((p) => p.date),
      identities: r.population.map((p) => p.identities),
      credentials: r.population.map((p) => p.credentials),
      findings: r.population.map((p) => p.findings),
    },
    controls: {
      labels: r.controls.map((c) => c.control),
      opened: r.controls.map((c) => c.opened),
      closed: r.controls.map((c) => c.closed),
      open: r.controls.map((c) => c.stillOpen.length),
    },
    nights: {
      covered: r.schedule.covered - r.schedule.partial,
      partial: r.schedule.partial,
      missed: r.schedule.missed.length,
    },
  };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>nhiscan period report ${esc(r.from)} to ${esc(r.to)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#1d2430}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d0d5dd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f4f7}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:1.5rem}.chart{height:280px}
.kpi{display:inline-block;margin-right:2rem}.kpi b{font-size:1.4rem;display:block}
.missed{color:#b42318}.partial{color:#b54708}
</style></head><body>
<h1>Period report ${esc(r.from)} → ${esc(r.to)}</h1>
<p>Scan schedule as run, findings by SOC 2 criterion, remediation times, exceptions and population. Ages measured at the last scan of the window (${esc(r.asOf ?? 'none')}).</p>
<div>
<span class="kpi"><b>${r.schedule.covered}/${r.schedule.nights}</b>nights scanned</span>
<span class="kpi"><b>${r.schedule.missed.length}</b>missed nights</span>
<span class="kpi"><b>${r.schedule.partial}</b>partial nights</span>
<span class="kpi"><b>${r.totals.opened}</b>findings opened</span>
<span class="kpi"><b>${r.totals.closed}</b>closed</span>
<span class="kpi"><b>${r.totals.stillOpen}</b>still open</span>
<span class="kpi"><b>${esc(r.totals.medianDaysToRemediate ?? '–')} / ${esc(r.totals.p90DaysToRemediate ?? '–')}</b>median / p90 days to remediate</span>
</div>
<div class="grid">
<div><h2>Population over time</h2><div class="chart"><canvas id="population"></canvas></div></div>
<div><h2>Findings by SOC 2 criterion</h2><div class="chart"><canvas id="controls"></canvas></div></div>
<div><h2>Nights</h2><div class="chart"><canvas id="nights"></canvas></div></div>
</div>
<h2>Per SOC 2 criterion</h2>
<table><thead><tr><th>criterion</th><th>title</th><th>opened</th><th>closed</th><th>still open</th><th>median days to remediate</th><th>p90 days</th></tr></thead><tbody>
${rows(r.controls.map((c) => [c.control, c.title, c.opened, c.closed, c.stillOpen.length, c.medianDaysToRemediate ?? '–', c.p90DaysToRemediate ?? '–']))}
</tbody></table>
<h2>Still open at the end of the period</h2>
<table><thead><tr><th>severity</th><th>policy</th><th>identity</th><th>scope</th><th>open since</th><th>age (days)</th><th>criteria</th></tr></thead><tbody>
${rows(dedupeOpen(r).map(({ item, controls }) => [item.severity, item.policyId, item.identityName, item.scope, isoDay(item.openedAt), item.ageDays, controls.join(', ')]))}
</tbody></table>
<h2>Schedule as run</h2>
<table><thead><tr><th>night</th><th>status</th><th>scans</th><th>not re-checked</th><th>why partial</th></tr></thead><tbody>
${r.schedule.entries.map((e) => `<tr class="${e.status}"><td>${esc(e.date)}</td><td>${esc(e.status)}</td><td>${e.scans.length}</td><td>${e.notRechecked}</td><td>${esc(e.reasons.map((x) => `${x.target} ${x.status}: ${x.gaps.join('; ')}`).join(' | '))}</td></tr>`).join('\n')}
</tbody></table>
<h2>Exceptions</h2>
<table><thead><tr><th>exception</th><th>approver</th><th>expires</th><th>active nights</th><th>expired nights</th><th>unmatched nights</th><th>expired in window</th></tr></thead><tbody>
${rows(r.exceptions.map((x) => [x.id, x.approver, x.expires, x.nights.active, x.nights.expired, x.nights.unmatched, x.expiredInWindow ? 'yes' : 'no']))}
</tbody></table>
<script>${chartJsSource()}</script>
<script>
const data = ${scriptJson(chartData)};
// A fresh options object per chart: Chart.js writes resolved settings (a line chart's x/y
// scales) into the object it is given, and a shared one would hand them to the doughnut.
const keep = () => ({ responsive: true, maintainAspectRatio: false, animation: false });
new Chart(document.getElementById('population'), { type: 'line', data: { labels: data.population.labels, datasets: [
  { label: 'identities', data: data.population.identities }, { label: 'credentials', data: data.population.credentials }, { label: 'findings', data: data.population.findings } ] }, options: keep() });
new Chart(document.getElementById('controls'), { type: 'bar', data: { labels: data.controls.labels, datasets: [
  { label: 'opened', data: data.controls.opened }, { label: 'closed', data: data.controls.closed }, { label: 'still open', data: data.controls.open } ] }, options: keep() });
new Chart(document.getElementById('nights'), { type: 'doughnut', data: { labels: ['complete', 'partial', 'missed'], datasets: [
  { data: [data.nights.covered, data.nights.partial, data.nights.missed], backgroundColor: ['#12b76a', '#f79009', '#f04438'] } ] }, options: keep() });
</script>
</body></html>
`;
};

/** The period report's files by name, in the chosen formats (what `period` and the evidence bundle write). */
export const periodFiles = (
  r: PeriodReport,
  formats: readonly PeriodFormat[] = PERIOD_FORMATS,
): [string, string][] => {
  const files: [string, string][] = [];
  if (formats.includes('json')) files.push(['period-report.json', JSON.stringify(r, null, 2) + '\n']);
  if (formats.includes('csv')) files.push(...Object.entries(periodCsv(r)));
  if (formats.includes('html')) files.push(['period-report.html', periodHtml(r)]);
  return files;
};

/** Writes the chosen formats into `dir`; returns the paths written. */
export const writePeriodReport = async (
  r: PeriodReport,
  dir: string,
  formats: readonly PeriodFormat[],
): Promise<string[]> => {
  const written: string[] = [];
  for (const [name, text] of periodFiles(r, formats)) {
    const path = join(dir, name);
    await writeFileAtomic(path, text);
    written.push(path);
  }
  return written;
};

export const renderPeriodSummary = (r: PeriodReport): string => {
  const lines = [
    `Period ${r.from} → ${r.to}: ${r.schedule.covered} of ${r.schedule.nights} nights scanned, ${r.schedule.partial} partial, ${r.schedule.missed.length} missed${r.schedule.missed.length ? ` (${r.schedule.missed.join(', ')})` : ''}`,
    `Findings: ${r.totals.opened} opened, ${r.totals.closed} closed, ${r.totals.stillOpen} still open; days to remediate: median ${r.totals.medianDaysToRemediate ?? '–'}, p90 ${r.totals.p90DaysToRemediate ?? '–'}`,
  ];
  for (const c of r.controls) {
    lines.push(
      `  ${c.control.padEnd(6)} opened ${c.opened}, closed ${c.closed}, open ${c.stillOpen.length}, median ${c.medianDaysToRemediate ?? '–'}d, p90 ${c.p90DaysToRemediate ?? '–'}d`,
    );
  }
  return lines.join('\n') + '\n';
};
