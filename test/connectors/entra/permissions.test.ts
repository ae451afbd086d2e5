// The permission manifest is the one source: the README's list is written from it, and every
// call the connector names a permission for is in it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CALL_PERMISSION } from '../../../connectors/entra/collect.js';
import { ENTRA_PERMISSIONS } from '../../../connectors/entra/permissions.js';

const README = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');

describe('entra permissions', () => {
  it('the README lists exactly the manifest', () => {
    const block =
      /<!-- entra-permissions:start -->([\s\S]*?)<!-- entra-permissions:end -->/.exec(README)?.[1] ?? '';
    const expected = ENTRA_PERMISSIONS.map(
      (p) => `- \`${p.permission}\`${p.required ? ' (required)' : ''}: ${p.reads}`,
    );
    expect(block.trim().split('\n')).toEqual(expected);
  });

  it('every call the connector makes maps to a read-only permission of the manifest', () => {
    const manifest = new Map(
      ENTRA_PERMISSIONS.flatMap((p) => p.calls.map((c) => [c, p.permission] as const)),
    );
    for (const [call, permission] of Object.entries(CALL_PERMISSION))
      expect(manifest.get(call), call).toBe(permission);
    for (const p of ENTRA_PERMISSIONS) expect(p.permission).toMatch(/\.Read(\.|$)/);
  });
});
