import { Writable } from 'node:stream';
// The evaluation contract: one record per policy in force x identity, so an auditor can test
// completeness ("these identities were evaluated by these policies: n passed, m failed, 0
// unknown"). The core decides not-applicable from `appliesTo` without calling the policy, records
// an override that disables a policy for a kind as not-applicable, and never lets a policy fail
// open (a throw, no verdict, a fail without findings: unknown, and a coverage gap).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '../../src/clock.js';
import { buildConfig, type Registries } from '../../src/config.js';
import type { AnyConnector } from '../../src/connector.js';
import { MAX_REMEMBERED_READS, memoisedRead } from '../../src/attribute-read.js';
import { DISABLED_BY_CONFIG, evaluatePolicies, foldVerdicts } from '../../src/evaluate.js';
import { silentLogger } from '../../src/log.js';
import { Identity, type IdentityInput } from '../../src/model.js';
import { type AnyPolicy, type Verdict, fail, notApplicable, pass, unknown } from '../../src/policy.js';
import { jsonReporter } from '../../src/report/json.js';
import { builtins } from '../../src/registry.js';
import { runScan } from '../../src/scan.js';
import { expectCountsAddUp } from './evaluation-counts.js';

const AS_OF = new Date('2026-07-01T00:00:00Z');
const ctx = { asOf: AS_OF, directory: undefined };

const robot = (name: string, extra: Partial<IdentityInput> = {}): Identity =>
  Identity.parse({
    uid: `fake:acct/${name}`,
    provider: 'fake',
    kind: 'fake.robot',
    name,
    location: { provider: 'fake', scope: 'acct' },
    createdAt: '2026-01-01T00:00:00Z',
    ...extra,
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
  remediation: { default: 'Fix it.', byKind: { 'fake.robot': 'Fix the robot.' } },
  references: ['https://example.com/doc'],
  findings: [{ key: 'k', title: 't', evidence: [] }],
  evaluate,
  ...extra,
});

const finding = { key: 'k', title: 'bad', message: 'bad', evidence: {} };

const run = (policies: AnyPolicy[], identities: Identity[], raw: Record<string, unknown> = {}) => {
  const registries: Registries = {
    connectors: {},
    policies: Object.fromEntries(policies.map((p) => [p.id, p])),
  };
  const config = buildConfig(raw, registries, 'test', '/tmp');
  return evaluatePolicies(identities, config.policies, ctx);
};

describe('folding a policy verdicts into one status', () => {
  const f = fail(finding);
  it.each<[string, Verdict[], string]>([
    ['any fail is a fail', [pass(), f, unknown('x')], 'fail'],
    ['else any unknown is unknown', [pass(), unknown('x'), notApplicable('y')], 'unknown'],
    ['else any pass is a pass', [pass(), notApplicable('y')], 'pass'],
    ['only not-applicable', [notApplicable('y'), notApplicable('z')], 'not-applicable'],
  ])('%s', (_n, verdicts, status) => {
    expect(foldVerdicts(verdicts).status).toBe(status);
  });
  it('a fail keeps what was unknown beside it', () => {
    expect(foldVerdicts([f, unknown('no date for K2')]).reason).toBe('also unknown: no date for K2');
  });
});

