// Optional SDKs: the Entra and Workspace connectors' clients are optional peer dependencies, so
// the default install stays small. A resolve hook in the child process answers "not installed"
// for them, as Node does when they are absent: the demo leaves those providers out and says
// what to install, and a scan of one fails its targets with a gap naming the install command.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/exit-codes.js';
import { ScanResult } from '../../src/model.js';
import { packageRoot } from '../../src/paths.js';
import { builtins } from '../../src/registry.js';
import { sdkInstallCommand, sdksFor } from '../../src/connector.js';
import { entraProvider } from '../../connectors/entra/provider.js';

const cli = join(packageRoot, 'dist', 'src', 'cli.js');
const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};
// What a scan needs (optionalSdks), what only the demo loads (demo.sdks) and what only an option
// loads (optionSdks): optional peers alike.
const declared = Object.values(builtins.connectors).flatMap((c) => [
  ...Object.entries(sdksFor(c, 'demo')),
  ...Object.entries(c.optionSdks ?? {}),
]);
const names = declared.map(([name]) => name);
let dir = '';

/** A --import module whose resolve hook answers "not installed" for the given packages. */
const hideHook = (hidden: readonly string[], file: string): string => {
  const pattern = new RegExp(`^(${hidden.map((n) => n.replace(/[/.]/g, '\\$&')).join('|')})(/|$)`);
  writeFileSync(
    join(dir, `${file}-hooks.mjs`),
    `export async function resolve(specifier, context, next) {
  const m = ${pattern.toString()}.exec(specifier);
  if (m) {
    const err = new Error("Cannot find package '" + m[1] + "' imported from " + context.parentURL);
    err.code = 'ERR_MODULE_NOT_FOUND';
    throw err;
  }
  return next(specifier, context);
}\n`,
  );
  writeFileSync(
    join(dir, `${file}.mjs`),
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, `${file}-hooks.mjs`)).href)});\n`,
  );
  return join(dir, `${file}.mjs`);
};

let hook = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nhiscan-optional-'));
  hook = hideHook(names, 'register');
});

const run = (args: string[], env: NodeJS.ProcessEnv = {}, hookFile = hook) =>
  spawnSync(process.execPath, ['--import', pathToFileURL(hookFile).href, cli, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });

describe('optional SDKs', () => {
  it('are exactly the optional peer dependencies of package.json (and dev dependencies, for the tests)', () => {
    expect(names.length).toBeGreaterThan(0);
    expect(Object.fromEntries(declared)).toEqual(pkg.peerDependencies);
    for (const name of names) {
      expect(pkg.peerDependenciesMeta?.[name]?.optional, name).toBe(true);
      expect(pkg.devDependencies[name], name).toBe(pkg.peerDependencies?.[name]);
      expect(pkg.dependencies[name], name).toBeUndefined();
    }
  });

  it("a scan's install command names what the scan loads; the demo's adds what only the demo loads", () => {
    expect(sdkInstallCommand(entraProvider)).toBe(
      'npm install @azure/identity@4.13.1 @microsoft/microsoft-graph-client@3.0.7',
    );
    expect(sdkInstallCommand(entraProvider, 'demo')).toBe(
      'npm install @azure/identity@4.13.1 @microsoft/microsoft-graph-client@3.0.7 selfsigned@5.5.0',
    );
  });

  it('the demo leaves out a provider whose SDK is missing and names the install command', () => {
    const res = run(['demo', '--out', join(dir, 'demo')]);
    expect(res.status).toBe(EXIT.findings);
    for (const c of Object.values(builtins.connectors).filter((c) => c.optionalSdks)) {
      expect(res.stdout).toContain(
        `Left out: ${c.title}, whose optional SDK is not installed (\`${sdkInstallCommand(c, 'demo')}\``,
      );
    }
    const result = ScanResult.parse(
      JSON.parse(readFileSync(join(dir, 'demo', 'nhiscan-result.json'), 'utf8')),
    );
    const providers = new Set(result.coverage.map((c) => c.provider));
    expect([...providers].sort()).toEqual(['aws', 'gcp', 'github']);
  });

  it("the demo's TLS certificate library is loaded only by the Entra demo, which is left out without it", () => {
    const res = run(
      ['demo', '--out', join(dir, 'demo-selfsigned')],
      {},
      hideHook(['selfsigned'], 'selfsigned'),
    );
    expect(res.stderr).not.toContain('selfsigned');
    expect(res.status).toBe(EXIT.findings);
    expect(res.stdout).toContain('Left out: Microsoft Entra ID, whose optional SDK is not installed');
    expect(res.stdout).not.toContain('Left out: Google Workspace');
    const result = ScanResult.parse(
      JSON.parse(readFileSync(join(dir, 'demo-selfsigned', 'nhiscan-result.json'), 'utf8')),
    );
    const providers = new Set(result.coverage.map((c) => c.provider));
    expect(providers.has('workspace')).toBe(true);
    expect(providers.has('entra')).toBe(false);
  });

  it("an option's SDK missing: the option's code fails with the install command, the connector stays in", () => {
    const script = `import(${JSON.stringify(pathToFileURL(join(packageRoot, 'dist', 'connectors', 'gcp', 'cloud-asset.js')).href)})
  .then((m) => m.loadAssetModule())
  .then(() => console.log('loaded'), (e) => console.log(e.constructor.name + ': ' + e.message));`;
    const res = spawnSync(
      process.execPath,
      ['--import', pathToFileURL(hook).href, '--input-type=module', '-e', script],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(res.stdout.trim()).toBe(
      'ScanError: providers.gcp.cloudAssetInventory needs @google-cloud/asset, an optional dependency this install left out: run `npm install @google-cloud/asset@^6.3.3` where nhiscan is installed',
    );
    // Installed, it loads (the same script without the hook).
    const ok = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(ok.stdout.trim()).toBe('loaded');
  });

  it('a scan of a provider whose SDK is missing fails its targets with a gap naming the install command', () => {
    const config = join(dir, 'entra.config.yaml');
    writeFileSync(
      config,
      [
        'providers:',
        '  entra:',
        '    tenants: [acme.onmicrosoft.com, contoso.onmicrosoft.com]',
        '    auth:',
        '      type: clientSecret',
        '      clientId: 5f2b7c1e-3d4a-4b6c-8e9f-0a1b2c3d4e5f',
        '      clientSecretEnv: NHISCAN_TEST_ENTRA_SECRET',
        '',
      ].join('\n'),
    );
    const res = run(['scan', '--config', config, '--out', join(dir, 'scan')], {
      NHISCAN_TEST_ENTRA_SECRET: 'not-a-secret',
    });
    expect(res.status).toBe(EXIT.incomplete);
    const result = ScanResult.parse(
      JSON.parse(readFileSync(join(dir, 'scan', 'nhiscan-result.json'), 'utf8')),
    );
    expect(result.coverage.map((c) => [c.target, c.status])).toEqual([
      ['entra:acme.onmicrosoft.com', 'failed'],
      ['entra:contoso.onmicrosoft.com', 'failed'],
    ]);
    for (const c of result.coverage) {
      expect(c.gaps).toEqual([
        expect.objectContaining({
          code: 'not_supported',
          call: 'entra:sdk',
          // What a scan needs: the demo's TLS certificate library is not named.
          message: expect.stringContaining(
            'run `npm install @azure/identity@4.13.1 @microsoft/microsoft-graph-client@3.0.7` where',
          ),
        }),
      ]);
      expect(c.gaps[0]?.message).not.toContain('selfsigned');
    }
  });
});
