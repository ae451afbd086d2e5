// Store backends for the suites: SQLite always; PostgreSQL when NHISCAN_TEST_PG_URL names a server
// (.ci/run starts one). In CI (CI=true) its absence is a failure, not a skip.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Finding, ScanResult } from '../../src/model.js';

export const PG_URL = process.env.NHISCAN_TEST_PG_URL;
if (!PG_URL) {
  if (process.env.CI === 'true') {
    throw new Error(
      'CI=true but NHISCAN_TEST_PG_URL is not set: .ci/run starts PostgreSQL for the store suite',
    );
  }
  console.warn(
    'store suite: PostgreSQL tests SKIPPED (set NHISCAN_TEST_PG_URL, as .ci/run does, to run them)',
  );
}

/** A fresh, empty PostgreSQL schema; the returned URL selects it through search_path. */
export const freshPgUrl = async (): Promise<string> => {
  if (!PG_URL) throw new Error('no PostgreSQL');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  const u = new URL(PG_URL);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
};

export const freshSqlitePath = (): string =>
  join(mkdtempSync(join(tmpdir(), 'nhiscan-store-')), 'store.sqlite');

export interface MiniFinding {
  uid: string;
  severity?: Finding['severity'];
  scope?: string;
}

/** A small, valid ScanResult: findings in scopes, and coverage per scope with a status. */
export const makeScan = (
  asOf: string,
  findings: MiniFinding[],
  coverage: Record<string, 'complete' | 'partial' | 'failed'> = { 'acct-1': 'complete' },
): ScanResult =>
  ScanResult.parse({
    schemaVersion: 1,
    run: {
      id: `run-${asOf}-${randomBytes(4).toString('hex')}`,
      tool: { name: 'nhiscan', version: 'test' },
      startedAt: asOf,
      finishedAt: asOf,
      asOf,
      configHash: 'c0',
      policies: {},
      complete: Object.values(coverage).every((s) => s === 'complete'),
    },
    identities: [
      {
        uid: 'arn:aws:iam::1:user/bot',
        provider: 'aws',
        kind: 'aws.iam_user',
        name: 'bot',
        location: { provider: 'aws', scope: 'acct-1' },
        createdAt: '2026-01-01T00:00:00Z',
        lastUsedAt: null,
        credentials: [
          { uid: 'AKIA1', type: 'access_key', status: 'active', createdAt: '2026-01-01T00:00:00Z' },
        ],
      },
    ],
    findings: findings.map((f) => ({
      uid: f.uid,
      policyId: 'rotation-age',
      severity: f.severity ?? 'high',
      title: `finding ${f.uid}`,
      message: 'm',
      provider: 'aws',
      identityUid: 'arn:aws:iam::1:user/bot',
      identityKind: 'aws.iam_user',
      identityName: 'bot',
      location: { provider: 'aws', scope: f.scope ?? 'acct-1' },
      evidence: {},
      controls: [{ framework: 'SOC2', id: 'CC6.1', title: 't' }],
    })),
    coverage: Object.entries(coverage).map(([scope, status]) => ({
      provider: 'aws',
      target: `aws:${scope}`,
      scope,
      status,
      startedAt: asOf,
      finishedAt: asOf,
      counts: {},
      gaps:
        status === 'complete'
          ? []
          : [{ code: 'access_denied', call: 'sts:GetCallerIdentity', message: 'denied' }],
    })),
    exceptions: [],
  });

export const night = (d: number): string => new Date(Date.UTC(2026, 10, d)).toISOString();
