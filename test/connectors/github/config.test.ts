// The providers.github block: strict, with errors naming the key path.
import { describe, expect, it } from 'vitest';
import { GithubConfig } from '../../../connectors/github/config.js';
import { githubConnector } from '../../../connectors/github/index.js';
import { buildConfig } from '../../../src/config.js';
import { UsageError } from '../../../src/errors.js';

const token = { type: 'token', tokenEnv: 'GH_TOKEN' };
const app = { type: 'app', appId: 12345, privateKeyPath: 'keys/app.pem' };

describe('GithubConfig', () => {
  it('fills defaults: api.github.com, every feature on, two rate-limit retries', () => {
    const c = GithubConfig.parse({ orgs: ['acme'], auth: token });
    expect(c).toMatchObject({
      enabled: true,
      baseUrl: 'https://api.github.com',
      appOwners: {},
      rateLimitRetries: 2,
      rateLimitMaxWaitSeconds: 300,
      features: { members: true, patGrants: true, deployKeys: true, webhooks: true },
    });
    expect(c.etagCache).toBeUndefined();
  });

  it.each([
    ['GHES', 'https://github.example.com/api/v3/', 'https://github.example.com/api/v3'],
    ['data residency', 'https://api.acme.ghe.com', 'https://api.acme.ghe.com'],
  ])('accepts a %s base URL', (_name, baseUrl, expected) => {
    expect(GithubConfig.parse({ orgs: ['acme'], auth: token, baseUrl }).baseUrl).toBe(expected);
  });

  it('switches features off one by one and keeps the others on', () => {
    const c = GithubConfig.parse({
      orgs: ['acme'],
      auth: app,
      features: { credentialAuthorizations: false },
    });
    expect(c.features).toMatchObject({ credentialAuthorizations: false, patGrants: true });
  });

  it.each([
    ['no auth', { orgs: ['acme'] }, ['auth']],
    ['unknown key', { orgs: ['acme'], auth: token, org: 'acme' }, []],
    ['empty org list', { orgs: [], auth: token }, ['orgs']],
    ['bad org name', { orgs: ['-acme'], auth: token }, ['orgs', 0]],
    ['"installed" with a token', { orgs: 'installed', auth: token }, ['orgs']],
    ['both key sources', { orgs: ['acme'], auth: { ...app, privateKeyEnv: 'KEY' } }, ['auth']],
    ['no key source', { orgs: ['acme'], auth: { type: 'app', appId: 1 } }, ['auth']],
    ['a token in the file', { orgs: ['acme'], auth: { type: 'token', token: 'ghp_x' } }, ['auth']],
    ['non-URL baseUrl', { orgs: ['acme'], auth: token, baseUrl: 'github.example.com' }, ['baseUrl']],
    ['unknown feature', { orgs: ['acme'], auth: token, features: { gists: true } }, ['features']],
  ])('rejects %s', (_name, raw, path) => {
    const r = GithubConfig.safeParse(raw);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(path);
  });

  it('reports errors through the core loader with the key path', () => {
    expect(() =>
      buildConfig(
        { providers: { github: { orgs: 'installed', auth: token } } },
        { connectors: { github: githubConnector }, policies: {} },
        'x.yaml',
        '/',
      ),
    ).toThrow(UsageError);
    expect(() =>
      buildConfig(
        { providers: { github: { orgs: 'installed', auth: token } } },
        { connectors: { github: githubConnector }, policies: {} },
        'x.yaml',
        '/',
      ),
    ).toThrow(/providers\.github\.orgs/);
  });
});

describe('githubConnector.targets', () => {
  it('one target per org, or one for every org the App is installed on', () => {
    expect(
      githubConnector.targets(GithubConfig.parse({ orgs: ['acme', 'beta'], auth: token })).map((t) => t.id),
    ).toEqual(['github:acme', 'github:beta']);
    expect(githubConnector.targets(GithubConfig.parse({ orgs: 'installed', auth: app }))).toEqual([
      expect.objectContaining({ id: 'github:app/12345/installed', data: { org: { installed: true } } }),
    ]);
  });
});
