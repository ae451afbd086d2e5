// The package as a user gets it: built, packed with `npm pack`, installed from the tarball into an
// empty folder outside the repository, and run from there with the README's plug-ins (a
// connector, a policy and a reporter written against `nhiscan/plugin`). It builds into a staging
// folder of its own, so it never races the other suites over dist/. Slow by nature (a build and
// an install from the npm cache): its timeouts are generous, and it is never skipped.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/exit-codes.js';
import { ScanResult } from '../../src/model.js';
import { fixturesDir, packageRoot } from '../../src/paths.js';

const run = promisify(execFile);
const SLOW = 900_000;

/** The environment without what an enclosing `npm test` sets (npm_config_local_prefix would
 *  point npm at the repository) or a machine's AWS settings. */
const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^npm_/i.test(k) && !k.startsWith('AWS_') && k !== 'NODE_OPTIONS' && k !== 'INIT_CWD',
    ),
  );

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const exec = async (file: string, args: string[], cwd: string, timeout = 300_000): Promise<Run> => {
  try {
    const { stdout, stderr } = await run(file, args, {
      cwd,
      env: { ...cleanEnv(), NO_COLOR: '1' },
      timeout,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
};

const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
const pluginSection = /### Plug-ins\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
/** The README's plug-in files, by the name each block's first line gives. */
const readmePlugins = [...pluginSection.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => {
  const name = /^\/\/ ([\w-]+\.mjs):/.exec(m[1]!)?.[1];
  if (!name) throw new Error('a README plug-in block does not start with "// <file>.mjs:"');
  return { name, text: m[1]! };
});
const readmeConfig = /```yaml\n(# nhiscan\.config\.yaml, beside the plug-ins\n[\s\S]*?)```/.exec(
  pluginSection,
)?.[1];

let root: string;
let stage: string;
let user: string;
let tarball: string;
let packed: string[];
const timings: Record<string, number> = {};

const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
  const start = Date.now();
  try {
    return await fn();
  } finally {
    timings[label] = Date.now() - start;
  }
};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nhiscan-pack-'));
  stage = join(root, 'stage');
  user = join(root, 'user');
  mkdirSync(user);
  // Build and pack a staging copy: what `npm pack` in the repository would publish.
  const tsc = join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const build = await timed('build', () =>
    exec(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', join(stage, 'dist')], packageRoot),
  );
  expect(build.stdout + build.stderr).toBe('');
  for (const f of ['package.json', 'README.md']) cpSync(join(packageRoot, f), join(stage, f));
  cpSync(fixturesDir, join(stage, 'fixtures'), { recursive: true });
  // prepare (the build) already ran above; --ignore-scripts keeps npm from running it again.
  const pack = await timed('pack', () =>
    exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', root], stage),
  );
  expect(pack.code, pack.stderr).toBe(0);
  const info = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(root, info[0]!.filename);
  packed = info[0]!.files.map((f) => f.path);

  // An empty folder outside the repository, as a user starts: install the tarball. Offline from
  // the npm cache `npm ci` filled; where the cache lacks something, npm may fetch it.
  writeFileSync(join(user, 'package.json'), JSON.stringify({ name: 'acme-nhi', private: true }) + '\n');
  const npmArgs = ['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball];
  let install = await timed('install', () => exec('npm', [...npmArgs, '--offline'], user));
  if (install.code !== 0) {
    install = await timed('install', () => exec('npm', [...npmArgs, '--prefer-offline'], user));
  }
  expect(install.code, install.stderr).toBe(0);
  expect(install.stderr).not.toMatch(/EBADENGINE.*nhiscan/);

  for (const p of readmePlugins) writeFileSync(join(user, p.name), p.text);
  writeFileSync(join(user, 'nhiscan.config.yaml'), readmeConfig ?? '');
  cpSync(join(fixturesDir, 'plugins', 'vault-export.json'), join(user, 'vault-export.json'));
}, SLOW);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  // The runtime, for the record (the benchmark measures speed; this only reports it).
  console.info(`installed-package: ${JSON.stringify(timings)} ms`);
});

