// Table-driven policy checks through the real evaluation path (src/evaluate.ts), so each
// expectation is about a parsed Finding: policy id, stable uid (which encodes the finding key),
// credential, severity, and the evidence the policy says it used. Never about message prose.
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config.js';
import { evaluatePolicies, findingUid, sharedFindingUid } from '../../src/evaluate.js';
import type { EvaluationRecord, EvaluationStatus, Finding, Identity, Severity } from '../../src/model.js';
import { type AnyPolicy, type PolicyContext, declaredControls } from '../../src/policy.js';
import { ctx as defaultCtx } from './identity-builder.js';

export interface Expected {
  key?: string;
  credentialUid?: string;
  severity?: Severity;
  /** For a finding on something shared (FindingDraft.shared): its uid, from which the id derives. */
  shared?: string;
  /** Must be contained in the finding's evidence (toMatchObject). */
  evidence?: Record<string, unknown>;
  /** Text the finding's remediation must contain (advice that fits the kind). */
  remediation?: string;
}

export interface Case {
  name: string;
  identity: Identity;
  options?: Record<string, unknown>;
  ctx?: PolicyContext;
  /** For a valid case: the status it must record (pass, unknown or not-applicable; never fail). */
  status?: Exclude<EvaluationStatus, 'fail'>;
}

export interface Invalid extends Case {
  /** The findings, in the order the policy emits them. */
  expect: Expected[];
}

/** The one evaluation record of `policy` on `identity`, and its findings. */
export const judge = (
  policy: AnyPolicy,
  identity: Identity,
  options: Record<string, unknown> = {},
  ctx: PolicyContext = defaultCtx(),
): { findings: Finding[]; record: EvaluationRecord } => {
  // The policy's block as a config file would hold it, through the core's strict config parser.
  const config = buildConfig(
    { policies: { [policy.id]: { options } } },
    { connectors: {}, policies: { [policy.id]: policy } },
    'policy-test',
    '/',
  );
  const { findings, failures, evaluations } = evaluatePolicies([identity], config.policies, ctx);
  expect(failures).toEqual([]);
  expect(evaluations).toHaveLength(1);
  const record = evaluations[0]!;
  // The record and the findings tell one story: fail exactly when findings were raised.
  expect(record.findings).toEqual(findings.map((f) => f.uid));
  expect(record.status === 'fail').toBe(findings.length > 0);
  if (record.status === 'unknown' || record.status === 'not-applicable') expect(record.reason).toBeTruthy();
  return { findings, record };
};

export const evaluate = (
  policy: AnyPolicy,
  identity: Identity,
  options: Record<string, unknown> = {},
  ctx: PolicyContext = defaultCtx(),
): Finding[] => judge(policy, identity, options, ctx).findings;

/** "<credential type>" in a declared key stands for any text. */
const keyPattern = (declared: string): RegExp =>
  new RegExp(`^${declared.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/<[^>]*>/g, '.+')}$`);

/** A finding key the policy's `findings` metadata (and so its doc page) does not list is a defect. */
export const declaredFinding = (policy: AnyPolicy, key: string | undefined) =>
  policy.findings.find((f) =>
    f.key === undefined ? key === undefined : key !== undefined && keyPattern(f.key).test(key),
  );

/** `valid`: identities that must not fire; `invalid`: identities that must, exactly as listed. */
export const runCases = (policy: AnyPolicy, cases: { valid: Case[]; invalid: Invalid[] }): void => {
  describe(`${policy.id}: valid (no finding)`, () => {
    it.each(cases.valid.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const { findings, record } = judge(policy, c.identity, c.options, c.ctx);
      expect(findings).toEqual([]);
      expect(record.status).not.toBe('fail');
      if (c.status) expect(record.status).toBe(c.status);
    });
  });
  describe(`${policy.id}: invalid (fires)`, () => {
    it.each(cases.invalid.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const { findings, record } = judge(policy, c.identity, c.options, c.ctx);
      expect(record.status).toBe('fail');
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
          uid:
            e.shared !== undefined
              ? sharedFindingUid(policy.id, e.shared, e.key)
              : findingUid(policy.id, c.identity.uid, e.credentialUid, e.key),
          credentialUid: e.credentialUid,
          severity: e.severity ?? policy.severity,
        })),
      );
      c.expect.forEach((e, i) => {
        expect(findings[i]!.evidence).toMatchObject(e.evidence ?? {});
        if (e.remediation) expect(findings[i]!.remediation).toContain(e.remediation);
        expect(findings[i]!.identityUid).toBe(c.identity.uid);
        // Documented: the key and every evidence key are listed in the policy's metadata.
        const spec = declaredFinding(policy, e.key);
        expect(spec, `finding key ${String(e.key)} is declared in ${policy.id}.findings`).toBeDefined();
        for (const k of Object.keys(findings[i]!.evidence))
          expect(spec?.evidence, `evidence key ${k} of ${String(e.key)}`).toContain(k);
        // A SOC 2 criterion a finding adds is declared on its spec, so the control matrix lists it.
        const declared = declaredControls(policy).soc2;
        for (const c of findings[i]!.controls.filter((r) => r.framework === 'SOC2'))
          expect(declared, `SOC 2 ${c.id} of ${String(e.key)} is declared`).toContain(c.id);
      });
    });
  });
};
