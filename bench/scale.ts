// The scale benchmark (issue 14): a fake cloud in its own process (bench/fake-cloud/main.ts)
// serves generated estates on loopback with a latency per call; the built CLI scans each one in a
// child process of its own, as a user runs it. Per scenario: calls made against the minimum for
// that estate, wall against the latency bound, identities/s, the scanner's peak RSS, result size.
// Figures, never assertions: test/bench checks they are computed, not how fast they are.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { isAwsEnv } from '../connectors/aws/demo.js';
import { packageRoot } from '../src/paths.js';
import {
  type AwsAccountSpec,
  ROLE_NAME,
  SOURCE_KEY,
  accountId,
  awsAccountMinimum,
} from './fake-cloud/aws.js';
import { gcpDemoEndpoints } from '../connectors/gcp/demo.js';
import { type CaiComparison, caiComparison } from './cai-model.js';
import {
  GCP_ORG_ID,
  type GcpEstateCounts,
  type GcpEstateSpec,
  gcpCounts,
  gcpEstate,
  gcpCaiMinimum,
  gcpMinimum,
} from './fake-cloud/gcp.js';
import { GITHUB_ORG, githubMinimum } from './fake-cloud/github.js';
import type { FakeSpec, FakeStats, RouteStats } from './fake-cloud/spec.js';

export type BenchSize = 'tiny' | 'small' | 'large';

export interface BenchOptions {
  size: BenchSize;
  latencyMs: number;
  jitterMs: number;
  /** Scenario names to run (default: all of the size). */
  only?: readonly string[];
  /** AWS answers every Nth request of an account with Throttling (default: never). */
  awsThrottleEvery?: number;
  /** GitHub answers every Nth request with a secondary rate limit (default: never). */
  githubSecondaryEvery?: number;
  concurrency: number;
  targetConcurrency: number;
  /** `workers` of the scan's config (README: Worker threads); absent: the main thread collects. */
  workers?: number | 'auto';
  /** Progress lines on stderr. */
  log?: (line: string) => void;
  /** Write a V8 CPU profile of each scanner process to this folder (`--cpu-prof-dir`). */
  cpuProfileDir?: string;
}

export interface Scenario {
  name: string;
  provider: 'aws' | 'github' | 'gcp';
  description: string;
  /** Scan the unchanged estate a second time (GitHub: the ETag rescan). */
  rescan?: boolean;
  fake: Omit<FakeSpec, 'latencyMs' | 'jitterMs'>;
  /** The provider block of the scan's config (a function: it needs the fake's URL, e.g. Google's endpoints). */
  providerConfig: Record<string, unknown> | ((fakeUrl: string) => Record<string, unknown>);
  /** Google Cloud: what the estate holds. */
  gcpCounts?: GcpEstateCounts;
  /** Google Cloud with Cloud Asset Inventory: the per-project scenario of the same estate, compared with it. */
  caiOf?: string;
  /** The fewest calls this estate needs (issue 14's definition, per provider). */
  minimum: number;
  /** Targets expected to fail (an unassumable member account) — reported, not asserted here. */
  expectFailed: string[];
}

export interface ScenarioResult {
  name: string;
  provider: string;
  description: string;
  exitCode: number | null;
  error?: string;
  identities: number;
  targets: number;
  failedTargets: string[];
  skippedNotes: string[];
  calls: number;
  minimum: number;
  throttled: number;
  /** Throttled answers by operation: each was retried (the scan stays complete) or became a gap. */
  throttledByOperation: Record<string, number>;
  byOperation: Record<string, number>;
  /** Google Cloud with Cloud Asset Inventory: against the per-project run of the same estate (both measured). */
  cai?: CaiComparison;
  /** The scan's own wall (run.startedAt → finishedAt), seconds. */
  wallSeconds: number;
  /** The CLI process from spawn to exit (start-up and the result write included), seconds. */
  processSeconds: number;
  /** The CLI process's CPU time (user + system), seconds: the figure a loaded machine skews least. */
  cpuSeconds: number;
  /** The machine's 1-minute load average when the scan started and when it ended. */
  loadAverage: [number, number];
  /** calls × latency ÷ allowed concurrency, seconds. */
  latencyBoundSeconds: number;
  allowedConcurrency: number;
  identitiesPerSecond: number;
  peakRssBytes: number;
  resultBytes: number;
  /** GitHub: rate-limit points (requests not answered 304) of the first scan and of the rescan. */
  rateLimit?: { limit: number; firstScan: number; rescan: number; rescanCalls: number; rescanShare: number };
  /** Path of the result file while the bench runs (removed at the end unless kept). */
  resultPath?: string;
}

