import { describe, expect, it } from 'vitest';
import { Finding, Identity, type IdentityInput } from '../../src/model.js';
import { createSharePool, shareFinding, shareIdentity } from '../../src/share.js';

const grant = {
  effect: 'Allow' as const,
  actions: ['dynamodb:GetItem'],
  notAction: false,
  resources: ['*'],
  notResource: false,
  conditional: false,
  source: 'role-inline:r#0',
};
const input = (name: string, groups: string[]): IdentityInput => ({
  uid: `arn:aws:iam::111111111111:role/${name}`,
  provider: 'aws',
  kind: 'aws.iam_role',
  name,
  location: { provider: 'aws', scope: '111111111111', resource: '/' },
  createdAt: '2026-01-01T00:00:00Z',
  lastUsedAt: null,
  tags: { owner: 'team@acme.example' },
  privilege: { level: 'read', grants: [grant], reasons: ['role-inline:r#0: ' + 'Allow'], attached: [] },
  trust: [
    {
      principalType: 'service',
      principal: 'lambda.amazonaws.com',
      conditions: {},
      actions: ['sts:AssumeRole'],
      source: 'trust#0',
    },
  ],
  attributes: { groups, path: '/', since: new Date('2026-01-01T00:00:00Z') },
});

describe('shareIdentity', () => {
  it('holds equal parts of two identities once, frozen, and writes them as before', () => {
    const pool = createSharePool();
    const groupsA = ['admins'];
    const groupsB = ['admins'];
    const rawA = Identity.parse(input('a', groupsA));
    const rawB = Identity.parse(input('b', groupsB));
    const before = [JSON.stringify(rawA), JSON.stringify(rawB)];
    const a = shareIdentity(rawA, pool);
    const b = shareIdentity(rawB, pool);
    expect([JSON.stringify(a), JSON.stringify(b)]).toEqual(before);
    for (const part of ['location', 'tags', 'privilege', 'trust', 'financialScope', 'credentials'] as const)
      expect(a[part], part).toBe(b[part]);
    expect(a.attributes['groups']).toBe(b.attributes['groups']);
    expect(a.privilege.grants[0]).toBe(b.privilege.grants[0]);
    // The identities themselves stay their own.
    expect(a).not.toBe(b);
    expect(Object.isFrozen(a)).toBe(false);
  });

  it('one identity cannot change what another holds: shared parts are frozen', () => {
    const pool = createSharePool();
    const a = shareIdentity(Identity.parse(input('a', ['admins'])), pool);
    const b = shareIdentity(Identity.parse(input('b', ['admins'])), pool);
    expect(() => {
      a.privilege.grants[0]!.actions.push('iam:*');
    }).toThrow(TypeError);
    expect(() => {
      a.tags['owner'] = 'someone-else';
    }).toThrow(TypeError);
    expect(() => {
      (a.location as { scope: string }).scope = '222222222222';
    }).toThrow(TypeError);
    expect(() => {
      (a.attributes['groups'] as string[]).push('root');
    }).toThrow(TypeError);
    expect(b.privilege.grants[0]!.actions).toEqual(['dynamodb:GetItem']);
    expect(b.tags).toEqual({ owner: 'team@acme.example' });
    expect(b.location.scope).toBe('111111111111');
    expect(b.attributes['groups']).toEqual(['admins']);
  });

  it('leaves a connector its own objects (attributes pass through validation) and non-JSON values alone', () => {
    const pool = createSharePool();
    const groups = ['admins'];
    const a = shareIdentity(Identity.parse(input('a', groups)), pool);
    // The connector's array is neither frozen nor the one the identity holds.
    expect(Object.isFrozen(groups)).toBe(false);
    groups.push('later');
    expect(a.attributes['groups']).toEqual(['admins']);
    // A Date is not plain JSON: kept as it is, not shared, not frozen.
    expect(a.attributes['since']).toBeInstanceOf(Date);
    expect(Object.isFrozen(a.attributes['since'])).toBe(false);
  });

  it('does not take values that only look equal in JSON', () => {
    const pool = createSharePool();
    const withUndefined = { a: 1, b: undefined };
    expect(pool.share({ a: 1 })).not.toBe(pool.share(withUndefined));
    expect(pool.share(withUndefined)).toBe(withUndefined);
    expect(Object.isFrozen(withUndefined)).toBe(false);
    expect(pool.share([0])).not.toBe(pool.share([-0]));
  });

  // The plain-data check walks every level JSON writes (issue 14: no replacer function).
  it('does not take a value with a non-JSON part at any depth', () => {
    const pool = createSharePool();
    const deep = { a: [{ b: { when: new Date(0) } }] };
    const deepToo = { a: [{ b: { when: new Date(0) } }] };
    expect(pool.share(deep)).toBe(deep);
    expect(pool.share(deepToo)).toBe(deepToo);
    expect(Object.isFrozen(deep)).toBe(false);
    const withToJson = { x: { toJSON: () => 'x' } };
    expect(pool.share(withToJson)).toBe(withToJson);
    const holey = [1, , 3]; // eslint-disable-line no-sparse-arrays
    expect(pool.share(holey)).toBe(holey);
    expect(Object.isFrozen(holey)).toBe(false);
  });

  it('shareAll keys a list by its items: equal lists are one frozen list, held items reused', () => {
    const pool = createSharePool();
    const a = pool.shareAll([{ k: 1 }, 'x', { k: 2 }]);
    const b = pool.shareAll([{ k: 1 }, 'x', { k: 2 }]);
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(JSON.stringify(a)).toBe('[{"k":1},"x",{"k":2}]');
    // The same list through share() is the same value: the keys agree with JSON.
    expect(pool.share([{ k: 1 }, 'x', { k: 2 }])).toBe(a);
    expect(pool.shareAll([a[0], a[2]])).toEqual([{ k: 1 }, { k: 2 }]);
    expect(pool.shareAll([])).toBe(pool.share([]));
    // A list with a non-JSON item is not shared as a list (its JSON items still are).
    const odd = pool.shareAll([{ k: 1 }, undefined]);
    expect(odd[0]).toBe(a[0]);
    expect(Object.isFrozen(odd)).toBe(false);
  });
});

