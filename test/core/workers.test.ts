// `--workers N`: targets collected in worker threads give byte for byte the result of a scan
// collecting them in the main thread (timestamps and the run id aside); a target whose connector
// throws, or whose worker thread dies, fails alone with a coverage gap. The workers run the built
// code (dist/), as the CLI does: a worker thread cannot load TypeScript.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { scanCommand } from '../../src/commands.js';
import { loadConfig } from '../../src/config.js';
import { DEMO_CONFIG, pointAtDemoServer, startDemoEstate, useDemoEnv } from '../../src/demo/index.js';
import { EXIT } from '../../src/exit-codes.js';
import { type Logger, createLogger, silentLogger } from '../../src/log.js';
import type { ScanResult } from '../../src/model.js';
import { fixturesDir } from '../../src/paths.js';
import { builtins } from '../../src/registry.js';
import { runScan } from '../../src/scan.js';
import { parseWorkers, workerCount } from '../../src/target-workers.js';
import { ensureBuilt } from '../faults/built-cli.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'nhiscan-workers-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  await ensureBuilt();
}, 300_000);

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The result as written, minus what differs between any two runs: the run's id and times. */
const bytes = (r: ScanResult): string =>
  JSON.stringify(
    {
      ...r,
      run: { ...r.run, id: '-', startedAt: '-', finishedAt: '-' },
      coverage: r.coverage.map((c) => ({ ...c, startedAt: '-', finishedAt: '-' })),
    },
    null,
    2,
  );

const threadsConfig = (
  targets: { name: string; count: number; fail?: string }[],
  targetConcurrency = 4,
): string => {
  const path = join(tmp(), 'nhiscan.config.yaml');
  writeFileSync(
    path,
    [
      'failOn: none',
      `targetConcurrency: ${targetConcurrency}`,
      `plugins: [${join(fixturesDir, 'plugins', 'threads-connector.mjs')}]`,
      'providers:',
      '  threads:',
      '    targets:',
      ...targets.map(
        (t) => `      - { name: ${t.name}, count: ${t.count}${t.fail ? `, fail: ${t.fail}` : ''} }`,
      ),
    ].join('\n') + '\n',
  );
  return path;
};

const asOf = new Date('2026-11-01T00:00:00Z');

