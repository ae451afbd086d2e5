// Table-driven policy checks through the real evaluation path (src/evaluate.ts), so each
// expectation is about a parsed Finding: policy id, stable uid (which encodes the finding key),
// credential, severity, and the evidence the policy says it used. Never about message prose.
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config.js';
import { evaluatePolicies, findingUid } from '../../src/evaluate.js';
import type { Finding, Identity, Severity } from '../../src/model.js';
import type { AnyPolicy, PolicyContext } from '../../src/policy.js';
import { ctx as defaultCtx } from './identity-builder.js';

export interface Expected {
  key?: string;
  credentialUid?: string;
  severity?: Severity;
  /** Must be contained in the finding's evidence (toMatchObject). */
  evidence?: Record<string, unknown>;
}

export interface Case {
  name: string;
  identity: Identity;
  options?: Record<string, unknown>;
  ctx?: PolicyContext;
}

export interface Invalid extends Case {
  /** The findings, in the order the policy emits them. */
  expect: Expected[];
}

export const evaluate = (
  policy: AnyPolicy,
  identity: Identity,
  options: Record<string, unknown> = {},
  ctx: PolicyContext = defaultCtx(),
): Finding[] => {
  // The policy's block as a config file would hold it, through the core's strict config parser.
  const config = buildConfig(
    { policies: { [policy.id]: { options } } },
    { connectors: {}, policies: { [policy.id]: policy } },
    'policy-test',
    '/',
  );
  const { findings, failures } = evaluatePolicies([identity], config.policies, ctx);
  expect(failures).toEqual([]);
  return findings;
};

/** `valid`: identities that must not fire; `invalid`: identities that must, exactly as listed. */
export const runCases = (policy: AnyPolicy, cases: { valid: Case[]; invalid: Invalid[] }): void => {
  describe(`${policy.id}: valid (no finding)`, () => {
    it.each(cases.valid.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      expect(evaluate(policy, c.identity, c.options, c.ctx)).toEqual([]);
    });
  });
  describe(`${policy.id}: invalid (fires)`, () => {
    it.each(cases.invalid.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const findings = evaluate(policy, c.identity, c.options, c.ctx);
      expect(
        findings.map((f) => ({
          policyId: f.policyId,
          uid: f.uid,
          credentialUid: f.credentialUid,
          severity: f.severity,
        })),
      ).toEqual(
        c.expect.map((e) => ({
          policyId: policy.id,
          uid: findingUid(policy.id, c.identity.uid, e.credentialUid, e.key),
          credentialUid: e.credentialUid,
          severity: e.severity ?? policy.severity,
        })),
      );
      c.expect.forEach((e, i) => {
        expect(findings[i]!.evidence).toMatchObject(e.evidence ?? {});
        expect(findings[i]!.identityUid).toBe(c.identity.uid);
      });
    });
  });
};
