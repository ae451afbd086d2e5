// Shared pieces of the GitHub connector suites: fixtures, a collect context that records what the
// connector reports, a throwaway App key pair, and nock helpers for GitHub's pagination headers.
import { createVerify, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { GithubConfig, type GithubConfigInput } from '../../../connectors/github/config.js';
import { AUDIT_LOG_ACTIONS } from '../../../connectors/github/oauth-apps.js';
import { githubConnector } from '../../../connectors/github/index.js';
import { systemClock } from '../../../src/clock.js';
import { createCollectContext } from '../../../src/collect-context.js';
import type { CollectContext } from '../../../src/connector.js';
import { silentLogger } from '../../../src/log.js';
import { type Gap, Identity } from '../../../src/model.js';
import { fixturesDir } from '../../../src/paths.js';

export const API = 'https://api.github.com';
export const ORG = 'octo-org';
/** The fixtures' dates are judged as of this instant (see fixtures/github/README.md). */
export const AS_OF = new Date('2025-06-01T00:00:00Z');

/** A fixture as decoded JSON (nock's reply body type: an object or an array). */
export const fixture = (name: string): nock.Body =>
  JSON.parse(readFileSync(join(fixturesDir, 'github', name), 'utf8')) as nock.Body;

export const EMPTY_SECRETS = { total_count: 0, secrets: [] };

/** An RSA key pair for a test GitHub App (never a real App's key). */
export const appKeys = (() => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKey, publicKey };
})();

/** True when `authorization` carries an RS256 JWT signed with the test App's key, issued by `appId`. */
export const isAppJwt = (authorization: string | string[] | undefined, appId: string): boolean => {
  const value = Array.isArray(authorization) ? authorization[0] : authorization;
  const match = /^bearer (.+)\.(.+)\.(.+)$/i.exec(value ?? '');
  if (!match) return false;
  const [, header = '', payload = '', signature = ''] = match;
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(appKeys.publicKey, Buffer.from(signature, 'base64url'))) return false;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown };
  return String(claims.iss) === appId;
};

/** GitHub's Link header for page `page` of `last` at `path` (query without page). */
export const linkHeader = (path: string, query: string, page: number, last: number): string => {
  const url = (p: number) => `<${API}${path}?${query}&page=${p}>`;
  const rels: string[] = [];
  if (page < last) rels.push(`${url(page + 1)}; rel="next"`, `${url(last)}; rel="last"`);
  if (page > 1) rels.push(`${url(1)}; rel="first"`, `${url(page - 1)}; rel="prev"`);
  return rels.join(', ');
};

export interface Recorded {
  ctx: CollectContext;
  gaps: Gap[];
  notes: string[];
  scope: () => string | undefined;
  principal: () => string | undefined;
}

export const recordingContext = (concurrency = 4): Recorded => {
  const { ctx, record } = createCollectContext({
    clock: systemClock(AS_OF),
    concurrency,
    log: silentLogger,
    signal: new AbortController().signal,
    baseDir: process.cwd(),
  });
  return {
    ctx,
    gaps: record.gaps,
    notes: record.notes,
    scope: () => record.scope,
    principal: () => record.principal,
  };
};

/** Runs the connector's first target to the end; every identity must satisfy the model. */
export const collect = async (
  raw: GithubConfigInput,
  concurrency = 4,
): Promise<Recorded & { identities: Identity[]; byUid: Map<string, Identity> }> => {
  const config = GithubConfig.parse(raw);
  const [target] = githubConnector.targets(config);
  if (!target) throw new Error('no target');
  const recorded = recordingContext(concurrency);
  const identities: Identity[] = [];
  for await (const raw of githubConnector.collect(target, config, recorded.ctx))
    identities.push(Identity.parse(raw));
  return { ...recorded, identities, byUid: new Map(identities.map((i) => [i.uid, i])) };
};

/** Every feature off; tests switch on what they exercise. */
export const NO_FEATURES = {
  members: false,
  appInstallations: false,
  patGrants: false,
  patRequests: false,
  credentialAuthorizations: false,
  oauthApps: false,
  orgSecrets: false,
  orgWebhooks: false,
  workflowPermissions: false,
  repositories: false,
  deployKeys: false,
  actionsSecrets: false,
  environmentSecrets: false,
  dependabotSecrets: false,
  codespacesSecrets: false,
  webhooks: false,
} as const;

export const TOKEN_ENV = 'NHISCAN_TEST_GITHUB_TOKEN';
export const APP_KEY_ENV = 'NHISCAN_TEST_GITHUB_APP_KEY';
export const APP_ID = '4242';

/** GET /user for token mode (a fine-grained token: no x-oauth-scopes header). */
export const mockUser = (scope: nock.Scope, headers: Record<string, string> = {}): nock.Scope =>
  scope.get('/user').reply(200, fixture('user.json'), headers);

