// `node --expose-gc dist/bench/reports.js [--identities=100000]`: writes every format for a
// synthetic Scan of that many identities (with evaluation records) into a temporary folder, through
// the same writeRun and evidence-bundle code a scan uses. Prints per-format seconds and sizes and
// the process's peak RSS (run in its own process so the figure is the reports', not another bench's).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildConfig } from '../src/config.js';
import { builtins } from '../src/registry.js';
import { writeEvidenceBundle } from '../src/report/bundle.js';
import { selectReporters } from '../src/report/index.js';
import { writeRun } from '../src/report/output.js';
import { syntheticScan } from './synthetic-scan.js';

const arg = (name: string, fallback: number): number => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split('=')[1]) : fallback;
};
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

const n = arg('identities', 100_000);
const dir = mkdtempSync(join(tmpdir(), 'nhiscan-bench-reports-'));
try {
  let t = performance.now();
  const scan = syntheticScan({ identities: n });
  gc();
  const baseline = process.memoryUsage().rss;
  console.log(
    `reports bench — ${n} identities, ${scan.findings.length} findings, ${scan.evaluations.length} evaluation records ` +
      `(built in ${((performance.now() - t) / 1000).toFixed(1)} s; RSS holding the Scan ${mb(baseline)}, peak so far ${mb(peakRss())})`,
  );
  for (const reporter of selectReporters(['all'])) {
    gc();
    t = performance.now();
    const { runDir } = await writeRun(scan, join(dir, reporter.id), [reporter]);
    const seconds = (performance.now() - t) / 1000;
    const size = statSync(join(runDir, reporter.fileName)).size;
    console.log(
      `  ${reporter.id.padEnd(14)} ${seconds.toFixed(2).padStart(6)} s  ${mb(size).padStart(10)}  peak RSS ${mb(peakRss())}`,
    );
  }
  gc();
  t = performance.now();
  const config = buildConfig({}, builtins, 'bench', dir);
  const files = await writeEvidenceBundle(scan, join(dir, 'evidence'), { config, argv: ['bench'] });
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  console.log(
    `  ${'evidence'.padEnd(14)} ${((performance.now() - t) / 1000).toFixed(2).padStart(6)} s  ${mb(bytes).padStart(10)}  peak RSS ${mb(peakRss())}`,
  );
  console.log(
    `peak RSS writing every format and the bundle: ${mb(peakRss())} (the Scan itself: ${mb(baseline)})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
