// The summary a person reads after a scan: counts, the worst findings, and what was not seen.
import type { FailOn } from '../config.js';
import { breachesThreshold, openFindings } from '../findings.js';
import { type ScanResult, SEVERITY_ORDER } from '../model.js';
import { compareCodeUnits } from '../order.js';

const useColor = (): boolean => process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, text: string, color: boolean): string =>
  color ? `\u001b[${code}m${text}\u001b[0m` : text;
const SEV_COLOR: Record<string, number> = { critical: 35, high: 31, medium: 33, low: 36, info: 37 };

export { breachesThreshold, openFindings } from '../findings.js';

const countBy = <T>(items: readonly T[], key: (t: T) => string): [string, number][] => {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1] || compareCodeUnits(a[0], b[0]));
};

export const renderSummary = (
  result: ScanResult,
  opts: { failOn: FailOn; top?: number; color?: boolean; files?: string[] },
): string => {
  const color = opts.color ?? useColor();
  const lines: string[] = [];
  const open = openFindings(result);
  const excepted = result.findings.length - open.length;
  lines.push(
    paint(1, `nhiscan ${result.run.tool.version}`, color) +
      ` — run ${result.run.id.slice(0, 8)}, judged as of ${result.run.asOf}`,
  );
  const kinds = countBy(result.identities, (i) => i.kind)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  lines.push(
    `Inventory: ${result.identities.length} identities${kinds ? ` (${kinds})` : ''} in ${result.coverage.length} target(s)`,
  );
  const summary = result.evaluationSummary;
  if (summary) {
    const c = Object.values(summary.byPolicy);
    const sum = (k: 'pass' | 'fail' | 'unknown' | 'notApplicable'): number => c.reduce((n, x) => n + x[k], 0);
    lines.push(
      `Evaluated: ${summary.identities} identities x ${c.length} policies — pass ${sum('pass')}, fail ${sum('fail')}, unknown ${sum('unknown')}, not applicable ${sum('notApplicable')}`,
    );
  }
  const bySev = [...SEVERITY_ORDER]
    .reverse()
    .map((s) => [s, open.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => paint(SEV_COLOR[s] ?? 0, `${s} ${n}`, color));
  lines.push(
    `Findings: ${open.length} open${bySev.length ? ` — ${bySev.join(', ')}` : ''}${excepted ? `; ${excepted} excepted` : ''}`,
  );
  const expired = result.exceptions.filter((e) => e.status === 'expired');
  const unmatched = result.exceptions.filter((e) => e.status === 'unmatched');
  if (expired.length || unmatched.length) {
    const parts = [
      expired.length &&
        `${expired.length} expired (${expired.map((e) => e.id).join(', ')}: findings re-opened)`,
      unmatched.length && `${unmatched.length} matching nothing (${unmatched.map((e) => e.id).join(', ')})`,
    ].filter(Boolean);
    lines.push(`  exceptions: ${parts.join('; ')}`);
  }
  if (open.length) {
    lines.push(
      '  by policy: ' +
        countBy(open, (f) => f.policyId)
          .map(([p, n]) => `${p} ${n}`)
          .join(', '),
    );
    const top = opts.top ?? 10;
    lines.push('', paint(1, `Worst findings (${Math.min(top, open.length)} of ${open.length}):`, color));
    for (const f of open.slice(0, top)) {
      // The terminal names the audit criteria; every crosswalk is in the JSON.
      const tags = f.controls
        .filter((c) => c.framework === 'SOC2' || c.framework === 'SOC1')
        .map((c) => `${c.framework === 'SOC2' ? 'SOC 2' : 'SOC 1'} ${c.id}`)
        .join(', ');
      lines.push(
        `  ${paint(SEV_COLOR[f.severity] ?? 0, f.severity.toUpperCase().padEnd(8), color)} ${f.policyId.padEnd(26)} ${f.identityName} (${f.location.scope})`,
      );
      lines.push(`           ${f.title}${f.credentialUid ? ` [${f.credentialUid}]` : ''} — ${tags}`);
      if (f.exception?.status === 'expired') {
        lines.push(`           exception ${f.exception.id} expired ${f.exception.expires}: open again`);
      }
    }
  }
  lines.push('');
  const complete = result.coverage.filter((c) => c.status === 'complete').length;
  lines.push(
    `Coverage: ${complete} of ${result.coverage.length} target(s) complete${result.run.complete ? '' : paint(31, ' — SCAN INCOMPLETE: some identities were not seen', color)}`,
  );
  for (const c of result.coverage) {
    if (c.status === 'complete' && c.gaps.length === 0) continue;
    lines.push(`  ${c.target}${c.scope ? ` (${c.scope})` : ''}: ${c.status}`);
    for (const g of c.gaps) {
      const extra = [
        g.permission && `needs ${g.permission}`,
        g.fallback && `fallback: ${g.fallback}`,
        g.recovered && 'recovered',
      ]
        .filter(Boolean)
        .join('; ');
      lines.push(
        `    - ${g.call} ${g.code}${g.resource ? ` on ${g.resource}` : ''}: ${g.message}${extra ? ` (${extra})` : ''}`,
      );
    }
  }
  if (opts.files?.length) {
    lines.push('');
    for (const f of opts.files) lines.push(`Wrote ${f}`);
  }
  const breaching = breachesThreshold(result, opts.failOn);
  if (opts.failOn !== 'none') {
    lines.push(
      breaching.length
        ? `${breaching.length} open finding(s) at or above ${opts.failOn}.`
        : `No open finding at or above ${opts.failOn}.`,
    );
  }
  return lines.join('\n') + '\n';
};
