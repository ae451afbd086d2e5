// History in the reports: the scan is recorded before the reports are written, so Markdown, HTML
// and CSV can say what is new since the last scan, draw the trend and give first-seen dates; a
// store that refuses the record costs the history (exit 5), never the reports.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScanCommandOptions, scanCommand } from '../../src/commands.js';
import { type Config, loadConfig } from '../../src/config.js';
import { pointAtDemoServer, startDemoEstate, useDemoEnv } from '../../src/demo/index.js';
import type { DemoServer } from '../../src/demo/server.js';
import { UsageError } from '../../src/errors.js';
import { EXIT } from '../../src/exit-codes.js';
import { verifyBundle } from '../../src/report/bundle.js';
import { silentLogger } from '../../src/log.js';
import { writeFindingsCsv } from '../../src/report/csv.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { collectText } from '../../src/report/sink.js';
import { builtins } from '../../src/registry.js';
import { prepareEstate } from '../../connectors/aws/thirty-nights.js';
import { night } from '../store/helpers.js';
import { threeNights } from './history-fixture.js';

const csvColumn = (csv: string, name: string): string[] => {
  const [head, ...rows] = csv.trim().split('\r\n');
  const at = (head ?? '').split(',').indexOf(name);
  return rows.map((r) => r.split(',')[at] ?? '');
};

describe('history in the reports (from a store)', () => {
  it('Markdown: new since the last scan and the trend; without a store, history is off', async () => {
    const { scan, history } = await threeNights();
    const md = renderMarkdown(scan, { history });
    expect(md).toContain(`### New since the last scan (#2, as of ${night(2)}): 1`);
    expect(md).toMatch(/- \*\*critical\*\* rotation\\-age: bot/);
    expect(md).toContain('### Trend: open findings and population, last 3 scans');
    // critical, high, medium, low, info per scan: f3 critical on night 3, f2 medium from night 2.
    expect(md).toContain(`| #1 | ${night(1).slice(0, 10)} | 0 | 1 | 0 | 0 | 0 | 1 | 1 |`);
    expect(md).toContain(`| #3 | ${night(3).slice(0, 10)} | 1 | 1 | 1 | 0 | 0 | 1 | 1 |`);
    const off = renderMarkdown(scan);
    expect(off).toContain('History is off');
    expect(off).not.toContain('New since the last scan');
    const refused = renderMarkdown(scan, {
      history: {
        status: 'unavailable',
        store: 's',
        reason: 'the store refused to record this scan: disk full',
      },
    });
    expect(refused).toContain('**History unavailable:** the store refused to record this scan: disk full');
  });

  it('CSV: first_seen from the store, empty without one', async () => {
    const { scan, history } = await threeNights();
    if (history.status !== 'recorded') throw new Error('not recorded');
    const withStore = await collectText((o) =>
      writeFindingsCsv(scan, o, { firstSeen: (uid) => history.firstSeen.get(uid) }),
    );
    expect(csvColumn(withStore, 'first_seen')).toEqual([night(1), night(2), night(3)]);
    const without = await collectText((o) => writeFindingsCsv(scan, o));
    expect(csvColumn(without, 'first_seen')).toEqual(['', '', '']);
  });
});

