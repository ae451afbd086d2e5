// Lazy loading: the commands that do not scan start without importing any cloud SDK. A resolve
// hook in the child process refuses every SDK package, so an eager import anywhere fails the run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';

const SDKS = /^(@aws-sdk\/|@smithy\/|@googleapis\/|googleapis|google-auth-library|gaxios|@octokit\/)/;
const cli = join(packageRoot, 'dist', 'src', 'cli.js');
let hook = '';

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'nhiscan-lazy-'));
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `export async function resolve(specifier, context, next) {
  if (${SDKS.toString()}.test(specifier)) throw new Error('cloud SDK imported: ' + specifier);
  return next(specifier, context);
}\n`,
  );
  writeFileSync(
    join(dir, 'register.mjs'),
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`,
  );
  hook = join(dir, 'register.mjs');
});

const run = (args: string[], cwd = packageRoot) =>
  spawnSync(process.execPath, ['--import', pathToFileURL(hook).href, cli, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('lazy start', () => {
  it.each([[['--version']], [['policies']], [['controls']], [['--help']]])(
    'nhiscan %j imports no cloud SDK',
    (args) => {
      const res = run(args);
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
    },
  );

  it('nhiscan init imports no cloud SDK', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-lazy-init-'));
    const res = run(['init', '--out', join(dir, 'nhiscan.config.yaml')], dir);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
  });

  it('the hook does catch an SDK import (a scan loads the connectors it runs)', () => {
    const res = spawnSync(
      process.execPath,
      ['--import', pathToFileURL(hook).href, '-e', "await import('@aws-sdk/client-iam')"],
      { cwd: packageRoot, encoding: 'utf8', timeout: 60_000 },
    );
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('cloud SDK imported: @aws-sdk/client-iam');
  });
});
