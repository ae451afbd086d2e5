import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatIssues } from '../config.js';
import { UsageError, errorMessage } from '../errors.js';
import { sha256 } from '../hash.js';
import { type ScanResult, ScanResult as ScanResultSchema } from '../model.js';
import type { Reporter } from './types.js';

/** The full ScanResult, the evidence of record; every other format is derived from it. */
export const jsonReporter: Reporter = {
  id: 'json',
  fileName: 'nhiscan-result.json',
  // A Scan's evaluation records are not part of the result file (the bundle carries them).
  render: (result: ScanResult) =>
    JSON.stringify(
      result,
      function (this: unknown, key: string, value: unknown) {
        return this === result && key === 'evaluations' ? undefined : value;
      },
      2,
    ) + '\n',
};

/**
 * Writes a report and, beside it, its SHA-256 in `sha256sum` format (`sha256sum -c FILE.sha256`
 * verifies it), so evidence handed to an auditor can be checked for tampering.
 */
export const writeReport = async (reporter: Reporter, result: ScanResult, dir: string): Promise<string> => {
  await mkdir(dir, { recursive: true });
  const path = join(dir, reporter.fileName);
  const body = reporter.render(result);
  await writeFile(path, body, 'utf8');
  await writeFile(`${path}.sha256`, `${sha256(body)}  ${reporter.fileName}\n`, 'utf8');
  return path;
};

/** Reads a ScanResult written by an earlier scan, validating it (files are user input). */
export const readScanResult = async (path: string): Promise<ScanResult> => {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read scan result ${path}: ${errorMessage(err)}`);
  }
  const parsed = ScanResultSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    throw new UsageError(
      `${path} is not an nhiscan scan result:\n  ${formatIssues(parsed.error).slice(0, 5).join('\n  ')}`,
    );
  }
  return parsed.data;
};
