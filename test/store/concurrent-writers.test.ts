// Two scanner processes recording into one SQLite store at the same moment (two nightly jobs
// overlapping): each child process opens the store itself and records its scans; afterwards
// every scan is there once and the hash chain verifies. Runs the built store code (dist/).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/store/db.js';
import { verifyStore } from '../../src/store/verify.js';
import { packageRoot } from '../../src/paths.js';
import { freshSqlitePath, makeScan, night } from './helpers.js';

const dist = (p: string): string => pathToFileURL(join(packageRoot, 'dist', 'src', p)).href;

/**
 * The child: opens the store as `nhiscan scan --store` does (creating and migrating it when new:
 * both children meet a fresh store), waits for the common start time, then records each scan.
 */
const CHILD = `
const [storePath, scansPath, startAt] = process.argv.slice(1);
const { readFileSync } = await import('node:fs');
const { openStore } = await import(${JSON.stringify(dist('store/open.js'))});
const { recordScan } = await import(${JSON.stringify(dist('store/record.js'))});
const { ScanResult } = await import(${JSON.stringify(dist('model.js'))});
const scans = JSON.parse(readFileSync(scansPath, 'utf8')).map((s) => ScanResult.parse(s));
const db = await openStore({ kind: 'sqlite', path: storePath });
while (Date.now() < Number(startAt)) await new Promise((r) => setTimeout(r, 5));
for (const scan of scans) await recordScan(db, { ...scan, evaluations: [] });
await db.close();
`;

const runChild = (args: string[]): Promise<{ code: number | null; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stderr });
    });
  });

describe('two writer processes on one SQLite store', () => {
  it('records every scan of both, and the chain stays intact', async () => {
    const store = freshSqlitePath();
    const dir = dirname(store);
    // One night for every scan: the store keeps scans in time order and refuses an older one after
    // a newer, so two jobs judging the same night is the overlap that must record both.
    const batches = ['a', 'b'].map((who) => {
      const scans = Array.from({ length: 6 }, (_, i) =>
        makeScan(
          night(1),
          Array.from({ length: 40 }, (__, f) => ({ uid: `${who}-${i}-${f}`, scope: `acct-${who}` })),
          { [`acct-${who}`]: 'complete' },
        ),
      );
      const file = join(dir, `scans-${who}.json`);
      writeFileSync(file, JSON.stringify(scans));
      return { file, runIds: scans.map((s) => s.run.id) };
    });
    // Both start at the same moment, so their transactions interleave.
    const startAt = String(Date.now() + 1500);
    const results = await Promise.all(batches.map((b) => runChild([store, b.file, startAt])));
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });

    const db = openSqlite(store);
    try {
      const rows = await db.all<{ run_id: string }>('SELECT run_id FROM scans ORDER BY seq');
      expect(rows.map((r) => r.run_id).sort()).toEqual(batches.flatMap((b) => b.runIds).sort());
      const verified = await verifyStore(db);
      expect(verified).toMatchObject({ ok: true, scans: 12 });
    } finally {
      await db.close();
    }
  }, 60_000);
});
