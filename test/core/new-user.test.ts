// What a new user hit following the README: demo output and init's config left untracked and
// unformatted files behind; `npx nhiscan` outside the clone; silent or cryptic errors.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadCredentials } from '../../connectors/github/client.js';
import { ScanError } from '../../src/errors.js';
import { EXIT } from '../../src/exit-codes.js';
import { packageRoot } from '../../src/paths.js';
import { CLI, ensureBuilt } from '../faults/built-cli.js';

const run = promisify(execFile);
const read = (name: string): string => readFileSync(join(packageRoot, name), 'utf8');

describe('following the README leaves the checkout clean', () => {
  it('git ignores the demo output and the config init writes', async () => {
    const { stdout } = await run(
      'git',
      ['check-ignore', 'nhiscan-demo/nhiscan-result.json', 'nhiscan.config.yaml'],
      {
        cwd: packageRoot,
      },
    );
    expect(stdout.trim().split('\n')).toEqual(['nhiscan-demo/nhiscan-result.json', 'nhiscan.config.yaml']);
  });

  it('prettier ignores them too', () => {
    const lines = read('.prettierignore').split('\n');
    expect(lines).toContain('nhiscan-demo');
    expect(lines).toContain('nhiscan.config.yaml');
  });

  it('suggests `npx nhiscan` only for the clone, and says how to install the CLI', () => {
    const readme = read('README.md');
    // Commands (not the prose that warns about `npx nhiscan`).
    const npx = readme.split('\n').filter((l) => /npx nhiscan/.test(l) && !/`npx nhiscan`/.test(l));
    expect(npx).toEqual(['npm ci && npx nhiscan demo']);
    expect(readme).toContain('### Installing the CLI');
    expect(readme).toContain('npm install -g .');
    expect(readme).toContain('docker build -t nhiscan .');
  });

  it('ships a Dockerfile: Node.js 20 slim, production dependencies only, a non-root user', () => {
    const docker = read('Dockerfile');
    expect(docker).toMatch(/^FROM node:20-slim$/m);
    expect(docker).toMatch(/npm ci --omit=dev/);
    expect(docker).toMatch(/^USER nhiscan$/m);
  });
});

describe('clear errors', () => {
  it('names the source of a GitHub App key that does not decode, without an OpenSSL message', () => {
    const broken = '-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----';
    let err: unknown;
    try {
      loadCredentials({ type: 'app', appId: 42, privateKeyEnv: 'NHISCAN_TEST_APP_KEY' } as never, {
        NHISCAN_TEST_APP_KEY: broken,
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScanError);
    expect((err as ScanError).message).toMatch(
      /^environment variable NHISCAN_TEST_APP_KEY holds a malformed PEM private key/,
    );
    expect((err as ScanError).message).not.toMatch(/DECODER|error:/);
  });
});

describe('small usage errors a new user hit', () => {
  /** The built CLI in a child process: exit code and both streams. */
  const cli = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    await ensureBuilt();
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('`init --out missing/dir/x.yaml` is a usage error naming the missing folder, not exit 4', async () => {
    const res = await cli(['init', '--out', join(tmpdir(), 'nhiscan-no-such-dir', 'sub', 'x.yaml')]);
    expect(res.code).toBe(EXIT.usage);
    expect(res.stderr).toMatch(/cannot write .*x\.yaml: its folder does not exist/);
    expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 120_000);

  it('`policies --json --markdown` refuses the combination instead of silently picking one', async () => {
    const res = await cli(['policies', '--json', '--markdown']);
    expect(res.code).toBe(EXIT.usage);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('policies: give one of --json, --markdown, --docs');
  }, 120_000);
});
