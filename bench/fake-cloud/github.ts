// The benchmark's GitHub: the REST API of one organisation with N repositories, built from the
// demo estate's payloads (fixtures/demo/github: GitHub's OpenAPI examples, validated by the
// fixture contract test) with names and ids varied, so every object has the real shape. Pages at
// the per_page the client asks (max 100), Link headers as GitHub sends them, ETags tied to the
// token with empty 304s, x-ratelimit-* headers counting down the points spent (a 304 costs none),
// and optionally a secondary rate limit (403 + retry-after) on every Nth request.
import { AUDIT_LOG_ACTIONS } from '../../connectors/github/oauth-apps.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoRequest, DemoResponse, DemoRoute } from '../../src/demo/server.js';
import { fixturesDir } from '../../src/paths.js';

export interface GithubEstateSpec {
  repos: number;
  /** Org members (the first 5 are admins). */
  members: number;
  /** Primary rate limit per hour (an App on Enterprise Cloud: 15,000; a token: 5,000). */
  rateLimit: number;
  /** Answer every Nth request with a secondary rate limit (403, retry-after: 1); absent: never. */
  secondaryEvery?: number;
}

export const GITHUB_ORG = 'acme';
const TEMPLATE = join(fixturesDir, 'demo', 'github');
const ADMINS = 5;
const PER_PAGE_MAX = 100;

const load = (path: string): unknown => JSON.parse(readFileSync(join(TEMPLATE, path), 'utf8'));
const first = (path: string, key?: string): Record<string, unknown> => {
  const j = load(path) as Record<string, unknown>;
  const list = (key ? j[key] : j) as Record<string, unknown>[];
  const item = list[0];
  if (!item) throw new Error(`no template item in ${path}`);
  return item;
};

/** Per repository i: what it holds (deterministic). */
const repoHas = {
  deployKey: (i: number) => i % 4 === 0,
  actionsSecret: (i: number) => i % 3 === 0,
  environment: (i: number) => i % 5 === 0,
  hook: (i: number) => i % 7 === 0,
  /** Overrides the org's workflow-token default (an identity of its own). */
  writeToken: (i: number) => i % 10 === 0,
};
const repoName = (i: number): string => `repo-${String(i).padStart(5, '0')}`;
const pages = (n: number): number => Math.max(1, Math.ceil(n / PER_PAGE_MAX));

/**
 * The fewest calls a token scan of this org can make with every feature on, at 100 a page:
 * GET /user, members (admins, members), outside collaborators, installations and each installed
 * App, credential authorizations, the audit log's OAuth app events (one page per action searched), org
 * Actions/Dependabot/Codespaces secrets and the repositories
 * of the one `selected` secret, org hooks, org workflow default, the repository pages, then per
 * repository keys, three secret families, environments (+ each environment's secrets), hooks,
 * workflow default, and the rulesets of each repository holding a write deploy key.
 */
export const githubMinimum = (s: GithubEstateSpec): number => {
  let environments = 0;
  let writeKeys = 0;
  for (let i = 0; i < s.repos; i++) {
    if (repoHas.environment(i)) environments++;
    // The key template is a write key: its repository's rulesets are read (bypass), none active.
    if (repoHas.deployKey(i)) writeKeys++;
  }
  const installations = (load('orgs/acme/installations.json') as { installations: unknown[] }).installations
    .length;
  return (
    1 +
    pages(Math.min(ADMINS, s.members)) +
    pages(Math.max(0, s.members - ADMINS)) +
    1 +
    1 +
    installations +
    1 +
    AUDIT_LOG_ACTIONS.length + // GET /orgs/{org}/audit-log, one listing per action (oauthApps, on by default)
    3 +
    1 +
    1 +
    1 +
    pages(s.repos) +
    7 * s.repos +
    environments +
    writeKeys
  );
};