describe('scan command: recorded before the reports are written', () => {
  let work: string;
  let config: Config;
  let server: DemoServer;
  let restore: () => void;
  const asOf = '2026-11-01T00:00:00.000Z';
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'nhiscan-history-'));
    const estate = join(work, 'estate');
    const base = await loadConfig(await prepareEstate(estate), builtins);
    const aws = builtins.connectors.aws;
    if (!aws) throw new Error('no aws connector');
    server = await startDemoEstate({ dir: estate, asOf: new Date(asOf), connectors: [aws] });
    restore = useDemoEnv(server, { dir: estate, asOf: new Date(asOf), connectors: [aws] });
    config = pointAtDemoServer(base, server);
  }, 60_000);
  afterAll(async () => {
    restore();
    await server.close();
    await rm(work, { recursive: true, force: true });
  });

  it('reports say what is new and give first-seen dates; a refused record still writes them, exit 5', async () => {
    const store = join(work, 'history.sqlite');
    const printed: string[] = [];
    const scan = (out: string, when: string) =>
      scanCommand({
        config,
        out: join(work, out),
        asOf: when,
        store,
        formats: ['md', 'csv', 'html'],
        log: silentLogger,
        print: (t) => printed.push(t),
        failOn: 'none',
      });
    const first = await scan('n1', asOf);
    expect(first.recorded?.seq).toBe(1);
    const md1 = readFileSync(join(work, 'n1', 'nhiscan-summary.md'), 'utf8');
    expect(md1).toContain('First scan in this store (#1): the baseline');
    const second = await scan('n2', '2026-11-02T00:00:00.000Z');
    expect(second.recorded?.seq).toBe(2);
    const md2 = readFileSync(join(work, 'n2', 'nhiscan-summary.md'), 'utf8');
    expect(md2).toContain(`### New since the last scan (#1, as of ${asOf}): 0`);
    expect(md2).toContain('### Trend: open findings and population, last 2 scans');
    const firstSeen = csvColumn(readFileSync(join(work, 'n2', 'nhiscan-findings.csv'), 'utf8'), 'first_seen');
    expect(firstSeen.length).toBeGreaterThan(0);
    expect(new Set(firstSeen)).toEqual(new Set([asOf]));
    const html2 = readFileSync(join(work, 'n2', 'nhiscan-report.html'), 'utf8');
    expect(html2).toContain('"history":{"status":"recorded","seq":2');

    // Older than the newest stored scan: the store refuses it (scans are kept in time order).
    printed.length = 0;
    const refused = await scan('n0', '2026-10-31T00:00:00.000Z');
    expect(refused.exitCode).toBe(EXIT.unrecorded);
    expect(refused.recorded).toBeUndefined();
    const md0 = readFileSync(join(work, 'n0', 'nhiscan-summary.md'), 'utf8');
    expect(md0).toContain('**History unavailable:** the store refused to record this scan');
    expect(printed.join('')).toContain('History unavailable (the store refused to record this scan');
    expect(printed.join('')).toContain('exit 5 unless a finding fails the job');
    expect(csvColumn(readFileSync(join(work, 'n0', 'nhiscan-findings.csv'), 'utf8'), 'first_seen')).toEqual(
      firstSeen.map(() => ''),
    );
    // --fail-on new cannot judge what is new without the record: never a silent 0.
    const gated = await scanCommand({
      config,
      out: join(work, 'n0b'),
      asOf: '2026-10-30T00:00:00.000Z',
      store,
      log: silentLogger,
      print: () => undefined,
      failOn: 'new',
    });
    expect(gated.exitCode).toBe(EXIT.unrecorded);
  }, 120_000);

  it('the evidence bundle carries the period report over its window, in the manifest and signed', async () => {
    const store = join(work, 'bundle.sqlite');
    const keys = generateKeyPairSync('ed25519');
    const keyFile = join(work, 'key.pem');
    writeFileSync(keyFile, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const run = (out: string, when: string, extra: Partial<ScanCommandOptions> = {}) =>
      scanCommand({
        config,
        out: join(work, out),
        asOf: when,
        store,
        log: silentLogger,
        print: () => undefined,
        failOn: 'none',
        ...extra,
      });
    await run('b1', asOf);
    const evidence = join(work, 'evidence');
    await run('b2', '2026-11-03T00:00:00.000Z', { evidence, signKey: keyFile, periodFrom: '2026-11-01' });
    const manifest = JSON.parse(readFileSync(join(evidence, 'manifest.json'), 'utf8')) as {
      files: Record<string, string>;
    };
    expect(Object.keys(manifest.files)).toEqual(
      expect.arrayContaining([
        'period-report.html',
        'period-report.json',
        'period-schedule.csv',
        'period-controls.csv',
        'period-open-findings.csv',
        'period-exceptions.csv',
        'period-population.csv',
      ]),
    );
    const period = JSON.parse(readFileSync(join(evidence, 'period-report.json'), 'utf8')) as {
      from: string;
      to: string;
      schedule: { nights: number; covered: number; missed: string[] };
    };
    // 11-01 and 11-03 scanned (this scan included: it was recorded first), 11-02 missed.
    expect(period).toMatchObject({ from: '2026-11-01', to: '2026-11-03' });
    expect(period.schedule).toMatchObject({ nights: 3, covered: 2, missed: ['2026-11-02'] });
    const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(await verifyBundle(evidence, publicPem)).toMatchObject({ ok: true, signature: 'valid' });

    // Default window: the 90 nights ending on the scan's asOf date.
    await run('b3', '2026-11-04T00:00:00.000Z', { evidence });
    const wide = JSON.parse(readFileSync(join(evidence, 'period-report.json'), 'utf8')) as {
      from: string;
      to: string;
    };
    expect(wide).toMatchObject({ from: '2026-08-07', to: '2026-11-04' });

    // Without a store there is no history to report: no period files, and the flags say why.
    const bare = join(work, 'evidence-bare');
    await scanCommand({
      config,
      out: join(work, 'b4'),
      asOf,
      evidence: bare,
      log: silentLogger,
      print: () => undefined,
      failOn: 'none',
    });
    const bareFiles = Object.keys(
      (JSON.parse(readFileSync(join(bare, 'manifest.json'), 'utf8')) as { files: object }).files,
    );
    expect(bareFiles.filter((f) => f.startsWith('period-'))).toEqual([]);
    await expect(run('b5', asOf, { periodFrom: '2026-11-01' })).rejects.toThrow(UsageError);
    await expect(run('b5', asOf, { evidence, periodTo: '2026-13-01' })).rejects.toThrow(/--period-to/);
  }, 120_000);
});
