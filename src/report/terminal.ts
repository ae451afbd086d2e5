// The summary a person reads after a scan: counts, the worst findings, and what was not seen.
import { styleText } from 'node:util';
import type { FailOn } from '../config.js';
import { breachesThreshold, openFindings } from '../findings.js';
import { type Coverage, type Finding, type ScanResult, SEVERITY_ORDER } from '../model.js';
import { compareCodeUnits } from '../order.js';

type Style = Parameters<typeof styleText>[0];

/**
 * Colour as Node decides it for the stream: `hasColors()` honours NO_COLOR, FORCE_COLOR and
 * NODE_DISABLE_COLORS on a TTY; a pipe gets colour only when FORCE_COLOR asks for it.
 */
export const useColor = (
  stream: { isTTY?: boolean; hasColors?: () => boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean => {
  if (stream.isTTY && typeof stream.hasColors === 'function') return stream.hasColors();
  const force = env['FORCE_COLOR'];
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return force !== undefined && force !== '0' && force !== 'false';
};
const paint = (style: Style, text: string, color: boolean): string =>
  color ? styleText(style, text, { validateStream: false }) : text;
const SEV_COLOR: Record<string, Style> = {
  critical: 'magenta',
  high: 'red',
  medium: 'yellow',
  low: 'cyan',
  info: 'white',
};

/** "aws iam user", "gcp service account", "github app installation": what the identity is. */
export const kindLabel = (provider: string, kind: string): string =>
  `${provider} ${(kind.startsWith(`${provider}.`) ? kind.slice(provider.length + 1) : kind).replaceAll('_', ' ')}`;

/** Who outside can use the identity, as a trust finding's evidence names them. */
export const outsiders = (f: Pick<Finding, 'evidence'>): string[] => {
  const e = f.evidence;
  const who = new Set<string>();
  if (Array.isArray(e['trust']))
    for (const t of e['trust'] as unknown[]) {
      const principal = (t as { principal?: unknown } | null)?.principal;
      if (typeof principal === 'string') who.add(principal);
    }
  for (const k of ['issuerUri', 'issuer', 'awsAccountId'])
    if (typeof e[k] === 'string' && e[k] !== '') who.add(e[k]);
  return [...who];
};

const FRAMEWORK_LABEL: Record<string, string> = { SOC2: 'SOC 2', SOC1: 'SOC 1' };

/** "SOC 2 CC6.6, CC6.1; SOC 1 ITGC-LA-3": each framework named once. */
export const controlTags = (f: Pick<Finding, 'controls'>): string => {
  const byFramework = new Map<string, string[]>();
  for (const c of f.controls) {
    if (!(c.framework in FRAMEWORK_LABEL)) continue;
    const ids = byFramework.get(c.framework) ?? [];
    if (!ids.includes(c.id)) ids.push(c.id);
    byFramework.set(c.framework, ids);
  }
  return [...byFramework].map(([fw, ids]) => `${FRAMEWORK_LABEL[fw] ?? fw} ${ids.join(', ')}`).join('; ');
};

/** A provider whose authentication failed: nothing of it was seen, whatever the counts say. */
const authFailed = (coverage: readonly Coverage[]): string[] =>
  [
    ...new Set(coverage.filter((c) => c.gaps.some((g) => g.code === 'auth_failed')).map((c) => c.provider)),
  ].sort(compareCodeUnits);

export { breachesThreshold, openFindings } from '../findings.js';

const countBy = <T>(items: readonly T[], key: (t: T) => string): [string, number][] => {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1] || compareCodeUnits(a[0], b[0]));
};

export const renderSummary = (
  result: ScanResult,
  opts: {
    failOn: FailOn;
    /** How many findings to list (`--limit N`; Infinity with `--all`); default 10. */
    top?: number;
    color?: boolean;
    files?: string[];
  },
): string => {
  const color = opts.color ?? useColor();
  const lines: string[] = [];
  const open = openFindings(result);
  const excepted = result.findings.length - open.length;
  lines.push(
    paint('bold', `nhiscan ${result.run.tool.version}`, color) +
      ` — run ${result.run.id.slice(0, 8)}, judged as of ${result.run.asOf}`,
  );
  const kinds = countBy(result.identities, (i) => i.kind)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  // An organisation's project listing is discovery, not one of the targets scanned.
  const targets = result.coverage.filter((c) => !c.discovery);
  lines.push(
    `Inventory: ${result.identities.length} identities${kinds ? ` (${kinds})` : ''} in ${targets.length} target(s)`,
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
    .map(([s, n]) => paint(SEV_COLOR[s] ?? 'white', `${s} ${n}`, color));
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
    const shown = open.slice(0, top);
    lines.push(
      '',
      paint(
        'bold',
        shown.length === open.length
          ? `Findings, worst first (${open.length}):`
          : `Worst findings (${shown.length} of ${open.length}):`,
        color,
      ),
    );
    for (const f of shown) {
      // The terminal names the audit criteria, each framework once; every crosswalk is in the JSON.
      const tags = controlTags(f);
      lines.push(
        `  ${paint(SEV_COLOR[f.severity] ?? 'white', f.severity.toUpperCase().padEnd(8), color)} ${f.policyId.padEnd(26)} ${f.identityName} (${kindLabel(f.provider, f.identityKind)}, ${f.location.scope})`,
      );
      lines.push(
        `           ${f.title}${f.credentialUid ? ` [${f.credentialUid}]` : ''}${tags ? ` — ${tags}` : ''}`,
      );
      const who = outsiders(f);
      if (who.length > 0) lines.push(`           usable from outside by: ${who.join(', ')}`);
      if (f.exception?.status === 'expired') {
        lines.push(`           exception ${f.exception.id} expired ${f.exception.expires}: open again`);
      }
    }
    if (shown.length < open.length)
      lines.push(`  ${open.length - shown.length} more; --all to list (or --limit N)`);
  }
  lines.push('');
  const complete = targets.filter((c) => c.status === 'complete').length;
  lines.push(
    `Coverage: ${complete} of ${targets.length} target(s) complete${result.run.complete ? '' : paint('red', ' — SCAN INCOMPLETE: some identities were not seen', color)}`,
  );
  for (const c of result.coverage) {
    const where = `${c.target}${c.scope ? ` (${c.scope})` : ''}`;
    const as = c.principal ? `, as ${c.principal}` : '';
    lines.push(`  ${c.discovery ? `discovery ${where}` : where}: ${c.status}${as}`);
    for (const n of c.notes) lines.push(`    note: ${n}`);
    for (const g of c.gaps) {
      const extra = [
        g.permission && `needs ${g.permission}`,
        g.fallback && `fallback: ${g.fallback}`,
        g.recovered && 'recovered',
        !g.recovered && g.closable === false && 'no permission closes it: a note, not counted',
        g.accepted && `accepted ${g.accepted.id} until ${g.accepted.expires}: ${g.accepted.reason}`,
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
  const blind = authFailed(result.coverage);
  if (opts.failOn !== 'none') {
    lines.push(
      breaching.length
        ? `${breaching.length} open finding(s) at or above ${opts.failOn}.`
        : blind.length > 0
          ? // Not a pass: nothing was seen where authentication failed.
            `No open finding at or above ${opts.failOn} in what was seen; authentication failed for ${blind.join(', ')}, so nothing there was scanned.`
          : `No open finding at or above ${opts.failOn}.`,
    );
  } else if (blind.length > 0) {
    lines.push(`Authentication failed for ${blind.join(', ')}: nothing there was scanned.`);
  }
  return lines.join('\n') + '\n';
};
