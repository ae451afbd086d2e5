import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config.js';
import { ExceptionsFile } from '../../src/exceptions.js';
import { builtins } from '../../src/registry.js';
import { policies } from '../../policies/index.js';
import { connectors } from '../../connectors/index.js';
import { fixturesDir, packageRoot } from '../../src/paths.js';
import { loadPlugins } from '../../src/plugins.js';
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

describe('documentation examples', () => {
  // Every YAML example in the README and the connector readmes is a config (or exceptions file)
  // that validates as written, so the docs cannot drift from the schema.
  const docs = ['README.md', ...Object.keys(connectors).map((id) => `connectors/${id}/readme.md`)];
  const examples = docs.flatMap((doc) =>
    [...readFileSync(join(packageRoot, doc), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map(
      (m, i) => [`${doc} #${i + 1}`, m[1]!] as const,
    ),
  );

  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThan(8);
  });

  it.each(examples)('%s validates', async (_name, text) => {
    const raw = parse(text) as unknown;
    // Deployment examples (a Kubernetes Job, a CI workflow) around nhiscan: valid YAML that runs shards.
    if (/^# (Kubernetes manifest|GitHub Actions workflow) \(not an nhiscan config\)/.test(text)) {
      expect(JSON.stringify(raw)).toMatch(/--shard /);
      return;
    }
    if (/^# nhiscan\.exceptions\.yaml/.test(text)) {
      expect(ExceptionsFile.safeParse(raw).error).toBeUndefined();
      return;
    }
    // The plug-in example names the plug-ins of fixtures/plugins (the README shows the same files).
    const plugins = (raw as { plugins?: string[] } | null)?.plugins;
    const registries = plugins
      ? await loadPlugins(
          plugins.map((p) => basename(p)),
          join(fixturesDir, 'plugins'),
          builtins,
        )
      : builtins;
    expect(() => buildConfig(raw, registries, 'example', packageRoot)).not.toThrow();
  });
});

describe('plug-in examples', () => {
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
  const section = /### Plug-ins\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
  const blocks = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);

  it('shows a connector, a policy, a reporter and a framework written against nhiscan/plugin', () => {
    expect(blocks.map((b) => /^\/\/ ([\w-]+\.mjs):/.exec(b)?.[1])).toEqual([
      'vault-connector.mjs',
      'long-lived-token.mjs',
      'identities-csv.mjs',
      'iso27001-framework.mjs',
    ]);
    for (const block of blocks) expect(block).toMatch(/from 'nhiscan\/plugin';/);
    expect(section).toMatch(/runs with the scanner's credentials and environment/);
  });

  it('shows exactly the plug-in files the tests run', () => {
    for (const block of blocks) {
      const name = /^\/\/ ([\w-]+\.mjs):/.exec(block)![1]!;
      expect(block, name).toBe(readFileSync(join(fixturesDir, 'plugins', name), 'utf8'));
    }
  });
});
