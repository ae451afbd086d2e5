// The built CLI end to end, as a user runs it: `node dist/src/cli.js …` in a child process, its
// files and its exit codes (src/exit-codes.ts). The build runs first, so this file checks the
// package as `npm ci` (prepare → build) leaves it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CONFIG, DEMO_DIR, startDemoEstate } from '../../src/demo/index.js';
import { demoAwsEnv } from '../../connectors/aws/demo.js';
import type { DemoServer } from '../../src/demo/server.js';
import { EXIT } from '../../src/exit-codes.js';
import { ScanResult } from '../../src/model.js';
import { packageRoot } from '../../src/paths.js';

const run = promisify(execFile);
const CLI = join(packageRoot, 'dist', 'src', 'cli.js');
const CLEAN_ESTATE = join(packageRoot, 'test', 'e2e', 'clean-estate');
const CLEAN_CONFIG = join(CLEAN_ESTATE, 'nhiscan.config.yaml');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The user's environment without any AWS setting of the machine running the tests. */
const baseEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && k !== 'NODE_OPTIONS'),
  );

/** Runs the CLI asynchronously: a demo server in this process must keep answering meanwhile. */
const cli = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> => {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      cwd: work,
      env: { ...baseEnv(), NO_COLOR: '1', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
};

let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'nhiscan-e2e-'));
  // The build a fresh `npm ci` runs (prepare), which also makes the bin executable.
  await run('npm', ['run', 'build', '--silent'], { cwd: packageRoot, timeout: 600_000 });
}, 600_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('the nhiscan command', () => {
  it('runs as a program, as `npx nhiscan` runs it: executable, with its shebang', async () => {
    const { stdout } = await run(CLI, ['--version'], { cwd: work });
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('nhiscan controls', () => {
  it('refuses an unknown --framework, listing the known ones (exit 2)', async () => {
    const res = await cli(['controls', '--framework', 'BOGUS']);
    expect(res.code).toBe(EXIT.usage);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/--framework: unknown BOGUS; known frameworks: SOC2, SOC1, OWASP-NHI-2025/);
  });
});

describe('nhiscan demo', { timeout: 180_000 }, () => {
  // Each test runs the whole demo (several times for --quiet/--limit/--all): on a loaded 2-core CI machine one run
  // takes ~15 s, so the default 30 s per test is too tight. Speed is measured in the bench, never asserted here.
  it('exits 1 (findings at or above high) and writes a ScanResult where --out says', async () => {
    const out = join(work, 'demo-out');
    // A user's own AWS settings must not leak into the demo.
    const res = await cli(['demo', '--out', out], {
      AWS_PROFILE: 'no-such-profile',
      AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9/',
      AWS_ACCESS_KEY_ID: 'a-users-own-key',
    });
    expect(res.code).toBe(EXIT.findings);
    const file = join(out, 'nhiscan-result.json');
    expect(res.stdout).toContain(`Wrote ${file}`);
    expect(res.stdout).toMatch(/^Demo estate, judged as of 2026-11-01T00:00:00\.000Z/);
    const result = ScanResult.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(result.run.asOf).toBe('2026-11-01T00:00:00.000Z');
    // The checksum beside it verifies with the standard tool.
    const check = await run('sha256sum', ['-c', 'nhiscan-result.json.sha256'], { cwd: out });
    expect(check.stdout.trim()).toBe('nhiscan-result.json: OK');
    expect(result.findings.length).toBeGreaterThan(0);
    expect(result.findings.every((f) => f.controls.some((c) => c.framework === 'SOC2'))).toBe(true);
    expect(new Set(result.coverage.map((c) => c.scope))).toEqual(
      // Google Cloud: the organization's listing, then each of its projects; GitHub: the org;
      // Entra ID: the demo tenant's id; Google Workspace: the domain.
      new Set([
        '20dff55b-d9cf-52fb-8134-6b60adf19de6',
        'acme.example',
        '111111111111',
        '222222222222',
        'acme',
        'organizations/900000000001',
        'acme-prod',
        'acme-data',
      ]),
    );
  });

  it('--progress writes to stderr only, never escape codes off a terminal; --out - keeps stdout the JSON result', async () => {
    const res = await cli(['demo', '--out', '-', '--progress', 'tty', '--progress-interval', '1']);
    expect(res.code).toBe(EXIT.findings);
    expect(ScanResult.parse(JSON.parse(res.stdout)).identities.length).toBeGreaterThan(0);
    expect(res.stdout).not.toMatch(/^progress /m);
    expect(res.stderr).not.toContain('\x1b');
    const bad = await cli(['demo', '--out', join(work, 'demo-bad'), '--progress', 'fancy']);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toContain('--progress: expected one of auto, tty, plain, off, found "fancy"');
  });

  it('--quiet prints nothing (the exit code carries the result); --limit and --all set how many findings are listed', async () => {
    const quiet = await cli(['demo', '--out', join(work, 'demo-quiet'), '--quiet']);
    expect(quiet.code).toBe(EXIT.findings);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).toBe('');
    const two = await cli(['demo', '--out', join(work, 'demo-two'), '--limit', '2']);
    const total = Number(/Worst findings \(2 of (\d+)\):/.exec(two.stdout)?.[1]);
    expect(total).toBeGreaterThan(2);
    expect(two.stdout).toContain(`  ${total - 2} more; --all to list (or --limit N)`);
    const all = await cli(['demo', '--out', join(work, 'demo-all'), '--all']);
    expect(all.stdout).toContain(`Findings, worst first (${total}):`);
    expect(all.stdout).not.toContain('more; --all to list');
    const both = await cli(['demo', '--out', join(work, 'demo-both'), '--all', '--limit', '3']);
    expect(both.code).toBe(EXIT.usage);
    expect(both.stderr).toContain('give --all or --limit, not both');
  });

  // The demo estate denies iam:ListSSHPublicKeys for one user on purpose (fixtures/demo/README.md):
  // with no finding allowed to fail the run, what is left is an honest "incomplete".
  it('exits 3 with --fail-on none, because the estate denies a call on purpose', async () => {
    const res = await cli(['demo', '--out', join(work, 'demo-none'), '--fail-on', 'none']);
    expect(res.code).toBe(EXIT.incomplete);
    expect(res.stdout).toContain('SCAN INCOMPLETE');
  });
});

describe('nhiscan scan', () => {
  let demo: DemoServer;
  let clean: DemoServer;

  beforeAll(async () => {
    demo = await startDemoEstate({ asOf: new Date('2026-11-01T00:00:00Z') });
    clean = await startDemoEstate({
      dir: CLEAN_ESTATE,
      providers: { aws: { defaultAccount: '555555555555' } },
    });
  });

  afterAll(async () => {
    await demo.close();
    await clean.close();
  });

  it('scans the demo config against a demo server reached through AWS_ENDPOINT_URL', async () => {
    const out = join(work, 'scan-out');
    const res = await cli(['scan', '--config', DEMO_CONFIG, '--out', out], demoAwsEnv(demo));
    expect(res.code).toBe(EXIT.findings);
    const result = ScanResult.parse(JSON.parse(readFileSync(join(out, 'nhiscan-result.json'), 'utf8')));
    expect(result.coverage.map((c) => [c.target, c.status])).toEqual([
      ['aws:default', 'complete'],
      ['aws:assume/222222222222', 'partial'],
      ['github:acme', 'failed'],
      ['gcp:organization/900000000001', 'failed'],
      // Like GitHub and Google Cloud, the Entra block only works inside `nhiscan demo`.
      ['entra:acme.onmicrosoft.com', 'failed'],
      // And the Workspace block (auth none needs the demo's loopback endpoint).
      ['workspace:acme.example', 'failed'],
    ]);
    // The demo config's GitHub and Google Cloud blocks only work inside `nhiscan demo`, which
    // points them at the demo server; a plain scan says exactly why each cannot run.
    const github = result.coverage.find((c) => c.target === 'github:acme');
    expect(github!.gaps[0]!.message).toMatch(/NHISCAN_DEMO_GITHUB/);
    const gcp = result.coverage.find((c) => c.target === 'gcp:organization/900000000001');
    expect(gcp!.gaps[0]).toMatchObject({ code: 'auth_failed' });
    expect(demo.requests.some((r) => r.summary === '222222222222 GetAccountAuthorizationDetails')).toBe(true);
  });

  it('exits 0 on an estate with nothing wrong, even with --fail-on low', async () => {
    const out = join(work, 'clean-out');
    const res = await cli(
      ['scan', '--config', CLEAN_CONFIG, '--out', out, '--fail-on', 'low'],
      demoAwsEnv(clean),
    );
    expect(res.stderr).not.toMatch(/warn:|error:/);
    expect(res.code).toBe(EXIT.ok);
    const result = ScanResult.parse(JSON.parse(readFileSync(join(out, 'nhiscan-result.json'), 'utf8')));
    expect(result.findings).toEqual([]);
    expect(result.run.complete).toBe(true);
    expect(result.identities.map((i) => i.name).sort()).toEqual(['github-actions-release', 'svc-invoices']);
  });

  it('exits 2 and names the key path of a typo in the config', async () => {
    const config = join(work, 'typo.yaml');
    writeFileSync(config, 'version: 1\nproviders:\n  aws:\n    regoin: us-east-1\n');
    const res = await cli(['scan', '--config', config, '--out', join(work, 'typo-out')]);
    expect(res.code).toBe(EXIT.usage);
    expect(res.stderr).toContain('providers.aws');
    expect(res.stderr).toContain('regoin');
  });

  it.each([
    ['--as-of garbage', ['--as-of', 'garbage'], '--as-of'],
    ['--fail-on bogus', ['--fail-on', 'bogus'], 'bogus'],
    ['--provider matching nothing', ['--provider', 'entra'], '--target / --provider select none'],
    ['--target matching nothing', ['--target', 'aws:account/0*'], '--target / --provider select none'],
  ])('exits 2 on %s', async (_, flags, named) => {
    const res = await cli(
      ['scan', '--config', CLEAN_CONFIG, '--out', join(work, 'bad-flag'), ...flags],
      demoAwsEnv(clean),
    );
    expect(res.code).toBe(EXIT.usage);
    expect(res.stderr).toContain(named);
  });

  it('exits 2 when the config file does not exist', async () => {
    const res = await cli(['scan', '--config', join(DEMO_DIR, 'no-such-config.yaml')]);
    expect(res.code).toBe(EXIT.usage);
    expect(res.stderr).toContain('no-such-config.yaml');
  });
});
