// A plug-in runs with the scanner's credentials and environment, so it is loaded only by the
// commands that need it: the store commands (prune, verify --store/--config, period, diff) read
// `store:` and `output:` of --config and nothing else. Built CLI in a child process (as a user runs it).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStoreSettings } from '../../src/config.js';
import { packageRoot } from '../../src/paths.js';

const run = promisify(execFile);
const CLI = join(packageRoot, 'dist', 'src', 'cli.js');
let dir: string;
let config: string;
let marker: string;

const cli = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: dir, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nhiscan-store-plugins-'));
  marker = join(dir, 'plugin-ran');
  // Loading it leaves a mark and fails: either shows it was loaded.
  writeFileSync(
    join(dir, 'boom.mjs'),
    `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'loaded');\nthrow new Error('plug-in loaded');\n`,
  );
  config = join(dir, 'nhiscan.config.yaml');
  // `vault` is the plug-in's provider: unknown without it, so the full config would not validate.
  writeFileSync(config, 'plugins: [./boom.mjs]\nstore: history.sqlite\nproviders:\n  vault: {}\n');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('store commands never load the config plug-ins', () => {
  it('reads only store and output from the config', () => {
    const s = loadStoreSettings(config);
    expect(s.file.store).toBe('history.sqlite');
    expect(s.baseDir).toBe(dir);
    expect(existsSync(marker)).toBe(false);
  });

  it('prune, verify and period run without loading the plug-in', async () => {
    const prune = await cli(['prune', '--keep', '400d', '-c', config]);
    expect(prune.stderr).not.toContain('plug-in');
    expect(prune).toMatchObject({ code: 0 });
    expect(prune.stdout).toContain('history.sqlite');
    const verify = await cli(['verify', '-c', config]);
    expect(verify.stderr).not.toContain('plug-in');
    expect(verify.code).toBe(0);
    const period = await cli([
      'period',
      '--from',
      '2026-01-01',
      '--to',
      '2026-01-02',
      '--format',
      'json',
      '-o',
      join(dir, 'period'),
      '-c',
      config,
    ]);
    expect(period.stderr).not.toContain('plug-in');
    expect(period.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });
});
