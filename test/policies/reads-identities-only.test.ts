// A policy reads identities only: what `evaluate` runs cannot reach an API. Every module a
// policy loads at run time (its static import closure, type-only imports aside) uses no package
// but zod and Node built-ins that do no networking, loads nothing dynamically and calls no fetch.
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { policies } from '../../policies/index.js';
import { packageRoot } from '../../src/paths.js';

const NETWORK_BUILTINS = [
  'http',
  'https',
  'http2',
  'net',
  'tls',
  'dns',
  'dgram',
  'child_process',
  'worker_threads',
];
const allowedPackage = (spec: string): boolean => {
  if (spec === 'zod' || spec.startsWith('zod/')) return true;
  const name = spec.replace(/^node:/, '').split('/')[0]!;
  return builtinModules.includes(name) && !NETWORK_BUILTINS.includes(name);
};

const stripComments = (source: string): string =>
  source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');

const IMPORT =
  /^\s*(?:import|export)\s+(?!type\s)([^;]*?)\s*from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm;
const typeOnly = (clause: string): boolean => {
  const names = /^\{([^}]*)\}$/.exec(clause.trim())?.[1];
  return (
    names !== undefined &&
    names
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean)
      .every((n) => n.startsWith('type '))
  );
};

export interface Reach {
  files: string[];
  /** `spec <- file` for each package or built-in a module of the closure imports. */
  packages: { spec: string; file: string }[];
  /** `file: line` for each dynamic import or fetch call. */
  calls: string[];
}

/** The modules a file loads at run time, transitively (relative imports resolved to .ts). */
export const runtimeClosure = (entry: string): Reach => {
  const reach: Reach = { files: [], packages: [], calls: [] };
  const seen = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    reach.files.push(relative(packageRoot, file));
    const code = stripComments(readFileSync(file, 'utf8'));
    code.split('\n').forEach((line, i) => {
      if (/\bimport\s*\(|\bfetch\s*\(/.test(line))
        reach.calls.push(`${relative(packageRoot, file)}:${i + 1}: ${line.trim()}`);
    });
    for (const m of code.matchAll(IMPORT)) {
      const spec = m[2] ?? m[3]!;
      if (m[1] !== undefined && typeOnly(m[1])) continue;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
        if (existsSync(target)) walk(target);
        else reach.packages.push({ spec: `unresolved ${spec}`, file: relative(packageRoot, file) });
      } else reach.packages.push({ spec, file: relative(packageRoot, file) });
    }
  };
  walk(entry);
  return reach;
};

describe('a policy reads identities only', () => {
  it.each(Object.keys(policies))('%s loads no SDK, no network module, nothing dynamic', (id) => {
    const reach = runtimeClosure(join(packageRoot, 'policies', `${id}.ts`));
    expect(reach.files.length).toBeGreaterThan(1);
    expect(reach.packages.filter((p) => !allowedPackage(p.spec))).toEqual([]);
    expect(reach.calls).toEqual([]);
  });

  it('finds an SDK, a network module and a fetch where they are (the check can fail)', () => {
    const reach = runtimeClosure(join(packageRoot, 'connectors', 'aws', 'collect.ts'));
    expect(reach.packages.map((p) => p.spec)).toContain('@aws-sdk/client-iam');
    expect(reach.packages.filter((p) => !allowedPackage(p.spec)).length).toBeGreaterThan(0);
    expect(allowedPackage('node:https')).toBe(false);
    expect(allowedPackage('undici')).toBe(false);
    expect(allowedPackage('node:path')).toBe(true);
  });
});
