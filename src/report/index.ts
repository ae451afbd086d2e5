// The reporters behind `--format` / `output.formats`: one reporter per file, in a typed map.
// Plug-in reporters (a module exporting `reporter` or `reporters`) join the same map by id.
import { UsageError } from '../errors.js';
import { csvFindingsReporter, csvInventoryReporter } from './csv.js';
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { markdownReporter } from './markdown.js';
import { ocsfReporter } from './ocsf.js';
import { sarifReporter } from './sarif.js';
import type { Reporter } from './types.js';

export const reporters = {
  json: jsonReporter,
  csv: csvFindingsReporter,
  'csv-inventory': csvInventoryReporter,
  ocsf: ocsfReporter,
  sarif: sarifReporter,
  md: markdownReporter,
  junit: junitReporter,
  html: htmlReporter,
} as const satisfies Record<string, Reporter>;
export type ReporterId = keyof typeof reporters;

/** What each `--format` name writes: `csv` is two files (findings and the inventory). */
export const FORMATS: Record<string, readonly string[]> = {
  json: ['json'],
  csv: ['csv', 'csv-inventory'],
  ocsf: ['ocsf'],
  sarif: ['sarif'],
  md: ['md'],
  junit: ['junit'],
  html: ['html'],
};

/**
 * Resolves `--format a,b` (or `all`) to reporters, json first and always (the evidence of record).
 * `extra` holds plug-in reporters by id.
 */
export const selectReporters = (
  formats: readonly string[],
  extra: Readonly<Record<string, Reporter>> = {},
  flag = '--format',
): Reporter[] => {
  const taken = Object.keys(extra).find((id) => id in reporters || id in FORMATS || id === 'all');
  if (taken !== undefined) throw new UsageError(`plug-in reporter id "${taken}" is a built-in format's`);
  const known: Record<string, Reporter> = { ...reporters, ...extra };
  const names = formats
    .flatMap((f) => f.split(','))
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean);
  const ids: string[] = ['json'];
  for (const name of names) {
    if (name === 'all') {
      ids.push(...Object.values(FORMATS).flat(), ...Object.keys(extra));
      continue;
    }
    const expanded = FORMATS[name] ?? (extra[name] ? [name] : undefined);
    if (!expanded) {
      throw new UsageError(
        `${flag}: unknown format "${name}"; expected any of ${[...Object.keys(FORMATS), ...Object.keys(extra), 'all'].join(', ')}`,
      );
    }
    ids.push(...expanded);
  }
  return [...new Set(ids)].flatMap((id) => known[id] ?? []);
};

export { readScanResult, writeScanResultJson } from './json.js';
export type { Reporter } from './types.js';