const AWS_BASE = {
  region: 'us-east-1',
  organizationPolicies: false,
  // The fake cloud answers no service last accessed jobs (two calls or more per write principal).
  serviceLastAccessed: { enabled: false },
  credentialReport: { maxWaitSeconds: 30 },
};

/** Sizes per scenario. `tiny` is for the test; `large` is issue 14's. */
const SIZES: Record<
  BenchSize,
  {
    account: AwsAccountSpec;
    accounts: AwsAccountSpec[];
    org: AwsAccountSpec[];
    ous: number;
    github: { repos: number; members: number };
    /** Google Cloud organizations: projects × service accounts (issue 14: 50 × 200 large). */
    gcp: GcpEstateSpec[];
  }
> = {
  tiny: {
    github: { repos: 12, members: 8 },
    account: { users: 120, roles: 30 },
    accounts: [0, 1, 2].map(() => ({ users: 20, roles: 5 })),
    org: Array.from({ length: 6 }, () => ({ users: 10, roles: 5 })),
    ous: 2,
    gcp: [{ projects: 3, accounts: 4, folders: 1 }],
  },
  small: {
    github: { repos: 300, members: 40 },
    account: { users: 1_200, roles: 300 },
    accounts: [0, 1, 2].map(() => ({ users: 200, roles: 50 })),
    org: Array.from({ length: 6 }, () => ({ users: 100, roles: 20 })),
    ous: 2,
    gcp: [{ projects: 5, accounts: 20, folders: 2 }],
  },
  large: {
    github: { repos: 2_000, members: 200 },
    account: { users: 5_000, roles: 0 },
    accounts: [],
    // 100,000 principals over 20 accounts: 4,000 users + 1,000 roles each.
    org: Array.from({ length: 20 }, () => ({ users: 4_000, roles: 1_000 })),
    ous: 4,
    // Issue 14's 50 × 200, and the same 10,000 accounts over 2,000 projects (the Cloud Asset
    // Inventory comparison: per-project calls grow with projects, not accounts).
    gcp: [
      { projects: 50, accounts: 200, folders: 5 },
      { projects: 2_000, accounts: 5, folders: 20 },
    ],
  },
};

