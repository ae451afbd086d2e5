// The scanner's own GitHub credential as an identity: under App auth the installation the scan
// runs as is marked `scanner: true`; under token auth the token itself is inventoried (type from
// its prefix, classic scopes, expiry from GitHub's header), never the token.
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { tokenExpiryHeader } from '../../../connectors/github/identities.js';
import { githubTokenExpiry } from '../../../policies/github-token-expiry.js';
import { githubTokenScopes } from '../../../policies/github-token-scopes.js';
import type { Identity } from '../../../src/model.js';
import {
  API,
  APP_ID,
  APP_KEY_ENV,
  AS_OF,
  NO_FEATURES,
  ORG,
  TOKEN_ENV,
  appKeys,
  collect,
  fixture,
  mockAppInstallation,
  mockUser,
} from './harness.js';

afterEach(() => {
  Reflect.deleteProperty(process.env, TOKEN_ENV);
  Reflect.deleteProperty(process.env, APP_KEY_ENV);
  nock.cleanAll();
});

const judge = (identity: Identity) => ({
  scopes: githubTokenScopes.evaluate(identity, githubTokenScopes.options.parse({}), {
    asOf: AS_OF,
    directory: undefined,
  }),
  expiry: githubTokenExpiry.evaluate(identity, githubTokenExpiry.options.parse({}), {
    asOf: AS_OF,
    directory: undefined,
  }),
});

const tokenRun = (token: string, headers: Record<string, string>) => {
  process.env[TOKEN_ENV] = token;
  mockUser(nock(API), headers);
  return collect({ orgs: [ORG], auth: { type: 'token', tokenEnv: TOKEN_ENV }, features: NO_FEATURES });
};

describe('GitHub connector, the scanner as an identity', () => {
  it('marks the App installation the scan runs as', async () => {
    process.env[APP_KEY_ENV] = appKeys.privateKey;
    const gh = nock(API);
    mockAppInstallation(gh);
    const listed = fixture('org-installations.json') as { installations: unknown[] };
    gh.get(`/orgs/${ORG}/installations`)
      .query({ per_page: 100 })
      .reply(200, {
        total_count: 3,
        installations: [...listed.installations, fixture('org-installation.json')],
      });
    gh.get('/apps/github-actions').reply(200, fixture('app-github-actions.json'));
    gh.get('/apps/admin-bot').reply(200, fixture('app-admin-bot.json'));
    gh.get('/apps/nhiscan-reader').reply(404, fixture('error-404.json'));
    const run = await collect({
      orgs: [ORG],
      auth: { type: 'app', appId: Number(APP_ID), privateKeyEnv: APP_KEY_ENV },
      features: { ...NO_FEATURES, appInstallations: true },
    });
    expect(run.identities.map((i) => [i.name, i.attributes.scanner ?? false])).toEqual([
      ['github-actions', false],
      ['admin-bot', false],
      ['nhiscan-reader', true],
    ]);
  });

  it('inventories a classic token with its scopes and expiry, never the token', async () => {
    const token = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';
    const run = await tokenRun(token, {
      'x-oauth-scopes': 'repo, read:org',
      'github-authentication-token-expiration': '2025-12-31 12:00:00 UTC',
    });
    expect(run.identities).toHaveLength(1);
    const [identity] = run.identities;
    expect(identity).toMatchObject({
      uid: `github:${ORG}/scan-token/octocat`,
      kind: 'github.scan_token',
      owner: { value: 'octocat' },
      attributes: { scanner: true, credentialType: 'personal access token', scopes: ['repo', 'read:org'] },
      credentials: [{ type: 'token', status: 'active', expiresAt: '2025-12-31T12:00:00.000Z' }],
    });
    expect(JSON.stringify(run.identities)).not.toContain(token);
    const { scopes, expiry } = judge(identity!);
    expect(scopes).toMatchObject([{ status: 'fail', findings: [{ key: 'classic-scopes' }] }]);
    expect(expiry).toMatchObject([{ status: 'fail', findings: [{ key: 'long-expiry' }] }]);
  });

  it('inventories a fine-grained token that never expires; its scopes are unknown', async () => {
    const run = await tokenRun('github_pat_11AAAAAAA0ExampleOnlyNotAToken', {});
    const [identity] = run.identities;
    expect(identity).toMatchObject({
      attributes: { credentialType: 'fine-grained personal access token', scopes: [], neverExpires: true },
      credentials: [{ expiresAt: null }],
    });
    const { scopes, expiry } = judge(identity!);
    expect(scopes).toMatchObject([{ status: 'unknown' }]);
    expect(expiry).toMatchObject([{ status: 'fail', findings: [{ key: 'never-expires' }] }]);
  });

  it('reads only the expiry forms GitHub sends, as ISO 8601', () => {
    expect(tokenExpiryHeader('2021-10-07 19:07:53 UTC')).toBe('2021-10-07T19:07:53.000Z');
    expect(tokenExpiryHeader('2021-10-07 19:07:53 +0200')).toBe('2021-10-07T17:07:53.000Z');
    expect(tokenExpiryHeader('10/07/2021')).toBeUndefined();
    expect(tokenExpiryHeader('2021-02-30 00:00:00 UTC')).toBeUndefined();
  });
});
