// What "open" means for a finding, and when open findings breach --fail-on: defined once, read by
// the exit code, the terminal summary and the control matrix.
import type { FailOn } from './config.js';
import { type Finding, type ScanResult, severityRank } from './model.js';

/** Open: no exception, or one that has expired (an active exception accepts the risk). */
export const isOpenFinding = (f: Pick<Finding, 'exception'>): boolean =>
  !f.exception || f.exception.status === 'expired';

export const openFindings = (result: ScanResult): Finding[] => result.findings.filter(isOpenFinding);

/** Open findings at or above the --fail-on severity (none for `none`). */
export const breachesThreshold = (result: ScanResult, failOn: FailOn): Finding[] =>
  failOn === 'none'
    ? []
    : openFindings(result).filter((f) => severityRank(f.severity) >= severityRank(failOn));
