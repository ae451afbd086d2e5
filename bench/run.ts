// `npm run bench [-- --large] [--json] [--latency=MS] [--jitter=MS] [--only=NAME,…]
// [--aws-throttle=RPS] [--concurrency=N] [--target-concurrency=N] [--identities=N] [--report-identities=N]`
// Figures, not assertions. (1) Scale: generated estates served by a fake cloud in its own process,
// scanned by the built CLI in its own process (bench/scale.ts); (2) the policy layer alone over
// the scanned AWS inventory repeated to --identities; (3) every report format (bench/reports.ts,
// its own process). Each figure is printed against issue 14's target: met, or the distance.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildConfig } from '../src/config.js';
import { evaluatePolicies } from '../src/evaluate.js';
import type { Identity } from '../src/model.js';
import { builtins } from '../src/registry.js';
import { type BenchSize, type ScenarioResult, TARGETS, runBench, verdicts } from './scale.js';

const flag = (name: string): boolean => process.argv.includes(`--${name}`);
const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const num = (name: string, fallback: number): number => {
  const v = arg(name);
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a number ≥ 0 (got ${v ?? ''})`);
    process.exit(2);
  }
  return n;
};
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

const size: BenchSize = flag('large') ? 'large' : ((arg('size') as BenchSize | undefined) ?? 'small');
if (!['tiny', 'small', 'large'].includes(size)) {
  console.error(`--size must be tiny, small or large (got ${size})`);
  process.exit(2);
}
const json = flag('json');
const latencyMs = num('latency', size === 'large' ? 50 : 10);
const jitterMs = num('jitter', latencyMs / 5);
const options = {
  size,
  latencyMs,
  jitterMs,
  concurrency: num('concurrency', 8),
  targetConcurrency: num('target-concurrency', 4),
  ...(arg('only') ? { only: (arg('only') ?? '').split(',') } : {}),
  ...(arg('aws-throttle') ? { awsThrottlePerSecond: num('aws-throttle', 0) } : {}),
  log: (line: string) => {
    if (!json) console.log(line);
  },
};
const policyIdentities = num('identities', size === 'large' ? 50_000 : 5_000);
const reportIdentities = num('report-identities', size === 'large' ? 100_000 : 1_000);

if (!json) {
  console.log(
    `nhiscan bench (${size}) — node ${process.version}, latency ${latencyMs} ms ± ${jitterMs} ms, concurrency ${options.concurrency} per target × ${options.targetConcurrency} targets\n`,
  );
}

let awsInventory: Identity[] | undefined;
const results = await runBench(options, (r) => {
  // The single-account scan's identities feed the policy-layer figure below.
  if (r.name === 'aws-account' && r.resultPath && r.identities > 0) {
    awsInventory = (JSON.parse(readFileSync(r.resultPath, 'utf8')) as { identities: Identity[] }).identities;
  }
});

const line = (r: ScenarioResult): string[] => {
  const v = verdicts(r);
  const show = (x: (typeof v)[number]): string =>
    `${x.figure} ${x.figure === 'peak RSS' ? mb(x.value) : x.value.toFixed(3)} (target ${x.target}: ${x.distance})`;
  return [
    `${r.name} — ${r.description}`,
    `  identities ${r.identities} in ${r.targets} targets${r.failedTargets.length ? `, failed: ${r.failedTargets.join(', ')}` : ''}${r.skippedNotes.length ? `; ${r.skippedNotes.join('; ')}` : ''}; exit ${String(r.exitCode)}${r.error ? `; ERROR ${r.error}` : ''}`,
    `  calls ${r.calls} (minimum ${r.minimum}${r.throttled ? `, ${r.throttled} throttled` : ''}); wall ${r.wallSeconds.toFixed(2)} s (process ${r.processSeconds.toFixed(2)} s), latency bound ${r.latencyBoundSeconds.toFixed(2)} s at ${r.allowedConcurrency} in flight`,
    `  ${Math.round(r.identitiesPerSecond)} identities/s; peak RSS ${mb(r.peakRssBytes)}; result ${mb(r.resultBytes)}`,
    ...v.map((x) => `  ${x.met ? 'met ' : 'MISS'} ${show(x)}`),
    `  calls by operation: ${Object.entries(r.byOperation)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([op, n]) => `${op} ${n}`)
      .join(', ')}`,
  ];
};
if (!json) for (const r of results) console.log(line(r).join('\n') + '\n');

const sum = (f: (r: ScenarioResult) => number): number => results.reduce((s, r) => s + f(r), 0);
const byProvider: Record<
  string,
  { calls: number; minimum: number; identities: number; wallSeconds: number; latencyBoundSeconds: number }
> = {};
for (const r of results) {
  const p = (byProvider[r.provider] ??= {
    calls: 0,
    minimum: 0,
    identities: 0,
    wallSeconds: 0,
    latencyBoundSeconds: 0,
  });
  p.calls += r.calls;
  p.minimum += r.minimum;
  p.identities += r.identities;
  p.wallSeconds += r.wallSeconds;
  p.latencyBoundSeconds += r.latencyBoundSeconds;
}
const total = {
  calls: sum((r) => r.calls),
  minimum: sum((r) => r.minimum),
  identities: sum((r) => r.identities),
  wallSeconds: sum((r) => r.wallSeconds),
  latencyBoundSeconds: sum((r) => r.latencyBoundSeconds),
  peakRssBytes: Math.max(0, ...results.map((r) => r.peakRssBytes)),
};
if (!json) {
  for (const [provider, p] of [...Object.entries(byProvider), ['total', total] as const]) {
    console.log(
      `${provider}: calls ${p.calls} / minimum ${p.minimum} = ${(p.calls / Math.max(1, p.minimum)).toFixed(3)}; wall ${p.wallSeconds.toFixed(2)} s / bound ${p.latencyBoundSeconds.toFixed(2)} s = ${(p.wallSeconds / Math.max(1e-9, p.latencyBoundSeconds)).toFixed(2)}; ${Math.round(p.identities / Math.max(1e-9, p.wallSeconds))} identities/s`,
    );
  }
}

// The policy layer alone: the scanned AWS inventory repeated to `policyIdentities` identities.
let policy:
  | { identities: number; policies: number; seconds: number; identitiesPerSecond: number; findings: number }
  | undefined;
if (awsInventory && awsInventory.length > 0 && policyIdentities > 0) {
  const base = awsInventory;
  const config = buildConfig({}, builtins, 'bench', process.cwd());
  const inventory = Array.from({ length: policyIdentities }, (_, i) => {
    const b = base[i % base.length] as Identity;
    return { ...b, uid: `${b.uid}#${i}` };
  });
  awsInventory = undefined;
  gc();
  const t = performance.now();
  const { findings } = evaluatePolicies(inventory, config.policies, {
    asOf: new Date(),
    directory: undefined,
    inventory,
  });
  const seconds = (performance.now() - t) / 1000;
  policy = {
    identities: inventory.length,
    policies: config.policies.length,
    seconds,
    identitiesPerSecond: inventory.length / seconds,
    findings: findings.length,
  };
  if (!json) {
    const met = policy.identitiesPerSecond >= TARGETS.policyIdentitiesPerSecond;
    console.log(
      `\npolicies: ${policy.identities} identities × ${policy.policies} policies in ${seconds.toFixed(2)} s = ${Math.round(policy.identitiesPerSecond)} identities/s, ${policy.findings} findings (${met ? 'met' : 'MISS'}: target ≥ ${TARGETS.policyIdentitiesPerSecond}/s${met ? '' : `, ${(TARGETS.policyIdentitiesPerSecond / policy.identitiesPerSecond).toFixed(1)}× short`})`,
    );
  }
}

if (json) {
  console.log(
    JSON.stringify(
      {
        size,
        node: process.version,
        latencyMs,
        jitterMs,
        concurrency: options.concurrency,
        targetConcurrency: options.targetConcurrency,
        targets: TARGETS,
        scenarios: results.map((r) => ({ ...r, verdicts: verdicts(r) })),
        byProvider,
        total,
        policy,
      },
      null,
      2,
    ),
  );
}
if (results.some((r) => r.error)) process.exitCode = 1;

// Reports: every format at `reportIdentities`, in its own process so its peak RSS is its own.
if (reportIdentities > 0 && !json) {
  console.log('');
  const reports = spawnSync(
    process.execPath,
    ['--expose-gc', join(import.meta.dirname, 'reports.js'), `--identities=${reportIdentities}`],
    { stdio: 'inherit' },
  );
  if (reports.status !== 0) process.exitCode = reports.status ?? 1;
}