const nhiscan = (args: string[], timeout?: number): Promise<Run> =>
  exec(join(user, 'node_modules', '.bin', 'nhiscan'), args, user, timeout);

describe('the packed package', () => {
  it('ships the build, its declarations and the demo estate, and no tests, benchmark or test fixtures', () => {
    expect(packed).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/src/cli.js',
        'dist/src/index.js',
        'dist/src/index.d.ts',
        'dist/src/plugin.js',
        'dist/src/plugin.d.ts',
        'fixtures/demo/nhiscan.config.yaml',
      ]),
    );
    const outside = packed.filter(
      (p) => !/^(dist\/(src|connectors|policies)\/|fixtures\/demo\/|package\.json$|README\.md$)/.test(p),
    );
    expect(outside).toEqual([]);
    expect(packed.filter((p) => p.startsWith('fixtures/demo/'))).toEqual(
      expect.arrayContaining(['fixtures/demo/people.csv', 'fixtures/demo/nhiscan.exceptions.yaml']),
    );
  });

  it('installs outside the repository with the plug-ins written against nhiscan/plugin', () => {
    expect(relative(packageRoot, user).startsWith('..')).toBe(true);
    expect(readmePlugins.map((p) => p.name)).toEqual([
      'vault-connector.mjs',
      'long-lived-token.mjs',
      'identities-csv.mjs',
      'iso27001-framework.mjs',
    ]);
    expect(readmeConfig).toContain(
      'plugins: [./vault-connector.mjs, ./long-lived-token.mjs, ./identities-csv.mjs, ./iso27001-framework.mjs]',
    );
    // Nothing but nhiscan was installed: the plug-ins get zod through nhiscan/plugin.
    const manifest = JSON.parse(readFileSync(join(user, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies)).toEqual(['nhiscan']);
  });

  it(
    'scans with the plug-in connector, policy, reporter and framework from that folder',
    async () => {
      const res = await timed('scan', () =>
        nhiscan([
          'scan',
          '-c',
          'nhiscan.config.yaml',
          '--out',
          'out',
          '--format',
          'json,identities-csv',
          '--as-of',
          '2026-11-01T00:00:00Z',
        ]),
      );
      // The plug-in policy's finding is high (configured), at the default --fail-on high.
      expect(res.code, res.stderr).toBe(EXIT.findings);
      const result = ScanResult.parse(
        JSON.parse(readFileSync(join(user, 'out', 'nhiscan-result.json'), 'utf8')),
      );
      expect(result.coverage.map((c) => [c.provider, c.target, c.status])).toEqual([
        ['vault', 'vault:export', 'complete'],
      ]);
      expect(result.identities.map((i) => [i.uid, i.kind])).toEqual([
        ['vault:approle/ci-deployer', 'vault.approle'],
        ['vault:approle/reporting', 'vault.approle'],
      ]);
      // The plug-in policy judged the plug-in connector's identities (built-in policies did too).
      const mine = result.findings.filter((f) => f.policyId === 'org-long-lived-token');
      expect(mine.map((f) => [f.identityUid, f.credentialUid, f.severity])).toEqual([
        ['vault:approle/ci-deployer', 'acc-1f2e', 'high'],
      ]);
      const open = (uid: string) => result.findings.filter((f) => f.identityUid === uid).length;
      // Each plug-in with the SHA-256 of its module file.
      expect(result.run.plugins.map((p) => (typeof p === 'string' ? p : p.path))).toEqual([
        './vault-connector.mjs',
        './long-lived-token.mjs',
        './identities-csv.mjs',
        './iso27001-framework.mjs',
      ]);
      expect(result.run.plugins.every((p) => typeof p !== 'string' && /^[0-9a-f]{64}$/.test(p.sha256))).toBe(
        true,
      );
      // The framework plug-in's mapping: the plug-in policy's finding carries its control.
      expect(mine[0]!.controls.map((c) => `${c.framework}:${c.id}`)).toContain('ISO-27001-2022:A.5.17');
      expect(readFileSync(join(user, 'out', 'identities.csv'), 'utf8')).toBe(
        [
          'uid,provider,kind,name,owner,open_findings',
          `vault:approle/ci-deployer,vault,vault.approle,ci-deployer,,${open('vault:approle/ci-deployer')}`,
          `vault:approle/reporting,vault,vault.approle,reporting,,${open('vault:approle/reporting')}`,
          '',
        ].join('\n'),
      );
      expect(open('vault:approle/ci-deployer')).toBeGreaterThan(1);
      expect(existsSync(join(user, 'out', 'identities.csv.sha256'))).toBe(true);
    },
    SLOW,
  );

  it(
    'lists the plug-in policy in `nhiscan policies --config`, and only with the config',
    async () => {
      const withPlugins = await nhiscan(['policies', '-c', 'nhiscan.config.yaml', '--json']);
      expect(withPlugins.code, withPlugins.stderr).toBe(0);
      const ids = (JSON.parse(withPlugins.stdout) as { id: string }[]).map((p) => p.id);
      expect(ids).toContain('org-long-lived-token');
      expect(ids).toContain('rotation-age');
      const builtinOnly = await nhiscan(['policies', '--json']);
      expect((JSON.parse(builtinOnly.stdout) as { id: string }[]).map((p) => p.id)).not.toContain(
        'org-long-lived-token',
      );
    },
    SLOW,
  );

  it(
    'runs the demo from the installed package (it reads fixtures/demo at run time)',
    async () => {
      const res = await timed('demo', () => nhiscan(['demo', '--out', 'demo-out', '--quiet']));
      expect(res.code, res.stderr).toBe(EXIT.findings);
      const result = ScanResult.parse(
        JSON.parse(readFileSync(join(user, 'demo-out', 'nhiscan-result.json'), 'utf8')),
      );
      // The Entra and Workspace SDKs are optional peer dependencies, absent from a plain install of the
      // package: the demo leaves those providers out (test/e2e/optional-sdks.test.ts covers the message).
      expect(new Set(result.identities.map((i) => i.provider))).toEqual(new Set(['aws', 'gcp', 'github']));
    },
    SLOW,
  );

  it(
    'type-checks a TypeScript plug-in against the installed declarations',
    async () => {
      writeFileSync(
        join(user, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            target: 'ES2023',
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            types: [],
          },
          files: ['typed-plugin.ts'],
        }),
      );
      writeFileSync(
        join(user, 'typed-plugin.ts'),
        [
          "import { definePolicy, fail, pass, ScanError, z, type Identity, type Scan } from 'nhiscan/plugin';",
          "import { runScan, loadConfig } from 'nhiscan';",
          'export const policy = definePolicy({',
          "  id: 'typed', title: 'Typed', description: 'd', appliesTo: {}, severity: 'low',",
          "  remediation: { default: 'r' }, references: [], findings: [{ title: 't', evidence: [] }],",
          '  options: z.strictObject({ days: z.number().default(30) }),',
          "  controls: { soc2: ['CC6.1'] },",
          '  evaluate: (identity: Identity, options: { days: number }) =>',
          "    options.days > 0 ? [pass()] : [fail({ title: 't', message: identity.name, evidence: {} })],",
          '});',
          "export const gap = new ScanError({ code: 'not_found', call: 'x:y', message: 'm' });",
          'export const api: [typeof runScan, typeof loadConfig] = [runScan, loadConfig];',
          'export const count = (scan: Scan): number => scan.evaluations.length;',
          // Proves the declarations are read: a wrong severity must not compile.
          "// @ts-expect-error severity is one of the model's levels",
          "export const bad = definePolicy({ ...policy, severity: 'urgent' });",
          '',
        ].join('\n'),
      );
      const tsc = join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc');
      const res = await exec(process.execPath, [tsc, '-p', 'tsconfig.json'], user);
      expect(res.stdout + res.stderr).toBe('');
      expect(res.code).toBe(0);
    },
    SLOW,
  );
});
