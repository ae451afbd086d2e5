// The Workspace fixtures are Google's shapes: fixtures/workspace/domain.ts is typed against
// @googleapis/admin's Schema$ types (the build fails on a misspelt field), the demo's
// domain.json is exactly that object, and every property name in it is one the discovery types
// declare (read from the client's own directory_v1 / reports_v1 declarations).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoDomainFile, NOT_AUTHORIZED } from '../../../fixtures/workspace/domain.js';
import { fixturesDir } from '../../../src/paths.js';
import { ErrorBody } from '../../../connectors/workspace/schema.js';

const build = dirname(createRequire(import.meta.url).resolve('@googleapis/admin'));
const declarations = (file: string): string => readFileSync(join(build, file), 'utf8');

/** Every property name the declaration of `Schema$<name>` lists, nested inline types included. */
const schemaProperties = (source: string, name: string): Set<string> => {
  const start = source.indexOf(`export interface Schema$${name} {`);
  expect(start, `Schema$${name}`).toBeGreaterThan(-1);
  let depth = 0;
  let end = start;
  for (let i = source.indexOf('{', start); i < source.length; i++) {
    if (source[i] === '{') depth++;
    else if (source[i] === '}' && --depth === 0) {
      end = i;
      break;
    }
  }
  const body = source.slice(start, end).replace(/\/\*\*[\s\S]*?\*\//g, '');
  return new Set([...body.matchAll(/^\s*([A-Za-z_][A-Za-z0-9_]*)\??:/gm)].map((m) => m[1]!));
};

/** Every key of every object inside `value` (arrays walked through). */
const keysOf = (value: unknown, out = new Set<string>()): Set<string> => {
  if (Array.isArray(value)) for (const v of value) keysOf(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      keysOf(v, out);
    }
  return out;
};

const directory = declarations('directory_v1.d.ts');
const reports = declarations('reports_v1.d.ts');
const demo = JSON.parse(
  readFileSync(join(fixturesDir, 'demo', 'workspace', 'domain.json'), 'utf8'),
) as ReturnType<typeof demoDomainFile>;

describe('workspace fixtures against the Admin SDK discovery types', () => {
  it('the demo domain.json is the typed fixture, written out', () => {
    expect(demo).toEqual(JSON.parse(JSON.stringify(demoDomainFile())));
  });

  it('users carry only Schema$User (and Schema$UserName) properties', () => {
    const allowed = new Set([
      ...schemaProperties(directory, 'User'),
      ...schemaProperties(directory, 'UserName'),
    ]);
    expect([...keysOf(demo.users)].filter((k) => !allowed.has(k))).toEqual([]);
    expect(keysOf(demo.users)).toContain('primaryEmail');
  });

  it('token lists carry only Schema$Tokens and Schema$Token properties', () => {
    const allowed = new Set([
      ...schemaProperties(directory, 'Tokens'),
      ...schemaProperties(directory, 'Token'),
    ]);
    const keys = keysOf(Object.values(demo.tokens));
    expect([...keys].filter((k) => !allowed.has(k))).toEqual([]);
    for (const k of [
      'clientId',
      'displayText',
      'scopes',
      'anonymous',
      'nativeApp',
      'userKey',
      'kind',
      'etag',
    ])
      expect(keys).toContain(k);
  });

  it('token activities carry only Schema$Activity properties', () => {
    const allowed = schemaProperties(reports, 'Activity');
    const keys = keysOf(demo.activities);
    expect([...keys].filter((k) => !allowed.has(k))).toEqual([]);
    for (const k of ['id', 'time', 'actor', 'email', 'events', 'name', 'parameters', 'multiValue'])
      expect(keys).toContain(k);
  });

  it("the refusal is Google's error body, as the connector reads it", () => {
    expect(ErrorBody.parse(NOT_AUTHORIZED).error.errors?.[0]?.reason).toBe('forbidden');
  });
});