export const scenarios = (size: BenchSize): Scenario[] => {
  const s = SIZES[size];
  const out: Scenario[] = [];
  out.push({
    name: 'aws-account',
    provider: 'aws',
    description: `AWS: one account, ${s.account.users} users + ${s.account.roles} roles`,
    fake: { aws: { accounts: [s.account] } },
    providerConfig: { ...AWS_BASE, targets: [{ type: 'default' }] },
    minimum: awsAccountMinimum(s.account),
    expectFailed: [],
  });
  if (s.accounts.length > 0) {
    // Account 0 holds the source credentials only; the listed accounts are reached by AssumeRole.
    const accounts = [{ users: 0, roles: 0 }, ...s.accounts];
    out.push({
      name: 'aws-accounts',
      provider: 'aws',
      description: `AWS: ${s.accounts.length} accounts by AssumeRole, ${s.accounts[0]?.users ?? 0} users + ${s.accounts[0]?.roles ?? 0} roles each`,
      fake: { aws: { accounts } },
      providerConfig: {
        ...AWS_BASE,
        targets: [
          {
            type: 'assume-role',
            roleName: ROLE_NAME,
            accountIds: s.accounts.map((_, k) => accountId(k + 1)),
          },
        ],
      },
      minimum: s.accounts.reduce((sum, a) => sum + 1 + awsAccountMinimum(a), 0),
      expectFailed: [],
    });
  }
  // An Organization: the management account (0) under the root, members spread over the OUs; on
  // the small sizes one member is SUSPENDED (skipped) and one refuses AssumeRole (a failed target).
  const members = s.org.length - 1;
  const odd =
    size === 'large'
      ? { suspended: [], unassumable: [] }
      : { suspended: [members - 1], unassumable: [members] };
  const listing =
    3 + // GetCallerIdentity, DescribeOrganization, ListRoots
    2 * (1 + s.ous) + // ListAccountsForParent + ListOrganizationalUnitsForParent for the root and each OU
    // Extra pages of 20 accounts (the root holds the management account only).
    Array.from({ length: s.ous }, (_, j) =>
      Math.max(0, Math.ceil(s.org.filter((_, k) => k > 0 && k % s.ous === j).length / 20) - 1),
    ).reduce((a, b) => a + b, 0);
  const scanned = s.org.map((a, k) => ({ a, k })).filter(({ k }) => !odd.suspended.includes(k));
  out.push({
    name: 'aws-org',
    provider: 'aws',
    description: `AWS Organization: ${s.org.length} accounts in ${s.ous} OUs, ${s.org[0]?.users ?? 0} users + ${s.org[0]?.roles ?? 0} roles each${odd.suspended.length ? ', one suspended, one unassumable' : ''}`,
    fake: { aws: { accounts: s.org, organization: { ous: s.ous, ...odd } } },
    providerConfig: { ...AWS_BASE, targets: [{ type: 'organization', roleName: ROLE_NAME }] },
    minimum:
      listing +
      scanned.reduce(
        // Members: AssumeRole first; an unassumable one costs that call only.
        (sum, { a, k }) => sum + (k === 0 ? 0 : 1) + (odd.unassumable.includes(k) ? 0 : awsAccountMinimum(a)),
        0,
      ),
    expectFailed: odd.unassumable.map((k) => `aws:account/${accountId(k)}`),
  });
  // GitHub: one org through a token (ETags are tied to the token, so only token scans can save
  // on a rescan), with an ETag cache; scanned twice.
  const github = { ...s.github, rateLimit: 15_000 };
  out.push({
    name: 'github-org',
    provider: 'github',
    description: `GitHub: org ${GITHUB_ORG} with ${github.repos} repositories and ${github.members} members (token, ETag cache; first scan and rescan)`,
    fake: { github },
    providerConfig: {
      orgs: [GITHUB_ORG],
      auth: { type: 'token', tokenEnv: 'NHISCAN_BENCH_GITHUB_TOKEN' },
      baseUrlEnv: 'NHISCAN_BENCH_GITHUB_URL',
      etagCache: 'github-etags.json',
    },
    minimum: githubMinimum(github),
    expectFailed: [],
    rescan: true,
  });
  // Google Cloud: one organization target (every project below it, through its folders), read
  // through the demo's route over a generated estate; `auth: none` is allowed on loopback only.
  // Each estate twice: per project, then through Cloud Asset Inventory (issue 14: measure both).
  s.gcp.forEach((g, n) => {
    const estate = gcpEstate(g);
    const counts = gcpCounts(estate);
    const name = n === 0 ? 'gcp-org' : 'gcp-projects';
    const description = `Google Cloud: organization of ${g.projects} projects (${g.folders} folders) × ${g.accounts} service accounts, ${counts.keys} keys, ${counts.apiKeys} API keys`;
    const config = (fakeUrl: string) => ({
      organizations: [GCP_ORG_ID],
      auth: { type: 'none' },
      // The groups named in the estate's policies: none (no Cloud Identity calls).
      endpoints: gcpDemoEndpoints(fakeUrl),
    });
    out.push({
      name,
      provider: 'gcp',
      description,
      fake: { gcp: g },
      providerConfig: config,
      minimum: gcpMinimum(estate),
      gcpCounts: counts,
      expectFailed: [],
    });
    out.push({
      name: `${name}-cai`,
      provider: 'gcp',
      description: `${description}, through Cloud Asset Inventory (cloudAssetInventory)`,
      fake: { gcp: g },
      providerConfig: (fakeUrl) => ({ ...config(fakeUrl), cloudAssetInventory: true }),
      minimum: gcpCaiMinimum(estate),
      gcpCounts: counts,
      caiOf: name,
      expectFailed: [],
    });
  });
  return out;
};

const distFile = (...parts: string[]): string => join(packageRoot, 'dist', ...parts);

