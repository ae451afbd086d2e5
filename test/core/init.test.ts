import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { writeStarterConfig } from '../../src/init.js';
import { builtins } from '../../src/registry.js';

describe('nhiscan init', () => {
  it('writes a starter config that validates as written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-init-'));
    const path = join(dir, 'nhiscan.config.yaml');
    await writeStarterConfig(path, false);
    const config = await loadConfig(path, builtins);
    expect(config.providers.map((p) => p.connector.id)).toEqual(['aws']);
    expect(config.file.failOn).toBe('high');
    await expect(writeStarterConfig(path, false)).rejects.toThrow(/exists; pass --force/);
  });
});