export const githubRoute = (spec: GithubEstateSpec, prefix = '/github'): DemoRoute => {
  const repoTpl = first('orgs/acme/repos.json');
  const keyTpl = first('repos/acme/payments-api/keys.json');
  const secretTpl = first('repos/acme/payments-api/actions/secrets.json', 'secrets');
  const envTpl = first('repos/acme/payments-api/environments.json', 'environments');
  const hookTpl = first('orgs/acme/hooks.json');
  const memberTpl = first('orgs/acme/members.role-member.json');
  const base = Date.now();
  const day = (n: number): string => new Date(base - n * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const vary = (
    tpl: Record<string, unknown>,
    from: string,
    to: string,
    fields: Record<string, unknown>,
  ): unknown => ({
    ...(JSON.parse(JSON.stringify(tpl).replaceAll(from, to)) as Record<string, unknown>),
    ...fields,
  });
  const repo = (i: number): unknown =>
    vary(repoTpl, String(repoTpl.name), repoName(i), {
      id: 100_000 + i,
      node_id: `R_bench${i}`,
      private: i % 2 === 0,
      visibility: i % 2 === 0 ? 'private' : 'public',
    });
  // Member 0 is the token's own user (GET /user): a member, so every membership is listed to it.
  const self = (load('user.json') as { login: string }).login;
  const member = (j: number): unknown =>
    vary(memberTpl, String(memberTpl.login), j === 0 ? self : `user-${j}`, {
      id: 500_000 + j,
      node_id: `U_bench${j}`,
    });
  let spent = 0;
  let requests = 0;

  /** The body of GET path (list or object), or undefined for a 404. */
  // A listing is a count and an item at an index: a page costs its own items only.
  type Listing = { count: number; at: (k: number) => unknown; wrap?: string };
  const arr = (items: unknown[], wrap?: string): Listing => ({
    count: items.length,
    at: (k) => items[k],
    ...(wrap ? { wrap } : {}),
  });
  const list = (
    path: string,
    query: URLSearchParams,
  ): Listing | { items: unknown[]; wrap?: string } | { object: unknown } | undefined => {
    const o = `/orgs/${GITHUB_ORG}`;
    if (path === '/user') return { object: load('user.json') };
    if (path === `${o}/members`) {
      const admins = query.get('role') === 'admin';
      const from = admins ? 0 : ADMINS;
      const to = admins ? Math.min(ADMINS, spec.members) : spec.members;
      return { count: Math.max(0, to - from), at: (k) => member(from + k) };
    }
    if (path === `${o}/outside_collaborators`) return { items: [] };
    if (path === `${o}/installations`) {
      return {
        items: (load('orgs/acme/installations.json') as { installations: unknown[] }).installations,
        wrap: 'installations',
      };
    }
    const app = /^\/apps\/([\w-]+)$/.exec(path);
    if (app) {
      try {
        return { object: load(`apps/${app[1] ?? ''}.json`) };
      } catch {
        return undefined;
      }
    }
    if (path === `${o}/credential-authorizations`) return { items: [] };
    // The audit log's OAuth app events (oauthApps): none in the bench org.
    if (path === `${o}/audit-log`) return { items: [] };
    if (path === `${o}/actions/secrets`) {
      return {
        items: (load('orgs/acme/actions/secrets.json') as { secrets: unknown[] }).secrets,
        wrap: 'secrets',
      };
    }
    if (/^\/orgs\/acme\/actions\/secrets\/[\w]+\/repositories$/.test(path)) {
      return { items: [repo(0), repo(1)], wrap: 'repositories' };
    }
    if (path === `${o}/dependabot/secrets` || path === `${o}/codespaces/secrets`)
      return { items: [], wrap: 'secrets' };
    if (path === `${o}/hooks`) return { items: [hookTpl] };
    if (path === `${o}/actions/permissions/workflow`) {
      return { object: { default_workflow_permissions: 'read', can_approve_pull_request_reviews: false } };
    }
    if (path === `${o}/repos`) return { count: spec.repos, at: repo };
    const m = /^\/repos\/acme\/repo-(\d{5})(\/.*)$/.exec(path);
    if (!m) return undefined;
    const i = Number(m[1]);
    if (i >= spec.repos) return undefined;
    const name = repoName(i);
    switch (m[2]) {
      case '/keys':
        return {
          items: repoHas.deployKey(i)
            ? [
                vary(keyTpl, 'payments-api', name, {
                  id: 200_000 + i,
                  created_at: day(i % 500),
                  last_used: day(i % 90),
                }),
              ]
            : [],
        };
      case '/actions/secrets':
        return {
          items: repoHas.actionsSecret(i)
            ? [{ ...secretTpl, created_at: day(i % 400), updated_at: day(i % 400) }]
            : [],
          wrap: 'secrets',
        };
      case '/dependabot/secrets':
      case '/codespaces/secrets':
        return { items: [], wrap: 'secrets' };
      case '/environments':
        return {
          items: repoHas.environment(i) ? [vary(envTpl, 'payments-api', name, { id: 300_000 + i })] : [],
          wrap: 'environments',
        };
      case '/environments/production/secrets':
        return repoHas.environment(i)
          ? {
              items: [
                { ...secretTpl, name: 'DEPLOY_KEY', created_at: day(i % 300), updated_at: day(i % 300) },
              ],
              wrap: 'secrets',
            }
          : undefined;
      case '/hooks':
        return {
          items: repoHas.hook(i)
            ? [
                vary(hookTpl, `orgs/${GITHUB_ORG}`, `repos/${GITHUB_ORG}/${name}`, {
                  id: 400_000 + i,
                  type: 'Repository',
                }),
              ]
            : [],
        };
      case '/rulesets':
        // Read where a write deploy key could bypass the default branch's rules; none here.
        return { items: [] };
      case '/actions/permissions/workflow':
        return {
          object: {
            default_workflow_permissions: repoHas.writeToken(i) ? 'write' : 'read',
            can_approve_pull_request_reviews: false,
          },
        };
      default:
        return undefined;
    }
  };

  const rateHeaders = (): Record<string, string> => ({
    'x-ratelimit-limit': String(spec.rateLimit),
    'x-ratelimit-remaining': String(Math.max(0, spec.rateLimit - spent)),
    'x-ratelimit-used': String(spent),
    'x-ratelimit-reset': String(Math.floor(base / 1000) + 3600),
    'x-ratelimit-resource': 'core',
    'x-github-api-version-selected': '2022-11-28',
  });
  const reply = (
    status: number,
    body: unknown,
    summary: string,
    headers: Record<string, string> = {},
  ): DemoResponse => ({
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...rateHeaders(), ...headers },
    body: JSON.stringify(body),
    summary,
  });
  /** "GET /repos/acme/repo-00012/keys" → "GET /repos/{owner}/{repo}/keys" (the stats' operation). */
  const operation = (path: string): string =>
    path
      .replace(/^\/repos\/acme\/repo-\d{5}/, '/repos/{owner}/{repo}')
      .replace(/^\/orgs\/acme/, '/orgs/{org}')
      .replace(/^\/apps\/[\w-]+$/, '/apps/{app_slug}')
      .replace(/\/secrets\/\w+\/repositories$/, '/secrets/{secret_name}/repositories');

  return {
    handle(req: DemoRequest): DemoResponse {
      requests += 1;
      const path = req.path.replace(/\/+$/, '') || '/';
      const summary = `${GITHUB_ORG} GET:${operation(path)}`;
      if (spec.secondaryEvery && requests % spec.secondaryEvery === 0) {
        spent += 1;
        return reply(
          403,
          {
            message:
              'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
            documentation_url:
              'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
            status: '403',
          },
          `${summary} → rate limit (secondary)`,
          { 'retry-after': '1' },
        );
      }
      if (req.method !== 'GET') return reply(404, { message: 'Not Found', status: '404' }, summary);
      const raw = list(path, req.query);
      const found = raw && 'items' in raw ? arr(raw.items, raw.wrap) : raw;
      if (!found) {
        spent += 1;
        return reply(
          404,
          { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
          `${summary} → 404`,
        );
      }
      const headers: Record<string, string> = {};
      let body: unknown;
      if ('object' in found) body = found.object;
      else {
        const perPage = Math.min(PER_PAGE_MAX, Math.max(1, Number(req.query.get('per_page')) || 30));
        const page = Math.max(1, Number(req.query.get('page')) || 1);
        const last = Math.max(1, Math.ceil(found.count / perPage));
        const items: unknown[] = [];
        for (let k = (page - 1) * perPage; k < Math.min(found.count, page * perPage); k++)
          items.push(found.at(k));
        body = found.wrap ? { total_count: found.count, [found.wrap]: items } : items;
        const link = (p: number, rel: string): string => {
          const q = new URLSearchParams(req.query);
          q.set('page', String(p));
          return `<http://${req.headers.host ?? '127.0.0.1'}${prefix}${path}?${q.toString()}>; rel="${rel}"`;
        };
        const links = [
          ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
          ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : []),
        ];
        if (links.length > 0) headers.link = links.join(', ');
      }
      const text = JSON.stringify(body);
      // GitHub's ETags are specific to the access token: the Authorization header is hashed in.
      const etag = `W/"${createHash('sha256')
        .update(`${req.headers.authorization ?? ''}\n${text}`)
        .digest('hex')
        .slice(0, 32)}"`;
      headers.etag = etag;
      if (req.headers['if-none-match'] === etag) {
        // A conditional request answered 304 costs no rate-limit point.
        return {
          status: 304,
          headers: { ...rateHeaders(), ...headers },
          body: '',
          summary: `${summary} → 304`,
        };
      }
      spent += 1;
      return { ...reply(200, body, summary, headers), body: text };
    },
  };
};
