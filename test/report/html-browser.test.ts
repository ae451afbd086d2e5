// The HTML report in a real browser (Debian's chromium, driven by playwright-core; no browser
// download): it loads with no console error, every chart draws, and the filter narrows the table.
// Skips with a visible message where Chromium is absent, except in CI (CI=true, or
// NHISCAN_REQUIRE_CHROMIUM=1 as .ci/run sets), where it fails.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { collectText } from '../../src/report/sink.js';
import { writeHtml } from '../../src/report/html.js';
import { syntheticScan } from '../../bench/synthetic-scan.js';
import { openSqlite } from '../../src/store/db.js';
import { periodReport } from '../../src/store/period.js';
import { periodHtml } from '../../src/store/period-output.js';
import { recordScan } from '../../src/store/record.js';
import { migrate } from '../../src/store/schema.js';
import { makeScan, night } from '../store/helpers.js';
import { threeNights } from './history-fixture.js';

const findChromium = (): string | undefined => {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      const path = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (path && existsSync(path)) return path;
    } catch {
      // not this one
    }
  }
  return undefined;
};

const executable = findChromium();
if (!executable) {
  if (process.env.CI === 'true')
    throw new Error('CI=true but no chromium on PATH: install it (apt-get install -y chromium)');
  console.warn('SKIPPED: the HTML report browser suite needs chromium on PATH (apt-get install -y chromium)');
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe.skipIf(!executable)('the HTML report in headless Chromium', () => {
  let browser: Browser;
  const out = mkdtempSync(join(tmpdir(), 'nhiscan-html-'));
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: executable, args: ARGS, headless: true });
  }, 60_000);
  afterAll(async () => {
    await browser.close();
  });

  it('loads with no console error, draws every chart, and the filter narrows the inventory', async () => {
    const scan = syntheticScan({ identities: 60 });
    const file = join(out, 'nhiscan-report.html');
    writeFileSync(file, await collectText((o) => writeHtml(scan, o)));
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(`file://${file}`);
    await page.waitForFunction("document.querySelectorAll('#inventory-body tr').length > 0");
    expect(problems).toEqual([]);
    expect(requests).toEqual([]); // self-contained: nothing fetched
    // The planted name did not break out of its script element: it is shown as text.
    expect(await page.evaluate('typeof window.pwned')).toBe('undefined');
    // Painted pixels per canvas: a chart that failed to draw leaves its canvas fully transparent.
    const canvases = await page.evaluate<{ id: string; painted: number }[]>(`
      [...document.querySelectorAll('canvas')].filter((c) => c.offsetParent !== null).map((c) => {
        const ctx = c.getContext('2d');
        if (!ctx || c.width === 0 || c.height === 0) return { id: c.id, painted: 0 };
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
        return { id: c.id, painted };
      })`);
    expect(canvases.map((c) => c.id)).toEqual([
      'chart-severity',
      'chart-soc2',
      'chart-provider',
      'chart-age',
    ]);
    for (const c of canvases) expect(c.painted, `${c.id} is blank`).toBeGreaterThan(500);
    // No store: the history panel says so and the trend charts are not shown.
    expect(await page.locator('#history-note').textContent()).toContain('History is off');
    expect(await page.locator('.trend:visible').count()).toBe(0);
    const rows = () => page.locator('#inventory-body tr').count();
    expect(await rows()).toBe(60);
    await page.fill('#filter', 'svc-7');
    expect(await rows()).toBe(1);
    await page.fill('#filter', '</script>');
    expect(await rows()).toBe(1);
    expect(await page.locator('#inventory-body tr td').first().textContent()).toContain(
      '</script><script>window.pwned=true</script>',
    );
    await page.fill('#filter', '');
    await page.selectOption('#only', 'findings');
    const withFindings = await rows();
    expect(withFindings).toBeGreaterThan(0);
    expect(withFindings).toBeLessThan(60);
    await page.selectOption('#only', '');
    const shots = join(out, 'screenshots');
    mkdirSync(shots, { recursive: true });
    const shot = join(shots, 'nhiscan-report.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`HTML report screenshot: ${shot}`);
    await page.close();
  }, 60_000);

  it('with a store: new since the last scan, and both trend charts drawn with their own axes', async () => {
    const { scan, history } = await threeNights();
    const file = join(out, 'nhiscan-report-history.html');
    writeFileSync(file, await collectText((o) => writeHtml(scan, o, { history })));
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(`file://${file}`);
    await page.waitForFunction("document.querySelectorAll('#inventory-body tr').length > 0");
    expect(problems).toEqual([]);
    expect(await page.locator('#history-note').textContent()).toBe(
      `1 finding(s) new since the last scan (#2, as of ${night(2)}); this scan is #3 in the store.`,
    );
    expect(await page.locator('#new-body tr').count()).toBe(1);
    const charts = await page.evaluate<
      Record<string, { scales: string[]; datasets: number; points: number }>
    >(`
      Object.fromEntries([...document.querySelectorAll('canvas')].map((c) => {
        const ch = Chart.getChart(c);
        return [c.id, { scales: Object.keys(ch?.scales ?? { missing: 1 }), datasets: ch?.data.datasets.length ?? 0, points: ch?.data.labels.length ?? 0 }];
      }))`);
    expect(charts['chart-trend-findings']).toEqual({ scales: ['x', 'y'], datasets: 5, points: 3 });
    expect(charts['chart-trend-population']).toEqual({ scales: ['x', 'y'], datasets: 2, points: 3 });
    // The severity doughnut drawn before them kept its own options: no axes.
    expect(charts['chart-severity']?.scales).toEqual([]);
    const shot = join(out, 'screenshots', 'nhiscan-report-history.png');
    mkdirSync(join(out, 'screenshots'), { recursive: true });
    await page.locator('#history').screenshot({ path: shot });
    console.log(`HTML history panel screenshot: ${shot}`);
    await page.close();
  }, 60_000);

  it('the period report draws its charts, and the nights doughnut has no axes', async () => {
    const db = openSqlite(join(out, 'period.sqlite'));
    await migrate(db);
    for (const [d, scope] of [
      [1, 'complete'],
      [2, 'partial'],
      [4, 'complete'],
    ] as const)
      await recordScan(db, {
        ...makeScan(night(d), [{ uid: `f${d}` }], { 'acct-1': scope }),
        evaluations: [],
      });
    const report = await periodReport(db, '2026-11-01', '2026-11-05');
    await db.close();
    const file = join(out, 'period-report.html');
    writeFileSync(file, periodHtml(report));
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(`file://${file}`);
    expect(problems).toEqual([]);
    // Chart.js keeps each chart's scales by id: a doughnut must have none (no x/y axes drawn).
    const scales = await page.evaluate<Record<string, string[]>>(`
      Object.fromEntries([...document.querySelectorAll('canvas')].map((c) => [c.id, Object.keys(Chart.getChart(c)?.scales ?? { missing: 1 })]))`);
    expect(scales.nights).toEqual([]);
    expect(scales.population).toEqual(expect.arrayContaining(['x', 'y']));
    const shot = join(out, 'screenshots', 'period-report.png');
    mkdirSync(join(out, 'screenshots'), { recursive: true });
    await page.locator('#nights').screenshot({ path: shot });
    console.log(`period report doughnut screenshot: ${shot}`);
    await page.close();
  }, 60_000);
});
