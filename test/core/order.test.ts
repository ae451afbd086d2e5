// One ordering: code-unit order, whatever the locale; control ids with numbers in numeric order.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256, stableStringify } from '../../src/hash.js';
import { compareCodeUnits, compareNatural } from '../../src/order.js';
import { packageRoot } from '../../src/paths.js';

const tsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

/** Code lines only: comments blanked, line numbers kept. */
const codeLines = (source: string): string[] =>
  source
    .replace(/\/\*[\s\S]*?\*\//g, (m) => '\n'.repeat(m.split('\n').length - 1))
    .split('\n')
    .map((line) => line.replace(/(^|[^:'"`\\])\/\/.*$/, '$1'));

/** `file:line: code` for each code line that collates by locale. */
const localeSorts = (file: string, source: string): string[] =>
  codeLines(source).flatMap((line, i) =>
    /\blocaleCompare\b|\bIntl\.Collator\b/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [],
  );

describe('code-unit order', () => {
  it('sorts as the bytes do, not as a language would', () => {
    expect(['ä', 'z', 'B', 'a', 'Z', '_x'].sort(compareCodeUnits)).toEqual(['B', 'Z', '_x', 'a', 'z', 'ä']);
  });

  it('orders the keys the config hash is taken over the same way', () => {
    expect(stableStringify({ ä: 1, z: 2, B: 3, a: { y: 1, X: 2 } })).toBe(
      '{"B":3,"a":{"X":2,"y":1},"z":2,"ä":1}',
    );
    expect(sha256(stableStringify({ z: 1, a: 2 }))).toBe(sha256(stableStringify({ a: 2, z: 1 })));
  });

  it('orders control ids with numbers numerically', () => {
    expect(['CC6.10', 'CC6.2', '1.12', '1.4', 'CC6.1', 'A.5.17', 'A.5.9'].sort(compareNatural)).toEqual([
      '1.4',
      '1.12',
      'A.5.9',
      'A.5.17',
      'CC6.1',
      'CC6.2',
      'CC6.10',
    ]);
  });

  it('is what the scanner, its connectors, policies and reports sort with: no locale collation in their code', () => {
    const found = ['src', 'connectors', 'policies'].flatMap((dir) =>
      tsFiles(join(packageRoot, dir)).flatMap((path) =>
        localeSorts(relative(packageRoot, path), readFileSync(path, 'utf8')),
      ),
    );
    expect(found).toEqual([]);
    expect(localeSorts('x.ts', '// localeCompare\nxs.sort((a, b) => a.localeCompare(b));')).toEqual([
      'x.ts:2: xs.sort((a, b) => a.localeCompare(b));',
    ]);
  });
});
