// `npm run bench [-- --large] [--json] [--latency=MS] [--jitter=MS] [--only=NAME,…]
// [--aws-throttle=N] [--github-secondary=N] [--concurrency=N] [--target-concurrency=N] [--identities=N] [--report-identities=N]
// [--workers=N|auto] [--cpu-prof-dir=DIR (a V8 CPU profile of each scanner process)]`
// Figures, not assertions. (1) Scale: generated estates served by a fake cloud in its own process,
// scanned by the built CLI in its own process (bench/scale.ts); (2) the policy layer alone over
// the demo estate's connector output repeated to --identities (bench/policies.ts); (3) every report format (bench/reports.ts,
// its own process). Each figure is printed against issue 14's target: met, or the distance.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { PolicyBenchResult } from './policies.js';
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
  ...(arg('workers') ? { workers: arg('workers') === 'auto' ? ('auto' as const) : num('workers', 1) } : {}),
  ...(arg('only') ? { only: (arg('only') ?? '').split(',') } : {}),
  ...(arg('cpu-prof-dir') ? { cpuProfileDir: arg('cpu-prof-dir') } : {}),
  ...(arg('aws-throttle') ? { awsThrottleEvery: num('aws-throttle', 0) } : {}),
  ...(arg('github-secondary') ? { githubSecondaryEvery: num('github-secondary', 0) } : {}),
  log: (line: string) => {
    if (!json) console.log(line);
  },
};
const policyIdentities = num('identities', size === 'large' ? 50_000 : 5_000);
const reportIdentities = num('report-identities', size === 'large' ? 100_000 : 1_000);

if (!json) {
  console.log(
    `nhiscan bench (${size}) — node ${process.version}, latency ${latencyMs} ms ± ${jitterMs} ms, concurrency ${options.concurrency} per target × ${options.targetConcurrency} targets, workers ${String(options.workers ?? 1)}\n`,
  );
}

const results = await runBench(options);

const line = (r: ScenarioResult): string[] => {
  const v = verdicts(r);
  const show = (x: (typeof v)[number]): string =>
    `${x.figure} ${x.figure === 'peak RSS' ? mb(x.value) : x.value.toFixed(3)} (target ${x.target}: ${x.distance})`;
  return [
    `${r.name} — ${r.description}`,
    `  identities ${r.identities} in ${r.targets} targets${r.failedTargets.length ? `, failed: ${r.failedTargets.join(', ')}` : ''}${r.skippedNotes.length ? `; ${r.skippedNotes.join('; ')}` : ''}; exit ${String(r.exitCode)}${r.error ? `; ERROR ${r.error}` : ''}`,
    `  calls ${r.calls} (minimum ${r.minimum}${r.throttled ? `, ${r.throttled} throttled` : ''}); wall ${r.wallSeconds.toFixed(2)} s (process ${r.processSeconds.toFixed(2)} s, ${r.cpuSeconds.toFixed(2)} CPU-s, load ${r.loadAverage.map((l) => l.toFixed(1)).join(' → ')}), latency bound ${r.latencyBoundSeconds.toFixed(2)} s at ${r.allowedConcurrency} in flight`,
    `  ${Math.round(r.identitiesPerSecond)} identities/s (${Math.round(r.identities / Math.max(1e-9, r.cpuSeconds))} per CPU-second of the scanner); peak RSS ${mb(r.peakRssBytes)}; result ${mb(r.resultBytes)}`,
    ...(r.rateLimit
      ? [
          `  rate-limit points: first scan ${r.rateLimit.firstScan} of ${r.rateLimit.limit}/h, rescan of the unchanged org ${r.rateLimit.rescan} (${r.rateLimit.rescanCalls} requests, the rest answered 304)`,
        ]
      : []),
    ...(r.throttled
      ? [
          `  throttled answers by operation (each retried by the client): ${Object.entries(
            r.throttledByOperation,
          )
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([op, n]) => `${op} ${n}`)
            .join(', ')}`,
        ]
      : []),
    ...(r.cai
      ? [
          `  Cloud Asset Inventory vs per project (both measured, bench/cai-model.ts): ${r.cai.cai.calls} calls (${r.cai.cai.listings} assets.list pages + ${r.cai.cai.residual} it does not replace: listing, Policy Analyzer, deny policies, roles) vs ${r.cai.perProject.calls} = ${r.cai.saving.toFixed(1)}× fewer; wall ${r.cai.cai.wallSeconds.toFixed(2)} s vs ${r.cai.perProject.wallSeconds.toFixed(2)} s; CPU ${r.cai.cai.cpuSeconds.toFixed(2)} s vs ${r.cai.perProject.cpuSeconds.toFixed(2)} s; peak RSS ${mb(r.cai.cai.peakRssBytes)} vs ${mb(r.cai.perProject.peakRssBytes)}`,
        ]
      : []),
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

// The policy layer alone (bench/policies.ts, its own process per mode so its heap is its own): the
// demo estate's connector output repeated to `policyIdentities`, judged as a scan judges it; once
// with the copies' statements repeated (content-keyed answers shared by every copy), once with
// each copy's AWS statements its own (--distinct: those answers computed per copy).
const runPolicies = (distinct: boolean): PolicyBenchResult | undefined => {
  const child = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      join(import.meta.dirname, 'policies.js'),
      `--identities=${policyIdentities}`,
      ...(distinct ? ['--distinct'] : []),
      '--json',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1024 * 1024 },
  );
  if (child.status === 0)
    return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as PolicyBenchResult;
  console.error(`policy bench${distinct ? ' --distinct' : ''} exited ${String(child.status)}`);
  process.exitCode = 1;
  return undefined;
};
let policy: PolicyBenchResult | undefined;
let policyDistinct: PolicyBenchResult | undefined;
if (policyIdentities > 0) {
  policy = runPolicies(false);
  policyDistinct = runPolicies(true);
  for (const p of json ? [] : [policy, policyDistinct]) {
    if (!p) continue;
    const met = p.identitiesPerCpuSecond >= TARGETS.policyIdentitiesPerSecond;
    console.log(
      `\npolicies${p.distinct ? ' (distinct statements)' : ' (repeated statements)'}: ${p.identities} identities (the demo estate's ${p.templates} repeated${p.distinct ? ', each copy with AWS statements of its own' : ''}) × ${p.policies} policies → ${p.findings} findings, ${p.evaluations} evaluation records\n` +
        `  ${p.wallSeconds.toFixed(2)} s wall, ${p.cpuSeconds.toFixed(2)} CPU-s: ${Math.round(p.identitiesPerSecond)} identities/s, ${Math.round(p.identitiesPerCpuSecond)} per CPU-second; heap held ${mb(p.heapRetainedBytes)}; peak RSS ${mb(p.peakRssBytes)}\n` +
        `  ${met ? 'met ' : 'MISS'} ${Math.round(p.identitiesPerCpuSecond)} identities per CPU-second (target ≥ ${TARGETS.policyIdentitiesPerSecond}/s${met ? '' : `: ${(TARGETS.policyIdentitiesPerSecond / p.identitiesPerCpuSecond).toFixed(1)}× short`}; per CPU-second, as the 2-core machine is shared)\n` +
        `  verdict hash ${p.verdictHash} (equal identities and mode, equal hash: a speed change must keep it)`,
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
        workers: options.workers ?? 1,
        targets: TARGETS,
        scenarios: results.map((r) => ({ ...r, verdicts: verdicts(r) })),
        byProvider,
        total,
        policy,
        policyDistinct,
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
