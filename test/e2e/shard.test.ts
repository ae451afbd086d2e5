// `scan --shard I/N` + `nhiscan merge` on the demo estate (the demo server, the real SDK clients):
// N shards merged give the same identities, findings and coverage as one whole run — from the
// shard files, and from the store the shards wrote to (SQLite; PostgreSQL when the suite has one).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanCommand, type ScanCommandResult } from '../../src/commands.js';
import type { Config } from '../../src/config.js';
import { loadConfig } from '../../src/config.js';
import { DEMO_CONFIG, pointAtDemoServer, startDemoEstate, useDemoEnv } from '../../src/demo/index.js';
import type { DemoServer } from '../../src/demo/server.js';
import { EXIT } from '../../src/exit-codes.js';
import { silentLogger } from '../../src/log.js';
import type { Coverage, ScanResult } from '../../src/model.js';
import { builtins } from '../../src/registry.js';
import { shardCommand } from '../../src/shard-command.js';
import { assignShards, parseShard } from '../../src/shard-plan.js';
import { PG_URL, freshPgUrl } from '../store/helpers.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'nhiscan-shard-'));
  dirs.push(d);
  return d;
};

let server: DemoServer;
let restore: () => void;
let config: Config;
let whole: ScanCommandResult;

beforeAll(async () => {
  const base = await loadConfig(DEMO_CONFIG, builtins);
  const asOf = new Date(base.file.asOf ?? '2026-11-01T00:00:00Z');
  server = await startDemoEstate({ asOf });
  restore = useDemoEnv(server, { asOf });
  config = pointAtDemoServer(base, server);
  whole = await scanCommand({ config, out: tmp(), log: silentLogger, print: () => undefined });
}, 120_000);

