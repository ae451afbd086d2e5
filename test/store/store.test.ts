import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { Db } from '../../src/store/db.js';
import { openPostgres, openSqlite, toPgPlaceholders } from '../../src/store/db.js';
import { LATEST_VERSION, migrate, schemaVersion } from '../../src/store/schema.js';
import { recordScan } from '../../src/store/record.js';
import { verifyStore } from '../../src/store/verify.js';
import { pruneStore, parseKeep } from '../../src/store/prune.js';
import { diffScans, diffStored, newSinceLastScan } from '../../src/store/diff.js';
import { periodReport, median, percentile } from '../../src/store/period.js';
import { resolveStoreSpec } from '../../src/store/open.js';
import { PG_URL, freshPgUrl, freshSqlitePath, makeScan, night } from './helpers.js';

const opened: Db[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

interface Backend {
  name: string;
  open: () => Promise<{ db: Db; reopen: () => Promise<Db>; raw: (sql: string) => Promise<void> }>;
}

const sqlite: Backend = {
  name: 'SQLite',
  open: () => {
    const path = freshSqlitePath();
    const db = openSqlite(path);
    opened.push(db);
    return Promise.resolve({
      db,
      reopen: () => {
        const again = openSqlite(path);
        opened.push(again);
        return Promise.resolve(again);
      },
      raw: (sql) => {
        const d = new Database(path);
        d.exec(sql);
        d.close();
        return Promise.resolve();
      },
    });
  },
};

const postgres: Backend = {
  name: 'PostgreSQL',
  open: async () => {
    const url = await freshPgUrl();
    const db = await openPostgres(url);
    opened.push(db);
    return {
      db,
      reopen: async () => {
        const again = await openPostgres(url);
        opened.push(again);
        return again;
      },
      raw: (sql) => db.run(sql),
    };
  },
};

describe('placeholders', () => {
  it('turns ? into $n outside quotes', () => {
    expect(toPgPlaceholders("SELECT ? , '?' , ?")).toBe("SELECT $1 , '?' , $2");
  });
});

for (const backend of [sqlite, postgres]) {
  describe.skipIf(backend === postgres && !PG_URL)(`store on ${backend.name}`, () => {
    it('creates the schema on first use, and migrates an empty store and a v1 store to the latest version', async () => {
      const { db } = await backend.open();
      expect(await migrate(db, { to: 1 })).toBe(1);
      expect(await schemaVersion(db)).toBe(1);
      await recordScan(db, makeScan(night(1), [{ uid: 'f1' }]));
      expect(await migrate(db)).toBe(LATEST_VERSION);
      expect(LATEST_VERSION).toBe(3);
      const versions = await db.all<{ version: unknown }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(versions.map((v) => Number(v.version))).toEqual([1, 2, 3]);
      // v3: the shard results table exists (empty) beside the v1 data.
      expect(await db.all('SELECT * FROM shard_results')).toEqual([]);
      // v1's data survived v2, and the chain still verifies.
      expect((await verifyStore(db)).ok).toBe(true);
      expect(await migrate(db)).toBe(LATEST_VERSION); // idempotent
    });

    it('migrates a v2 store to the latest version (v3: shard_results)', async () => {
      const { db } = await backend.open();
      expect(await migrate(db, { to: 2 })).toBe(2);
      await recordScan(db, makeScan(night(1), [{ uid: 'f1' }]));
      // SQLite throws as the statement is prepared, PostgreSQL when it runs: both rejections here.
      await expect(Promise.resolve().then(() => db.all('SELECT * FROM shard_results'))).rejects.toThrow(
        /shard_results/,
      );
      expect(await migrate(db)).toBe(LATEST_VERSION);
      expect(await db.all('SELECT * FROM shard_results')).toEqual([]);
      expect((await verifyStore(db)).ok).toBe(true);
    });

    it('a scan that throws mid-insert leaves nothing visible', async () => {
      const { db } = await backend.open();
      await migrate(db);
      await expect(
        recordScan(db, makeScan(night(1), [{ uid: 'f1' }]), {
          onProgress: (stage) => {
            if (stage === 'findings') throw new Error('killed mid-insert');
          },
        }),
      ).rejects.toThrow('killed mid-insert');
      for (const table of [
        'scans',
        'scan_findings',
        'scan_identities',
        'scan_coverage',
        'finding_lifecycle',
        'finding_events',
      ]) {
        const rows = await db.all<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`);
        expect(Number(rows[0]?.n), table).toBe(0);
      }
      const r = await recordScan(db, makeScan(night(1), [{ uid: 'f1' }]));
      expect(r.seq).toBe(1);
    });

    it('two writers at once: every scan recorded once, one unbroken chain', async () => {
      const { db, reopen } = await backend.open();
      await migrate(db);
      const other = await reopen();
      const asOf = night(2);
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          recordScan(i % 2 ? other : db, makeScan(asOf, [{ uid: `f${i}` }])),
        ),
      );
      const seqs = await db.all<{ seq: unknown }>('SELECT seq FROM scans ORDER BY seq');
      expect(seqs.map((s) => Number(s.seq))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const v = await verifyStore(db);
      expect(v).toMatchObject({ ok: true, scans: 8 });
    });

    it('lifecycle: a partial target carries its findings forward; a complete one resolves; a return reopens', async () => {
      const { db } = await backend.open();
      await migrate(db);
      const first = await recordScan(
        db,
        makeScan(night(1), [{ uid: 'a' }, { uid: 'b', scope: 'acct-2' }], {
          'acct-1': 'complete',
          'acct-2': 'complete',
        }),
      );
      expect(first.newFindings.map((f) => f.uid).sort()).toEqual(['a', 'b']);
      // Night 2: acct-2 denied → b is not re-checked, stays open; a persists.
      const second = await recordScan(
        db,
        makeScan(night(2), [{ uid: 'a' }], { 'acct-1': 'complete', 'acct-2': 'failed' }),
      );
      expect(second.newFindings).toEqual([]);
      const b2 = await db.all<{ state: string; not_rechecked_since: string | null }>(
        "SELECT state, not_rechecked_since FROM finding_lifecycle WHERE uid = 'b'",
      );
      expect(b2[0]).toEqual({ state: 'open', not_rechecked_since: night(2) });
      // Night 4: both complete, a fixed, b still there.
      await recordScan(
        db,
        makeScan(night(4), [{ uid: 'b', scope: 'acct-2' }], { 'acct-1': 'complete', 'acct-2': 'complete' }),
      );
      const rows = await db.all<{ uid: string; state: string; resolved_at: string | null }>(
        'SELECT uid, state, resolved_at FROM finding_lifecycle ORDER BY uid',
      );
      expect(rows).toEqual([
        { uid: 'a', state: 'resolved', resolved_at: night(4) },
        { uid: 'b', state: 'open', resolved_at: null },
      ]);
      // Night 5: a comes back → reopened, and counts as new.
      const fifth = await recordScan(
        db,
        makeScan(night(5), [{ uid: 'a' }, { uid: 'b', scope: 'acct-2' }], {
          'acct-1': 'complete',
          'acct-2': 'complete',
        }),
      );
      expect(fifth.newFindings.map((f) => f.uid)).toEqual(['a']);
      const ids = (await newSinceLastScan(db, String(fifth.seq)))?.map((f) => f.uid);
      expect(ids).toEqual(['a']);
      const diff = await diffStored(db);
      expect(diff.new.map((e) => e.uid)).toEqual(['a']);
      expect(diff.persisting.map((e) => [e.uid, e.ageDays])).toEqual([['b', 4]]);
      const period = await periodReport(db, '2026-11-01', '2026-11-05');
      expect(period.schedule.missed).toEqual(['2026-11-03']);
      expect(period.schedule.partial).toBe(1);
      expect(period.totals).toMatchObject({ opened: 3, closed: 1, stillOpen: 2, medianDaysToRemediate: 3 });
    });

    it('verify names the scan whose stored row was edited, and prune keeps a checkpoint the chain verifies from', async () => {
      const { db, raw } = await backend.open();
      await migrate(db);
      for (const d of [1, 2, 3, 4, 5]) await recordScan(db, makeScan(night(d), [{ uid: `f${d}` }]));
      const pruned = await pruneStore(db, 2, new Date(night(5)));
      expect(pruned).toMatchObject({ deleted: 2, checkpoint: { seq: 2 } });
      const v = await verifyStore(db);
      expect(v).toMatchObject({ ok: true, scans: 3, from: { kind: 'checkpoint', prunedThroughSeq: 2 } });
      await raw("UPDATE scan_findings SET severity = 'low' WHERE seq = 4");
      const broken = await verifyStore(db);
      expect(broken.ok).toBe(false);
      expect(broken.broken).toMatchObject({ seq: 4, reason: 'its findings rows were edited' });
      expect(broken.scans).toBe(1);
    });

    it('a deleted scan in the middle is named', async () => {
      const { db, raw } = await backend.open();
      await migrate(db);
      for (const d of [1, 2, 3]) await recordScan(db, makeScan(night(d), []));
      await raw('DELETE FROM scans WHERE seq = 2');
      const v = await verifyStore(db);
      expect(v.broken).toMatchObject({ seq: 3 });
      expect(v.broken?.reason).toMatch(/#2 is missing/);
    });

    it('refuses a scan older than the newest stored one', async () => {
      const { db } = await backend.open();
      await migrate(db);
      await recordScan(db, makeScan(night(5), []));
      await expect(recordScan(db, makeScan(night(4), []))).rejects.toThrow(/oldest first/);
    });
  });
}

describe('store helpers', () => {
  it('median and nearest-rank p90', () => {
    expect(median([7, 14, 14])).toBe(14);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([], 90)).toBeNull();
  });
  it('parses --keep', () => {
    expect(parseKeep('400d')).toBe(400);
    expect(parseKeep('2w')).toBe(14);
    expect(() => parseKeep('400')).toThrow(/400d/);
  });
  it('refuses a password in --store and a URL in the config file', () => {
    expect(() => resolveStoreSpec({ cli: 'postgres://u:secret@db/x' })).toThrow(/password/);
    expect(resolveStoreSpec({ cli: 'postgres://u@db/x' })).toMatchObject({ kind: 'postgres' });
    process.env.NHISCAN_TEST_STORE_URL_X = 'postgresql://u:pw@h/db';
    expect(resolveStoreSpec({ cli: 'env:NHISCAN_TEST_STORE_URL_X' })).toMatchObject({
      kind: 'postgres',
      source: '$NHISCAN_TEST_STORE_URL_X',
    });
    delete process.env.NHISCAN_TEST_STORE_URL_X;
    expect(() => resolveStoreSpec({ cli: 'env:NHISCAN_TEST_STORE_URL_X' })).toThrow(/not set/);
  });
  it('diffs two result files without a store: partial target → not re-checked', () => {
    const a = makeScan(night(1), [{ uid: 'x' }, { uid: 'y', scope: 'acct-2' }], {
      'acct-1': 'complete',
      'acct-2': 'complete',
    });
    const b = makeScan(night(3), [{ uid: 'z' }], { 'acct-1': 'complete', 'acct-2': 'partial' });
    const d = diffScans({ label: 'a', ...a, asOf: a.run.asOf }, { label: 'b', ...b, asOf: b.run.asOf });
    expect(d.new.map((e) => e.uid)).toEqual(['z']);
    expect(d.resolved.map((e) => [e.uid, e.ageDays, e.ageIsLowerBound])).toEqual([['x', 2, true]]);
    expect(d.notRechecked.map((e) => e.uid)).toEqual(['y']);
  });
});
