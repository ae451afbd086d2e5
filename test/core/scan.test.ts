import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '../../src/clock.js';
import { buildConfig, type Registries } from '../../src/config.js';
import type { AnyConnector, Target } from '../../src/connector.js';
import { ScanError } from '../../src/errors.js';
import { findingUid } from '../../src/evaluate.js';
import { silentLogger } from '../../src/log.js';
import type { IdentityInput } from '../../src/model.js';
import { type AnyPolicy, fail, pass } from '../../src/policy.js';
import { runScan } from '../../src/scan.js';

const identity = (account: string, name: string, extra: Partial<IdentityInput> = {}): IdentityInput => ({
  uid: `fake:${account}/${name}`,
  provider: 'fake',
  kind: 'fake.robot',
  name,
  location: { provider: 'fake', scope: account },
  createdAt: '2026-01-01T00:00:00Z',
  ...extra,
});

type Behaviour = 'ok' | 'fail' | 'auth' | 'invalid' | 'gap';
interface FakeTarget {
  account: string;
  behaviour: Behaviour;
}
let inFlight = 0;
let maxInFlight = 0;

const fakeConnector = (id: string, accounts: Record<string, Behaviour>): AnyConnector => ({
  id,
  title: id,
  config: z.strictObject({ enabled: z.boolean().default(true) }),
  targets: (): Target<FakeTarget>[] =>
    Object.entries(accounts).map(([account, behaviour]) => ({
      id: `${id}:${account}`,
      provider: id,
      label: `${id} ${account}`,
      data: { account, behaviour },
    })),
  collect: async function* (target: Target<FakeTarget>, _config, ctx) {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await new Promise((r) => setTimeout(r, 10));
      ctx.setScope(target.data.account);
      ctx.setPrincipal(`${id}-scanner`);
      const { behaviour, account } = target.data;
      if (behaviour === 'auth') {
        throw new ScanError({ code: 'auth_failed', call: `${id}:auth`, message: 'bad token' }, 'provider');
      }
      yield { ...identity(account, 'old-bot'), provider: id, uid: `${id}:${account}/old-bot` };
      if (behaviour === 'invalid') yield { uid: '' } as unknown as IdentityInput;
      if (behaviour === 'gap') {
        ctx.gap({
          code: 'access_denied',
          call: `${id}:ListThings`,
          message: 'denied',
          permission: 'things:List',
        });
      }
      if (behaviour === 'fail') throw new Error('connection reset');
      yield {
        ...identity(account, 'new-bot', { createdAt: '2026-06-01T00:00:00Z' }),
        provider: id,
        uid: `${id}:${account}/new-bot`,
      };
    } finally {
      inFlight--;
    }
  },
});

const agePolicy: AnyPolicy = {
  id: 'age',
  title: 'Too old',
  description: 'Fires when an identity is older than maxDays.',
  appliesTo: {},
  remediation: { default: 'Replace it.' },
  references: [],
  findings: [{ title: 'old', evidence: ['days'] }],
  severity: 'high',
  options: z.strictObject({ maxDays: z.int().default(100) }),
  controls: { soc2: ['CC6.1'] },
  evaluate: (i, o: { maxDays: number }, ctx) => {
    if (i.name === 'explode') throw new Error('boom');
    const days = Math.floor((ctx.asOf.getTime() - Date.parse(i.createdAt ?? '')) / 86_400_000);
    return [days > o.maxDays ? fail({ title: 'old', message: 'old', evidence: { days } }) : pass()];
  },
};

const scan = async (
  connectors: Record<string, AnyConnector>,
  raw: Record<string, unknown> = {},
  asOf = '2026-07-01T00:00:00Z',
) => {
  const registries: Registries = { connectors, policies: { age: agePolicy } };
  const providers = Object.fromEntries(Object.keys(connectors).map((k) => [k, {}]));
  const config = buildConfig({ providers, ...raw }, registries, 'test', '/tmp');
  return runScan({ config, clock: systemClock(new Date(asOf)), log: silentLogger });
};

