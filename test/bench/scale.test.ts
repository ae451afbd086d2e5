// The scale benchmark's figures are computed right (never how fast anything is): the tiny estates
// through the built CLI (`npm run build` first, as `npm test` does) and the fake cloud in its own
// process. Calls equal the minimum on these estates, the unassumable organisation member is a
// failed target, the suspended one is skipped, throttling is counted and retried through (IAM's
// Throttling and Organizations' TooManyRequestsException), a GitHub rescan of the unchanged org
// costs no rate-limit point (every answer a 304), and a Google Cloud organization is read with its
// minimum both per project and through Cloud Asset Inventory, and the two runs are compared.
import { describe, expect, it } from 'vitest';
import { accountId, awsAccountMinimum } from '../../bench/fake-cloud/aws.js';
import { type BenchOptions, runBench, scenarios, verdicts } from '../../bench/scale.js';

const base: BenchOptions = { size: 'tiny', latencyMs: 0, jitterMs: 0, concurrency: 8, targetConcurrency: 4 };

describe('npm run bench (tiny)', () => {
  it(
    'counts calls, failed and skipped targets, RSS and result size for every scenario',
    { timeout: 180_000 },
    async () => {
      const results = await runBench(base);
      expect(results.map((r) => r.name)).toEqual([
        'aws-account',
        'aws-accounts',
        'aws-org',
        'github-org',
        'gcp-org',
        'gcp-org-cai',
      ]);
      for (const r of results) {
        expect(r.error, r.name).toBeUndefined();
        // Every minimum call made, none beyond it: keyless users get no ListAccessKeys, users without
        // CodeCommit access no ListSSHPublicKeys, GAAD asks for 1,000 a page.
        expect(r.calls, `${r.name}: ${JSON.stringify(r.byOperation)}`).toBe(r.minimum);
        expect(r.throttled).toBe(0);
        expect(r.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
        expect(r.cpuSeconds).toBeGreaterThan(0);
        expect(r.resultBytes).toBeGreaterThan(0);
        expect(r.wallSeconds).toBeGreaterThan(0);
        expect(r.identitiesPerSecond).toBeCloseTo(r.identities / r.wallSeconds, 6);
        expect(verdicts(r).find((v) => v.figure === 'calls ÷ minimum')?.met).toBe(true);
      }
      const [account, accounts, org] = results;
      // 120 users + 30 roles; the root has no key (a note, not an identity).
      expect(account?.identities).toBe(150);
      expect(account?.byOperation['iam:ListAccessKeys']).toBe(108); // users 9, 19, … have no key
      expect(account?.byOperation['iam:ListSSHPublicKeys']).toBe(2); // users 7 and 107 may use CodeCommit
      expect(account?.minimum).toBe(awsAccountMinimum({ users: 120, roles: 30 }));
      expect(accounts?.targets).toBe(3);
      expect(accounts?.identities).toBe(75);
      expect(accounts?.allowedConcurrency).toBe(24);
      // 6 accounts: management + 3 scanned members, one SUSPENDED (skipped), one refusing AssumeRole.
      expect(org?.targets).toBe(5);
      expect(org?.failedTargets).toEqual([`aws:account/${accountId(5)}`]);
      expect(org?.skippedNotes.join()).toContain(`${accountId(4)} (SUSPENDED)`);
      expect(org?.identities).toBe(4 * 15);
      expect(org?.byOperation['sts:AssumeRole']).toBe(4);
      expect(org?.exitCode).toBe(3);
      // GitHub: every listing at 100 a page, and the rescan of the unchanged org all 304s.
      const github = results[3];
      expect(github?.identities).toBeGreaterThan(12);
      expect(github?.failedTargets).toEqual([]);
      expect(github?.byOperation['GET:/repos/{owner}/{repo}/keys']).toBe(12);
      expect(github?.rateLimit).toEqual({
        limit: 15_000,
        firstScan: github?.calls,
        rescan: 0,
        rescanCalls: github?.calls,
        rescanShare: 0,
      });
      expect(github && verdicts(github).find((v) => v.figure.startsWith('rescan'))?.met).toBe(true);
      // Google Cloud: 3 projects (one in a folder) × 4 accounts + one API key, each project a target.
      const gcp = results[4];
      expect(gcp?.identities).toBe(13);
      expect(gcp?.targets).toBe(3);
      expect(gcp?.failedTargets).toEqual([]);
      expect(gcp?.minimum).toBe(57);
      expect(gcp?.byOperation).toMatchObject({
        'crm:projects.list': 2, // the organization and its folder
        'crm:organizations.getIamPolicy': 1,
        'crm:folders.getIamPolicy': 1,
        'crm:projects.getIamPolicy': 3,
        'iam:serviceAccounts.list': 3,
        'iam:keys.list': 12, // one per account: IAM has no project-wide key listing
        'iam:serviceAccounts.getIamPolicy': 12,
        'iam:roles.get': 4, // once per role for the whole scan
      });
      // The same estate through Cloud Asset Inventory: the same identities; the listing (4), one
      // assets.list page of resources (12 accounts + 24 keys + 1 API key) and one of policies
      // replace every getIamPolicy, serviceAccounts.list and keys.list; Policy Analyzer (6), deny
      // policies (5) and roles (4) stay.
      const cai = results[5];
      expect(cai?.identities).toBe(13);
      expect(cai?.targets).toBe(3);
      expect(cai?.failedTargets).toEqual([]);
      expect(cai?.minimum).toBe(21);
      expect(cai?.byOperation['cloudasset:assets.list']).toBe(2);
      for (const replaced of ['iam:keys.list', 'iam:serviceAccounts.list', 'crm:projects.getIamPolicy'])
        expect(cai?.byOperation[replaced], replaced).toBeUndefined();
      expect(cai?.cai).toMatchObject({
        projects: 3,
        perProject: { calls: 57 },
        cai: { calls: 21, listings: 2, residual: 19 },
        saving: 57 / 21,
      });
      expect(gcp?.cai).toBeUndefined();
    },
  );

  it('states the latency bound as calls × latency ÷ allowed concurrency', { timeout: 60_000 }, async () => {
    const [r] = await runBench({ ...base, latencyMs: 5, only: ['aws-accounts'] });
    expect(r?.latencyBoundSeconds).toBeCloseTo(((r?.calls ?? 0) * 5) / 1000 / 24, 9);
    expect(r?.wallSeconds).toBeGreaterThan(0);
  });

  it(
    'counts GitHub secondary rate limits; the scan waits them out (retry-after) and stays complete',
    { timeout: 120_000 },
    async () => {
      const [r] = await runBench({ ...base, only: ['github-org'], githubSecondaryEvery: 25 });
      expect(r?.throttled).toBeGreaterThan(0);
      expect(r?.calls).toBe((r?.minimum ?? 0) + (r?.throttled ?? 0));
      expect(r?.failedTargets).toEqual([]);
    },
  );

  it(
    'counts Organizations TooManyRequestsException answers; the organisation scan retries through them',
    { timeout: 120_000 },
    async () => {
      const [r] = await runBench({ ...base, only: ['aws-org'], awsThrottleEvery: 3 });
      const organizations = Object.entries(r?.throttledByOperation ?? {}).filter(([op]) =>
        op.startsWith('organizations:'),
      );
      expect(organizations.length, JSON.stringify(r?.throttledByOperation)).toBeGreaterThan(0);
      expect(r?.calls).toBe((r?.minimum ?? 0) + (r?.throttled ?? 0));
      // The same outcome as unthrottled: 4 accounts scanned, the unassumable one failed, nothing else.
      expect(r?.identities).toBe(4 * 15);
      expect(r?.failedTargets).toEqual([`aws:account/${accountId(5)}`]);
    },
  );

  it(
    'counts AWS throttling answers; the scan retries through them and stays complete',
    { timeout: 120_000 },
    async () => {
      const [r] = await runBench({ ...base, only: ['aws-account'], awsThrottleEvery: 10 });
      expect(r?.throttled).toBeGreaterThan(0);
      expect(r?.calls).toBe((r?.minimum ?? 0) + (r?.throttled ?? 0));
      expect(r?.identities).toBe(150);
      expect(r?.failedTargets).toEqual([]);
    },
  );

  it('sizes the large estates: 100,000 principals over 20 accounts, 5,000 users, 2,000 repositories', () => {
    const large = scenarios('large');
    const org = large.find((s) => s.name === 'aws-org');
    const principals = (org?.fake.aws?.accounts ?? []).reduce((s, a) => s + a.users + a.roles, 0);
    expect(principals).toBe(100_000);
    expect(org?.fake.aws?.accounts).toHaveLength(20);
    expect(large.find((s) => s.name === 'aws-account')?.fake.aws?.accounts[0]?.users).toBe(5_000);
    expect(large.find((s) => s.name === 'github-org')?.fake.github?.repos).toBe(2_000);
    expect(large.find((s) => s.name === 'github-org')?.fake.github?.repos).toBe(2_000);
    // Google Cloud: 50 projects × 200 service accounts; the same 10,000 accounts over 2,000 projects.
    expect(large.find((s) => s.name === 'gcp-org')?.fake.gcp).toMatchObject({ projects: 50, accounts: 200 });
    expect(large.find((s) => s.name === 'gcp-org')?.gcpCounts?.accounts).toBe(10_000);
    expect(large.find((s) => s.name === 'gcp-projects')?.fake.gcp).toMatchObject({
      projects: 2_000,
      accounts: 5,
    });
  });
});
