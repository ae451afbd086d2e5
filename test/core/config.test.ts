import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildConfig, loadConfig, type Registries } from '../../src/config.js';
import type { AnyConnector } from '../../src/connector.js';
import { UsageError } from '../../src/errors.js';
import { type AnyPolicy, pass } from '../../src/policy.js';

const connector: AnyConnector = {
  id: 'fake',
  title: 'Fake',
  config: z.strictObject({ enabled: z.boolean().default(true), accounts: z.array(z.string()).default([]) }),
  targets: () => [],
  collect: async function* () {
    /* no identities */
  },
};
const policy: AnyPolicy = {
  id: 'rule',
  title: 'Rule',
  description: 'Fires when an identity is older than maxDays.',
  appliesTo: {},
  remediation: { default: 'Replace it.' },
  references: [],
  findings: [{ title: 'old', evidence: ['days'] }],
  severity: 'medium',
  options: z.strictObject({ maxAgeDays: z.int().positive().default(90) }),
  controls: { soc2: ['CC6.1'] },
  evaluate: () => [pass()],
};
const registries: Registries = { connectors: { fake: connector }, policies: { rule: policy } };

const errorOf = (raw: unknown): string => {
  try {
    buildConfig(raw, registries, 'test.yaml', '/tmp');
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a config error');
};

describe('config', () => {
  it('applies defaults to an empty file', () => {
    const config = buildConfig({}, registries, 'x', '/tmp');
    expect(config.file.failOn).toBe('high');
    expect(config.file.concurrency).toBe(8);
    expect(config.policies).toHaveLength(1);
    expect(config.policies[0]).toMatchObject({
      enabled: true,
      severity: 'medium',
      options: { maxAgeDays: 90 },
    });
  });

  it.each([
    [{ failOn: 'bad' }, 'failOn'],
    [{ concurrency: 'many' }, 'concurrency'],
    [{ providrs: {} }, '(top level): unknown key "providrs"'],
    [{ providers: { nope: {} } }, 'providers.nope: unknown provider'],
    [{ providers: { fake: { acounts: [] } } }, 'providers.fake: unknown key "acounts"'],
    [{ providers: { fake: { accounts: [1] } } }, 'providers.fake.accounts[0]'],
    [{ policies: { nope: {} } }, 'policies.nope: unknown policy'],
    [{ policies: { rule: { options: { maxAgeDays: -1 } } } }, 'policies.rule.options.maxAgeDays'],
    [{ policies: { rule: { severity: 'urgent' } } }, 'policies.rule.severity'],
    [{ directory: { path: 'p.csv', statusfield: 'x' } }, 'directory: unknown key "statusfield"'],
  ])('rejects %j naming the key path', (raw, expected) => {
    expect(errorOf(raw)).toContain(expected);
  });

  it('says what it found, not only what it expected', () => {
    expect(errorOf({ concurrency: 'many' })).toMatch(/found string "many"/);
  });

  it('drops a provider block with enabled: false', () => {
    expect(
      buildConfig({ providers: { fake: { enabled: false } } }, registries, 'x', '/tmp').providers,
    ).toEqual([]);
  });

  it('hashes equal configs equally whatever the key order', () => {
    const a = buildConfig({ failOn: 'low', concurrency: 4 }, registries, 'x', '/tmp');
    const b = buildConfig({ concurrency: 4, failOn: 'low' }, registries, 'x', '/tmp');
    expect(a.hash).toBe(b.hash);
    expect(buildConfig({ failOn: 'medium' }, registries, 'x', '/tmp').hash).not.toBe(a.hash);
  });

  it('reads YAML and JSON files and reports unreadable or malformed ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-config-'));
    writeFileSync(join(dir, 'a.yaml'), 'failOn: low\nproviders:\n  fake:\n    accounts: [a]\n');
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ failOn: 'critical' }));
    writeFileSync(join(dir, 'c.yaml'), 'failOn: [unclosed\n');
    expect((await loadConfig(join(dir, 'a.yaml'), registries)).file.failOn).toBe('low');
    expect((await loadConfig(join(dir, 'a.yaml'), registries)).baseDir).toBe(dir);
    expect((await loadConfig(join(dir, 'b.json'), registries)).file.failOn).toBe('critical');
    await expect(loadConfig(join(dir, 'c.yaml'), registries)).rejects.toThrow(/not valid YAML/);
    await expect(loadConfig(join(dir, 'missing.yaml'), registries)).rejects.toThrow(/cannot read config/);
  });
});
