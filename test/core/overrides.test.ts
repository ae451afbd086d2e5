import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildConfig, type Registries } from '../../src/config.js';
import { evaluatePolicies } from '../../src/evaluate.js';
import { Identity } from '../../src/model.js';
import { type AnyPolicy, fail, pass } from '../../src/policy.js';

const agePolicy: AnyPolicy = {
  id: 'age',
  title: 'Too old',
  description: 'Fires when an identity is older than maxDays.',
  appliesTo: {},
  remediation: { default: 'Replace it.' },
  references: [],
  findings: [{ title: 'old', evidence: ['days'] }],
  severity: 'medium',
  options: z.strictObject({ maxDays: z.int().default(90), note: z.string().default('') }),
  controls: { soc2: ['CC6.1'], soc1: ['ITGC-LA-4'], owaspNhi: ['NHI7'] },
  evaluate: (i, o: { maxDays: number }, ctx) => {
    const days = Math.floor((ctx.asOf.getTime() - Date.parse(i.createdAt ?? '')) / 86_400_000);
    return [
      days > o.maxDays
        ? fail({ title: 'old', message: 'old', evidence: { days, maxDays: o.maxDays } })
        : pass(),
    ];
  },
};
const registries: Registries = { connectors: {}, policies: { age: agePolicy } };

const identity = (provider: string, kind: string, name: string, inScope = false) =>
  Identity.parse({
    uid: `${provider}:${name}`,
    provider,
    kind,
    name,
    location: { provider, scope: 'x' },
    createdAt: '2026-01-01T00:00:00Z',
    financialScope: { inScope, reasons: inScope ? ['selector "ledger": sits in x'] : [] },
  });

describe('per-provider and per-kind policy settings', () => {
  const config = buildConfig(
    {
      policies: {
        age: {
          options: { maxDays: 200, note: 'base' },
          overrides: [
            { provider: 'github', options: { maxDays: 100 } },
            { kind: 'github.deploy_key', severity: 'critical' },
            { provider: 'gcp', enabled: false },
          ],
        },
      },
    },
    registries,
    'test',
    '/tmp',
  );
  const asOf = new Date('2026-06-01T00:00:00Z'); // 151 days after creation

  it('applies the most specific matching settings, merging options over the base', () => {
    const { findings } = evaluatePolicies(
      [
        identity('aws', 'aws.iam_user', 'a'),
        identity('github', 'github.actions_secret', 'b'),
        identity('github', 'github.deploy_key', 'c'),
        identity('gcp', 'gcp.service_account', 'd'),
      ],
      config.policies,
      { asOf, directory: undefined },
    );
    expect(findings.map((f) => [f.identityName, f.severity, f.evidence.maxDays])).toEqual([
      ['b', 'medium', 100],
      ['c', 'critical', 100],
    ]);
  });

  it('validates override options with the policy schema, naming the path', () => {
    expect(() =>
      buildConfig(
        { policies: { age: { overrides: [{ provider: 'aws', options: { maxDays: 'x' } }] } } },
        registries,
        't',
        '/tmp',
      ),
    ).toThrow(/policies\.age\.overrides\[0\]\.options\.maxDays/);
    expect(() =>
      buildConfig({ policies: { age: { overrides: [{ severity: 'low' }] } } }, registries, 't', '/tmp'),
    ).toThrow(/policies\.age\.overrides\[0\]: an override needs provider or kind/);
  });

  it('adds SOC 1 objectives only on identities in financial scope, with the reason', () => {
    const { findings } = evaluatePolicies(
      [identity('aws', 'aws.iam_user', 'in', true), identity('aws', 'aws.iam_user', 'out')],
      config.policies,
      { asOf: new Date('2027-01-01T00:00:00Z'), directory: undefined },
    );
    const byName = Object.fromEntries(findings.map((f) => [f.identityName, f]));
    expect(byName.in!.controls.map((c) => `${c.framework}:${c.id}`)).toEqual([
      'SOC2:CC6.1',
      'OWASP-NHI-2025:NHI7',
      'SOC1:ITGC-LA-4',
    ]);
    expect(byName.in!.soc1Scope).toEqual(['selector "ledger": sits in x']);
    expect(byName.out!.controls.map((c) => c.framework)).toEqual(['SOC2', 'OWASP-NHI-2025']);
    expect(byName.out!.soc1Scope).toBeUndefined();
  });
});