describe('runScan', () => {
  it('collects every target, records coverage per target, and judges against asOf', async () => {
    const result = await scan({ fake: fakeConnector('fake', { a: 'ok', b: 'ok' }) });
    expect(result.identities.map((i) => i.uid)).toEqual([
      'fake:a/new-bot',
      'fake:a/old-bot',
      'fake:b/new-bot',
      'fake:b/old-bot',
    ]);
    expect(result.coverage.map((c) => [c.target, c.status, c.scope, c.principal, c.counts])).toEqual([
      ['fake:a', 'complete', 'a', 'fake-scanner', { 'fake.robot': 2 }],
      ['fake:b', 'complete', 'b', 'fake-scanner', { 'fake.robot': 2 }],
    ]);
    expect(result.run.complete).toBe(true);
    expect(result.run.asOf).toBe('2026-07-01T00:00:00.000Z');
    expect(result.findings.map((f) => [f.policyId, f.identityUid, f.evidence.days])).toEqual([
      ['age', 'fake:a/old-bot', 181],
      ['age', 'fake:b/old-bot', 181],
    ]);
    expect(result.findings[0]!.controls).toEqual([
      expect.objectContaining({ framework: 'SOC2', id: 'CC6.1' }),
    ]);
    expect(result.run.policies.age).toEqual({
      enabled: true,
      severity: 'high',
      options: { maxDays: 100 },
      overrides: [],
    });
  });

  it('moving the clock ages identities; the same problem keeps the same finding id', async () => {
    const early = await scan({ fake: fakeConnector('fake', { a: 'ok' }) }, {}, '2026-03-01T00:00:00Z');
    const late = await scan({ fake: fakeConnector('fake', { a: 'ok' }) }, {}, '2026-12-01T00:00:00Z');
    expect(early.findings).toHaveLength(0);
    expect(late.findings.map((f) => f.identityUid)).toEqual(['fake:a/new-bot', 'fake:a/old-bot']);
    const again = await scan({ fake: fakeConnector('fake', { a: 'ok' }) }, {}, '2026-12-02T00:00:00Z');
    expect(again.findings.map((f) => f.uid)).toEqual(late.findings.map((f) => f.uid));
    expect(late.findings[1]!.uid).toBe(findingUid('age', 'fake:a/old-bot'));
  });

  it('a failing target never aborts the others, and keeps what it saw', async () => {
    const result = await scan({ fake: fakeConnector('fake', { a: 'fail', b: 'gap', c: 'ok' }) });
    const byTarget = Object.fromEntries(result.coverage.map((c) => [c.target, c]));
    expect(byTarget['fake:a']!.status).toBe('failed');
    expect(byTarget['fake:a']!.gaps[0]).toMatchObject({ code: 'unknown', call: 'fake:collect' });
    expect(byTarget['fake:a']!.counts).toEqual({ 'fake.robot': 1 });
    expect(byTarget['fake:b']!.status).toBe('partial');
    expect(byTarget['fake:b']!.gaps[0]).toMatchObject({ code: 'access_denied', permission: 'things:List' });
    expect(byTarget['fake:c']!.status).toBe('complete');
    expect(result.run.complete).toBe(false);
    expect(result.identities.map((i) => i.uid)).toContain('fake:c/new-bot');
  });

  it('an invalid identity from a connector becomes a gap, not a crash', async () => {
    const result = await scan({ fake: fakeConnector('fake', { a: 'invalid' }) });
    expect(result.coverage[0]!.status).toBe('partial');
    expect(result.coverage[0]!.gaps[0]).toMatchObject({ code: 'invalid_response' });
    expect(result.identities).toHaveLength(2);
  });

  it('a provider-wide auth failure skips that provider only', async () => {
    const result = await scan(
      { gh: fakeConnector('gh', { a: 'auth', b: 'ok' }), fake: fakeConnector('fake', { c: 'ok' }) },
      { targetConcurrency: 1 },
    );
    const status = Object.fromEntries(result.coverage.map((c) => [c.target, c.status]));
    expect(status).toEqual({ 'gh:a': 'failed', 'gh:b': 'skipped', 'fake:c': 'complete' });
    expect(result.coverage.find((c) => c.target === 'gh:b')!.gaps[0]).toMatchObject({ code: 'auth_failed' });
  });

  it('bounds concurrent targets by targetConcurrency', async () => {
    maxInFlight = 0;
    await scan(
      { fake: fakeConnector('fake', { a: 'ok', b: 'ok', c: 'ok', d: 'ok', e: 'ok' }) },
      { targetConcurrency: 2 },
    );
    expect(maxInFlight).toBe(2);
  });

  it('keeps an identity seen through two targets once, and notes it', async () => {
    const twice: AnyConnector = {
      ...fakeConnector('fake', { a: 'ok' }),
      targets: () => [
        { id: 'fake:one', provider: 'fake', label: 'one', data: { account: 'a', behaviour: 'ok' } },
        { id: 'fake:two', provider: 'fake', label: 'two', data: { account: 'a', behaviour: 'ok' } },
      ],
    };
    const result = await scan({ fake: twice }, { targetConcurrency: 1 });
    expect(result.identities).toHaveLength(2);
    expect(result.coverage[1]!.notes.some((n) => n.includes('duplicate'))).toBe(true);
  });

  it('records a policy that throws as a gap on the identity\u2019s target', async () => {
    const exploding: AnyConnector = {
      ...fakeConnector('fake', {}),
      targets: () => [{ id: 'fake:x', provider: 'fake', label: 'x', data: null }],
      collect: async function* () {
        await Promise.resolve();
        yield identity('x', 'explode');
      },
    };
    const result = await scan({ fake: exploding });
    expect(result.coverage[0]!.status).toBe('partial');
    expect(result.coverage[0]!.gaps[0]).toMatchObject({ call: 'policy:age', resource: 'fake:x/explode' });
    expect(result.run.complete).toBe(false);
  });

  it('scans each target an organisation-level target lists as a target of its own', async () => {
    const base = fakeConnector('org', {});
    const org: AnyConnector = {
      ...base,
      targets: () => [
        { id: 'org:acme', provider: 'org', label: 'org acme', data: { account: 'acme', behaviour: 'ok' } },
        { id: 'org:solo', provider: 'org', label: 'org solo', data: { account: 'solo', behaviour: 'ok' } },
        {
          id: 'org:broken',
          provider: 'org',
          label: 'org broken',
          data: { account: 'broken', behaviour: 'ok' },
        },
      ],
      expand: (target: Target<FakeTarget>, _config, ctx) => {
        if (target.data.account === 'solo') return Promise.resolve(undefined); // scanned as it is
        if (target.data.account === 'broken') {
          return Promise.reject(
            new ScanError({ code: 'access_denied', call: 'org:ListProjects', message: 'denied' }),
          );
        }
        ctx.setScope('acme');
        return Promise.resolve(
          (['p1', 'p2'] as const).map((p, i) => ({
            id: `org:acme/${p}`,
            provider: 'org',
            label: p,
            data: { account: p, behaviour: i === 1 ? ('gap' as const) : ('ok' as const) },
          })),
        );
      },
    };
    const result = await scan({ org }, { targetConcurrency: 2 });
    expect(result.coverage.map((c) => [c.target, c.status, c.scope])).toEqual([
      ['org:acme', 'complete', 'acme'],
      ['org:acme/p1', 'complete', 'p1'],
      ['org:acme/p2', 'partial', 'p2'],
      ['org:solo', 'complete', 'solo'],
      ['org:broken', 'failed', undefined],
    ]);
    expect(result.coverage[0]!.notes).toEqual(['lists 2 target(s): org:acme/p1, org:acme/p2']);
    expect(result.coverage[4]!.gaps[0]).toMatchObject({ code: 'access_denied', call: 'org:ListProjects' });
    expect(result.identities.map((i) => i.uid)).toContain('org:p2/new-bot');
    expect(result.run.complete).toBe(false);
  });

  it('a target two discoveries list (or a discovery and the config) is scanned once, and the second says so', async () => {
    const base = fakeConnector('org', {});
    let collected = 0;
    const child = (p: string): Target<FakeTarget> => ({
      id: `org:${p}`,
      provider: 'org',
      label: p,
      data: { account: p, behaviour: 'ok' },
    });
    const org: AnyConnector = {
      ...base,
      targets: () => [
        { id: 'org:installed', provider: 'org', label: 'installed', data: { account: 'i', behaviour: 'ok' } },
        {
          id: 'org:enterprise',
          provider: 'org',
          label: 'enterprise',
          data: { account: 'e', behaviour: 'ok' },
        },
      ],
      expand: (target: Target<FakeTarget>) =>
        Promise.resolve(
          target.data.account === 'i' ? [child('p1'), child('p2')] : [child('p2'), child('p3')],
        ),
      collect: async function* (target: Target<FakeTarget>, config, ctx) {
        collected++;
        yield* base.collect(target, config, ctx);
      },
    };
    const result = await scan({ org }, { targetConcurrency: 2 });
    expect(result.coverage.map((c) => c.target)).toEqual([
      'org:installed',
      'org:p1',
      'org:p2',
      'org:enterprise',
      'org:p3',
    ]);
    expect(collected).toBe(3);
    expect(result.coverage[3]!.notes).toContain(
      '1 listed target(s) scanned once, through what listed them first: org:p2 (org:installed)',
    );
    expect(result.identities.filter((i) => i.uid === 'org:p2/old-bot')).toHaveLength(1);
  });

  it('fills the owner from the first configured tag key, case-insensitively', async () => {
    const tagged: AnyConnector = {
      ...fakeConnector('fake', {}),
      targets: () => [{ id: 'fake:x', provider: 'fake', label: 'x', data: null }],
      collect: async function* () {
        await Promise.resolve();
        yield identity('x', 'tagged', { tags: { Team: 'payments', OWNER: 'ana@acme.io' } });
      },
    };
    const result = await scan({ fake: tagged }, { ownership: { tagKeys: ['owner', 'team'] } });
    expect(result.identities[0]!.owner).toEqual({ value: 'ana@acme.io', source: 'tag:OWNER' });
  });

  it('fills the owner of an untagged identity from ownership.owners by uid glob, after the tags', async () => {
    const untracked: AnyConnector = {
      ...fakeConnector('fake', {}),
      targets: () => [{ id: 'fake:x', provider: 'fake', label: 'x', data: null }],
      collect: async function* () {
        await Promise.resolve();
        yield identity('x', 'hook', { uid: 'fake:acme/webhook/7' });
        yield identity('x', 'tagged-hook', { uid: 'fake:acme/webhook/8', tags: { owner: 'ana@acme.io' } });
        yield identity('x', 'other', { uid: 'fake:other/webhook/9' });
      },
    };
    const result = await scan(
      { fake: untracked },
      { ownership: { owners: { 'FAKE:acme/webhook/*': 'platform-team', 'fake:*': 'fallback' } } },
    );
    const owners = Object.fromEntries(result.identities.map((i) => [i.name, i.owner]));
    expect(owners).toEqual({
      hook: { value: 'platform-team', source: 'config:ownership.owners[FAKE:acme/webhook/*]' },
      'tagged-hook': { value: 'ana@acme.io', source: 'tag:owner' },
      other: { value: 'fallback', source: 'config:ownership.owners[fake:*]' },
    });
  });

  it("holds one account's equal grants, owners and control references once, frozen (issue 14)", async () => {
    const grant = {
      effect: 'Allow' as const,
      actions: ['s3:GetObject'],
      notAction: false,
      resources: ['*'],
      notResource: false,
      conditional: false,
      source: 'managed:ReadOnly#0',
    };
    const twins: AnyConnector = {
      ...fakeConnector('fake', {}),
      targets: () => [{ id: 'fake:x', provider: 'fake', label: 'x', data: null }],
      collect: async function* () {
        await Promise.resolve();
        for (const name of ['one', 'two'])
          yield identity('x', name, {
            tags: { owner: 'ana@acme.io' },
            privilege: { level: 'read', grants: [{ ...grant }], reasons: [], attached: [] },
          });
      },
    };
    const result = await scan({ fake: twins }, { ownership: { tagKeys: ['owner'] } });
    const [one, two] = result.identities;
    expect(one!.privilege).toBe(two!.privilege);
    expect(one!.owner).toBe(two!.owner);
    expect(one!.owner).toEqual({ value: 'ana@acme.io', source: 'tag:owner' });
    expect(result.findings[0]!.controls).toBe(result.findings[1]!.controls);
    // Identities are final once emitted: a change to one cannot reach the other.
    expect(() => {
      one!.privilege.grants[0]!.resources.push('arn:aws:s3:::secret/*');
    }).toThrow(TypeError);
    expect(two!.privilege.grants[0]!.resources).toEqual(['*']);
    expect(one).not.toBe(two);
  });
});