/** The App's way in: its installation on ORG (JWT) and an installation token. */
export const mockAppInstallation = (scope: nock.Scope, installation = 'org-installation.json'): nock.Scope =>
  scope
    .get(`/orgs/${ORG}/installation`)
    .reply(function () {
      return isAppJwt(this.req.headers.authorization, APP_ID)
        ? [200, fixture(installation)]
        : [401, fixture('error-401.json')];
    })
    .post('/app/installations/77/access_tokens')
    .reply(function () {
      return isAppJwt(this.req.headers.authorization, APP_ID)
        ? [201, fixture('installation-token.json')]
        : [401, fixture('error-401.json')];
    });

/** An audit-log page's events that one listing's `phrase` (action:X, an action or a category) selects. */
export const eventsFor = (events: unknown, phrase: string): unknown[] => {
  const action = /^action:(\S+)/.exec(phrase)?.[1] ?? '';
  return (events as { action: string }[]).filter(
    (e) => e.action === action || e.action.startsWith(`${action}.`),
  );
};

/**
 * GET /orgs/{org}/audit-log for every listing the connector makes (one `phrase` per action),
 * answered from `pages` (GitHub's cursor paging: page 1 links page 2 with `after`). `reply`
 * overrides one listing's page (by action and page number) with another status and body.
 */
export const mockAuditLog = (
  scope: nock.Scope,
  pages: unknown[][] = [
    fixture('audit-log-oauth.json') as unknown[],
    fixture('audit-log-oauth.page2.json') as unknown[],
  ],
  reply?: (action: string, page: number) => [number, nock.Body, Record<string, string>?] | undefined,
): nock.Scope => {
  const path = `/orgs/${ORG}/audit-log`;
  for (const action of AUDIT_LOG_ACTIONS) {
    pages.forEach((events, i) => {
      const cursor = i === 0 ? undefined : `MS4${i}NjA1NzE5MTQ4ODM3fExldzJ2cEpaQ0RTLVdVbW85Wi1pZnc=`;
      scope
        .get(path)
        .query(
          (q) =>
            typeof q.phrase === 'string' &&
            q.phrase.startsWith(`action:${action} created:>=`) &&
            q.per_page === '100' &&
            q.after === cursor,
        )
        .reply(() => {
          const canned = reply?.(action, i + 1);
          if (canned) return canned;
          const next =
            i + 1 < pages.length ? `MS4${i + 1}NjA1NzE5MTQ4ODM3fExldzJ2cEpaQ0RTLVdVbW85Wi1pZnc=` : undefined;
          const phrase = `action:${action} created:>=2024-12-03`;
          const headers: Record<string, string> = next
            ? {
                link: `<${API}${path}?phrase=${encodeURIComponent(phrase)}&per_page=100&after=${encodeURIComponent(next)}>; rel="next"`,
              }
            : {};
          return [200, eventsFor(events, `action:${action}`) as nock.Body, headers];
        });
    });
  }
  return scope;
};

/** The installation token from installation-token.json, as the App then sends it. */
export const INSTALLATION_TOKEN = 'token ghs_16C7e42F292c6912E7710c838347Ae178B4a';

/**
 * Every call of a full scan of octo-org by the App, answered from the fixtures. `deny` maps a
 * path to the permission GitHub would name: that call answers 403 with x-accepted-github-permissions.
 */
