import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { loadConfig, type Registries } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { fixturesDir } from '../../src/paths.js';
import { runScan } from '../../src/scan.js';
import { scanCommand } from '../../src/commands.js';

const empty: Registries = { connectors: {}, policies: {} };
const pluginDir = join(fixturesDir, 'plugins');

const writeConfig = (body: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'nhiscan-plugin-'));
  writeFileSync(join(dir, 'nhiscan.config.yaml'), body);
  return join(dir, 'nhiscan.config.yaml');
};

describe('plug-ins', () => {
  it('loads a connector and a policy plug-in and scans with them', async () => {
    const path = writeConfig(
      [
        'plugins:',
        `  - ${join(pluginDir, 'vault-connector.mjs')}`,
        `  - ${join(pluginDir, 'long-lived-token.mjs')}`,
        'providers:',
        '  vault:',
        `    exportFile: ${join(pluginDir, 'vault-export.json')}`,
        'policies:',
        '  org-long-lived-token:',
        '    severity: high',
      ].join('\n'),
    );
    const config = await loadConfig(path, empty);
    expect(config.providers.map((p) => p.connector.id)).toEqual(['vault']);
    const result = await runScan({
      config,
      clock: systemClock(new Date('2026-11-01T00:00:00Z')),
      log: silentLogger,
    });
    expect(result.identities.map((i) => i.uid)).toEqual([
      'vault:approle/ci-deployer',
      'vault:approle/reporting',
    ]);
    expect(result.findings.map((f) => [f.policyId, f.identityName, f.credentialUid, f.severity])).toEqual([
      ['org-long-lived-token', 'ci-deployer', 'acc-1f2e', 'high'],
    ]);
    expect(result.findings[0]!.controls.map((c) => `${c.framework}:${c.id}`)).toEqual([
      'SOC2:CC6.1',
      'OWASP-NHI-2025:NHI7',
    ]);
    expect(result.run.plugins).toHaveLength(2);
    // Each module is recorded with the SHA-256 of its file, and the config hash covers them.
    expect(result.run.plugins).toEqual(
      ['vault-connector.mjs', 'long-lived-token.mjs'].map((name) => ({
        path: join(pluginDir, name),
        sha256: createHash('sha256')
          .update(readFileSync(join(pluginDir, name)))
          .digest('hex'),
      })),
    );
    expect(result.run.configHash).not.toBe(config.hash);
  });

  it('names the module and the missing piece when a plug-in is malformed', async () => {
    await expect(
      loadConfig(writeConfig(`plugins: [${join(pluginDir, 'broken-policy.mjs')}]`), empty),
    ).rejects.toThrow(
      /plugins\[0\].*invalid policy: policies\[0\]\.options: expected a zod schema; policies\[0\]\.evaluate: expected a function/,
    );
    await expect(loadConfig(writeConfig('plugins: [./nope.mjs]'), empty)).rejects.toThrow(
      /plugins\[0\] \(\.\/nope\.mjs\): cannot load module/,
    );
  });

  it('refuses a plug-in whose id collides with a loaded one', async () => {
    const p = join(pluginDir, 'long-lived-token.mjs');
    await expect(loadConfig(writeConfig(`plugins: [${p}, ${p}]`), empty)).rejects.toThrow(/already taken/);
  });

  it("writes a plug-in reporter's file beside the scan result, with its checksum", async () => {
    const path = writeConfig(
      [
        'plugins:',
        `  - ${join(pluginDir, 'vault-connector.mjs')}`,
        `  - ${join(pluginDir, 'long-lived-token.mjs')}`,
        `  - ${join(pluginDir, 'identities-csv.mjs')}`,
        'providers:',
        '  vault:',
        `    exportFile: ${join(pluginDir, 'vault-export.json')}`,
      ].join('\n'),
    );
    const out = mkdtempSync(join(tmpdir(), 'nhiscan-plugin-out-'));
    const config = await loadConfig(path, empty);
    expect(Object.keys(config.reporters ?? {})).toEqual(['identities-csv']);
    const { files } = await scanCommand({
      config,
      out,
      formats: ['json', 'identities-csv'],
      asOf: '2026-11-01T00:00:00Z',
      log: silentLogger,
      print: () => undefined,
    });
    expect(files.map((f) => basename(f))).toEqual(['nhiscan-result.json', 'identities.csv']);
    expect(readFileSync(join(out, 'identities.csv'), 'utf8')).toBe(
      [
        'uid,provider,kind,name,owner,open_findings',
        'vault:approle/ci-deployer,vault,vault.approle,ci-deployer,,1',
        'vault:approle/reporting,vault,vault.approle,reporting,,0',
        '',
      ].join('\n'),
    );
    expect(readFileSync(join(out, 'identities.csv.sha256'), 'utf8')).toMatch(
      /^[0-9a-f]{64} {2}identities\.csv\n$/,
    );
  });

  it('turns a ScanError a plug-in connector throws into a failed target with its gap', async () => {
    const path = writeConfig(
      [
        `plugins: [${join(pluginDir, 'vault-connector.mjs')}]`,
        'providers:',
        '  vault:',
        '    exportFile: ./missing.json',
      ].join('\n'),
    );
    const result = await runScan({
      config: await loadConfig(path, empty),
      clock: systemClock(),
      log: silentLogger,
    });
    expect(result.coverage.map((c) => [c.target, c.status, c.gaps.map((g) => [g.code, g.call])])).toEqual([
      ['vault:export', 'failed', [['not_found', 'vault:read-export']]],
    ]);
  });

  it('refuses a reporter whose file would leave the output folder or overwrite another report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-plugin-bad-'));
    const write = (name: string, fileName: string): string => {
      writeFileSync(
        join(dir, name),
        `export const reporter = { id: 'x', fileName: ${JSON.stringify(fileName)}, write: async () => {} };\n`,
      );
      return join(dir, name);
    };
    await expect(
      loadConfig(writeConfig(`plugins: [${write('a.mjs', '../evil.csv')}]`), empty),
    ).rejects.toThrow(/invalid reporter: reporters\[0\]\.fileName: expected a plain file name/);
    await expect(
      loadConfig(writeConfig(`plugins: [${write('b.mjs', 'nhiscan-result.json')}]`), empty),
    ).rejects.toThrow(/would overwrite nhiscan-result\.json/);
  });
});