describe('worker threads', () => {
  it('--workers: a count or auto; auto leaves a core to the main thread, never more than the targets', () => {
    expect(parseWorkers('3')).toBe(3);
    expect(parseWorkers('auto')).toBe('auto');
    for (const bad of ['0', '65', '1.5', 'two', ''])
      expect(() => parseWorkers(bad)).toThrow(/--workers: expected a whole number/);
    expect(workerCount(undefined, 20, 8)).toBe(1);
    expect(workerCount('auto', 20, 8)).toBe(7);
    expect(workerCount('auto', 3, 8)).toBe(3);
    expect(workerCount('auto', 20, 2)).toBe(1);
    expect(workerCount(4, 2, 8)).toBe(2);
  });

  it('plug-in targets in 2 workers: the same result, byte for byte, as in the main thread', async () => {
    const path = threadsConfig([
      { name: 'alpha', count: 40 },
      { name: 'bravo', count: 25 },
      { name: 'charlie', count: 0 },
      { name: 'delta', count: 60 },
      { name: 'echo', count: 7 },
    ]);
    const config = await loadConfig(path, builtins);
    const lines: string[] = [];
    const log = createLogger('debug', (l) => lines.push(l));
    const one = await runScan({ config, clock: systemClock(asOf), log: silentLogger, workers: 1 });
    const two = await runScan({ config, clock: systemClock(asOf), log, workers: 2 });
    expect(one.identities).toHaveLength(132);
    expect(one.coverage.map((c) => c.status)).toEqual(Array(5).fill('complete'));
    expect(bytes(two)).toBe(bytes(one));
    // It did run in worker threads: the connector says where it ran, and the scan says so too.
    expect(lines.filter((l) => l.includes('collecting in the worker thread'))).toHaveLength(5);
    expect(lines.filter((l) => l.includes('collecting in the main thread'))).toHaveLength(0);
    expect(lines.filter((l) => l.endsWith(': collected in a worker thread'))).toHaveLength(5);
  }, 60_000);

  it("lines below the scan log's level stay in the worker (the call trace logs two per call)", async () => {
    const path = threadsConfig([
      { name: 'alpha', count: 5 },
      { name: 'bravo', count: 5 },
    ]);
    const config = await loadConfig(path, builtins);
    // A logger at info that still records what it is given: only what crossed reaches it.
    const given: string[] = [];
    const record = (m: string): void => {
      given.push(m);
    };
    const log: Logger = { level: 'info', debug: record, info: record, warn: record, error: record };
    const result = await runScan({ config, clock: systemClock(asOf), log, workers: 2 });
    expect(result.coverage.map((c) => c.status)).toEqual(['complete', 'complete']);
    expect(given.filter((l) => l.includes('collecting in the worker thread'))).toEqual([]);
    // At debug they cross, as before.
    given.length = 0;
    await runScan({ config, clock: systemClock(asOf), log: { ...log, level: 'debug' }, workers: 2 });
    expect(given.filter((l) => l.includes('collecting in the worker thread'))).toHaveLength(2);
  }, 60_000);

  it('a target whose connector throws, and one that throws uncaught in its worker thread, fail alone (exit 3)', async () => {
    const path = threadsConfig([
      { name: 'alpha', count: 30 },
      { name: 'bravo', count: 10, fail: 'throw' },
      { name: 'charlie', count: 10, fail: 'crash' },
      { name: 'delta', count: 30 },
    ]);
    const { exitCode, result } = await scanCommand({
      config: path,
      out: tmp(),
      asOf: asOf.toISOString(),
      log: silentLogger,
      print: () => undefined,
      workers: 2,
    });
    expect(exitCode).toBe(EXIT.incomplete);
    const byTarget = Object.fromEntries(result.coverage.map((c) => [c.target, c]));
    expect(byTarget['threads:alpha']?.status).toBe('complete');
    expect(byTarget['threads:delta']?.status).toBe('complete');
    expect(byTarget['threads:bravo']?.status).toBe('failed');
    expect(byTarget['threads:bravo']?.gaps.at(-1)).toMatchObject({
      code: 'unknown',
      call: 'threads:collect',
      message: 'Error: bravo refused page 3',
    });
    const crashed = byTarget['threads:charlie'];
    expect(crashed?.status).toBe('failed');
    expect(crashed?.gaps.at(-1)).toMatchObject({
      code: 'unknown',
      call: 'threads:worker',
      resource: 'threads:charlie',
      recovered: false,
    });
    expect(crashed?.gaps.at(-1)?.message).toBe(
      'uncaught in the worker thread collecting this target (the thread is retired): Error: charlie blew up its thread',
    );
    // What each failed target gave before it failed is kept, as in the main thread.
    expect(result.identities.filter((i) => i.uid.startsWith('threads:bravo/'))).toHaveLength(5);
    expect(result.identities.filter((i) => i.uid.startsWith('threads:alpha/'))).toHaveLength(30);
    expect(result.identities.filter((i) => i.uid.startsWith('threads:delta/'))).toHaveLength(30);
  }, 60_000);

  it('a worker thread ended by process.exit mid-target: that target fails naming it, the others complete (exit 3)', async () => {
    // Two targets in flight on two threads: each thread holds one target, so only bravo's ends.
    const path = threadsConfig(
      [
        { name: 'alpha', count: 30 },
        { name: 'bravo', count: 20, fail: 'exit' },
        { name: 'charlie', count: 12 },
        { name: 'delta', count: 30 },
      ],
      2,
    );
    const { exitCode, result } = await scanCommand({
      config: path,
      out: tmp(),
      asOf: asOf.toISOString(),
      log: silentLogger,
      print: () => undefined,
      workers: 2,
    });
    expect(exitCode).toBe(EXIT.incomplete);
    const byTarget = Object.fromEntries(result.coverage.map((c) => [c.target, c]));
    expect(result.coverage.map((c) => [c.target, c.status])).toEqual([
      ['threads:alpha', 'complete'],
      ['threads:bravo', 'failed'],
      ['threads:charlie', 'complete'],
      ['threads:delta', 'complete'],
    ]);
    expect(byTarget['threads:bravo']?.gaps.at(-1)).toEqual({
      code: 'unknown',
      call: 'threads:worker',
      resource: 'threads:bravo',
      message:
        'process.exit(7) was called while collecting this target: its worker thread ended before the target finished',
      recovered: false,
    });
    // What bravo gave before its thread ended is kept; the others are whole.
    const count = (name: string): number =>
      result.identities.filter((i) => i.uid.startsWith(`threads:${name}/`)).length;
    expect([count('alpha'), count('bravo'), count('charlie'), count('delta')]).toEqual([30, 10, 12, 30]);
  }, 60_000);

  it('a target sharing the thread that process.exit ended fails naming the target whose code ended it', async () => {
    // Four targets on two threads: alpha and charlie on the first, bravo and delta on the second.
    const path = threadsConfig([
      { name: 'alpha', count: 30 },
      { name: 'bravo', count: 20, fail: 'exit' },
      { name: 'charlie', count: 12 },
      { name: 'delta', count: 4000 },
    ]);
    const { exitCode, result } = await scanCommand({
      config: path,
      out: tmp(),
      asOf: asOf.toISOString(),
      log: silentLogger,
      print: () => undefined,
      workers: 2,
    });
    expect(exitCode).toBe(EXIT.incomplete);
    const byTarget = Object.fromEntries(result.coverage.map((c) => [c.target, c]));
    expect(byTarget['threads:alpha']?.status).toBe('complete');
    expect(byTarget['threads:charlie']?.status).toBe('complete');
    expect(byTarget['threads:bravo']?.gaps.at(-1)?.message).toMatch(/^process\.exit\(7\) was called/);
    expect(byTarget['threads:delta']?.status).toBe('failed');
    expect(byTarget['threads:delta']?.gaps.at(-1)).toMatchObject({
      code: 'unknown',
      call: 'threads:worker',
      resource: 'threads:delta',
      message:
        'the worker thread collecting this target ended: process.exit(7) in the code collecting threads:bravo',
    });
  }, 60_000);

  // AWS only: the other demo providers run in the main thread either way, and the GitHub note
  // counting requests varies between any two runs on a loaded machine (a retried call).
  it("the demo's AWS accounts in workers through the real SDK: the same result as without", async () => {
    const base = await loadConfig(DEMO_CONFIG, builtins);
    const demoAsOf = new Date(base.file.asOf ?? '2026-11-01T00:00:00Z');
    const server = await startDemoEstate({ asOf: demoAsOf });
    const restore = useDemoEnv(server, { asOf: demoAsOf });
    try {
      const demo = pointAtDemoServer(base, server);
      const config = { ...demo, providers: demo.providers.filter((p) => p.connector.id === 'aws') };
      const lines: string[] = [];
      const log = createLogger('debug', (l) => lines.push(l));
      const one = await runScan({ config, clock: systemClock(demoAsOf), log: silentLogger });
      const two = await runScan({ config, clock: systemClock(demoAsOf), log, workers: 2 });
      expect(one.coverage.filter((c) => c.provider === 'aws').length).toBeGreaterThan(1);
      expect(bytes(two)).toBe(bytes(one));
      const inWorkers = lines.filter((l) => l.endsWith(': collected in a worker thread'));
      expect(inWorkers.length).toBe(one.coverage.filter((c) => c.provider === 'aws').length);
    } finally {
      restore();
      await server.close();
    }
  }, 180_000);
});
