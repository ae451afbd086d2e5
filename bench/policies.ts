// The policy layer's scenario (issue 14): the demo estate collected once through the real
// connectors (AWS, GitHub, Google Cloud, Entra ID, Workspace — every identity shape a connector
// emits), its identities repeated to N, then judged by the same judgeScan a scan uses (owners,
// scope, every built-in policy, exceptions). Prints identities per second (wall and CPU), the heap
// the judged result holds, and a hash of its verdict (findings + evaluation records, in order), so
// a speed change can show it changed no verdict: same N, same hash.
//
// `node --expose-gc dist/bench/policies.js [--identities=N] [--distinct] [--json]` (npm run bench
// runs it in a process of its own, once per mode, so its heap figures are its own).
//
// Two modes. Repeats (the default): every copy carries its template's IAM statements, so answers
// kept per privilege content (escalation sets, service wildcards) are computed once per template
// and served to every copy — flattering, as a real estate's principals mostly hold policies of their
// own. `--distinct`: each copy's AWS statements name a resource of their own (see repeatTo), so
// every content-keyed answer is computed per copy, as in an estate of distinct policies.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseAsOf } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { DEMO_CONFIG, pointAtDemoServer, startDemoEstate, useDemoEnv } from '../src/demo/index.js';
import { inForce } from '../src/evaluate.js';
import { silentLogger } from '../src/log.js';
import type { Grant, Identity, Scan } from '../src/model.js';
import { builtins } from '../src/registry.js';
import { type Collected, type ScanOptions, collectScan, judgeScan, verdictInputs } from '../src/scan.js';

export interface PolicyBenchResult {
  identities: number;
  /** Each copy's AWS statements differ in content (a resource ARN of their own): content caches miss. */
  distinct: boolean;
  /** Distinct identities the demo's connectors emitted (the templates repeated to N). */
  templates: number;
  policies: number;
  findings: number;
  evaluations: number;
  wallSeconds: number;
  cpuSeconds: number;
  identitiesPerSecond: number;
  identitiesPerCpuSecond: number;
  /** Heap the judged result holds (after a GC; needs --expose-gc), bytes. */
  heapRetainedBytes: number;
  peakRssBytes: number;
  /** sha256 over the findings, the evaluation records and their summary, in order: equal N, equal verdict. */
  verdictHash: string;
}

/** The demo estate's config and what a scan collects from it (connectors against the demo server). */
export const collectDemo = async (): Promise<{ options: ScanOptions; collected: Collected }> => {
  const loaded = await loadConfig(DEMO_CONFIG, builtins);
  const asOf = parseAsOf(loaded.file.asOf ?? '2026-11-01T00:00:00Z');
  const server = await startDemoEstate({ asOf });
  const restore = useDemoEnv(server, { asOf });
  try {
    const config = pointAtDemoServer(loaded, server);
    const clock = { asOf, now: () => new Date() };
    const options: ScanOptions = { config, clock, log: silentLogger, ...verdictInputs(config) };
    return { options, collected: await collectScan(options) };
  } finally {
    restore();
    await server.close();
  }
};

/**
 * Copy `copy`'s AWS statements made its own: each grant (and each limit's grant) also names the
 * bucket `arn:aws:s3:::nhiscan-bench-copy-<copy>`. A statement on "*" still covers every resource;
 * one on named resources covers one bucket more. Verdicts may differ from the repeats' (the
 * evidence names the statements), but equal N gives an equal verdict.
 */
const distinctStatements = (identity: Identity, copy: number): Identity => {
  if (identity.provider !== 'aws') return identity;
  const own = `arn:aws:s3:::nhiscan-bench-copy-${String(copy)}`;
  const grant = (g: Grant): Grant => ({ ...g, resources: [...g.resources, own] });
  const { privilege } = identity;
  return {
    ...identity,
    privilege: {
      ...privilege,
      grants: privilege.grants.map(grant),
      ...(privilege.limits
        ? { limits: privilege.limits.map((l) => ({ ...l, grants: l.grants.map(grant) })) }
        : {}),
    },
  };
};

/**
 * The collected runs with their identities repeated to `n` in all (copy k of an identity is a deep
 * copy with the uid `<uid>~k`, so no copy shares an object with another, as in a real estate; copy
 * 0 is the original). Coverage is copied too, since judging adds to it. `distinct`: copies after
 * the first carry AWS statements of their own (distinctStatements).
 */