afterAll(async () => {
  restore();
  await server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const noTimes = (c: Coverage): Coverage => ({ ...c, startedAt: '-', finishedAt: '-' });

/** What must not change when the targets are split: the verdict and what it was judged on. */
const verdict = (r: ScanResult) => ({
  asOf: r.run.asOf,
  configHash: r.run.configHash,
  complete: r.run.complete,
  identities: r.identities,
  findings: r.findings,
  coverage: r.coverage.map(noTimes),
  exceptions: r.exceptions,
  evaluationSummary: r.evaluationSummary,
});

const runShards = async (count: number, store?: string, autoMerge = false): Promise<string[]> => {
  const out = tmp();
  const files: string[] = [];
  for (let index = 1; index <= count; index++) {
    const r = await shardCommand({
      config,
      shard: { index, count },
      out,
      store,
      log: silentLogger,
      print: () => undefined,
      autoMerge,
    });
    expect([EXIT.ok, EXIT.incomplete]).toContain(r.exitCode);
    expect(r.merged).toBeUndefined();
    files.push(r.file);
  }
  return files;
};

describe('sharding the demo estate', () => {
  it('a whole run has several targets to split', () => {
    expect(whole.result.coverage.filter((c) => !c.discovery).length).toBeGreaterThan(3);
    expect(whole.result.findings.length).toBeGreaterThan(10);
    expect(whole.result.run.shard).toBeUndefined();
  });

  it('3 shards merged from their files give the same verdict as one run', async () => {
    const files = await runShards(3);
    const merged = await scanCommand({
      config,
      out: tmp(),
      log: silentLogger,
      print: () => undefined,
      fromShards: { files },
    });
    expect(verdict(merged.result)).toEqual(verdict(whole.result));
    expect(merged.result.findings.map((f) => f.uid)).toEqual(whole.result.findings.map((f) => f.uid));
    expect(merged.result.run.shard).toEqual({ count: 3, merged: [1, 2, 3], missing: [] });
    expect(merged.exitCode).toBe(whole.exitCode);
  }, 120_000);

  it('every target is collected by exactly one shard, and shards spread the targets', async () => {
    const files = await runShards(2);
    const { readShardFile } = await import('../../src/shard.js');
    const shards = files.map((f) => readShardFile(f));
    const collected = shards.flatMap((s) => s.runs.filter((r) => !r.coverage.discovery));
    const targets = collected.map((r) => r.coverage.target).sort();
    expect(targets).toEqual(
      whole.result.coverage
        .filter((c) => !c.discovery)
        .map((c) => c.target)
        .sort(),
    );
    for (const s of shards) expect(s.runs.filter((r) => !r.coverage.discovery).length).toBeGreaterThan(0);
    // Discovery entries (an organisation listing its projects) are recorded by shard 1 only.
    expect(shards[1]?.runs.some((r) => r.coverage.discovery)).toBe(false);
  }, 120_000);

  it('a missing shard is refused, naming it and its targets; --allow-missing records them as failed', async () => {
    const files = await runShards(3);
    const given = files.filter((f) => !f.endsWith('-2-of-3.json'));
    await expect(
      scanCommand({
        config,
        out: tmp(),
        log: silentLogger,
        print: () => undefined,
        fromShards: { files: given },
      }),
    ).rejects.toThrow(/missing shard\(s\) 2\/3 \(/);
    const partial = await scanCommand({
      config,
      out: tmp(),
      log: silentLogger,
      print: () => undefined,
      fromShards: { files: given, allowMissing: true },
    });
    expect(partial.result.run.shard).toEqual({ count: 3, merged: [1, 3], missing: [2] });
    expect(partial.result.run.complete).toBe(false);
    const failed = partial.result.coverage.filter((c) => c.gaps.some((g) => g.call === 'nhiscan:shard'));
    expect(failed.length).toBeGreaterThan(0);
    for (const c of failed) expect(c.status).toBe('failed');
    // Every target is still in the coverage table: none silently dropped.
    expect(partial.result.coverage.map((c) => c.target)).toEqual(whole.result.coverage.map((c) => c.target));
  }, 120_000);

  it('refuses what a shard cannot do, naming why (exit 2)', async () => {
    const noAsOf = { ...config, file: { ...config.file, asOf: undefined } };
    await expect(
      shardCommand({
        config: noAsOf,
        shard: { index: 1, count: 2 },
        out: tmp(),
        log: silentLogger,
        print: () => undefined,
      }),
    ).rejects.toThrow(/--shard needs --as-of/);
    await expect(
      shardCommand({
        config,
        shard: { index: 1, count: 2 },
        out: tmp(),
        log: silentLogger,
        print: () => undefined,
        refused: { '--evidence': 'dir', '--format': undefined },
      }),
    ).rejects.toThrow(/--evidence belong\(s\) to `nhiscan merge`/);
  });
});

const backends = [
  { name: 'SQLite', store: () => Promise.resolve(join(tmp(), 'store.sqlite')) },
  ...(PG_URL
    ? [
        {
          name: 'PostgreSQL',
          store: async () => ((process.env.NHISCAN_SHARD_PG = await freshPgUrl()), 'env:NHISCAN_SHARD_PG'),
        },
      ]
    : []),
];

for (const backend of backends) {
  describe(`shards in the store (${backend.name})`, () => {
    it('merge reads the shards from the store, records one scan and marks them merged', async () => {
      const store = await backend.store();
      await runShards(3, store);
      const merged = await scanCommand({
        config,
        out: tmp(),
        store,
        log: silentLogger,
        print: () => undefined,
        fromShards: { files: [] },
      });
      expect(verdict(merged.result)).toEqual(verdict(whole.result));
      expect(merged.recorded?.seq).toBe(1);
      // Merged: nothing left to merge, and the shards of that run cannot be written again.
      await expect(
        scanCommand({
          config,
          out: tmp(),
          store,
          log: silentLogger,
          print: () => undefined,
          fromShards: { files: [] },
        }),
      ).rejects.toThrow(/no unmerged shard results/);
      await expect(
        shardCommand({
          config,
          shard: { index: 1, count: 3 },
          out: tmp(),
          store,
          log: silentLogger,
          print: () => undefined,
        }),
      ).rejects.toThrow(/merged already \(scan #1\)/);
    }, 180_000);

    it('the last shard in merges the run automatically: one scan, the same verdict as one run', async () => {
      const store = await backend.store();
      const shard = (index: number) =>
        shardCommand({
          config,
          shard: { index, count: 3 },
          out: tmp(),
          store,
          log: silentLogger,
          print: () => undefined,
        });
      const first = await shard(1);
      expect(first.merged).toBeUndefined();
      // Two shards finishing at once: whichever is last in (under the store's write lock) merges.
      const [second, third] = await Promise.all([shard(2), shard(3)]);
      const mergers = [second, third].filter((r) => r.merged);
      expect(mergers).toHaveLength(1);
      const merged = mergers[0]?.merged;
      expect(merged?.mergedElsewhere).toBeUndefined();
      expect(merged?.recorded?.seq).toBe(1);
      expect(verdict(merged!.result)).toEqual(verdict(whole.result));
      expect(merged?.result.run.shard).toEqual({ count: 3, merged: [1, 2, 3], missing: [] });
      expect(merged?.files.some((f) => f.endsWith('nhiscan-result.json'))).toBe(true);
      // The shard's own exit code, not the merged verdict's.
      for (const r of [first, second, third]) expect([EXIT.ok, EXIT.incomplete]).toContain(r.exitCode);
      // Merged once: nothing left to merge by hand.
      await expect(
        scanCommand({
          config,
          out: tmp(),
          store,
          log: silentLogger,
          print: () => undefined,
          fromShards: { files: [] },
        }),
      ).rejects.toThrow(/no unmerged shard results/);
    }, 240_000);
  });
}

describe('the shard plan', () => {
  it('parses I/N and refuses anything else', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', '1', 'a/b', '1/1001'])
      expect(() => parseShard(bad)).toThrow(/--shard: expected I\/N/);
  });

  it('round-robin over the targets sorted by provider and id, whatever the config order', () => {
    const plan = [
      { provider: 'gcp', target: 'gcp:organization/1', discovery: true, shard: 0 },
      { provider: 'gcp', target: 'gcp:project/b', discovery: false, shard: 0 },
      { provider: 'aws', target: 'aws:account/2', discovery: false, shard: 0 },
      { provider: 'gcp', target: 'gcp:project/a', discovery: false, shard: 0 },
      { provider: 'aws', target: 'aws:account/1', discovery: false, shard: 0 },
    ];
    assignShards(plan, 2);
    expect(Object.fromEntries(plan.map((p) => [p.target, p.shard]))).toEqual({
      'gcp:organization/1': 1,
      'aws:account/1': 1,
      'aws:account/2': 2,
      'gcp:project/a': 1,
      'gcp:project/b': 2,
    });
  });
});