describe('evaluatePolicies', () => {
  it('records not-applicable from appliesTo without calling the policy', () => {
    let calls = 0;
    const onlyOther = policyOf(
      'only-other',
      () => {
        calls++;
        return [pass()];
      },
      { appliesTo: { providers: ['other'] } },
    );
    const { evaluations, summary } = run([onlyOther], [robot('a'), robot('b')]);
    expect(calls).toBe(0);
    expect(evaluations.map((e) => [e.identityUid, e.status])).toEqual([
      ['fake:acct/a', 'not-applicable'],
      ['fake:acct/b', 'not-applicable'],
    ]);
    expect(evaluations[0]!.reason).toMatch(/judges other identities only/);
    expect(summary.byPolicy['only-other']).toEqual({ pass: 0, fail: 0, unknown: 0, notApplicable: 2 });
  });

  it('a kind disabled by an override is not-applicable "disabled by config"; a policy off everywhere records nothing', () => {
    const p = policyOf('p', () => [pass()]);
    const q = policyOf('q', () => [pass()]);
    const { evaluations, summary } = run([p, q], [robot('a'), robot('g', { kind: 'fake.gadget' })], {
      policies: { p: { overrides: [{ kind: 'fake.gadget', enabled: false }] }, q: { enabled: false } },
    });
    expect(evaluations.map((e) => [e.policyId, e.identityUid, e.status, e.reason])).toEqual([
      ['p', 'fake:acct/a', 'pass', undefined],
      ['p', 'fake:acct/g', 'not-applicable', DISABLED_BY_CONFIG],
    ]);
    expect(Object.keys(summary.byPolicy)).toEqual(['p']);
  });

  it('a policy off by default but enabled for one kind records every identity', () => {
    const p = policyOf('p', () => [pass()]);
    const { evaluations } = run([p], [robot('a'), robot('g', { kind: 'fake.gadget' })], {
      policies: { p: { enabled: false, overrides: [{ kind: 'fake.gadget', enabled: true }] } },
    });
    expect(evaluations.map((e) => e.status)).toEqual(['not-applicable', 'pass']);
  });

  it.each<[string, AnyPolicy['evaluate'], RegExp]>([
    [
      'throws',
      () => {
        throw new Error('boom');
      },
      /boom/,
    ],
    ['returns no verdict', () => [], /returned no verdict/],
    ['fails without findings', () => [fail()], /fail verdict without findings/],
    ['is unknown without a reason', () => [{ status: 'unknown', reason: ' ' }], /unknown without a reason/],
    [
      'returns finding drafts (the old contract)',
      () => [finding] as unknown as Verdict[],
      /status undefined/,
    ],
  ])('a policy that %s is unknown on that identity, and a coverage gap', (_n, evaluate, message) => {
    const { evaluations, failures, findings } = run([policyOf('bad', evaluate)], [robot('a')]);
    expect(findings).toEqual([]);
    expect(evaluations).toMatchObject([{ policyId: 'bad', status: 'unknown' }]);
    expect(evaluations[0]!.reason).toMatch(message);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.gap).toMatchObject({ call: 'policy:bad', resource: 'fake:acct/a', recovered: false });
  });

  it('a fail lists its findings; a draft without remediation gets the policy remediation for the kind', () => {
    const p = policyOf('p', (i) => [i.name === 'a' ? fail(finding) : pass()]);
    const { evaluations, findings } = run([p], [robot('a'), robot('b')]);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.remediation).toBe('Fix the robot.');
    expect(evaluations[0]).toMatchObject({ status: 'fail', findings: [findings[0]!.uid] });
    expect(evaluations[1]).toMatchObject({ status: 'pass', findings: [] });
  });

  // Findings are built from checked drafts without running the Finding schema (issue 14): a bad
  // draft is still refused with the schema's error, and no two findings share an object.
  it.each<[string, object]>([
    ['a title that is not a string', { title: 7 }],
    ['an unknown severity', { severity: 'urgent' }],
    ['evidence that is not an object', { evidence: ['x'] }],
    ['a remediation that is not a string', { remediation: 42 }],
  ])('a draft with %s is refused as the Finding schema refuses it', (_n, bad) => {
    const p = policyOf('p', () => [fail({ ...finding, ...bad })]);
    expect(() => run([p], [robot('a')])).toThrow(z.ZodError);
  });

  it('findings share no location, control or evidence object with each other or the draft', () => {
    const evidence = { seen: ['x'] };
    const p = policyOf('p', () => [fail({ ...finding, evidence })]);
    const { findings } = run([p], [robot('a'), robot('b')]);
    const [a, b] = findings;
    expect(a && b).toBeTruthy();
    expect(a!.location).toEqual({ provider: 'fake', scope: 'acct' });
    expect(a!.location).not.toBe(b!.location);
    expect(a!.controls).toEqual(b!.controls);
    expect(a!.controls[0]).not.toBe(b!.controls[0]);
    expect(a!.evidence).toEqual(evidence);
    expect(a!.evidence).not.toBe(evidence);
    expect(a!.evidence).not.toBe(b!.evidence);
    expect(Object.keys(a!)).toEqual([
      'uid',
      'policyId',
      'severity',
      'title',
      'message',
      'provider',
      'identityUid',
      'identityKind',
      'identityName',
      'location',
      'credentialUid',
      'evidence',
      'remediation',
      'controls',
      'soc1Scope',
    ]);
  });

  it('counts per control keyed FRAMEWORK:id, SOC 1 only for identities in financial scope', () => {
    const p = policyOf('p', (i) => [
      i.name === 'a' ? fail(finding) : i.name === 'b' ? pass() : unknown('no date'),
    ]);
    const inScope = { financialScope: { inScope: true, reasons: ['ledger'] } };
    const { summary } = run([p], [robot('a', inScope), robot('b'), robot('c')]);
    expect(summary.identities).toBe(3);
    expect(summary.byControl['SOC2:CC6.1']).toEqual({ pass: 1, fail: 1, unknown: 1, notApplicable: 0 });
    expect(summary.byControl['OWASP-NHI-2025:NHI7']).toEqual({
      pass: 1,
      fail: 1,
      unknown: 1,
      notApplicable: 0,
    });
    expect(summary.byControl['SOC1:ITGC-LA-4']).toEqual({ pass: 0, fail: 1, unknown: 0, notApplicable: 0 });
  });
});