interface Fake {
  url: string;
  stats(): Promise<FakeStats>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Forks the fake cloud (built: dist/bench/fake-cloud/main.js) and waits for its port. */
export const startFake = async (spec: FakeSpec): Promise<Fake> => {
  const child: ChildProcess = fork(distFile('bench', 'fake-cloud', 'main.js'), [], {
    env: { ...process.env, NHISCAN_BENCH_FAKE: JSON.stringify(spec) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [],
  });
  const next = <T>(type: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: { type: string }): void => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m as T);
      };
      const onExit = (code: number | null): void => {
        child.off('message', onMessage);
        reject(new Error(`the fake cloud exited (${String(code)}) before answering ${type}`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const { url } = await next<{ url: string }>('ready');
  return {
    url,
    async stats() {
      const reply = next<{ stats: FakeStats }>('stats');
      child.send({ type: 'stats' });
      return (await reply).stats;
    },
    async reset() {
      const reply = next('reset');
      child.send({ type: 'reset' });
      await reply;
    },
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => {
          resolve();
        });
        child.send({ type: 'close' });
      }),
  };
};

interface ScanRun {
  exitCode: number | null;
  stderr: string;
  processSeconds: number;
  /** The scanner process's CPU time (user + system), seconds; 0 when it died before its exit handler. */
  cpuSeconds: number;
  peakRssBytes: number;
  /** The machine's 1-minute load average when the scan started and when it ended. */
  loadAverage: [number, number];
}

/** The built CLI in its own process, its peak RSS read by bench/rss-hook.ts at its exit. */
const runCli = (
  args: string[],
  env: NodeJS.ProcessEnv,
  dir: string,
  cpuProfileDir?: string,
): Promise<ScanRun> =>
  new Promise((resolve, reject) => {
    const rssFile = join(dir, 'rss.txt');
    const cpuFile = join(dir, 'cpu.txt');
    const t0 = performance.now();
    const load0 = loadavg()[0] ?? 0;
    const child = spawn(
      process.execPath,
      [
        // Node refuses --cpu-prof in NODE_OPTIONS: the scanner's own flags.
        ...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : []),
        '--import',
        pathToFileURL(distFile('bench', 'rss-hook.js')).href,
        distFile('src', 'cli.js'),
        ...args,
      ],
      {
        env: { ...env, NHISCAN_BENCH_RSS_FILE: rssFile, NHISCAN_BENCH_CPU_FILE: cpuFile },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 20_000) stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      let kb = 0;
      let cpuMicros = 0;
      try {
        kb = Number(readFileSync(rssFile, 'utf8'));
        cpuMicros = Number(readFileSync(cpuFile, 'utf8'));
      } catch {
        // The process died before its exit handler ran (a crash): no figure.
      }
      resolve({
        exitCode: code,
        stderr,
        processSeconds: (performance.now() - t0) / 1000,
        cpuSeconds: cpuMicros / 1e6,
        peakRssBytes: kb * 1024,
        loadAverage: [load0, loadavg()[0] ?? 0],
      });
    });
  });

interface ResultShape {
  run: { startedAt: string; finishedAt: string };
  identities: number;
  coverage: { target: string; status: string; discovery?: boolean; notes: string[] }[];
}

/**
 * What the bench needs of a result file (run, coverage, the identity count), read line by line: at
 * 100,000 identities the file passes V8's string limit (~512 MB), so it cannot be JSON.parse'd
 * whole. Relies on the writer's layout (src/report/json.ts: `JSON.stringify(result, null, 2)`).
 */
export const readResultShape = async (path: string): Promise<ResultShape> => {
  const sections: Record<string, string[]> = {};
  let key: string | undefined;
  let identities = 0;
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    const top = /^ {2}"([^"]+)": (.*)$/.exec(line);
    if (top) {
      key = top[1];
      if (key === 'run' || key === 'coverage') sections[key] = [top[2] ?? ''];
      continue;
    }
    if (key === 'identities' && line === '    {') identities += 1;
    else if (key !== undefined) sections[key]?.push(line);
  }
  const value = (k: string): unknown =>
    JSON.parse(
      (sections[k] ?? [])
        .join('\n')
        .replace(/,\s*$/, '')
        .replace(/\n}\s*$/, ''),
    );
  return {
    run: value('run') as ResultShape['run'],
    identities,
    coverage: value('coverage') as ResultShape['coverage'],
  };
};

