import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanCommand } from '../../src/commands.js';
import { buildConfig, loadConfig, type Registries } from '../../src/config.js';
import { createControlResolver } from '../../src/controls/index.js';
import { UsageError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { ScanResult } from '../../src/model.js';
import { fixturesDir } from '../../src/paths.js';
import { Identity, type IdentityInput } from '../../src/model.js';
import { FinancialScopeSelector, applyFinancialScope } from '../../src/financial-scope.js';

const id = (input: Partial<IdentityInput> & Pick<IdentityInput, 'provider' | 'location'>): Identity =>
  Identity.parse({ uid: 'u', kind: 'k', name: 'n', ...input });

const selectors = [
  { name: 'billing-account', provider: 'aws', account: '111111111111' },
  { name: 'billing-repo', provider: 'github', org: 'acme', repository: 'billing-*' },
  { name: 'financial-data', tag: { key: 'data-classification', value: 'financial' } },
  { name: 'ledger-project', provider: 'gcp', project: 'acme-ledger' },
].map((s) => FinancialScopeSelector.parse(s));

describe('financial-reporting scope', () => {
  it.each([
    [
      'an identity in the selected account',
      { provider: 'aws', location: { provider: 'aws', scope: '111111111111' } },
      ['billing-account'],
    ],
    [
      'an identity in another account',
      { provider: 'aws', location: { provider: 'aws', scope: '222222222222' } },
      [],
    ],
    [
      'a deploy key on the billing repo',
      { provider: 'github', location: { provider: 'github', scope: 'acme', resource: 'billing-api' } },
      ['billing-repo'],
    ],
    [
      'a deploy key on another repo',
      { provider: 'github', location: { provider: 'github', scope: 'acme', resource: 'website' } },
      [],
    ],
    [
      'a tagged identity anywhere',
      {
        provider: 'aws',
        location: { provider: 'aws', scope: '222222222222' },
        tags: { 'Data-Classification': 'financial' },
      },
      ['financial-data'],
    ],
    [
      'an App that can write to every repo of the org',
      {
        provider: 'github',
        location: { provider: 'github', scope: 'acme' },
        privilege: {
          level: 'write',
          grants: [
            {
              effect: 'Allow',
              actions: ['contents:write'],
              resources: ['repo:acme/*'],
              source: 'installation',
            },
          ],
        },
      },
      ['billing-repo'],
    ],
    [
      'an App that can only read every repo',
      {
        provider: 'github',
        location: { provider: 'github', scope: 'acme' },
        privilege: {
          level: 'read',
          grants: [
            {
              effect: 'Allow',
              actions: ['contents:read'],
              resources: ['repo:acme/*'],
              source: 'installation',
            },
          ],
        },
      },
      [],
    ],
    [
      'a role elsewhere with write into the selected account',
      {
        provider: 'aws',
        location: { provider: 'aws', scope: '222222222222' },
        privilege: {
          level: 'write',
          grants: [
            {
              effect: 'Allow',
              actions: ['s3:PutObject'],
              resources: ['arn:aws:s3:::ledger/*', 'arn:aws:dynamodb:us-east-1:111111111111:table/ledger'],
              source: 'role-inline:x#0',
            },
          ],
        },
      },
      ['billing-account'],
    ],
    [
      'a GCP SA with write into the ledger project',
      {
        provider: 'gcp',
        location: { provider: 'gcp', scope: 'acme-tools' },
        privilege: {
          level: 'write',
          grants: [
            {
              effect: 'Allow',
              actions: ['roles/editor'],
              resources: ['projects/acme-ledger'],
              source: 'binding',
            },
          ],
        },
      },
      ['ledger-project'],
    ],
  ])('%s', (_label, input, expected) => {
    const scoped = applyFinancialScope(id(input as Parameters<typeof id>[0]), selectors);
    expect(scoped.financialScope.inScope).toBe(expected.length > 0);
    expect(scoped.financialScope.reasons.map((r) => /selector "([^"]+)"/.exec(r)?.[1])).toEqual(expected);
  });

  it('refuses a selector that selects nothing', () => {
    expect(FinancialScopeSelector.safeParse({ name: 'x', provider: 'aws' }).success).toBe(false);
  });
});

describe('SOC 1 objectives', () => {
  it('maps default objectives, and extends or replaces them with the organisation\u2019s own', () => {
    const controls = { soc2: ['CC6.1'], soc1: ['ITGC-LA-4'] };
    expect(
      createControlResolver()
        .soc1('rotation-age', controls)
        .map((c) => c.id),
    ).toEqual(['ITGC-LA-4']);
    const own = { id: 'ACME-CO-7', title: 'Keys rotated quarterly', covers: ['ITGC-LA-4'], policies: [] };
    const byPolicy = {
      id: 'ACME-CO-9',
      title: 'Deploy keys reviewed',
      covers: [],
      policies: ['rotation-age'],
    };
    expect(
      createControlResolver({ mode: 'extend', objectives: [own] })
        .soc1('rotation-age', controls)
        .map((c) => c.id),
    ).toEqual(['ITGC-LA-4', 'ACME-CO-7']);
    const replaced = createControlResolver({ mode: 'replace', objectives: [own, byPolicy] });
    expect(replaced.soc1('rotation-age', controls).map((c) => c.id)).toEqual(['ACME-CO-7', 'ACME-CO-9']);
    expect(replaced.soc1Catalog().map((o) => o.id)).toEqual(['ACME-CO-7', 'ACME-CO-9']);
  });
});

describe('the financialScope config key', () => {
  const empty: Registries = { connectors: {}, policies: {} };
  const billing = { name: 'billing', provider: 'aws', account: '111111111111' };

  it('reads the selectors from financialScope, with no warning', () => {
    const config = buildConfig({ financialScope: [billing] }, empty, 'x.yaml', '/tmp');
    expect(config.file.financialScope).toEqual([billing]);
    expect(config.warnings).toBeUndefined();
  });

  it('still reads the old spelling scope.soc1, warning with the new key; the config hash is the same', () => {
    const old = buildConfig({ scope: { soc1: [billing] } }, empty, 'x.yaml', '/tmp');
    expect(old.file.financialScope).toEqual([billing]);
    expect(old.file.scope).toBeUndefined();
    expect(old.warnings).toEqual([
      'config x.yaml: scope.soc1 is deprecated; name the same selectors financialScope',
    ]);
    expect(old.hash).toBe(buildConfig({ financialScope: [billing] }, empty, 'x.yaml', '/tmp').hash);
    expect(old.hash).not.toBe(buildConfig({}, empty, 'x.yaml', '/tmp').hash);
  });

  it('refuses both spellings at once, naming them', () => {
    const both = () =>
      buildConfig({ financialScope: [billing], scope: { soc1: [billing] } }, empty, 'x.yaml', '/tmp');
    expect(both).toThrow(UsageError);
    expect(both).toThrow(/scope\.soc1: the old spelling of financialScope; give only financialScope/);
  });

  it('a scan with the old spelling logs the warning and applies the selectors', async () => {
    const pluginDir = join(fixturesDir, 'plugins');
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-financial-scope-'));
    const path = join(dir, 'nhiscan.config.yaml');
    writeFileSync(
      path,
      [
        `plugins: [${join(pluginDir, 'vault-connector.mjs')}]`,
        'providers:',
        '  vault:',
        `    exportFile: ${join(pluginDir, 'vault-export.json')}`,
        'scope:',
        '  soc1:',
        '    - { name: vault-approles, provider: vault, scope: vault }',
      ].join('\n'),
    );
    const lines: string[] = [];
    await scanCommand({
      config: await loadConfig(path, empty),
      out: dir,
      asOf: '2026-11-01T00:00:00Z',
      log: createLogger('warn', (l) => lines.push(l)),
      print: () => undefined,
    });
    expect(lines).toContain(
      `warn: config ${path}: scope.soc1 is deprecated; name the same selectors financialScope`,
    );
    const result = ScanResult.parse(JSON.parse(readFileSync(join(dir, 'nhiscan-result.json'), 'utf8')));
    expect(result.identities.map((i) => i.financialScope.inScope)).toEqual([true, true]);
  });
});
