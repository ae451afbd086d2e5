// The permission manifest is the one source: the README's list and the readme's table are written
// from it, and every call the connector names a permission for is in it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CALL_PERMISSION } from '../../../connectors/workspace/collect.js';
import { ADMIN_SCOPES, scopesFor } from '../../../connectors/workspace/config.js';
import { WORKSPACE_PERMISSIONS } from '../../../connectors/workspace/permissions.js';

const ROOT = join(import.meta.dirname, '../../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const READ_ME = readFileSync(join(ROOT, 'connectors/workspace/readme.md'), 'utf8');

describe('workspace permissions', () => {
  it('the README lists exactly the manifest', () => {
    const block =
      /<!-- workspace-permissions:start -->([\s\S]*?)<!-- workspace-permissions:end -->/.exec(README)?.[1] ??
      '';
    expect(block.trim().split('\n')).toEqual(
      WORKSPACE_PERMISSIONS.map((p) => `- \`${p.scope}\` (${p.mode} mode; ${p.privilege}): ${p.reads}`),
    );
  });

  it('the connector readme has a row per permission', () => {
    // Cell by cell: prettier pads the columns.
    const rows = READ_ME.split('\n')
      .filter((l) => l.startsWith('| `https://'))
      .map((l) =>
        l
          .split('|')
          .slice(1, -1)
          .map((c) => c.trim()),
      );
    expect(rows).toEqual(
      WORKSPACE_PERMISSIONS.map((p) => [
        `\`${p.scope}\``,
        p.privilege,
        p.mode,
        p.reads,
        p.calls.map((c) => `\`${c}\``).join(', '),
      ]),
    );
  });

  it('every call maps to its manifest scope, and the scopes asked for are the manifest’s, read-only but one', () => {
    for (const p of WORKSPACE_PERMISSIONS)
      for (const c of p.calls) expect(CALL_PERMISSION[c], c).toContain(p.scope);
    expect(Object.keys(CALL_PERMISSION).sort()).toEqual(WORKSPACE_PERMISSIONS.flatMap((p) => p.calls).sort());
    for (const mode of ['tokens', 'reports'] as const)
      expect(scopesFor(mode).sort()).toEqual(
        WORKSPACE_PERMISSIONS.filter((p) => p.mode === mode)
          .map((p) => p.scope)
          .sort(),
      );
    // tokens.list has no read-only scope; every other scope is one.
    for (const p of WORKSPACE_PERMISSIONS)
      if (p.scope !== ADMIN_SCOPES.tokens) expect(p.scope).toMatch(/readonly$/);
  });
});