export const mockWholeOrg = (deny: Record<string, string> = {}): nock.Scope => {
  const repos = fixture('repos.json') as { name: string }[];
  const grants = fixture('pat-grants.json') as unknown[];
  const gh = nock(API, {
    reqheaders: { authorization: (v) => v === INSTALLATION_TOKEN || v.startsWith('bearer ') },
  });
  mockAppInstallation(gh);
  const list = (
    path: string,
    body: unknown,
    query: Record<string, string | number> = {},
    headers: Record<string, string> = {},
  ): void => {
    const interceptor = gh.get(path).query({ ...query, per_page: 100 });
    const permission = deny[path];
    if (permission) {
      interceptor.reply(403, fixture('error-403-integration.json'), {
        'x-accepted-github-permissions': permission,
      });
    } else {
      interceptor.reply(200, body as nock.Body, headers);
    }
  };
  list(`/orgs/${ORG}/members`, fixture('members-admins.json'), { role: 'admin' });
  list(`/orgs/${ORG}/members`, fixture('members-members.json'), { role: 'member' });
  list(`/orgs/${ORG}/outside_collaborators`, fixture('empty-list.json'));
  list(`/orgs/${ORG}/installations`, fixture('org-installations.json'));
  gh.get('/apps/github-actions').reply(200, fixture('app-github-actions.json'));
  gh.get('/apps/admin-bot').reply(200, fixture('app-admin-bot.json'));
  // PAT grants over two pages, linked the way GitHub links them.
  const patPath = `/orgs/${ORG}/personal-access-tokens`;
  list(patPath, grants.slice(0, 2), {}, { link: linkHeader(patPath, 'per_page=100', 1, 2) });
  if (!deny[patPath])
    list(patPath, grants.slice(2), { page: 2 }, { link: linkHeader(patPath, 'per_page=100', 2, 2) });
  if (!deny[patPath]) list(`${patPath}/25382/repositories`, fixture('pat-grant-repositories.json'));
  // Effective reach: the owners' own permission where their tokens write (hubot's ci-release on
  // deploy-tools; former-dev's repo-admin-script on all: none on the private repository, read on
  // the public ones). octocat is an org owner: never asked.
  if (!deny[patPath]) {
    const permission = (repo: string, user: string, file: string): void => {
      const path = `/repos/${ORG}/${repo}/collaborators/${user}/permission`;
      const denied = deny[path];
      if (denied)
        gh.get(path).reply(403, fixture('error-403-integration.json'), {
          'x-accepted-github-permissions': denied,
        });
      else gh.get(path).reply(200, fixture(file));
    };
    permission('deploy-tools', 'hubot', 'collaborator-permission-write.json');
    for (const { name } of repos)
      permission(
        name,
        'former-dev',
        name === 'deploy-tools' ? 'collaborator-permission-none.json' : 'collaborator-permission-read.json',
      );
  }
  list(`/orgs/${ORG}/personal-access-token-requests`, fixture('pat-requests.json'));
  list(`/orgs/${ORG}/credential-authorizations`, fixture('credential-authorizations.json'));
  list(`/orgs/${ORG}/actions/secrets`, fixture('org-actions-secrets.json'));
  list(`/orgs/${ORG}/actions/secrets/GH_TOKEN/repositories`, fixture('org-secret-repositories.json'));
  list(`/orgs/${ORG}/dependabot/secrets`, fixture('org-dependabot-secrets.json'));
  if (!deny[`/orgs/${ORG}/dependabot/secrets`]) {
    list(`/orgs/${ORG}/dependabot/secrets/GH_TOKEN/repositories`, fixture('org-secret-repositories.json'));
  }
  // An App installation lists organisation Codespaces secrets too (organization_codespaces_secrets).
  list(`/orgs/${ORG}/codespaces/secrets`, fixture('org-codespaces-secrets.json'));
  list(`/orgs/${ORG}/hooks`, fixture('org-hooks.json'));
  gh.get(`/orgs/${ORG}/actions/permissions/workflow`).reply(200, fixture('org-workflow-permissions.json'));
  mockAuditLog(gh);
  const reposPath = `/orgs/${ORG}/repos`;
  list(
    reposPath,
    repos.slice(0, 2),
    { type: 'all' },
    { link: linkHeader(reposPath, 'type=all&per_page=100', 1, 2) },
  );
  list(
    reposPath,
    repos.slice(2),
    { type: 'all', page: 2 },
    { link: linkHeader(reposPath, 'type=all&per_page=100', 2, 2) },
  );
  for (const { name } of repos) {
    const base = `/repos/${ORG}/${name}`;
    const hello = name === 'Hello-World';
    list(`${base}/keys`, name === 'deploy-tools' ? fixture('deploy-keys.json') : []);
    // deploy-tools has a write deploy key: its default branch's rulesets are read (bypass).
    if (name === 'deploy-tools' && !deny[`${base}/keys`]) {
      list(`${base}/rulesets`, fixture('repo-rulesets.json'));
      if (!deny[`${base}/rulesets`]) gh.get(`${base}/rulesets/42`).reply(200, fixture('repo-ruleset.json'));
    }
    list(`${base}/actions/secrets`, hello ? fixture('repo-actions-secrets.json') : EMPTY_SECRETS);
    list(`${base}/dependabot/secrets`, hello ? fixture('repo-dependabot-secrets.json') : EMPTY_SECRETS);
    list(`${base}/codespaces/secrets`, hello ? fixture('repo-codespaces-secrets.json') : EMPTY_SECRETS);
    list(`${base}/environments`, hello ? fixture('environments.json') : fixture('empty-environments.json'));
    if (hello) list(`${base}/environments/staging/secrets`, fixture('environment-secrets.json'));
    list(`${base}/hooks`, hello ? fixture('repo-hooks.json') : []);
    gh.get(`${base}/actions/permissions/workflow`).reply(
      200,
      name === 'deploy-tools'
        ? fixture('org-workflow-permissions.json')
        : fixture('repo-workflow-permissions.json'),
    );
  }
  return gh;
};
