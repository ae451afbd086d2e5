// Markdown short enough for a pull-request comment, $GITHUB_STEP_SUMMARY or a chat message:
// bounded by construction (a fixed number of rows, each cell clipped), far under GitHub's 65,536
// character comment limit whatever the estate's size.
import type { Writable } from 'node:stream';
import { isoDay } from '../clock.js';
import { type Scan, SEVERITY_ORDER, isOpenGap } from '../model.js';
import { isOpen } from './common.js';
import type { ReportHistory, Reporter } from './types.js';

export const MARKDOWN_LIMIT = 65_536;
const TOP_FINDINGS = 15;
const TOP_GAPS = 15;
const CELL = 120;

/** Escapes text for a table cell or a line: pipes, markup, newlines; clipped to `max` characters. */
export const mdText = (text: string, max = CELL): string => {
  const clipped = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return clipped.replace(/[\r\n]+/g, ' ').replace(/[\\`*_{}[\]<>()#+!|~-]/g, (c) => `\\${c}`);
};

export interface MarkdownOptions {
  /**
   * What a history store says about this scan. Without it (or `off`) the report says history is
   * off — never "0 new", which would claim a comparison that was not made.
   */
  history?: ReportHistory | undefined;
}

const TREND_ROWS = 30;

const historyLines = (history: ReportHistory | undefined): string[] => {
  if (!history || history.status === 'off')
    return [
      '_History is off: no store configured, so nothing here says what is new since the last scan (add `--store PATH` or `store:` to the config)._',
      '',
    ];
  if (history.status === 'unavailable')
    return [`**History unavailable:** ${mdText(history.reason, 300)}`, ''];
  const lines: string[] = [];
  const fresh = history.newSinceLastScan;
  if (!history.previous) {
    lines.push(
      `### New since the last scan`,
      '',
      `First scan in this store (#${history.seq}): the baseline, nothing to compare with yet.`,
      '',
    );
  } else {
    lines.push(
      `### New since the last scan (#${history.previous.seq}, as of ${history.previous.asOf}): ${fresh.length}`,
      '',
    );
    for (const f of fresh.slice(0, TOP_FINDINGS))
      lines.push(
        `- **${f.severity}** ${mdText(f.policyId, 40)}: ${mdText(f.identityName, 80)} (${mdText(f.location.scope, 60)})`,
      );
    if (fresh.length > TOP_FINDINGS) lines.push(`- … and ${fresh.length - TOP_FINDINGS} more`);
    if (fresh.length) lines.push('');
  }
  const trend = history.trend.slice(-TREND_ROWS);
  if (trend.length > 1) {
    const sev = [...SEVERITY_ORDER].reverse();
    lines.push(`### Trend: open findings and population, last ${trend.length} scans`, '');
    lines.push(
      `| Scan | As of | ${sev.join(' | ')} | Identities | Credentials |`,
      `|---|---|${sev.map(() => '---:|').join('')}---:|---:|`,
    );
    for (const p of trend)
      lines.push(
        `| #${p.seq}${p.complete ? '' : ' \\(incomplete\\)'} | ${isoDay(p.asOf)} | ${sev.map((s) => p.open[s]).join(' | ')} | ${p.identities} | ${p.credentials} |`,
      );
    lines.push('');
  }
  return lines;
};

