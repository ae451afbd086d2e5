// Criteria a policy adds on some findings only (CC8.1 when the identity can change code, CC9.2 for
// third-party apps) are declared on its finding specs, so the control matrix lists them as tested
// without a scan, rather than "not tested" while findings carry them.
import { describe, expect, it } from 'vitest';
import { createControlResolver } from '../../src/controls/index.js';
import { builtins } from '../../src/registry.js';
import { controlMatrix, renderControlMatrix } from '../../src/report/controls.js';

describe('control matrix without a scan', () => {
  const rows = controlMatrix(Object.values(builtins.policies), createControlResolver(undefined));
  const policiesOf = (id: string) => rows.find((r) => r.framework === 'SOC2' && r.id === id)?.policies;

  it('lists CC8.1 and CC9.2 with the policies whose findings add them', () => {
    expect(policiesOf('CC8.1')).toEqual(
      expect.arrayContaining(['excess-privilege', 'github-app-permissions', 'github-deploy-key-write']),
    );
    expect(policiesOf('CC9.2')).toEqual(
      expect.arrayContaining(['github-app-permissions', 'github-token-scopes']),
    );
    const text = renderControlMatrix(rows, false);
    const block = (id: string) =>
      text
        .slice(text.indexOf(`  ${id} `))
        .split('\n')
        .slice(0, 2)
        .join('\n');
    expect(block('CC8.1')).not.toMatch(/not tested/);
    expect(block('CC9.2')).not.toMatch(/not tested/);
  });
});
