// What CONTRIBUTING.md's checklists promise, where no other suite checks it: a provider folder
// holds its whole set of files and is in the demo, and every test the guide names exists.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { policies } from '../../policies/index.js';
import { DEMO_CONFIG } from '../../src/demo/index.js';
import { packageRoot } from '../../src/paths.js';

const all = Object.entries(connectors);

describe('a provider folder', () => {
  it.each(all)(
    'connectors/%s/ holds the connector, its config, payload schemas, demo, starter and readme',
    (id, c) => {
      for (const file of [
        'index.ts',
        'provider.ts',
        'config.ts',
        'schema.ts',
        'demo.ts',
        'starter.ts',
        'readme.md',
      ]) {
        expect(existsSync(join(packageRoot, 'connectors', id, file)), `connectors/${id}/${file}`).toBe(true);
      }
      expect(c.demo, `${id}: demo`).toBeDefined();
      expect(c.starter, `${id}: starter`).toBeDefined();
    },
  );

  it.each(all)('test/connectors/%s/ holds its connector tests', (id) => {
    expect(existsSync(join(packageRoot, 'test', 'connectors', id))).toBe(true);
  });

  it('every registered provider is scanned by the demo config', () => {
    const demo = parse(readFileSync(DEMO_CONFIG, 'utf8')) as { providers: Record<string, unknown> };
    expect(Object.keys(demo.providers).sort()).toEqual(Object.keys(connectors).sort());
  });
});

describe('a policy', () => {
  it.each(Object.keys(policies))('%s has its table-driven tests in test/policies/', (id) => {
    expect(existsSync(join(packageRoot, 'test', 'policies', `${id}.test.ts`))).toBe(true);
  });
});

describe('CONTRIBUTING.md', () => {
  const guide = readFileSync(join(packageRoot, 'CONTRIBUTING.md'), 'utf8');
  const named = [...new Set([...guide.matchAll(/`(test\/[\w./-]+\.test\.ts)`/g)].map((m) => m[1]!))];

  it('names the tests that enforce its steps', () => {
    expect(named.length).toBeGreaterThan(8);
  });

  it.each(named)('%s exists', (path) => {
    expect(existsSync(join(packageRoot, path))).toBe(true);
  });
});
