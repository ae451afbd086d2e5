// `nhiscan doctor`: before a scan, per target, are the credentials good and does the principal hold
// the permissions of its connector's manifest? Each connector checks its own way (its `doctor`
// hook); the core names no provider. A connector without a check is "not checked" — unknown,
// never reported as fine. Exit 0 when every target checked out, 3 when anything is missing,
// unknown or failed.
import type { Clock } from './clock.js';
import { createCollectContext, openSession } from './collect-context.js';
import type { Config } from './config.js';
import type { DoctorCheck } from './connector.js';
import { ScanError, UsageError, errorMessage } from './errors.js';
import { EXIT } from './exit-codes.js';
import type { Logger } from './log.js';
import { type TargetSelection, isEmptySelection, targetSelector } from './target-select.js';

export interface DoctorTarget {
  provider: string;
  target: string;
  /** ok: every required and optional permission granted; failed: the credentials did not work. */
  status: 'ok' | 'missing' | 'unknown' | 'failed';
  principal?: string;
  method?: string;
  checks: DoctorCheck[];
  message?: string;
}

export interface DoctorOutcome {
  exitCode: number;
  targets: DoctorTarget[];
}

export const runDoctor = async (opts: {
  config: Config;
  clock: Clock;
  log: Logger;
  select?: TargetSelection;
  signal?: AbortSignal;
}): Promise<DoctorOutcome> => {
  const { config, clock, log } = opts;
  const signal = opts.signal ?? new AbortController().signal;
  const selector = targetSelector(opts.select);
  const jobs = config.providers.flatMap(({ connector, config: providerConfig }) =>
    connector
      .targets(providerConfig)
      .filter((t) => selector.selects(t))
      .map((target) => ({ connector, providerConfig, target })),
  );
  if (jobs.length === 0)
    throw new UsageError(
      isEmptySelection(opts.select)
        ? 'the config enables no provider: add one under `providers:` (see `nhiscan init`)'
        : '--target / --provider select none of the config targets',
    );
  const requestTimeoutMs = config.file.timeouts.requestSeconds * 1000;
  const targets: DoctorTarget[] = [];
  for (const { connector, providerConfig, target } of jobs) {
    const base = { provider: target.provider, target: target.id };
    if (!connector.doctor) {
      targets.push({
        ...base,
        status: 'unknown',
        checks: [],
        message: `not checked: the ${connector.title} connector has no doctor check; a scan's coverage gaps name what is missing`,
      });
      continue;
    }
    const opened = await openSession(connector, providerConfig, {
      clock,
      log,
      signal,
      baseDir: config.baseDir,
      requestTimeoutMs,
    });
    try {
      if (!opened.ok) throw opened.err;
      const { ctx } = createCollectContext({
        session: opened.session,
        clock,
        concurrency: config.file.concurrency,
        log,
        signal,
        requestTimeoutMs,
        baseDir: config.baseDir,
      });
      const report = await connector.doctor(target, providerConfig, ctx);
      const status = report.checks.some((c) => c.status === 'missing')
        ? 'missing'
        : report.checks.length === 0 || report.checks.some((c) => c.status === 'unknown')
          ? 'unknown'
          : 'ok';
      targets.push({ ...base, status, ...report });
    } catch (err) {
      const message = err instanceof ScanError ? `${err.gap.call}: ${err.gap.message}` : errorMessage(err);
      targets.push({ ...base, status: 'failed', checks: [], message });
    } finally {
      if (opened.ok && opened.session) await opened.session.close().catch(() => undefined);
    }
  }
  return {
    exitCode: targets.every((t) => t.status === 'ok') ? EXIT.ok : EXIT.incomplete,
    targets,
  };
};

const MARK: Record<DoctorCheck['status'], string> = {
  granted: 'ok     ',
  missing: 'MISSING',
  unknown: 'unknown',
  'not-needed': 'n/a    ',
};

/** The text `nhiscan doctor` prints; `verbose` also lists the granted permissions. */
export const renderDoctor = (outcome: DoctorOutcome, verbose = false): string => {
  const lines: string[] = [];
  for (const t of outcome.targets) {
    lines.push(
      `${t.target}: ${t.status === 'ok' ? 'ok' : t.status === 'failed' ? 'CREDENTIALS FAILED' : t.status === 'missing' ? 'PERMISSIONS MISSING' : 'NOT VERIFIED'}${t.principal ? `, as ${t.principal}` : ''}`,
    );
    if (t.method) lines.push(`  checked with ${t.method}`);
    if (t.message) lines.push(`  ${t.message}`);
    for (const c of t.checks) {
      if (c.status === 'granted' && !verbose) continue;
      const what =
        c.status === 'missing'
          ? `without it, not seen: ${c.reads}`
          : c.status === 'not-needed'
            ? (c.detail ?? 'not usable by this credential')
            : c.reads;
      lines.push(
        `  ${MARK[c.status]} ${c.permission}${c.required ? ' (required)' : ''}: ${what}${c.detail && c.status !== 'not-needed' ? ` (${c.detail})` : ''}`,
      );
    }
  }
  const bad = outcome.targets.filter((t) => t.status !== 'ok').length;
  lines.push(
    bad === 0
      ? 'Every target has its credentials and permissions.'
      : `${bad} of ${outcome.targets.length} target(s) not fully ready: grant what is MISSING to restore that coverage.`,
  );
  return lines.join('\n') + '\n';
};
