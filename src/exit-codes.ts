import type { FailOn } from './config.js';
import type { ScanResult } from './model.js';
import { breachesThreshold } from './findings.js';

/** Documented in the README; CI jobs depend on these numbers, so never renumber them. */
export const EXIT = {
  /** Scan complete, no open finding at or above --fail-on. */
  ok: 0,
  /** At least one open finding at or above --fail-on. */
  findings: 1,
  /** Bad flags, bad config, unreadable file named by the config. */
  usage: 2,
  /** The scan could not see everything (a target failed or a call was denied), and no finding breached. */
  incomplete: 3,
  /** A bug in nhiscan. */
  internal: 4,
  /**
   * The scan ran and its reports are written, but the store refused to record it: the reports
   * carry no history and nothing can say what is new. Findings over --fail-on still win (1).
   */
  unrecorded: 5,
  /** Stopped by SIGINT (128 + 2): the result written holds the targets done so far. */
  sigint: 130,
  /** Stopped by SIGTERM (128 + 15), what CI job timeouts send: the result holds the targets done so far. */
  sigterm: 143,
} as const;

/** The shell's convention, 128 + the signal's number, so CI shows the scan was stopped. */
export const exitCodeForSignal = (signal: string): number =>
  signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;

/** Findings over the threshold win over an incomplete scan: they are actionable either way. */
export const exitCodeFor = (result: ScanResult, failOn: FailOn): number => {
  if (breachesThreshold(result, failOn).length > 0) return EXIT.findings;
  if (!result.run.complete) return EXIT.incomplete;
  return EXIT.ok;
};
