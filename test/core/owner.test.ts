// Owners resolved with the sources prepared once per scan (issue 14): the same answers as the
// per-identity resolution always gave, including its tie-breaks.
import { describe, expect, it } from 'vitest';
import { ownerResolver, resolveOwner } from '../../src/owner.js';
import { awsUser } from '../policies/identity-builder.js';

const sources = {
  tagKeys: ['Owner', 'team'],
  owners: { 'arn:aws:iam::*:user/ci-*': 'platform@acme.example' },
};

describe('ownerResolver', () => {
  const resolve = ownerResolver(sources);

  it('takes the first configured tag key present, case-insensitively, trimmed', () => {
    const got = resolve(
      awsUser('a', { owner: null, tags: { TEAM: 'payments', owner: ' alice@acme.example ' } }),
    );
    expect(got.owner).toEqual({ value: 'alice@acme.example', source: 'tag:owner' });
  });

  it('of two tags differing only in case, the later counts; a blank one passes to the next key', () => {
    expect(resolve(awsUser('b', { owner: null, tags: { OWNER: 'x', Owner: 'y' } })).owner).toEqual({
      value: 'y',
      source: 'tag:Owner',
    });
    expect(
      resolve(awsUser('c', { owner: null, tags: { owner: 'x', Owner: ' ', team: 'ops' } })).owner,
    ).toEqual({
      value: 'ops',
      source: 'tag:team',
    });
  });

  it('falls back to the uid globs, keeps a connector-set owner, and leaves an unowned identity as it is', () => {
    const ci = awsUser('ci-deploy', { owner: null, tags: {} });
    expect(resolve(ci).owner?.source).toMatch(/^config:ownership\.owners\[/);
    const owned = awsUser('d');
    expect(resolve(owned)).toBe(owned);
    const none = awsUser('e', { owner: null, tags: {} });
    expect(resolve(none)).toBe(none);
  });

  it('answers as resolveOwner does for the same identity', () => {
    const cases: Record<string, string>[] = [
      {},
      { owner: 'a' },
      { Owner: '', TEAM: 'b' },
      { oWnEr: 'c', owner: 'd' },
    ];
    for (const tags of cases) {
      const identity = awsUser('ci-x', { owner: null, tags });
      expect(resolve(identity)).toEqual(resolveOwner(identity, sources));
    }
  });
});