describe('shareRecord', () => {
  it('holds equal flat string records once, frozen; key order and values tell records apart', () => {
    const pool = createSharePool();
    const a = pool.shareRecord({ provider: 'aws', scope: '1', resource: '/' });
    expect(pool.shareRecord({ provider: 'aws', scope: '1', resource: '/' })).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    // Same pairs in another order write other JSON: another record.
    const reordered = pool.shareRecord({ scope: '1', provider: 'aws', resource: '/' });
    expect(reordered).not.toBe(a);
    expect(JSON.stringify(reordered)).toBe('{"scope":"1","provider":"aws","resource":"/"}');
    // A key's value cannot pass for the next key: {a: 'b'} is not {a: '', b: ''}, nor a prefix.
    expect(pool.shareRecord({ b: 'x' })).not.toBe(pool.shareRecord({ a: 'x' }));
    const ab = pool.shareRecord({ a: 'b' });
    expect(pool.shareRecord({ a: 'b', c: 'd' })).not.toBe(ab);
    expect(pool.shareRecord({ a: '', b: '' })).not.toBe(ab);
    expect(pool.shareRecord({})).toBe(pool.shareRecord({}));
  });

  it('takes anything but a flat string record the JSON way', () => {
    const pool = createSharePool();
    const withNumber = pool.shareRecord({ a: 'x', n: 1 });
    expect(pool.shareRecord({ a: 'x', n: 1 })).toBe(withNumber);
    const withUndefined = { a: 'x', b: undefined };
    expect(pool.shareRecord(withUndefined)).toBe(withUndefined);
    expect(Object.isFrozen(withUndefined)).toBe(false);
  });

  it('lists of held records are shared by shareAll, and keep their JSON', () => {
    const pool = createSharePool();
    const refs = () => [
      pool.shareRecord({ framework: 'SOC2', id: 'CC6.1', title: 'Access.' }),
      pool.shareRecord({ framework: 'SOC2', id: 'CC6.3', title: 'Least privilege.' }),
    ];
    const a = pool.shareAll(refs());
    expect(pool.shareAll(refs())).toBe(a);
    expect(pool.shareAll(refs().reverse())).not.toBe(a);
    expect(JSON.stringify(a)).toBe(
      '[{"framework":"SOC2","id":"CC6.1","title":"Access."},{"framework":"SOC2","id":"CC6.3","title":"Least privilege."}]',
    );
  });
});

describe('shareFinding', () => {
  const finding = (uid: string, message: string): Finding =>
    Finding.parse({
      uid,
      policyId: 'excess-privilege',
      severity: 'high',
      title: 'Can escalate',
      message,
      provider: 'aws',
      identityUid: `arn:${uid}`,
      identityKind: 'aws.iam_role',
      identityName: uid,
      location: { provider: 'aws', scope: '111111111111', resource: '/' },
      evidence: { sets: ['x'] },
      controls: [
        { framework: 'SOC2', id: 'CC6.3', title: 'Least privilege.' },
        { framework: 'OWASP-NHI-2025', id: 'NHI5', title: 'Overprivileged NHI' },
      ],
    });

  it('shares location and control references, frozen; evidence stays the finding’s own', () => {
    const pool = createSharePool();
    let built = 'IAM role ';
    built += 'a holds it.';
    const a = finding('a', built);
    const b = finding('b', 'IAM role b holds it.');
    const before = [JSON.stringify(a), JSON.stringify(b)];
    shareFinding(a, pool);
    shareFinding(b, pool);
    expect([JSON.stringify(a), JSON.stringify(b)]).toEqual(before);
    expect(a.controls).toBe(b.controls);
    expect(a.location).toBe(b.location);
    expect(a.evidence).not.toBe(b.evidence);
    expect(Object.isFrozen(a.controls[0])).toBe(true);
    expect(() => {
      a.controls.push({ framework: 'SOC1', id: 'x', title: 'x' });
    }).toThrow(TypeError);
    expect(b.controls).toHaveLength(2);
  });
});