export const renderMarkdown = (scan: Scan, opts: MarkdownOptions = {}): string => {
  const lines: string[] = [];
  const open = scan.findings.filter(isOpen);
  const excepted = scan.findings.length - open.length;
  lines.push(`## nhiscan: ${open.length} open finding${open.length === 1 ? '' : 's'}`, '');
  lines.push(
    `Judged as of ${scan.run.asOf} · ${scan.identities.length} identities in ${scan.coverage.length} target(s) · run \`${scan.run.id.slice(0, 8)}\`` +
      (scan.run.complete ? '' : ' · **incomplete: some identities were not seen**'),
    '',
  );
  lines.push('| Severity | Open | Excepted |', '|---|---:|---:|');
  for (const s of [...SEVERITY_ORDER].reverse()) {
    const all = scan.findings.filter((f) => f.severity === s);
    const o = all.filter(isOpen).length;
    if (all.length) lines.push(`| ${s} | ${o} | ${all.length - o} |`);
  }
  lines.push(`| **total** | **${open.length}** | **${excepted}** |`, '');
  lines.push(...historyLines(opts.history));
  if (open.length) {
    lines.push(`### Worst findings (${Math.min(TOP_FINDINGS, open.length)} of ${open.length})`, '');
    lines.push('| Severity | Policy | Identity | Where | SOC 2 |', '|---|---|---|---|---|');
    for (const f of open.slice(0, TOP_FINDINGS)) {
      const soc2 = f.controls
        .filter((c) => c.framework === 'SOC2')
        .map((c) => c.id)
        .join(', ');
      lines.push(
        `| ${f.severity} | ${mdText(f.policyId, 40)} | ${mdText(f.identityName, 60)}${f.credentialUid ? ` \\(${mdText(f.credentialUid, 40)}\\)` : ''} | ${mdText(`${f.provider} ${f.location.scope}`, 60)} | ${mdText(soc2, 40)} |`,
      );
    }
    lines.push('');
  }
  const gaps = scan.coverage.flatMap((c) => c.gaps.filter(isOpenGap).map((g) => ({ c, g })));
  // Listed apart: they do not make the scan incomplete, but an auditor sees them.
  const notes = scan.coverage.flatMap((c) =>
    c.gaps.filter((g) => !g.recovered && !isOpenGap(g)).map((g) => ({ c, g })),
  );
  const notComplete = scan.coverage.filter((c) => c.status !== 'complete');
  if (gaps.length || notComplete.length) {
    lines.push(`### Coverage gaps (${gaps.length})`, '');
    for (const c of notComplete) lines.push(`- **${mdText(c.target, 80)}**: ${c.status}`);
    for (const { c, g } of gaps.slice(0, TOP_GAPS))
      lines.push(
        `- ${mdText(c.target, 60)}: \`${mdText(g.call, 60)}\` ${g.code}${g.permission ? `, needs \`${mdText(g.permission, 60)}\`` : ''}`,
      );
    if (gaps.length > TOP_GAPS) lines.push(`- … and ${gaps.length - TOP_GAPS} more (see the result JSON)`);
    lines.push('');
  }
  if (notes.length) {
    lines.push(`### Accepted gaps and gaps no permission closes (${notes.length})`, '');
    for (const { c, g } of notes.slice(0, TOP_GAPS))
      lines.push(
        `- ${mdText(c.target, 60)}: \`${mdText(g.call, 60)}\` ${g.code}, ${g.accepted ? `accepted until ${g.accepted.expires}: ${mdText(g.accepted.reason, 120)}` : 'no permission closes it'}`,
      );
    if (notes.length > TOP_GAPS) lines.push(`- … and ${notes.length - TOP_GAPS} more (see the result JSON)`);
    lines.push('');
  }
  const expired = scan.exceptions.filter((e) => e.status === 'expired');
  const unmatched = scan.exceptions.filter((e) => e.status === 'unmatched');
  if (scan.exceptions.length) {
    lines.push(
      `Exceptions: ${scan.exceptions.length - expired.length - unmatched.length} in force, ${expired.length} expired (findings re-opened), ${unmatched.length} matching nothing.`,
      '',
    );
  }
  const text = lines.join('\n') + '\n';
  // Unreachable by construction (rows and cells are bounded), kept as the guarantee callers rely on.
  return text.length < MARKDOWN_LIMIT ? text : text.slice(0, MARKDOWN_LIMIT - 40) + '\n\n… (truncated)\n';
};

export const markdownReporter: Reporter = {
  id: 'md',
  fileName: 'nhiscan-summary.md',
  mediaType: 'text/markdown',
  description: 'a short summary for a pull-request comment, $GITHUB_STEP_SUMMARY or chat',
  write: async (scan: Scan, out: Writable, context) => {
    if (!out.write(renderMarkdown(scan, { history: context?.history })))
      await new Promise((r) => out.once('drain', r));
  },
};
