// Reproducible order: the demo scanned under a Swedish locale and under the C locale gives the
// same config hash and the same bytes, apart from the run id and the timestamps. Swedish sorts
// "ä" after "z"; Node's ICU takes the default locale from LANG/LC_ALL even when the system has
// no such locale installed (checked below), so a localeCompare anywhere would show here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';

const cli = join(packageRoot, 'dist', 'src', 'cli.js');
const SWEDISH = { LANG: 'sv_SE.UTF-8', LC_ALL: 'sv_SE.UTF-8' };
const C = { LANG: 'C', LC_ALL: 'C' };

const node = (env: Record<string, string>, args: string[]) =>
  spawnSync(process.execPath, args, {
    cwd: packageRoot,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
  });

/** The result with what differs between two runs of the same scan removed: run id and timestamps. */
const comparable = (text: string): string =>
  JSON.stringify(
    JSON.parse(text, (key, value: unknown) =>
      key === 'startedAt' || key === 'finishedAt' ? undefined : value,
    ) as { run: { id?: string } },
    (key, value: unknown) =>
      key === 'id' && typeof value === 'string' && /^[0-9a-f-]{36}$/.test(value) ? undefined : value,
    2,
  );

describe('reproducible order', () => {
  it('the child processes really run under different collations', () => {
    const probe = ['-e', "process.stdout.write(String(Math.sign('ä'.localeCompare('z'))))"];
    expect(node(SWEDISH, probe).stdout).toBe('1');
    expect(node(C, probe).stdout).toBe('-1');
  });

  it('gives the same config hash and byte-identical results under sv_SE and C', () => {
    const results = [SWEDISH, C].map((env) => {
      const out = mkdtempSync(join(tmpdir(), 'nhiscan-locale-'));
      const res = node(env, [cli, 'demo', '--out', out, '--fail-on', 'none', '--quiet']);
      expect(res.status, res.stderr).toBe(3); // the demo denies some calls on purpose
      return readFileSync(join(out, 'nhiscan-result.json'), 'utf8');
    });
    const [sv = '', c = ''] = results;
    const hash = (text: string) => (JSON.parse(text) as { run: { configHash: string } }).run.configHash;
    expect(hash(sv)).toBe(hash(c));
    expect(comparable(sv)).toBe(comparable(c));
    expect(comparable(sv).length).toBeGreaterThan(10_000);
  });
});
