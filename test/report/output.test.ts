// Evidence written whole or not at all: the CLI as a child process, killed with SIGKILL while it
// writes a large result; two scans racing for one folder; the folder checked before any scan.
import { execFile, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/exit-codes.js';
import { lockOutputDir, preflightOutputDir } from '../../src/report/output.js';

const run = promisify(execFile);
const CLI = join(process.cwd(), 'dist/src/cli.js');
const work = mkdtempSync(join(tmpdir(), 'nhiscan-output-'));
const plugin = join(process.cwd(), 'fixtures/plugins/bulk-connector.mjs');
const reporterPlugin = join(process.cwd(), 'fixtures/plugins/count-reporter.mjs');
const config = join(work, 'bulk.yaml');
writeFileSync(
  config,
  `version: 1\nfailOn: none\nplugins: [${JSON.stringify(plugin)}, ${JSON.stringify(reporterPlugin)}]\nproviders:\n  bulk: {}\n`,
);
afterAll(() => undefined);

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}
const cli = (args: string[], env: Record<string, string> = {}): Promise<Ran> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, cwd: work });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });

const sha256sumOk = async (dir: string): Promise<string> =>
  (await run('sha256sum', ['-c', 'nhiscan-result.json.sha256'], { cwd: dir })).stdout.trim();

