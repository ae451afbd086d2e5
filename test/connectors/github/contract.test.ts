// Contract: every GitHub fixture (the connector tests' and the demo estate's) is shaped exactly as
// GitHub's OpenAPI description says the endpoint answers. The test fixtures are listed in
// fixtures/github/manifest.json; the demo's files are named by the URL path they answer.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from '../../../src/paths.js';
import { createValidators, loadSubset, toJsonSchema } from './openapi.js';

const githubDir = join(fixturesDir, 'github');
const demoDir = join(fixturesDir, 'demo', 'github');
const NOT_FIXTURES = new Set(['openapi-subset.json', 'manifest.json']);

interface Manifest {
  fixtures: Record<string, { operations: string[]; note?: string }>;
}
const manifest = JSON.parse(readFileSync(join(githubDir, 'manifest.json'), 'utf8')) as Manifest;
const { validatorFor, componentValidator, operations } = createValidators();

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });

/** The subset operation a demo file answers: `orgs/acme/hooks.json` → `GET /orgs/{org}/hooks`. */
const demoOperation = (file: string): string | undefined => {
  const rel = relative(demoDir, file).replace(/\\/g, '/');
  if (!rel.endsWith('.json') || rel.startsWith('_')) return undefined;
  // "x.page2.json" is page 2 of x, "x.role-admin.json" the answer to x?role=admin.
  const path = '/' + rel.replace(/\.json$/, '').replace(/(\.role-[a-z]+)?(\.page\d+)?$/, '');
  const method = path.includes('/access_tokens') ? 'POST' : 'GET';
  const segments = path.split('/');
  const match = operations.find((op) => {
    const [m, template = '', status] = op.split(' ');
    if (m !== method || (status !== '200' && status !== '201')) return false;
    const parts = template.split('/');
    return parts.length === segments.length && parts.every((p, i) => p.startsWith('{') || p === segments[i]);
  });
  return match;
};

describe('GitHub OpenAPI subset', () => {
  it('turns OpenAPI nullable into JSON Schema null alternatives', () => {
    expect(toJsonSchema({ type: 'string', nullable: true })).toEqual({ type: ['string', 'null'] });
    expect(toJsonSchema({ type: 'string', enum: ['a'], nullable: true })).toEqual({
      type: ['string', 'null'],
      enum: ['a', null],
    });
    expect(toJsonSchema({ nullable: true, allOf: [{ $ref: '#/components/schemas/x' }] })).toEqual({
      anyOf: [{ allOf: [{ $ref: 'github-openapi-subset#/definitions/x' }] }, { type: 'null' }],
    });
    // A property named "nullable" is data, not the keyword.
    expect(toJsonSchema({ type: 'object', properties: { nullable: { type: 'boolean' } } })).toEqual({
      type: 'object',
      properties: { nullable: { type: 'boolean' } },
    });
  });

  it('rejects what the schema forbids (the validator is not a pass-through)', () => {
    const validate = validatorFor('GET /repos/{owner}/{repo}/keys');
    expect(validate([{ id: 'one' }])).toBe(false);
    const hooks = validatorFor('GET /orgs/{org}/personal-access-tokens');
    const grants = readJson(join(githubDir, 'pat-grants.json')) as Record<string, unknown>[];
    // token_expires_at is nullable: null passes, a number does not.
    expect(hooks([{ ...grants[0], token_expires_at: null }])).toBe(true);
    expect(hooks([{ ...grants[0], token_expires_at: 5 }])).toBe(false);
  });

  it('holds every operation the connector calls', () => {
    const subset = loadSubset();
    const listed = Object.values(manifest.fixtures).flatMap((f) =>
      f.operations.map((o) => o.split(' ').slice(0, 2).join(' ')),
    );
    for (const op of new Set(listed)) {
      const [method = '', path = ''] = op.split(' ');
      expect(subset.paths[path]?.[method.toLowerCase()], op).toBeDefined();
    }
  });
});

describe('fixtures/github: every file matches its endpoint schema', () => {
  const files = readdirSync(githubDir).filter((f) => f.endsWith('.json') && !NOT_FIXTURES.has(f));

  it('lists every fixture file in the manifest, and nothing else', () => {
    expect(files.sort()).toEqual(Object.keys(manifest.fixtures).sort());
  });

  const cases = files.flatMap((file) =>
    (manifest.fixtures[file]?.operations ?? []).map((operation) => ({ file, operation })),
  );
  it.each(cases)('$file is a valid $operation response', ({ file, operation }) => {
    const validate = validatorFor(operation);
    const ok = validate(readJson(join(githubDir, file)));
    expect(validate.errors ?? [], `${file} vs ${operation}`).toEqual([]);
    expect(ok).toBe(true);
  });
});

describe('fixtures/demo/github: every file matches the endpoint its path names', () => {
  let files: string[] = [];
  try {
    files = walk(demoDir).filter((f) => f.endsWith('.json') && !relative(demoDir, f).startsWith('_'));
  } catch {
    files = [];
  }

  it('has a demo org', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('answers its planted denials with GitHub error bodies', () => {
    const canned = readJson(join(demoDir, '_responses.json')) as Record<
      string,
      { status: number; body: unknown }
    >;
    const basicError = componentValidator('basic-error');
    expect(Object.keys(canned).length).toBeGreaterThan(0);
    for (const [path, reply] of Object.entries(canned)) {
      expect(basicError(reply.body), path).toBe(true);
      expect(reply.status).toBeGreaterThanOrEqual(400);
    }
  });

  it.each(files.map((f) => ({ file: relative(demoDir, f) })))('$file', ({ file }) => {
    const full = join(demoDir, file);
    const operation = demoOperation(full);
    expect(operation, `${file} answers no known operation`).toBeDefined();
    const validate = validatorFor(operation ?? '');
    const ok = validate(readJson(full));
    expect(validate.errors ?? [], `${file} vs ${operation ?? ''}`).toEqual([]);
    expect(ok).toBe(true);
  });
});
