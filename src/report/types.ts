import type { Writable } from 'node:stream';
import type { Scan } from '../model.js';

/**
 * One output format. Built-in and plug-in reporters share this contract (a plug-in exports it with
 * `defineReporter` from `nhiscan/plugin`): `write` streams the report into `out` and resolves when
 * every byte is handed over; it must not end `out` (the caller fsyncs and renames the file).
 */
export interface Reporter {
  /** What `--format` and `output.formats` call it: lowercase, e.g. "csv", "myid". */
  id: string;
  /** File name inside the run folder, e.g. "nhiscan-findings.csv". */
  fileName: string;
  mediaType?: string;
  /** One line for `--help` and the README. */
  description?: string;
  write(scan: Scan, out: Writable): Promise<void>;
}
