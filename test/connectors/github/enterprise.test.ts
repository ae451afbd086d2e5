// `providers.github.enterprise`: every organisation of an enterprise becomes a target. App auth
// through the App's installation on the enterprise (REST), token auth through GraphQL; filters;
// a failed listing is a gap, never an empty enterprise. Real Octokit against nock, payloads from
// GitHub's OpenAPI examples (fixtures/github/manifest.json).
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubConnector } from '../../../connectors/github/index.js';
import { GithubConfig, type GithubConfigInput } from '../../../connectors/github/config.js';
import { ENTERPRISE_ORGS_QUERY, selectOrgs } from '../../../connectors/github/enterprise.js';
import { systemClock } from '../../../src/clock.js';
import { buildConfig } from '../../../src/config.js';
import { ScanError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/log.js';
import { runScan } from '../../../src/scan.js';
import {
  API,
  APP_ID,
  APP_KEY_ENV,
  AS_OF,
  INSTALLATION_TOKEN,
  NO_FEATURES,
  TOKEN_ENV,
  appKeys,
  fixture,
  isAppJwt,
  recordingContext,
} from './harness.js';

const SLUG = 'github-inc'; // the enterprise of GitHub's example
const APP_AUTH = { type: 'app' as const, appId: Number(APP_ID), privateKeyEnv: APP_KEY_ENV };

beforeEach(() => {
  process.env[APP_KEY_ENV] = appKeys.privateKey;
  process.env[TOKEN_ENV] = 'ghp_enterpriseListingTestToken0000000000';
});
afterEach(() => {
  Reflect.deleteProperty(process.env, APP_KEY_ENV);
  Reflect.deleteProperty(process.env, TOKEN_ENV);
  nock.cleanAll();
});

const expandWith = async (raw: GithubConfigInput) => {
  const config = GithubConfig.parse(raw);
  const target = githubConnector.targets(config).find((t) => t.id === `github:enterprise/${SLUG}`);
  if (!target || !githubConnector.expand) throw new Error('no enterprise target');
  const recorded = recordingContext();
  const children = await githubConnector.expand(target, config, recorded.ctx);
  return { ...recorded, children: children?.map((c) => c.id) };
};

/** The App's installation on the enterprise (id 88, JWT) and its installation token. */
const mockEnterpriseInstallation = (gh: nock.Scope, installations = 'app-installations-enterprise.json') =>
  gh
    .get('/app/installations')
    .query({ per_page: 100 })
    .reply(function () {
      return isAppJwt(this.req.headers.authorization, APP_ID)
        ? [200, fixture(installations)]
        : [401, fixture('error-401.json')];
    })
    .post('/app/installations/88/access_tokens')
    .reply(function () {
      return isAppJwt(this.req.headers.authorization, APP_ID)
        ? [201, fixture('installation-token.json')]
        : [401, fixture('error-401.json')];
    });

const installable = (gh: nock.Scope) =>
  gh
    .get(`/enterprises/${SLUG}/apps/installable_organizations`)
    .query({ per_page: 100 })
    .matchHeader('authorization', INSTALLATION_TOKEN);

describe('App auth: the installation on the enterprise lists its organisations', () => {
  it('each organisation becomes a target, sorted; the discovery names the installation', async () => {
    const gh = nock(API);
    mockEnterpriseInstallation(gh);
    installable(gh).reply(200, fixture('enterprise-installable-organizations.json'));
    const run = await expandWith({ enterprise: SLUG, auth: APP_AUTH });
    expect(run.children).toEqual(['github:github', 'github:microsoft']);
    expect(run.scope()).toBe(`enterprise/${SLUG}`);
    expect(run.principal()).toBe(`GitHub App ${APP_ID} (installation 88 on enterprise ${SLUG})`);
    expect(run.gaps).toEqual([]);
    expect(nock.isDone()).toBe(true);
  });

  it('include / exclude (globs, case-insensitive) and orgs already configured', async () => {
    const gh = nock(API);
    mockEnterpriseInstallation(gh);
    installable(gh).reply(200, fixture('enterprise-installable-organizations.json'));
    const run = await expandWith({
      enterprise: { slug: SLUG, exclude: ['MICRO*'] },
      auth: APP_AUTH,
    });
    expect(run.children).toEqual(['github:github']);
    expect(run.notes).toContain(
      `1 organisation(s) of enterprise ${SLUG} left out by providers.github.enterprise include/exclude: microsoft`,
    );
    expect(selectOrgs(['a-prod', 'a-dev', 'b-prod'], { include: ['*-prod'], exclude: ['b-*'] })).toEqual({
      kept: ['a-prod'],
      left: ['a-dev', 'b-prod'],
    });
    const gh2 = nock(API);
    mockEnterpriseInstallation(gh2);
    installable(gh2).reply(200, fixture('enterprise-installable-organizations.json'));
    const both = await expandWith({ orgs: ['github'], enterprise: SLUG, auth: APP_AUTH });
    expect(both.children).toEqual(['github:microsoft']);
    expect(both.notes).toContain('already configured under providers.github.orgs (scanned once): github');
  });

  it('an App not installed on the enterprise is a not_found gap naming what to install', async () => {
    mockEnterpriseInstallation(nock(API), 'app-installations.json');
    const err = await expandWith({ enterprise: SLUG, auth: APP_AUTH }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScanError);
    expect((err as ScanError).gap).toMatchObject({
      code: 'not_found',
      call: 'GET /app/installations',
      resource: SLUG,
      permission: 'enterprise_organization_installations=read',
    });
  });

  it('a refused listing is an access_denied gap with the enterprise permission, never "no organisation"', async () => {
    const gh = nock(API);
    mockEnterpriseInstallation(gh);
    installable(gh).reply(403, fixture('error-403-integration.json'));
    const err = await expandWith({ enterprise: SLUG, auth: APP_AUTH }).catch((e: unknown) => e);
    expect((err as ScanError).gap).toMatchObject({
      code: 'access_denied',
      call: 'GET /enterprises/{enterprise}/apps/installable_organizations',
      permission: 'enterprise_organization_installations=read',
    });
  });
});

describe('token auth: GraphQL enterprise.organizations', () => {
  const page = (logins: string[], endCursor: string | null) => ({
    data: {
      enterprise: {
        organizations: {
          nodes: logins.map((login) => ({ login })),
          pageInfo: { hasNextPage: endCursor !== null, endCursor },
        },
      },
    },
  });

  it('follows the cursor over every page', async () => {
    const bodies: unknown[] = [];
    nock(API)
      .post('/graphql', (b: unknown) => bodies.push(b) > 0)
      .reply(200, page(['zeta-org', 'acme'], 'Y3Vyc29yOjI='))
      .post('/graphql', (b: unknown) => bodies.push(b) > 0)
      .reply(200, page(['beta'], null));
    const run = await expandWith({ enterprise: SLUG, auth: { type: 'token', tokenEnv: TOKEN_ENV } });
    expect(run.children).toEqual(['github:acme', 'github:beta', 'github:zeta-org']);
    expect(bodies).toEqual([
      { query: ENTERPRISE_ORGS_QUERY, variables: { slug: SLUG, cursor: null } },
      { query: ENTERPRISE_ORGS_QUERY, variables: { slug: SLUG, cursor: 'Y3Vyc29yOjI=' } },
    ]);
  });

  it('an enterprise GraphQL cannot resolve is a not_found gap', async () => {
    nock(API)
      .post('/graphql')
      .reply(200, {
        data: { enterprise: null },
        errors: [
          {
            type: 'NOT_FOUND',
            path: ['enterprise'],
            locations: [{ line: 2, column: 3 }],
            message: `Could not resolve to an Enterprise with the slug '${SLUG}'.`,
          },
        ],
      });
    const err = await expandWith({ enterprise: SLUG, auth: { type: 'token', tokenEnv: TOKEN_ENV } }).catch(
      (e: unknown) => e,
    );
    expect((err as ScanError).gap).toMatchObject({
      code: 'not_found',
      call: 'POST /graphql',
      resource: SLUG,
    });
  });
});

describe('in a scan', () => {
  it('a failed listing is a failed target with its gap; the configured orgs still scan', async () => {
    nock(API).post('/graphql').reply(502, 'bad gateway');
    nock(API).get('/user').reply(200, fixture('user.json'));
    const config = buildConfig(
      {
        providers: {
          github: {
            orgs: ['octo-org'],
            enterprise: SLUG,
            auth: { type: 'token', tokenEnv: TOKEN_ENV },
            rateLimitRetries: 0,
            features: NO_FEATURES,
          },
        },
      },
      { connectors: { github: githubConnector }, policies: {} },
      'test',
      process.cwd(),
    );
    const result = await runScan({ config, clock: systemClock(AS_OF), log: silentLogger });
    const enterprise = result.coverage.find((c) => c.target === `github:enterprise/${SLUG}`);
    expect(enterprise?.status).toBe('failed');
    expect(enterprise?.gaps[0]).toMatchObject({ call: 'POST /graphql', code: 'unavailable' });
    expect(result.coverage.map((c) => c.target)).toEqual(['github:octo-org', `github:enterprise/${SLUG}`]);
    expect(result.run.complete).toBe(false);
  });
});

describe('config', () => {
  it('takes a slug or { slug, include, exclude }; needs orgs or enterprise', () => {
    expect(GithubConfig.parse({ enterprise: SLUG, auth: APP_AUTH }).enterprise).toEqual({
      slug: SLUG,
      include: undefined,
      exclude: [],
    });
    expect(() => GithubConfig.parse({ auth: APP_AUTH })).toThrow(/give `orgs`.*or `enterprise`/);
    expect(() => GithubConfig.parse({ enterprise: 'not a slug', auth: APP_AUTH })).toThrow(
      /expected a GitHub enterprise slug/,
    );
  });
});