/** The environment the CLI gets: the user's minus every AWS_* variable, plus the fake's endpoint. */
const scanEnv = (fakeUrl: string, dir: string): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !isAwsEnv(k)),
  );
  return {
    ...env,
    AWS_ENDPOINT_URL: `${fakeUrl}/aws`,
    AWS_ACCESS_KEY_ID: SOURCE_KEY,
    AWS_SECRET_ACCESS_KEY: 'nhiscan-demo-secret',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: join(dir, 'no-such-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-such-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NHISCAN_BENCH_GITHUB_URL: `${fakeUrl}/github`,
    // Not a token: the fake checks none.
    NHISCAN_BENCH_GITHUB_TOKEN: 'nhiscan-bench-token',
  };
};

const emptyStats: RouteStats = {
  calls: 0,
  byOperation: {},
  byStatus: {},
  throttled: 0,
  throttledByOperation: {},
};

export const runScenario = async (
  scenario: Scenario,
  options: BenchOptions,
  dir: string,
): Promise<ScenarioResult> => {
  const fake = await startFake({
    latencyMs: options.latencyMs,
    jitterMs: options.jitterMs,
    ...scenario.fake,
    ...(scenario.fake.aws && options.awsThrottleEvery
      ? { aws: { ...scenario.fake.aws, throttleEvery: options.awsThrottleEvery } }
      : {}),
    ...(scenario.fake.github && options.githubSecondaryEvery
      ? { github: { ...scenario.fake.github, secondaryEvery: options.githubSecondaryEvery } }
      : {}),
  });
  try {
    const configPath = join(dir, 'nhiscan.json');
    const out = join(dir, 'out');
    writeFileSync(
      configPath,
      JSON.stringify({
        version: 1,
        concurrency: options.concurrency,
        targetConcurrency: options.targetConcurrency,
        ...(options.workers !== undefined ? { workers: options.workers } : {}),
        providers: {
          [scenario.provider]:
            typeof scenario.providerConfig === 'function'
              ? scenario.providerConfig(fake.url)
              : scenario.providerConfig,
        },
      }),
    );
    const run = await runCli(
      ['scan', '--config', configPath, '--out', out, '--fail-on', 'none', '--quiet'],
      scanEnv(fake.url, dir),
      dir,
      options.cpuProfileDir,
    );
    const stats = (await fake.stats())[scenario.provider] ?? emptyStats;
    // A request answered 304 to a conditional request costs no rate-limit point (GitHub).
    const points = (st: RouteStats): number => st.calls - (st.byStatus['304'] ?? 0);
    let rateLimit: ScenarioResult['rateLimit'];
    if (scenario.rescan) {
      await fake.reset();
      const again = await runCli(
        ['scan', '--config', configPath, '--out', join(dir, 'out-rescan'), '--fail-on', 'none', '--quiet'],
        scanEnv(fake.url, dir),
        dir,
      );
      const second = (await fake.stats())[scenario.provider] ?? emptyStats;
      rateLimit = {
        limit: scenario.fake.github?.rateLimit ?? 0,
        firstScan: points(stats),
        rescan: points(second),
        rescanCalls: second.calls,
        rescanShare: points(stats) > 0 ? points(second) / points(stats) : 0,
      };
      if (again.exitCode !== run.exitCode)
        run.stderr += `\nrescan exited ${String(again.exitCode)}: ${again.stderr}`;
    }
    const resultPath = join(out, 'nhiscan-result.json');
    let result: ResultShape | undefined;
    let resultBytes = 0;
    try {
      resultBytes = statSync(resultPath).size;
      result = await readResultShape(resultPath);
    } catch {
      // No result: the figures below say so (exit code, error).
    }
    const targets = (result?.coverage ?? []).filter((c) => !c.discovery);
    const wallSeconds = result
      ? (Date.parse(result.run.finishedAt) - Date.parse(result.run.startedAt)) / 1000
      : run.processSeconds;
    const allowedConcurrency =
      options.concurrency * Math.max(1, Math.min(options.targetConcurrency, targets.length));
    const identities = result?.identities ?? 0;
    return {
      name: scenario.name,
      provider: scenario.provider,
      description: scenario.description,
      exitCode: run.exitCode,
      ...(result ? {} : { error: run.stderr.trim().split('\n').slice(-5).join('\n') || 'no result written' }),
      identities,
      targets: targets.length,
      failedTargets: targets.filter((c) => c.status === 'failed').map((c) => c.target),
      skippedNotes: (result?.coverage ?? []).flatMap((c) =>
        c.notes.filter((n) => n.startsWith('accounts not scanned')),
      ),
      calls: stats.calls,
      minimum: scenario.minimum,
      throttled: stats.throttled,
      throttledByOperation: stats.throttledByOperation,
      byOperation: stats.byOperation,
      wallSeconds,
      processSeconds: run.processSeconds,
      cpuSeconds: run.cpuSeconds,
      loadAverage: run.loadAverage,
      latencyBoundSeconds: (stats.calls * options.latencyMs) / 1000 / allowedConcurrency,
      allowedConcurrency,
      identitiesPerSecond: wallSeconds > 0 ? identities / wallSeconds : 0,
      peakRssBytes: run.peakRssBytes,
      resultBytes,
      ...(rateLimit ? { rateLimit } : {}),
      resultPath,
    };
  } finally {
    await fake.close();
  }
};

