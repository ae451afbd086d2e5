// Validates payloads against GitHub's OpenAPI description (the committed extract,
// fixtures/github/openapi-subset.json) with ajv. OpenAPI 3.0 is not JSON Schema: `nullable: true`
// means "or null", which is rewritten here into a JSON Schema `null` alternative.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { fixturesDir } from '../../../src/paths.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = { [k: string]: Json };

interface OpenApiSubset {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
}

const SUBSET_ID = 'github-openapi-subset';

// ajv-formats is CommonJS: under NodeNext its default export is the module object.
const addFormats = ajvFormats.default.default;

/** OpenAPI 3.0 schema → JSON Schema (draft-07 as ajv reads it). */
export const toJsonSchema = (node: Json): Json => {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'nullable') continue;
    if (k === '$ref' && typeof v === 'string') {
      out[k] = v.replace('#/components/schemas/', `${SUBSET_ID}#/definitions/`);
    } else if (k === 'properties' && v && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, toJsonSchema(s)]));
    } else {
      out[k] = toJsonSchema(v);
    }
  }
  if (node.nullable !== true) return out;
  // A typed schema gains "null" as a type (and as an enum value); anything else (allOf, oneOf,
  // $ref) becomes "this or null".
  if (
    typeof out.type === 'string' &&
    out.$ref === undefined &&
    out.allOf === undefined &&
    out.oneOf === undefined
  ) {
    const nullable: Schema = { ...out, type: [out.type, 'null'] };
    if (Array.isArray(out.enum)) nullable.enum = [...out.enum, null];
    return nullable;
  }
  return { anyOf: [out, { type: 'null' }] };
};

export const loadSubset = (): OpenApiSubset =>
  JSON.parse(readFileSync(join(fixturesDir, 'github', 'openapi-subset.json'), 'utf8')) as OpenApiSubset;

/** A validator per "METHOD /path[ status]" of the subset. */
export const createValidators = (): {
  validatorFor: (operation: string) => ValidateFunction;
  /** A component schema by name, e.g. "basic-error". */
  componentValidator: (name: string) => ValidateFunction;
  operations: string[];
} => {
  const subset = loadSubset();
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addSchema(
    {
      $id: SUBSET_ID,
      definitions: Object.fromEntries(
        Object.entries(subset.components.schemas).map(([name, schema]) => [name, toJsonSchema(schema)]),
      ),
    },
    SUBSET_ID,
  );
  const operations: string[] = [];
  for (const [path, methods] of Object.entries(subset.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      for (const status of Object.keys(op.responses))
        operations.push(`${method.toUpperCase()} ${path} ${status}`);
    }
  }
  const cache = new Map<string, ValidateFunction>();
  return {
    operations,
    componentValidator: (name) => {
      if (!(name in subset.components.schemas))
        throw new Error(`${name}: not a component of openapi-subset.json`);
      return ajv.compile({ $ref: `${SUBSET_ID}#/definitions/${name}` });
    },
    validatorFor: (operation) => {
      const [method = '', path = '', status] = operation.split(' ');
      const op = subset.paths[path]?.[method.toLowerCase()];
      if (!op) throw new Error(`${operation}: not in openapi-subset.json`);
      const code = status ?? Object.keys(op.responses).find((s) => s === '200' || s === '201') ?? '';
      const schema = op.responses[code]?.content?.['application/json']?.schema;
      if (!schema) throw new Error(`${operation}: no JSON response schema for status ${code}`);
      const key = `${method} ${path} ${code}`;
      let validate = cache.get(key);
      if (!validate) {
        validate = ajv.compile(toJsonSchema(schema) as Schema);
        cache.set(key, validate);
      }
      return validate;
    },
  };
};
