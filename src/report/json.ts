import { readFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { formatIssues } from '../config.js';
import { UsageError, errorMessage } from '../errors.js';
import { type Scan, type ScanResult, ScanResult as ScanResultSchema } from '../model.js';
import { createSink } from './sink.js';
import type { Reporter } from './types.js';

const KEYS = Object.keys(ScanResultSchema.shape) as (keyof ScanResult)[];

/**
 * Streams `JSON.stringify(result, null, 2) + '\n'` byte for byte without building it as one string
 * (at 100k identities that string passes V8's limit): each identity, finding and gap is
 * stringified on its own. The evaluation records are not part of the result of record.
 */
export const writeScanResultJson = async (scan: ScanResult | Scan, out: Writable): Promise<void> => {
  const sink = createSink(out);
  const present = KEYS.filter((k) => scan[k] !== undefined);
  await sink.write('{');
  for (const [i, key] of present.entries()) {
    await sink.write(`${i === 0 ? '' : ','}\n  ${JSON.stringify(key)}: `);
    const value: unknown = scan[key];
    if (Array.isArray(value) && value.length > 0) {
      await sink.write('[');
      for (const [j, item] of (value as unknown[]).entries()) {
        const text = JSON.stringify(item ?? null, null, 2).replaceAll('\n', '\n    ');
        await sink.write(`${j === 0 ? '' : ','}\n    ${text}`);
      }
      await sink.write('\n  ]');
    } else {
      await sink.write(JSON.stringify(value, null, 2).replaceAll('\n', '\n  '));
    }
  }
  await sink.write(present.length ? '\n}\n' : '}\n');
  await sink.flush();
};

/** The full ScanResult, the evidence of record; every other format is derived from the same Scan. */
export const jsonReporter: Reporter = {
  id: 'json',
  fileName: 'nhiscan-result.json',
  mediaType: 'application/json',
  description: 'the ScanResult, the evidence of record (always written), with a .sha256 beside it',
  write: writeScanResultJson,
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
