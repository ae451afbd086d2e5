// SIGINT / SIGTERM end to end: the built CLI as a child process scanning against a loopback
// server that accepts every connection and never answers. The signal stops the scan, the result
// is written marked interrupted, the summary says so, and the exit code is 128 + the signal.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { EXIT } from '../../src/exit-codes.js';
import { ScanResult } from '../../src/model.js';
import { LOCK_FILE } from '../../src/report/output.js';
import { CLI, ensureBuilt } from './built-cli.js';

let work: string;
let server: Server;
let url: string;
const sockets = new Set<Socket>();
let onRequest: (() => void) | undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'nhiscan-signals-'));
  await ensureBuilt();
  server = createServer(() => {
    onRequest?.(); // and never answer
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 300_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  rmSync(work, { recursive: true, force: true });
});

const CONFIG = `version: 1
failOn: none
timeouts: { requestSeconds: 600, targetMinutes: 60 }
providers:
  aws:
    region: us-east-1
    targets: [{ type: default }]
`;

const scanUntilSignal = async (
  signal: 'SIGINT' | 'SIGTERM',
  {
    config: body = CONFIG,
    args = [],
    requests = 1,
  }: { config?: string; args?: string[]; requests?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string; out: string }> => {
  const dir = mkdtempSync(join(work, 'run-'));
  const config = join(dir, 'nhiscan.config.yaml');
  writeFileSync(config, body);
  const out = join(dir, 'out');
  const env = {
    PATH: process.env.PATH ?? '',
    NO_COLOR: '1',
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: 'nhiscan-test-key',
    AWS_SECRET_ACCESS_KEY: 'nhiscan-test-secret',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  // Waiting from before the spawn: the first call may arrive before the child's output does.
  let seen = 0;
  const stuck = new Promise<void>((resolve) => {
    onRequest = () => {
      if (++seen === requests) resolve();
    };
  });
  const child = spawn(process.execPath, [CLI, 'scan', '-c', config, '-o', out, ...args], { env, cwd: dir });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // The scan is stuck in its first call(s): now the CI job's timeout strikes.
  await stuck;
  onRequest = undefined;
  child.kill(signal);
  const code = await new Promise<number | null>((resolve) =>
    child.on('exit', (c) => {
      resolve(c);
    }),
  );
  return { code, stdout, stderr, out };
};

describe('interrupted scans', () => {
  it.each([
    ['SIGTERM', EXIT.sigterm],
    ['SIGINT', EXIT.sigint],
  ] as const)(
    '%s: the result is written, marked interrupted, the target an interrupted gap, exit %d',
    async (signal, expected) => {
      const { code, stdout, stderr, out } = await scanUntilSignal(signal);
      expect(code).toBe(expected);
      expect(stderr).toContain(`${signal} received`);
      expect(stdout).toContain(`Interrupted by ${signal}`);
      const result = ScanResult.parse(JSON.parse(readFileSync(join(out, 'nhiscan-result.json'), 'utf8')));
      expect(result.run.interrupted).toBe(true);
      expect(result.run.complete).toBe(false);
      const [target] = result.coverage;
      expect(target?.target).toBe('aws:default');
      expect(target?.status).toBe('failed');
      expect(target?.gaps.map((g) => g.code)).toEqual(['interrupted']);
    },
    30_000,
  );

  // Worker threads (--workers 2): each target's first call is stuck in a worker; SIGINT reaches
  // the main thread, which stops every target, writes the result and ends the workers.
  it('SIGINT with --workers 2: targets collected in worker threads are interrupted, the result written (130)', async () => {
    const twoAccounts = CONFIG.replace(
      '[{ type: default }]',
      '[{ type: assume-role, roleName: nhiscan-reader, accountIds: ["111111111111", "222222222222"] }]',
    );
    const { code, stdout, stderr, out } = await scanUntilSignal('SIGINT', {
      config: twoAccounts,
      args: ['--workers', '2', '--verbose'],
      requests: 2,
    });
    expect(code).toBe(EXIT.sigint);
    expect(stderr.match(/: collected in a worker thread/g)).toHaveLength(2);
    expect(stderr).toContain('SIGINT received');
    expect(stdout).toContain('Interrupted by SIGINT');
    const result = ScanResult.parse(JSON.parse(readFileSync(join(out, 'nhiscan-result.json'), 'utf8')));
    expect(result.run.interrupted).toBe(true);
    expect(result.coverage.map((c) => [c.target, c.status, c.gaps.map((g) => g.code)])).toEqual([
      ['aws:assume/111111111111', 'failed', ['interrupted']],
      ['aws:assume/222222222222', 'failed', ['interrupted']],
    ]);
  }, 30_000);

  // The first signal lets the scan finish what it is doing and write what it has; a second one must
  // not wait for that. To catch the scan mid-write deterministically, a plug-in reporter announces
  // itself on stderr and never finishes: the first signal lets the write go on, the second must end it.
  it('a second signal exits at once: exit 130, says so, no result written', async () => {
    const dir = mkdtempSync(join(work, 'twice-'));
    const plugin = pathToFileURL(join(dirname(CLI), 'plugin.js')).href;
    writeFileSync(
      join(dir, 'hold.mjs'),
      `import { z } from ${JSON.stringify(plugin)};
export const connector = {
  id: 'hold',
  title: 'Hold',
  config: z.strictObject({}),
  targets: () => [{ id: 'hold:one', provider: 'hold', label: 'hold one', data: null }],
  collect: async function* () {},
};
export const reporter = {
  id: 'hold',
  fileName: 'hold.txt',
  mediaType: 'text/plain',
  write: () => {
    process.stderr.write('hold: writing\\n');
    // A sink that never drains: the timer keeps the process alive, as a real socket would.
    return new Promise(() => setInterval(() => {}, 1000));
  },
};
`,
    );
    const config = join(dir, 'nhiscan.config.yaml');
    writeFileSync(config, 'version: 1\nfailOn: none\nplugins: [./hold.mjs]\nproviders:\n  hold: {}\n');
    const out = join(dir, 'out');
    const child = spawn(process.execPath, [CLI, 'scan', '-c', config, '-o', out, '--format', 'json,hold'], {
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
      cwd: dir,
    });
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let stderr = '';
    const waitFor = (text: string) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (stderr.includes(text)) {
            child.stderr.off('data', check);
            resolve();
          }
        };
        child.stderr.on('data', check);
        check();
      });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await waitFor('hold: writing');
    child.kill('SIGINT');
    await waitFor('SIGINT received');
    child.kill('SIGINT');
    expect(await exited).toBe(EXIT.sigint);
    expect(stderr).toContain('SIGINT again: exiting now, no result written');
    expect(existsSync(join(out, 'nhiscan-result.json'))).toBe(false);
  }, 60_000);

  // A scan waiting for another scan's output folder (--wait-lock) has nothing yet: the first signal
  // ends the wait at once, says so, and writes nothing.
  it("a signal while waiting for the output folder's lock ends the wait at once: exit 130, nothing written", async () => {
    const dir = mkdtempSync(join(work, 'lockwait-'));
    const config = join(dir, 'nhiscan.config.yaml');
    writeFileSync(
      config,
      CONFIG + 'scope:\n  soc1: [{ name: billing, provider: aws, account: "111111111111" }]\n',
    );
    const out = join(dir, 'out');
    mkdirSync(out);
    // Held by this live test process, so the scan waits (up to 600 s) rather than taking it over.
    const holder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
    writeFileSync(join(out, LOCK_FILE), JSON.stringify(holder) + '\n');
    const child = spawn(process.execPath, [CLI, 'scan', '-c', config, '-o', out, '--wait-lock', '600'], {
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', AWS_ENDPOINT_URL: url, AWS_REGION: 'us-east-1' },
      cwd: dir,
    });
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // The deprecated `scope.soc1` key warns once the signal handlers are in place.
    await new Promise<void>((resolve) => {
      const check = () => {
        if (stderr.includes('scope.soc1 is deprecated')) resolve();
      };
      child.stderr.on('data', check);
      check();
    });
    child.kill('SIGINT');
    expect(await exited).toBe(EXIT.sigint);
    expect(stderr).toContain(
      'interrupted by SIGINT before the scan began: nothing scanned, no result written',
    );
    expect(stderr).not.toContain('SIGINT again');
    expect(existsSync(join(out, 'nhiscan-result.json'))).toBe(false);
    expect(existsSync(join(out, LOCK_FILE))).toBe(true); // the other scan's lock is left alone
  }, 60_000);
});
