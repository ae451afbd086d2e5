// Frameworks are data: the built-in ones are registered (connectors register their benchmarks),
// every id a policy names exists, and a plug-in can add a framework its findings then carry.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { buildConfig, loadConfig, type Registries } from '../../src/config.js';
import { frameworkLabel } from '../../src/controls/framework.js';
import { unknownControlIds } from '../../src/controls/index.js';
import { silentLogger } from '../../src/log.js';
import { fixturesDir } from '../../src/paths.js';
import type { AnyPolicy } from '../../src/policy.js';
import { builtins } from '../../src/registry.js';
import { runScan } from '../../src/scan.js';

const pluginDir = join(fixturesDir, 'plugins');
const empty: Registries = { connectors: {}, policies: {} };

const writeConfig = (lines: string[]): string => {
  const dir = mkdtempSync(join(tmpdir(), 'nhiscan-framework-'));
  writeFileSync(join(dir, 'nhiscan.config.yaml'), lines.join('\n'));
  return join(dir, 'nhiscan.config.yaml');
};

describe('the framework registry', () => {
  it('holds the provider-neutral catalogs and each connector’s benchmark, keyed as policies name them', () => {
    expect(builtins.frameworks.map((f) => [f.id, frameworkLabel(f), f.provider])).toEqual([
      ['soc2', 'SOC2', undefined],
      ['soc1', 'SOC1', undefined],
      ['owaspNhi', 'OWASP-NHI-2025', undefined],
      ['cisAws', 'CIS-AWS-3.0', 'aws'],
      ['cisGcp', 'CIS-GCP-3.0', 'gcp'],
      ['cisGithub', 'CIS-GitHub-1.0', 'github'],
      ['cisControls', 'CIS-Controls-8', undefined],
      ['nistCsf', 'NIST-CSF-2.0', undefined],
    ]);
    // A provider's benchmark comes from its connector, not from the core.
    for (const c of Object.values(builtins.connectors)) {
      for (const f of c.frameworks ?? []) expect(f.provider).toBe(c.id);
    }
  });

  it('knows every framework and control id every built-in policy names', () => {
    for (const p of Object.values(builtins.policies)) {
      expect(unknownControlIds(p.controls, builtins.frameworks), p.id).toEqual([]);
    }
  });

  it('fails at load, naming the policy and the framework, when a policy names an unknown framework', () => {
    const typo: AnyPolicy = {
      ...builtins.policies['rotation-age'],
      id: 'typo-policy',
      controls: { soc2: ['CC6.1'], cisAzure: ['1.1'] },
    } as AnyPolicy;
    expect(() => buildConfig({}, { connectors: {}, policies: { 'typo-policy': typo } }, 'test', '/')).toThrow(
      /policy typo-policy names unknown controls: cisAzure: unknown framework \(known: soc2, soc1/,
    );
    const badId = { ...typo, controls: { soc2: ['CC6.1'], cisAws: ['9.99'] } } as AnyPolicy;
    expect(() =>
      buildConfig({}, { connectors: {}, policies: { 'typo-policy': badId } }, 'test', '/'),
    ).toThrow(/policy typo-policy names unknown controls: cisAws:9\.99/);
  });
});

describe('a framework plug-in', () => {
  it('adds a framework whose mappings put its ids on the findings of the policies it maps', async () => {
    const config = await loadConfig(
      writeConfig([
        'plugins:',
        `  - ${join(pluginDir, 'vault-connector.mjs')}`,
        `  - ${join(pluginDir, 'long-lived-token.mjs')}`,
        `  - ${join(pluginDir, 'iso27001-framework.mjs')}`,
        'providers:',
        '  vault:',
        `    exportFile: ${join(pluginDir, 'vault-export.json')}`,
      ]),
      empty,
    );
    const result = await runScan({
      config,
      clock: systemClock(new Date('2026-11-01T00:00:00Z')),
      log: silentLogger,
    });
    expect(result.findings.map((f) => f.controls.map((c) => `${c.framework}:${c.id} ${c.title}`))).toEqual([
      [
        'SOC2:CC6.1 Logical access is restricted through identification, authentication and protected credentials.',
        'OWASP-NHI-2025:NHI7 Long-Lived Secrets',
        'ISO-27001-2022:A.5.17 Allocation and management of authentication information is controlled.',
      ],
    ]);
  });

  it('lets a policy plug-in name the framework another plug-in adds, and fails without it', async () => {
    const policyPlugin = `  - ${join(pluginDir, 'iso-tagged-policy.mjs')}`;
    await expect(loadConfig(writeConfig(['plugins:', policyPlugin]), empty)).rejects.toThrow(
      /plugins\[0\].*policy org-no-owner-tag names unknown controls: iso27001: unknown framework/,
    );
    const config = await loadConfig(
      writeConfig(['plugins:', policyPlugin, `  - ${join(pluginDir, 'iso27001-framework.mjs')}`]),
      empty,
    );
    expect(config.frameworks?.map((f) => f.id)).toContain('iso27001');
  });

  it('refuses a framework whose shape is wrong or whose id is taken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-framework-'));
    writeFileSync(
      join(dir, 'taken.mjs'),
      "export const framework = { id: 'soc2', title: 'x', controls: {} };",
    );
    writeFileSync(join(dir, 'bad.mjs'), "export const frameworks = [{ id: 'pci', controls: {} }];");
    await expect(
      loadConfig(writeConfig(['plugins:', `  - ${join(dir, 'taken.mjs')}`]), empty),
    ).rejects.toThrow(/framework id "soc2" is already taken/);
    await expect(loadConfig(writeConfig(['plugins:', `  - ${join(dir, 'bad.mjs')}`]), empty)).rejects.toThrow(
      /invalid framework: frameworks\[0\]\.title/,
    );
  });

  it('refuses mappings onto a control the framework does not have', () => {
    const fw = {
      id: 'pci',
      title: 'PCI DSS 4.0',
      controls: { '8.3.9': { title: 'x' } },
      mappings: { 'rotation-age': ['8.3.99'] },
    };
    expect(() =>
      buildConfig({}, { ...builtins, frameworks: [...builtins.frameworks, fw] }, 'test', '/'),
    ).toThrow(/framework pci: mappings\.rotation-age: unknown control 8\.3\.99/);
  });
});