describe('runScan returns a Scan', () => {
  const connector: AnyConnector = {
    id: 'fake',
    title: 'fake',
    config: z.strictObject({ enabled: z.boolean().default(true) }),
    targets: () => [{ id: 'fake:acct', provider: 'fake', label: 'fake acct', data: undefined }],
    collect: async function* (_t, _c, c) {
      c.setScope('acct');
      await Promise.resolve();
      yield {
        ...robot('fresh'),
        credentials: [
          {
            uid: 'K1',
            type: 'access_key',
            status: 'active',
            createdAt: '2026-06-01T00:00:00Z',
            lastRotatedAt: '2026-06-01T00:00:00Z',
            lastUsedAt: '2026-06-30T00:00:00Z',
          },
        ],
      };
      yield {
        ...robot('stale'),
        owner: null,
        credentials: [
          {
            uid: 'K2',
            type: 'access_key',
            status: 'active',
            createdAt: '2025-01-01T00:00:00Z',
            lastRotatedAt: '2025-01-01T00:00:00Z',
          },
        ],
      };
      yield { ...robot('bare'), owner: { value: 'alice', source: 'tag:owner' } };
    },
  };

  it('with the built-in policies, whose counts add up and match the findings', async () => {
    const registries: Registries = { connectors: { fake: connector }, policies: builtins.policies };
    const config = buildConfig({ providers: { fake: {} } }, registries, 'test', '/tmp');
    const scan = await runScan({ config, clock: systemClock(AS_OF), log: silentLogger });
    expect(scan.identities).toHaveLength(3);
    expectCountsAddUp(scan);
    expect(Object.keys(scan.evaluationSummary!.byPolicy)).toEqual(Object.keys(builtins.policies));
    expect(scan.evaluationSummary!.byPolicy['rotation-age']).toEqual({
      pass: 1,
      fail: 1,
      unknown: 0,
      notApplicable: 1,
    });
    // K2's last use is not known: unknown, never a pass.
    expect(
      scan.evaluations.find((e) => e.policyId === 'staleness' && e.identityUid === 'fake:acct/stale'),
    ).toMatchObject({
      status: 'unknown',
      reason: expect.stringMatching(/K2: no last-used date/),
    });
    // The records travel beside the result, not in nhiscan-result.json.
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        done();
      },
    });
    await jsonReporter.write(scan, sink);
    const written = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    expect(written).not.toHaveProperty('evaluations');
    expect(written.evaluationSummary).toEqual(scan.evaluationSummary);
  });
});

// Issue 14's policy-layer speed and memory work, kept honest: evaluation records are held compactly
// and built as objects only when read (the same records, fields and key order as before), the
// per-control counts keep the key order of the records that first named each control, and an
// identity's typed attributes are parsed once however many policies read them.
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
  const identities = [
    robot('a', { financialScope: { inScope: true, reasons: ['tag:sox'] } }),
    robot('b'),
    robot('c', {
      uid: 'gh:acct/c',
      provider: 'gh',
      kind: 'gh.robot',
      location: { provider: 'gh', scope: 'acct' },
    }),
  ];

  it('are built on first read, then the same array; every field in the order records always had', () => {
    const result = run(policies, identities);
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
    const { summary } = run(policies, identities);
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

  it('keeps the recent parses only, not one per identity to the end of the scan (issue 14)', () => {
    let parses = 0;
    const read = memoisedRead(
      z.object({ n: z.number() }).transform((v) => {
        parses += 1;
        return v;
      }),
    );
    const first = { n: 0 };
    const parsed = read(first);
    // Kept beside each object (a WeakMap), it lived as long as the scan held the identity.
    for (let i = 1; i <= MAX_REMEMBERED_READS; i++) read({ n: i });
    expect(parses).toBe(MAX_REMEMBERED_READS + 1);
    expect(read(first)).toEqual(parsed);
    expect(read(first)).not.toBe(parsed);
    expect(parses).toBe(MAX_REMEMBERED_READS + 2);
  });
});
