import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { policies } from '../../policies/index.js';
import { packageRoot } from '../../src/paths.js';
import { renderPolicyTable } from '../../src/report/policies.js';

describe('README', () => {
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');

  it('lists every policy as the code declares it (regenerate with `nhiscan policies --markdown`)', () => {
    const block = /<!-- policy-table:start -->([\s\S]*?)<!-- policy-table:end -->/.exec(readme)?.[1] ?? '';
    // Compare cell by cell: prettier pads the columns.
    const rows = (md: string): string[][] =>
      md
        .split('\n')
        .filter((l) => l.startsWith('|') && !/^\|[\s|:-]+\|$/.test(l))
        .map((l) =>
          l
            .split(/(?<!\\)\|/)
            .slice(1, -1)
            .map((c) => c.trim()),
        );
    expect(rows(block)).toEqual(rows(renderPolicyTable(Object.values(policies))));
  });

  it('names the two set-up commands, and .ci/run runs the test one', () => {
    expect(readme).toContain('npm ci && npx nhiscan demo');
    expect(readme).toContain('npm ci && npm test');
    const ci = readFileSync(join(packageRoot, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^npm test$/m);
  });
});
