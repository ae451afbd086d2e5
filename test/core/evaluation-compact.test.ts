// Issue 14's policy-layer speed and memory work, kept honest: evaluation records are held compactly
// and built as objects only when read (the same records, fields and key order as before), the
// per-control counts keep the key order of the records that first named each control, and an
// identity's typed attributes are parsed once however many policies read them.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { memoisedRead } from '../../src/attribute-read.js';
import { buildConfig, type Registries } from '../../src/config.js';
import { evaluatePolicies } from '../../src/evaluate.js';
import { Identity } from '../../src/model.js';
import { type AnyPolicy, fail, notApplicable, pass, unknown } from '../../src/policy.js';

const ctx = { asOf: new Date('2026-07-01T00:00:00Z'), directory: undefined };

const robot = (name: string, provider: string, inScope = false): Identity =>
  Identity.parse({
    uid: `${provider}:acct/${name}`,
    provider,
    kind: `${provider}.robot`,
    name,
    location: { provider, scope: 'acct' },
    createdAt: '2026-01-01T00:00:00Z',
    financialScope: { inScope, reasons: inScope ? ['tag:sox'] : [] },
  });

const policyOf = (
  id: string,
  evaluate: AnyPolicy['evaluate'],
  extra: Partial<AnyPolicy> = {},
): AnyPolicy => ({
  id,
  title: id,
  description: `Test policy ${id}.`,
  appliesTo: {},
  severity: 'medium',
  options: z.strictObject({}),
  controls: { soc2: ['CC6.1'], soc1: ['ITGC-LA-4'], owaspNhi: ['NHI7'] },
  remediation: { default: 'Fix it.' },
  references: ['https://example.com/doc'],
  findings: [{ key: 'k', title: 't', evidence: [] }],
  evaluate,
  ...extra,
});

const evaluate = (policies: AnyPolicy[], identities: Identity[]) => {
  const registries: Registries = {
    connectors: {},
    policies: Object.fromEntries(policies.map((p) => [p.id, p])),
  };
  return evaluatePolicies(identities, buildConfig({}, registries, 'test', '/tmp').policies, ctx);
};

describe('evaluation records held compactly', () => {
  const policies = [
    policyOf('p-fail', (i) =>
      i.name === 'a' ? [fail({ key: 'k', title: 'bad', message: 'bad', evidence: {} })] : [pass()],
    ),
    policyOf('p-unknown', (i) => [i.name === 'b' ? unknown(`no date for ${i.name}`) : pass()], {
      controls: { soc2: ['CC6.2'], soc1: [] },
    }),
    policyOf('p-gh-only', () => [notApplicable('never')], { appliesTo: { providers: ['gh'] } }),
  ];
  const identities = [robot('a', 'fake', true), robot('b', 'fake'), robot('c', 'gh')];

  it('are built on first read, then the same array; every field in the order records always had', () => {
    const result = evaluate(policies, identities);
    const descriptor = Object.getOwnPropertyDescriptor(result, 'evaluations');
    expect(typeof descriptor?.get).toBe('function');
    expect(descriptor?.enumerable).toBe(true);
    const records = result.evaluations;
    expect(result.evaluations).toBe(records);
    const [finding] = result.findings;
    expect(records.map((r) => Object.keys(r))).toEqual([
      ['policyId', 'identityUid', 'status', 'findings'],
      ['policyId', 'identityUid', 'status', 'findings'],
      ['policyId', 'identityUid', 'status', 'reason', 'findings'],
      ['policyId', 'identityUid', 'status', 'findings'],
      ['policyId', 'identityUid', 'status', 'reason', 'findings'],
      ['policyId', 'identityUid', 'status', 'reason', 'findings'],
      ['policyId', 'identityUid', 'status', 'findings'],
      ['policyId', 'identityUid', 'status', 'findings'],
      ['policyId', 'identityUid', 'status', 'reason', 'findings'],
    ]);
    expect(records[0]).toEqual({
      policyId: 'p-fail',
      identityUid: 'fake:acct/a',
      status: 'fail',
      findings: [finding?.uid],
    });
    expect(records[4]).toEqual({
      policyId: 'p-unknown',
      identityUid: 'fake:acct/b',
      status: 'unknown',
      reason: 'no date for b',
      findings: [],
    });
    expect(records[8]).toEqual({
      policyId: 'p-gh-only',
      identityUid: 'gh:acct/c',
      status: 'not-applicable',
      reason: 'never',
      findings: [],
    });
    // Records that raised nothing do not share one array: a reader may hold and change its own.
    expect(records[1]?.findings).not.toBe(records[3]?.findings);
  });

  it('counts per control in the order the records first named each control', () => {
    const { summary } = evaluate(policies, identities);
    // Identity a (financial scope) brings SOC 1 in with p-fail's first record; p-unknown adds CC6.2.
    expect(Object.keys(summary.byControl)).toEqual([
      'SOC2:CC6.1',
      'OWASP-NHI-2025:NHI7',
      'SOC1:ITGC-LA-4',
      'SOC2:CC6.2',
    ]);
    expect(summary.byControl['SOC2:CC6.1']).toEqual({ pass: 2, fail: 1, unknown: 0, notApplicable: 3 });
    expect(summary.byControl['SOC1:ITGC-LA-4']).toEqual({ pass: 0, fail: 1, unknown: 0, notApplicable: 1 });
    expect(summary.byControl['SOC2:CC6.2']).toEqual({ pass: 2, fail: 0, unknown: 1, notApplicable: 0 });
    expect(summary.byPolicy['p-gh-only']).toEqual({ pass: 0, fail: 0, unknown: 0, notApplicable: 3 });
  });
});

describe('memoisedRead', () => {
  it('parses an object once, however often it is read; another object is parsed on its own', () => {
    let parses = 0;
    const read = memoisedRead(
      z.object({ n: z.number() }).transform((v) => {
        parses += 1;
        return v;
      }),
    );
    const attributes = { n: 1 };
    expect(read(attributes)).toEqual({ n: 1 });
    expect(read(attributes)).toBe(read(attributes));
    expect(parses).toBe(1);
    expect(read({ n: 1 })).toEqual({ n: 1 });
    expect(parses).toBe(2);
    expect(read({ n: 'x' })).toBeUndefined();
    expect(read(undefined)).toBeUndefined();
  });
});
