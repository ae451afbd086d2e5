import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { policies } from '../../policies/index.js';
import { packageRoot } from '../../src/paths.js';
import { SOC2_CRITERIA } from '../../src/controls/soc2.js';

describe('registries', () => {
  it('the connector map matches the connectors/ folders', () => {
    const dir = join(packageRoot, 'connectors');
    const folders = readdirSync(dir).filter((f) => statSync(join(dir, f)).isDirectory());
    expect(Object.keys(connectors).sort()).toEqual(folders.sort());
    for (const [key, c] of Object.entries(connectors)) expect(c.id).toBe(key);
  });

  it('the policy map matches the policies/ files', () => {
    const dir = join(packageRoot, 'policies');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.replace(/\.ts$/, ''));
    expect(Object.keys(policies).sort()).toEqual(files.sort());
    for (const [key, p] of Object.entries(policies)) expect(p.id).toBe(key);
  });

  it('every policy has defaults for all options and known SOC 2 tags', () => {
    for (const p of Object.values(policies)) {
      expect(() => p.options.parse({}), p.id).not.toThrow();
      expect(p.controls.soc2.length, p.id).toBeGreaterThan(0);
      for (const id of p.controls.soc2) expect(Object.keys(SOC2_CRITERIA), `${p.id} → ${id}`).toContain(id);
    }
  });
});