export const repeatTo = (collected: Collected, n: number, { distinct = false } = {}): Collected => {
  const templates = collected.runs.flatMap(({ run }) => run.identities);
  const perRun = collected.runs.map(({ position, run }) => ({
    position,
    run: {
      coverage: structuredClone(run.coverage),
      identities: [] as Identity[],
    },
  }));
  const owner = new Map<Identity, Identity[]>();
  for (const [k, { run }] of collected.runs.entries())
    for (const identity of run.identities) owner.set(identity, perRun[k]?.run.identities ?? []);
  for (let i = 0; i < n; i++) {
    const template = templates[i % templates.length];
    if (!template) break;
    const copy = Math.floor(i / templates.length);
    const deep = (): Identity => {
      const cloned = { ...structuredClone(template), uid: `${template.uid}~${String(copy)}` };
      return distinct ? distinctStatements(cloned, copy) : cloned;
    };
    owner.get(template)?.push(copy === 0 ? template : deep());
  }
  return { ...collected, runs: perRun };
};

/**
 * sha256 of the findings, the evaluation records and their summary (counts per policy and per
 * control, key order included), item by item (never one giant string).
 */
export const verdictHashOf = (scan: Pick<Scan, 'findings' | 'evaluations' | 'evaluationSummary'>): string => {
  const hash = createHash('sha256');
  for (const f of scan.findings) hash.update(JSON.stringify(f)).update('\n');
  hash.update('--\n');
  for (const e of scan.evaluations) hash.update(JSON.stringify(e)).update('\n');
  hash.update('--\n').update(JSON.stringify(scan.evaluationSummary ?? null));
  return hash.digest('hex');
};

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

export const runPolicyBench = async (
  n: number,
  demo?: { options: ScanOptions; collected: Collected },
  { distinct = false } = {},
): Promise<PolicyBenchResult> => {
  const { options, collected } = demo ?? (await collectDemo());
  const templates = collected.runs.reduce((sum, r) => sum + r.run.identities.length, 0);
  const scaled = repeatTo(collected, n, { distinct });
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const cpu = process.cpuUsage();
  const t = performance.now();
  const scan = judgeScan(options, scaled);
  const wallSeconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  gc();
  const heapRetainedBytes = process.memoryUsage().heapUsed - heapBefore;
  return {
    identities: scan.identities.length,
    distinct,
    templates,
    policies: options.config.policies.filter(inForce).length,
    findings: scan.findings.length,
    evaluations: scan.evaluations.length,
    wallSeconds,
    cpuSeconds,
    identitiesPerSecond: scan.identities.length / wallSeconds,
    identitiesPerCpuSecond: scan.identities.length / cpuSeconds,
    heapRetainedBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    verdictHash: verdictHashOf(scan),
  };
};

const isMain = process.argv[1] !== undefined && import.meta.filename === process.argv[1];
if (isMain) {
  const hit = process.argv.find((a) => a.startsWith('--identities='));
  const n = hit ? Number(hit.split('=')[1]) : 50_000;
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--identities must be a whole number ≥ 1 (got ${hit ?? ''})`);
    process.exit(2);
  }
  const r = await runPolicyBench(n, undefined, { distinct: process.argv.includes('--distinct') });
  if (process.argv.includes('--json')) console.log(JSON.stringify(r));
  else {
    const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;
    console.log(
      `policies: ${r.identities} identities (the demo's ${r.templates} repeated${r.distinct ? ', each copy with AWS statements of its own' : ''}) × ${r.policies} policies → ${r.findings} findings, ${r.evaluations} evaluation records\n` +
        `  judged in ${r.wallSeconds.toFixed(2)} s wall, ${r.cpuSeconds.toFixed(2)} CPU-s: ${Math.round(r.identitiesPerSecond)} identities/s (${Math.round(r.identitiesPerCpuSecond)} per CPU-s)\n` +
        `  heap held by the judged scan ${mb(r.heapRetainedBytes)}; peak RSS ${mb(r.peakRssBytes)}\n` +
        `  verdict hash ${r.verdictHash}`,
    );
  }
}
