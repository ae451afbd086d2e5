import type { Writable } from 'node:stream';
import type { Finding, Scan, Severity } from '../model.js';

/** One stored scan in a trend: open findings by severity and the population it saw. */
export interface TrendPoint {
  seq: number;
  asOf: string;
  /** Open findings (no exception, or an expired one) by severity. */
  open: Record<Severity, number>;
  identities: number;
  credentials: number;
  complete: boolean;
}

/**
 * What a history store tells the reports about this scan. `off`: no store configured;
 * `unavailable`: a store is configured but this scan is not in it (the store refused the record, or
 * the scan was interrupted) — reports say so rather than show stale or empty history.
 */
export type ReportHistory =
  | { status: 'off' }
  | { status: 'unavailable'; store: string; reason: string }
  | {
      status: 'recorded';
      store: string;
      seq: number;
      /** The scan before this one; undefined for the first scan in the store (the baseline). */
      previous?: { seq: number; asOf: string } | undefined;
      /** Findings open now that were not open after the previous scan (empty for the baseline). */
      newSinceLastScan: readonly Finding[];
      /** When each finding of this scan was first seen (ISO 8601), by finding uid. */
      firstSeen: ReadonlyMap<string, string>;
      /** The last scans, oldest first, this one last. */
      trend: readonly TrendPoint[];
    };

/** What the caller knows beyond the scan itself; every field optional (plug-ins may ignore it). */
export interface ReportContext {
  history?: ReportHistory | undefined;
  /** Control titles by `FRAMEWORK:ID` (the label findings carry), from the frameworks in force: a
   * control the scan evaluated but no finding tags still gets its title. */
  controlTitles?: ReadonlyMap<string, string> | undefined;
}

/**
 * One output format. Built-in and plug-in reporters share this contract (a plug-in exports it with
 * `defineReporter` from `nhiscan/plugin`): `write` streams the report into `out` and resolves when
 * every byte is handed over; it must not end `out` (the caller fsyncs and renames the file).
 * The third argument came later: a reporter written for `write(scan, out)` still fits.
 */
export interface Reporter {
  /** What `--format` and `output.formats` call it: lowercase, e.g. "csv", "myid". */
  id: string;
  /** File name inside the run folder, e.g. "nhiscan-findings.csv". */
  fileName: string;
  mediaType?: string;
  /** One line for `--help` and the README. */
  description?: string;
  write(scan: Scan, out: Writable, context?: ReportContext): Promise<void>;
}