/** Runs every scenario of the size (or those named), each in a folder of its own. */
export const runBench = async (
  options: BenchOptions,
  keep: (result: ScenarioResult) => void = () => undefined,
): Promise<ScenarioResult[]> => {
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios(options.size)) {
    if (options.only && !options.only.includes(scenario.name)) continue;
    options.log?.(`running ${scenario.name}: ${scenario.description}`);
    const dir = mkdtempSync(join(tmpdir(), `nhiscan-bench-${scenario.name}-`));
    try {
      const result = await runScenario(scenario, options, dir);
      const pair = scenario.caiOf ? results.find((r) => r.name === scenario.caiOf) : undefined;
      if (pair) result.cai = caiComparison(scenario.gcpCounts?.projects ?? 0, pair, result);
      keep(result);
      delete result.resultPath;
      results.push(result);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
};

// Issue 14's targets.
export const TARGETS = {
  callsOverMinimum: 1.1,
  wallOverBound: 1.3,
  peakRssBytesAt100k: 300 * 1024 * 1024,
  policyIdentitiesPerSecond: 50_000,
  githubRescanShare: 0.1,
} as const;

export interface Verdict {
  figure: string;
  value: number;
  target: string;
  met: boolean;
  /** How far from the target, in words ("1.42× the bound, 0.12 over"). */
  distance: string;
}

/** Each figure of a scenario against its target. */
export const verdicts = (r: ScenarioResult): Verdict[] => {
  const calls = r.minimum > 0 ? r.calls / r.minimum : 0;
  const wall = r.latencyBoundSeconds > 0 ? r.wallSeconds / r.latencyBoundSeconds : Infinity;
  // RSS target is set at 100,000 identities; scaled linearly for other sizes would hide a fixed cost.
  const out: Verdict[] = [
    {
      figure: 'calls ÷ minimum',
      value: calls,
      target: `≤ ${TARGETS.callsOverMinimum}`,
      met: calls <= TARGETS.callsOverMinimum,
      distance:
        calls <= TARGETS.callsOverMinimum ? 'met' : `${(calls - TARGETS.callsOverMinimum).toFixed(2)} over`,
    },
    {
      figure: 'wall ÷ latency bound',
      value: wall,
      target: `≤ ${TARGETS.wallOverBound}`,
      met: wall <= TARGETS.wallOverBound,
      distance:
        r.latencyBoundSeconds === 0
          ? 'no latency set: no bound'
          : wall <= TARGETS.wallOverBound
            ? 'met'
            : `${(wall - TARGETS.wallOverBound).toFixed(2)} over`,
    },
  ];
  if (r.rateLimit) {
    const share = r.rateLimit.rescanShare;
    out.push({
      figure: 'rescan ÷ first scan (rate-limit points)',
      value: share,
      target: `≤ ${TARGETS.githubRescanShare}`,
      met: share <= TARGETS.githubRescanShare,
      distance:
        share <= TARGETS.githubRescanShare ? 'met' : `${(share - TARGETS.githubRescanShare).toFixed(3)} over`,
    });
  }
  if (r.identities >= 100_000 || r.peakRssBytes > TARGETS.peakRssBytesAt100k) {
    const ok = r.peakRssBytes > 0 && r.peakRssBytes < TARGETS.peakRssBytesAt100k;
    out.push({
      figure: 'peak RSS',
      value: r.peakRssBytes,
      target: '< 300 MB at 100,000 identities',
      met: ok,
      distance: ok
        ? 'met'
        : `${((r.peakRssBytes - TARGETS.peakRssBytesAt100k) / 1024 / 1024).toFixed(0)} MB over`,
    });
  }
  return out;
};
