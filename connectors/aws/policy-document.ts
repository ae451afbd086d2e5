// AWS policy documents → Grant[] (permission statements) and Trust[] (role trust statements).
// GetAccountAuthorizationDetails returns documents URL-encoded (RFC 3986); other sources and some
// emulators return plain JSON, so both are accepted. Action, Resource and Principal values may be
// a string or a list; Principal may be the bare string "*".
import { z } from 'zod';
import type { Grant, Trust } from '../../src/model.js';
import { AWS_TRUST_PRINCIPAL, type AwsTrustPrincipalType } from './attributes.js';

const StringOrList = z.union([z.string(), z.array(z.string())]);

export const Statement = z.looseObject({
  Sid: z.string().optional(),
  Effect: z.string(),
  Action: StringOrList.optional(),
  NotAction: StringOrList.optional(),
  Resource: StringOrList.optional(),
  NotResource: StringOrList.optional(),
  Principal: z.union([z.literal('*'), z.record(z.string(), StringOrList)]).optional(),
  NotPrincipal: z.union([z.literal('*'), z.record(z.string(), StringOrList)]).optional(),
  Condition: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});
export type Statement = z.infer<typeof Statement>;

export const PolicyDocument = z.looseObject({
  Version: z.string().optional(),
  Statement: z.union([Statement, z.array(Statement)]),
});
export type PolicyDocument = z.infer<typeof PolicyDocument>;

export class PolicyDocumentError extends Error {
  override readonly name = 'PolicyDocumentError';
}

/** Decodes a policy document as AWS returns it (URL-encoded or plain JSON) and checks its shape. */
export const parsePolicyDocument = (raw: string | object): PolicyDocument => {
  let data: unknown = raw;
  if (typeof raw === 'string') {
    const text = raw.trim();
    let json = text;
    // Plain JSON starts with "{"; anything else is URL-encoded (it starts with "%7B").
    if (!text.startsWith('{')) {
      try {
        json = decodeURIComponent(text);
      } catch {
        throw new PolicyDocumentError('policy document is neither JSON nor valid URL-encoded JSON');
      }
    }
    try {
      data = JSON.parse(json);
    } catch {
      throw new PolicyDocumentError('policy document is not valid JSON after decoding');
    }
  }
  const parsed = PolicyDocument.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PolicyDocumentError(
      `policy document has an unexpected shape at ${issue?.path.join('.') || '(top)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
};

export const statementsOf = (doc: PolicyDocument): Statement[] =>
  Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

const normaliseEffect = (effect: string): 'Allow' | 'Deny' =>
  effect.toLowerCase() === 'deny' ? 'Deny' : 'Allow';

/** Condition values as arrays of strings, exactly as written otherwise. */
export const normaliseConditions = (
  condition: Statement['Condition'],
): Record<string, Record<string, string[]>> => {
  const out: Record<string, Record<string, string[]>> = {};
  for (const [operator, keys] of Object.entries(condition ?? {})) {
    const entry: Record<string, string[]> = {};
    for (const [key, value] of Object.entries(keys)) {
      const values = Array.isArray(value) ? value : [value];
      entry[key] = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
    }
    out[operator] = entry;
  }
  return out;
};

const hasConditions = (s: Statement): boolean =>
  Object.values(s.Condition ?? {}).some((keys) => Object.keys(keys).length > 0);

/** One Grant per statement, `source` = `${prefix}#${statementIndex}`. */
export const toGrants = (doc: PolicyDocument, prefix: string): Grant[] =>
  statementsOf(doc).map((s, i) => {
    const notAction = s.NotAction !== undefined && s.Action === undefined;
    const notResource = s.NotResource !== undefined && s.Resource === undefined;
    return {
      effect: normaliseEffect(s.Effect),
      actions: list(notAction ? s.NotAction : s.Action),
      notAction,
      resources: list(notResource ? s.NotResource : s.Resource),
      notResource,
      conditional: hasConditions(s),
      ...(hasConditions(s) ? { conditions: normaliseConditions(s.Condition) } : {}),
      source: `${prefix}#${i}`,
      ...(s.Sid ? { sid: s.Sid } : {}),
    };
  });

const PRINCIPAL_TYPES: Record<string, AwsTrustPrincipalType> = {
  aws: AWS_TRUST_PRINCIPAL.aws,
  federated: AWS_TRUST_PRINCIPAL.federated,
  service: AWS_TRUST_PRINCIPAL.service,
};

/**
 * One Trust per principal of each Allow statement of a role's trust policy. "*" (bare or as
 * {"AWS": "*"}) is `any`. A NotPrincipal Allow trusts everyone but the named principals, so it is
 * recorded as `any` with the exclusions in `principal`.
 */
export const toTrusts = (doc: PolicyDocument): Trust[] => {
  const out: Trust[] = [];
  statementsOf(doc).forEach((s, i) => {
    if (normaliseEffect(s.Effect) !== 'Allow') return;
    const base = {
      conditions: normaliseConditions(s.Condition),
      actions: list(s.Action ?? s.NotAction),
      source: `trust#${i}`,
      ...(s.Sid ? { sid: s.Sid } : {}),
    };
    if (s.Principal === '*') {
      out.push({ principalType: AWS_TRUST_PRINCIPAL.any, principal: '*', ...base });
    } else if (s.Principal) {
      for (const [type, value] of Object.entries(s.Principal)) {
        for (const principal of list(value)) {
          const principalType =
            principal === '*'
              ? AWS_TRUST_PRINCIPAL.any
              : (PRINCIPAL_TYPES[type.toLowerCase()] ?? AWS_TRUST_PRINCIPAL.other);
          out.push({ principalType, principal, ...base });
        }
      }
    }
    if (s.NotPrincipal) {
      const excluded =
        s.NotPrincipal === '*'
          ? ['*']
          : Object.entries(s.NotPrincipal).flatMap(([type, v]) => list(v).map((p) => `${type}:${p}`));
      out.push({
        principalType: AWS_TRUST_PRINCIPAL.any,
        principal: `NotPrincipal ${excluded.join(', ')}`,
        ...base,
      });
    }
  });
  return out;
};