describe('a scan killed with SIGKILL while it writes', () => {
  it('leaves the previous result intact and verifiable', async () => {
    const out = join(work, 'killed');
    const first = await cli(['scan', '-c', config, '--out', out, '-q'], { BULK_COUNT: '50' });
    expect(first.code, first.stderr).toBe(EXIT.ok);
    const before = readFileSync(join(out, 'nhiscan-result.json'));
    expect(await sha256sumOk(out)).toBe('nhiscan-result.json: OK');

    // About 200 MB of result: the kill lands while it streams.
    const child = spawn(process.execPath, [CLI, 'scan', '-c', config, '--out', out, '-q'], {
      env: { ...process.env, BULK_COUNT: '25000', BULK_BLOB: '8000' },
      cwd: work,
    });
    const runs = join(out, 'runs');
    let killedAt = 0;
    for (let i = 0; i < 600 && !killedAt; i++) {
      await new Promise((r) => setTimeout(r, 50));
      for (const d of readdirSync(runs)) {
        const tmp = readdirSync(join(runs, d)).find(
          (n) => n.startsWith('.nhiscan-result.json.') && n.endsWith('.tmp'),
        );
        if (tmp && statSync(join(runs, d, tmp)).size > 4_000_000) {
          child.kill('SIGKILL');
          killedAt = statSync(join(runs, d, tmp)).size;
        }
      }
    }
    await new Promise((r) => child.on('close', r));
    expect(killedAt, 'the write was never caught mid-way').toBeGreaterThan(0);
    expect(readFileSync(join(out, 'nhiscan-result.json')).equals(before)).toBe(true);
    expect(await sha256sumOk(out)).toBe('nhiscan-result.json: OK');
    // The lock it left behind is stale (its process is dead): the next scan takes it over and cleans up.
    expect(existsSync(join(out, '.nhiscan.lock'))).toBe(true);
    const next = await cli(['scan', '-c', config, '--out', out, '-q'], { BULK_COUNT: '60' });
    expect(next.code, next.stderr).toBe(EXIT.ok);
    expect(await sha256sumOk(out)).toBe('nhiscan-result.json: OK');
    expect(JSON.parse(readFileSync(join(out, 'nhiscan-result.json'), 'utf8')).identities).toHaveLength(60);
    expect(readdirSync(out).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  }, 180_000);
});

describe('two scans on one folder at once', () => {
  it('never leave a mismatched pair: the second fails clearly (exit 2, the holder named) or, with --wait-lock, waits its turn', async () => {
    const out = join(work, 'race');
    const env = { BULK_COUNT: '4000', BULK_BLOB: '2000' };
    const [a, b] = await Promise.all([
      cli(['scan', '-c', config, '--out', out, '-q'], env),
      new Promise<Ran>((r) =>
        setTimeout(() => void cli(['scan', '-c', config, '--out', out, '-q'], env).then(r), 300),
      ),
    ]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([EXIT.ok, EXIT.usage]);
    const loser = a.code === EXIT.usage ? a : b;
    expect(loser.stderr).toMatch(/in use by another nhiscan scan \(process \d+ on .+, since /);
    expect(await sha256sumOk(out)).toBe('nhiscan-result.json: OK');

    const [c, d] = await Promise.all([
      cli(['scan', '-c', config, '--out', out, '-q', '--wait-lock', '120'], env),
      cli(['scan', '-c', config, '--out', out, '-q', '--wait-lock', '120'], env),
    ]);
    expect([c.code, d.code]).toEqual([EXIT.ok, EXIT.ok]);
    expect(await sha256sumOk(out)).toBe('nhiscan-result.json: OK');
    expect(readdirSync(join(out, 'runs'))).toHaveLength(3);
  }, 180_000);
});

describe('the output folder, checked before the scan', () => {
  it('a file in its place, an over-long path, a read-only place: exit 2 naming why, no stack trace', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    const inTheWay = await cli(['scan', '-c', config, '--out', file]);
    expect(inTheWay.code).toBe(EXIT.usage);
    expect(inTheWay.stderr).toContain('a file is in the way');
    expect(inTheWay.stderr).not.toMatch(/\n\s+at /);
    const under = await cli(['scan', '-c', config, '--out', join(file, 'sub')]);
    expect(under.code).toBe(EXIT.usage);
    expect(under.stderr).toMatch(
      /--out .*: cannot use it as the output folder: a part of the path is a file/,
    );
    const long = await cli(['scan', '-c', config, '--out', join(work, 'x'.repeat(300))]);
    expect(long.code).toBe(EXIT.usage);
    expect(long.stderr).toMatch(/longer than 255 bytes/);
    const deep = await cli([
      'scan',
      '-c',
      config,
      '--out',
      join(work, ...Array.from({ length: 40 }, () => 'y'.repeat(120))),
    ]);
    expect(deep.code).toBe(EXIT.usage);
    expect(deep.stderr).toMatch(/the path is too long/);
    // /proc is read-only even for root (CI runs as root, where chmod cannot make a folder read-only).
    const ro = await cli(['scan', '-c', config, '--out', '/proc/nhiscan-out']);
    expect(ro.code).toBe(EXIT.usage);
    expect(ro.stderr).toMatch(/--out \/proc\/nhiscan-out: cannot write the output there/);
    expect(ro.stderr).not.toContain('scanning');
  }, 240_000);

  it('a folder without write permission, for a user it applies to', async () => {
    if (process.getuid?.() === 0) {
      // root bypasses mode bits; the /proc case above covers a read-only place for root.
      return;
    }
    const dir = join(work, 'ro');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    await expect(preflightOutputDir(dir)).rejects.toThrow(/cannot write the output there: permission denied/);
  });

  it('the lock names its holder and is taken over when its process is gone', async () => {
    const dir = join(work, 'lock');
    mkdirSync(dir);
    const held = await lockOutputDir(dir);
    await expect(lockOutputDir(dir)).rejects.toThrow(new RegExp(`process ${process.pid} on `));
    const started = Date.now();
    await expect(lockOutputDir(dir, 1)).rejects.toThrow(/still locked after waiting 1s/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await held.release();
    // A lock left by a dead process (pid that cannot exist).
    writeFileSync(
      join(dir, '.nhiscan.lock'),
      JSON.stringify({ pid: 2 ** 22 + 7, host: (await import('node:os')).hostname(), startedAt: 'x' }),
    );
    const taken = await lockOutputDir(dir);
    await taken.release();
  });
});

describe('run folders, latest, --out - and plug-in reporters', () => {
  it('keeps each run in its own folder, points latest at the newest, and writes a plug-in format', async () => {
    const out = join(work, 'runs');
    const one = await cli(['scan', '-c', config, '--out', out, '-q', '--format', 'csv,counts'], {
      BULK_COUNT: '5',
    });
    expect(one.code, one.stderr).toBe(EXIT.ok);
    const two = await cli(['scan', '-c', config, '--out', out, '-q', '--format', 'counts'], {
      BULK_COUNT: '7',
    });
    expect(two.code, two.stderr).toBe(EXIT.ok);
    // Two runs in the same second sort by their random run id, not by time: tell them apart by content.
    const runs = readdirSync(join(out, 'runs')).sort((a, b) =>
      readFileSync(join(out, 'runs', a, 'nhiscan-counts.txt'), 'utf8').localeCompare(
        readFileSync(join(out, 'runs', b, 'nhiscan-counts.txt'), 'utf8'),
      ),
    );
    expect(runs).toHaveLength(2);
    for (const r of runs) expect(r).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{8}$/);
    expect(readlinkSync(join(out, 'latest'))).toBe(join('runs', runs[1]!));
    expect(JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'))).toEqual({
      run: join('runs', runs[1]!),
    });
    expect(readFileSync(join(out, 'nhiscan-counts.txt'), 'utf8')).toMatch(/^identities 7\n/);
    expect(readFileSync(join(out, 'runs', runs[0]!, 'nhiscan-counts.txt'), 'utf8')).toMatch(
      /^identities 5\n/,
    );
    expect(
      await run('sha256sum', ['-c', 'nhiscan-counts.txt.sha256'], { cwd: join(out, 'runs', runs[0]!) }),
    ).toBeTruthy();
  }, 60_000);

  it('--out - writes the JSON result to stdout for jq and the summary to stderr', async () => {
    const res = await cli(['scan', '-c', config, '--out', '-'], { BULK_COUNT: '3' });
    expect(res.code, res.stderr).toBe(EXIT.ok);
    expect(JSON.parse(res.stdout).identities).toHaveLength(3);
    expect(res.stderr).toContain('Inventory: 3 identities');
    const both = await cli(['scan', '-c', config, '--out', '-', '--format', 'csv']);
    expect(both.code).toBe(EXIT.usage);
  }, 60_000);
});
