// What CONTRIBUTING.md's checklists promise, where no other suite checks it: a provider folder
// holds its whole set of files, lists its benchmark, is in the demo and has its README section;
// every reporter file is registered and tested; every catalog in src/controls/ is registered; and
// every test the guide names exists.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { policies } from '../../policies/index.js';
import { FrameworkShape } from '../../src/controls/framework.js';
import { DEMO_CONFIG } from '../../src/demo/index.js';
import { packageRoot } from '../../src/paths.js';
import { builtins } from '../../src/registry.js';
import { FORMATS, reporters } from '../../src/report/index.js';
import type { Reporter } from '../../src/report/types.js';

const all = Object.entries(connectors);

/** Each `.ts` file of a folder with its module's exports. */
const modulesOf = async (dir: string): Promise<{ file: string; exports: Record<string, unknown> }[]> =>
  Promise.all(
    readdirSync(join(packageRoot, dir))
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .map(async (f) => ({
        file: f,
        exports: (await import(pathToFileURL(join(packageRoot, dir, f)).href)) as Record<string, unknown>,
      })),
  );

const isReporter = (v: unknown): v is Reporter =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Reporter).id === 'string' &&
  typeof (v as Reporter).fileName === 'string' &&
  typeof (v as Reporter).write === 'function';
const isFramework = (v: unknown): boolean => FrameworkShape.safeParse(v).success;

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

  it.each(all)(
    "connectors/%s/cis.ts, where there is one, is listed in the connector's frameworks",
    async (id, c) => {
      const path = join(packageRoot, 'connectors', id, 'cis.ts');
      if (!existsSync(path)) return;
      const exported = Object.values(
        (await import(pathToFileURL(path).href)) as Record<string, unknown>,
      ).filter(isFramework);
      expect(exported.length, `connectors/${id}/cis.ts exports its Framework`).toBeGreaterThan(0);
      for (const f of exported) expect(c.frameworks ?? []).toContain(f);
    },
  );

  it.each(all)('README has the section of providers.%s', (id) => {
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    expect(readme).toMatch(new RegExp(`^### .+ \\(\`providers\\.${id}\`\\)$`, 'm'));
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

describe('a reporter', () => {
  it('the reporter map holds every Reporter a file of src/report/ exports, under its id, and nothing else', async () => {
    const exported = (await modulesOf('src/report')).flatMap(({ exports }) =>
      Object.values(exports).filter(isReporter),
    );
    expect(new Set(exported)).toEqual(new Set(Object.values(reporters)));
    for (const [key, r] of Object.entries(reporters)) expect(r.id).toBe(key);
    expect(new Set(Object.values(FORMATS).flat())).toEqual(new Set(Object.keys(reporters)));
  });

  it('the file of each reporter is tested in test/report/ (imported, or its exports through index.js)', async () => {
    const tests = readdirSync(join(packageRoot, 'test', 'report'))
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => readFileSync(join(packageRoot, 'test', 'report', f), 'utf8'))
      .join('\n');
    const imports = [
      ...tests.matchAll(/import\s*\{([^}]*)\}\s*from\s*'\.\.\/\.\.\/src\/report\/([\w-]+)\.js'/g),
    ];
    const names = (module: string): string[] =>
      imports
        .filter((m) => m[2] === module)
        .flatMap((m) => m[1]!.split(','))
        .map((n) => n.trim().replace(/^type\s+/, ''))
        .filter(Boolean);
    for (const { file, exports } of await modulesOf('src/report')) {
      if (!Object.values(exports).some(isReporter)) continue;
      const module = file.replace(/\.ts$/, '');
      const tested =
        names(module).length > 0 || names('index').some((n) => n in exports && n !== 'reporters');
      expect(tested, `src/report/${file}: no test in test/report/ imports it`).toBe(true);
    }
  });
});

describe('a framework', () => {
  it("every catalog of src/controls/ is registered (frameworkList), and only those and the connectors' benchmarks", async () => {
    const catalogs = (await modulesOf('src/controls')).flatMap(({ exports }) =>
      Object.values(exports).filter(isFramework),
    );
    const benchmarks = Object.values(connectors).flatMap((c) => c.frameworks ?? []);
    expect(new Set(builtins.frameworks)).toEqual(new Set([...catalogs, ...benchmarks]));
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
