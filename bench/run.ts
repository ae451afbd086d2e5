// `npm run bench`: figures, not assertions. (1) A full AWS scan through the real SDK and
// connector against a synthetic account served on loopback; (2) the policy layer alone over a
// large inventory; (3) every report format at 100k identities (bench/reports.ts). Prints wall time,
// throughput, requests and memory.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../src/clock.js';
import { buildConfig } from '../src/config.js';
import { startDemoEstate } from '../src/demo/index.js';
import { demoAwsEnv, swapAwsEnv } from '../connectors/aws/demo.js';
import { evaluatePolicies } from '../src/evaluate.js';
import { silentLogger } from '../src/log.js';
import { builtins } from '../src/registry.js';
import { runScan } from '../src/scan.js';
import { writeAwsEstate } from './aws-estate.js';

const arg = (name: string, fallback: number): number => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split('=')[1]) : fallback;
};
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

const users = arg('users', 2000);
const roles = arg('roles', 1000);
const policyIdentities = arg('identities', 50_000);
const asOf = new Date('2026-11-01T00:00:00Z');

const dir = mkdtempSync(join(tmpdir(), 'nhiscan-bench-'));
writeAwsEstate(dir, { users, roles, pageSize: 500 }, asOf);
const server = await startDemoEstate({ dir, asOf });
const restore = swapAwsEnv({
  ...demoAwsEnv(server),
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});
// GetCallerIdentity + the GetAccountAuthorizationDetails pages + GenerateCredentialReport +
// GetCredentialReport + one ListAccessKeys per user (every synthetic user has one key).
const minimumCalls = 1 + Math.max(1, Math.ceil((users + roles) / 500)) + 2 + users;
console.log(`nhiscan bench — node ${process.version}, ${users} IAM users + ${roles} roles on loopback\n`);
try {
  const config = buildConfig(
    // The default SSH-key rule (only users that may use CodeCommit): the estate grants none.
    { providers: { aws: { organizationPolicies: false, serviceLastAccessed: { enabled: false } } } },
    builtins,
    'bench',
    dir,
  );
  for (const run of ['cold', 'warm']) {
    gc();
    server.requests.length = 0;
    const before = process.memoryUsage();
    const t0 = performance.now();
    const result = await runScan({ config, clock: systemClock(asOf), log: silentLogger });
    const ms = performance.now() - t0;
    const after = process.memoryUsage();
    console.log(
      `aws scan (${run}): ${(ms / 1000).toFixed(2)} s, ${result.identities.length} identities ` +
        `(${Math.round(result.identities.length / (ms / 1000))}/s), ${result.findings.length} findings, ` +
        `${server.requests.length} API requests (${(server.requests.length / (users + roles)).toFixed(2)} per identity; ` +
        `minimum ${minimumCalls}, ${(server.requests.length / minimumCalls).toFixed(3)}× it), ` +
        `coverage ${result.coverage.map((c) => c.status).join(',')}, heap +${mb(after.heapUsed - before.heapUsed)}, rss ${mb(after.rss)}`,
    );
    if (run === 'warm') {
      // Policies alone: the scanned inventory repeated to `policyIdentities` identities.
      const inventory = Array.from({ length: policyIdentities }, (_, i) => {
        const base = result.identities[i % result.identities.length];
        if (!base) throw new Error('the scan found no identity to replicate');
        return { ...base, uid: `${base.uid}#${i}` };
      });
      gc();
      const m0 = process.memoryUsage().heapUsed;
      const t1 = performance.now();
      const { findings } = evaluatePolicies(inventory, config.policies, {
        asOf,
        directory: undefined,
        inventory,
      });
      const pms = performance.now() - t1;
      console.log(
        `policies: ${inventory.length} identities × ${config.policies.length} policies in ${(pms / 1000).toFixed(2)} s ` +
          `(${Math.round(inventory.length / (pms / 1000))} identities/s), ${findings.length} findings, heap +${mb(process.memoryUsage().heapUsed - m0)}`,
      );
    }
  }
} finally {
  restore();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

// Reports: every format at 100k identities, in its own process so its peak RSS is its own.
const reports = spawnSync(
  process.execPath,
  [
    '--expose-gc',
    join(import.meta.dirname, 'reports.js'),
    `--identities=${arg('report-identities', 100_000)}`,
  ],
  { stdio: 'inherit' },
);
if (reports.status !== 0) process.exitCode = reports.status ?? 1;
