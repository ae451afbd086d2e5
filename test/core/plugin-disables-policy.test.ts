// A plug-in may switch a policy off (`disablePolicies`, with a reason): `run.policies` records the
// state and who set it — the plug-in's path and the SHA-256 of its file — and the config file,
// the operator's word, has the last say (recorded after it).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { loadConfig, type Registries } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { fixturesDir } from '../../src/paths.js';
import { runScan } from '../../src/scan.js';

const empty: Registries = { connectors: {}, policies: {} };
const pluginDir = join(fixturesDir, 'plugins');
const dir = mkdtempSync(join(tmpdir(), 'nhiscan-plugin-disable-'));

const module = (name: string, disables: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, `export const disablePolicies = ${JSON.stringify(disables)};\n`);
  return path;
};

const REASON = 'tokens are rotated by the vault agent, judged elsewhere';

const scanWith = async (disabler: string, policies = '') => {
  const path = join(dir, 'nhiscan.config.yaml');
  writeFileSync(
    path,
    [
      'plugins:',
      `  - ${join(pluginDir, 'vault-connector.mjs')}`,
      `  - ${join(pluginDir, 'long-lived-token.mjs')}`,
      `  - ${disabler}`,
      'providers:',
      '  vault:',
      `    exportFile: ${join(pluginDir, 'vault-export.json')}`,
      policies,
    ].join('\n'),
  );
  const config = await loadConfig(path, empty);
  return runScan({ config, clock: systemClock(new Date('2026-11-01T00:00:00Z')), log: silentLogger });
};

describe('a plug-in that disables a policy', () => {
  it('turns it off and run.policies names the plug-in, its SHA-256 and the reason', async () => {
    const disabler = module('disable.mjs', [{ id: 'org-long-lived-token', reason: REASON }]);
    const result = await scanWith(disabler);
    expect(result.findings.filter((f) => f.policyId === 'org-long-lived-token')).toEqual([]);
    expect(result.run.policies['org-long-lived-token']).toMatchObject({
      enabled: false,
      setBy: [
        {
          by: 'plugin',
          enabled: false,
          plugin: disabler,
          sha256: createHash('sha256').update(readFileSync(disabler)).digest('hex'),
          reason: REASON,
        },
      ],
    });
  });

  it('gives the config file the last say, recorded after the plug-in', async () => {
    const disabler = module('disable2.mjs', [{ id: 'org-long-lived-token', reason: REASON }]);
    const result = await scanWith(disabler, 'policies:\n  org-long-lived-token:\n    enabled: true');
    expect(result.findings.map((f) => f.policyId)).toContain('org-long-lived-token');
    const entry = result.run.policies['org-long-lived-token']!;
    expect(entry.enabled).toBe(true);
    expect(entry.setBy?.map((s) => [s.by, s.enabled])).toEqual([
      ['plugin', false],
      ['config', true],
    ]);
  });

  it('refuses an unknown policy id or a missing reason, naming the module', async () => {
    await expect(scanWith(module('bad1.mjs', [{ id: 'no-such-policy', reason: REASON }]))).rejects.toThrow(
      /plugins\[2\] .*disablePolicies names unknown policy "no-such-policy"/,
    );
    await expect(scanWith(module('bad2.mjs', [{ id: 'org-long-lived-token', reason: 'x' }]))).rejects.toThrow(
      /plugins\[2\] .*invalid disablePolicies: disablePolicies\.0\.reason: give a reason/,
    );
  });
});
