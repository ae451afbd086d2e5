// What each scan record's hash covers: its metadata and a SHA-256 over every stored row of its
// snapshot, read back from the tables themselves. The same function runs when a scan is recorded
// and when `nhiscan verify --store` checks it, so any edit to a row shows as a changed hash.
import { createHash } from 'node:crypto';
import { sha256, stableStringify } from '../hash.js';
import { compareCodeUnits } from '../order.js';
import type { Tx } from './db.js';

export const MANIFEST_FORMAT = 'nhiscan-store-scan/1';
/** The previous hash of the first scan ever recorded. */
export const GENESIS_HASH = '0'.repeat(64);

/** Each snapshot table with the columns that are hashed, in a fixed order. */
export const SNAPSHOT_TABLES = {
  coverage: ['scan_coverage', ['target', 'provider', 'scope', 'status', 'principal', 'gaps']],
  identities: ['scan_identities', ['uid', 'provider', 'kind', 'name', 'scope', 'data']],
  credentials: [
    'scan_credentials',
    ['identity_uid', 'uid', 'type', 'status', 'created_at', 'last_rotated_at', 'last_used_at'],
  ],
  findings: [
    'scan_findings',
    [
      'uid',
      'policy_id',
      'severity',
      'provider',
      'scope',
      'identity_uid',
      'controls',
      'exception_id',
      'exception_status',
      'data',
    ],
  ],
  evaluations: ['scan_evaluations', ['policy_id', 'identity_uid', 'status', 'reason', 'findings']],
  exceptions: ['scan_exceptions', ['id', 'status', 'expires', 'approver', 'justification', 'findings']],
} as const satisfies Record<string, readonly [string, readonly string[]]>;

export type SnapshotName = keyof typeof SNAPSHOT_TABLES;
export type ContentDigest = Record<SnapshotName, { rows: number; sha256: string }>;

export interface ScanManifest {
  format: typeof MANIFEST_FORMAT;
  seq: number;
  runId: string;
  asOf: string;
  startedAt: string;
  finishedAt: string;
  complete: boolean;
  toolVersion: string;
  configHash: string;
  counts: { identities: number; credentials: number; findings: number };
  prevHash: string;
  content: ContentDigest;
}

const cell = (v: unknown): string | number | null => {
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  // Both engines hand back TEXT, INTEGER or NULL for every column we hash.
  return null;
};

/** SHA-256 over a scan's rows of every snapshot table, sorted by code units (not by a collation). */
export const digestContent = async (tx: Tx, seq: number): Promise<ContentDigest> => {
  const out = {} as ContentDigest;
  for (const [name, [table, columns]] of Object.entries(SNAPSHOT_TABLES) as [
    SnapshotName,
    readonly [string, readonly string[]],
  ][]) {
    const rows = await tx.all(`SELECT ${columns.join(', ')} FROM ${table} WHERE seq = ?`, [seq]);
    const lines = rows.map((r) => JSON.stringify(columns.map((c) => cell(r[c])))).sort(compareCodeUnits);
    const hash = createHash('sha256');
    for (const line of lines) hash.update(line + '\n');
    out[name] = { rows: lines.length, sha256: hash.digest('hex') };
  }
  return out;
};

export const manifestText = (m: ScanManifest): string => stableStringify(m);
export const manifestHash = (text: string): string => sha256(text);
