// The demo's GitHub: the REST API of one organisation, played from JSON files under <dir>/ whose
// paths are the API paths (fixtures/demo/github/README.md). The real Octokit of the real GitHub
// connector talks to it: pagination by Link headers, ETags and 304s, App installation tokens,
// and denials carrying x-accepted-github-permissions, as GitHub sends them. Tokens and JWTs are
// not checked: it is a demo, and it only ever answers the local machine.
//
// Files:
//   <path>.json                   GET <path> (page 1)
//   <path>.page2.json, …          later pages; page N links to page N+1 when that file exists
//   <path>.role-admin.json        GET <path>?role=admin (org members by role)
//   orgs/<org>/audit-log.json     GET …/audit-log: the events of each page filtered by the `phrase`'s action
//   app/installations/<id>/access_tokens.json   POST: an installation token (expiry stamped now + 1h)
//   _responses.json               errors: { "<path, * for one segment>": { status, headers, body } }
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isoSeconds } from '../../src/clock.js';
import type { ConnectorDemo, DemoRequest, DemoResponse, DemoRoute } from '../../src/demo/server.js';

export interface GithubEstateOptions {
  /** Folder holding the API paths (fixtures/demo/github). */
  dir: string;
  /** The route's prefix on the demo server, to build absolute Link URLs (default "/github"). */
  prefix?: string;
  /** Wall clock for installation token expiry (default: now). */
  now?: () => Date;
}

interface CannedResponse {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** Path segments GitHub names can take; anything else never reaches the file system. */
const SEGMENT = /^[A-Za-z0-9_.-]{1,100}$/;

const RATE_HEADERS = {
  'x-ratelimit-limit': '5000',
  'x-ratelimit-remaining': '4999',
  'x-ratelimit-resource': 'core',
  'x-github-api-version-selected': '2022-11-28',
};

const json = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  summary?: string,
): DemoResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...RATE_HEADERS, ...headers },
  body: JSON.stringify(body),
  ...(summary ? { summary } : {}),
});

const notFound = (summary: string): DemoResponse =>
  json(
    404,
    { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
    {},
    summary,
  );

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

const matches = (pattern: string, path: string): boolean => {
  const p = pattern.split('/');
  const s = path.split('/');
  return p.length === s.length && p.every((part, i) => part === '*' || part === s[i]);
};

/**
 * The audit log's `phrase`, as GitHub applies it to the events of one page: `action:X` keeps the
 * action X, or every action of category X (the only qualifier the connector sends besides
 * `created`, which the demo's events all satisfy).
 */
const auditLogPage = (path: string, phrase: string | null, body: string): string => {
  if (!/^\/orgs\/[^/]+\/audit-log$/.test(path) || phrase === null) return body;
  const action = /(?:^|\s)action:(\S+)/.exec(phrase)?.[1];
  if (action === undefined) return body;
  const events = JSON.parse(body) as { action?: unknown }[];
  return JSON.stringify(
    events.filter(
      (e) => typeof e.action === 'string' && (e.action === action || e.action.startsWith(`${action}.`)),
    ),
  );
};

export const githubRoute = (options: GithubEstateOptions): DemoRoute => {
  const prefix = options.prefix ?? '/github';
  const now = options.now ?? (() => new Date());
  const cannedPath = join(options.dir, '_responses.json');
  const canned = existsSync(cannedPath) ? (readJson(cannedPath) as Record<string, CannedResponse>) : {};

  const fileFor = (path: string, role: string | null, page: number): string =>
    join(options.dir, ...path.split('/').filter(Boolean)) +
    (role ? `.role-${role}` : '') +
    (page > 1 ? `.page${page}` : '') +
    '.json';

  return {
    handle(req: DemoRequest): DemoResponse {
      const path = req.path.replace(/\/+$/, '') || '/';
      const segments = path.split('/').filter(Boolean);
      if (segments.length === 0 || !segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..')) {
        return notFound(`${req.method} ${path}`);
      }
      const summary = `${req.method} ${path}`;

      // Installation tokens: stamped with a fresh expiry, as GitHub issues them.
      if (req.method === 'POST' && /^\/app\/installations\/\d+\/access_tokens$/.test(path)) {
        const file = fileFor(path, null, 1);
        if (!existsSync(file)) return notFound(summary);
        const token = readJson(file) as Record<string, unknown>;
        return json(
          201,
          {
            ...token,
            expires_at: isoSeconds(new Date(now().getTime() + 3_600_000)),
          },
          {},
          summary,
        );
      }
      if (req.method !== 'GET') return notFound(summary);

      const denial = Object.entries(canned).find(([pattern]) => matches(pattern, path));
      if (denial) {
        const [, reply] = denial;
        return json(reply.status, reply.body, reply.headers ?? {}, `${summary} → ${reply.status}`);
      }

      const role = req.query.get('role');
      if (role !== null && !/^[a-z]+$/.test(role)) return notFound(summary);
      const page = Math.max(1, Number.parseInt(req.query.get('page') ?? '1', 10) || 1);
      const file = fileFor(path, role, page);
      if (!existsSync(file)) return notFound(summary);
      const body = auditLogPage(path, req.query.get('phrase'), readFileSync(file, 'utf8'));

      const headers: Record<string, string> = {};
      if (existsSync(fileFor(path, role, page + 1))) {
        const next = new URLSearchParams(req.query);
        next.set('page', String(page + 1));
        const host = req.headers.host ?? '127.0.0.1';
        headers.link = `<http://${host}${prefix}${path}?${next.toString()}>; rel="next"`;
      }
      // Conditional requests, as GitHub answers them: a matching ETag gets an empty 304. GitHub's
      // ETags are specific to the access token, so the Authorization header is part of the hash.
      const etag = `W/"${createHash('sha256')
        .update(`${req.headers.authorization ?? ''}\n${body}`)
        .digest('hex')
        .slice(0, 32)}"`;
      headers.etag = etag;
      if (req.headers['if-none-match'] === etag) {
        return {
          status: 304,
          headers: { ...RATE_HEADERS, ...headers },
          body: '',
          summary: `${summary} → 304`,
        };
      }
      return {
        status: 200,
        headers: { 'content-type': 'application/json; charset=utf-8', ...RATE_HEADERS, ...headers },
        body,
        summary,
      };
    },
  };
};

/** The demo App's private key: made fresh for each run (the demo server checks no signature). */
export const demoGithubAppKey = (): string =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;

/** Environment variables the demo config's github block names (see fixtures/demo/github/README.md). */
export const DEMO_GITHUB_ENV = {
  apiUrl: 'NHISCAN_DEMO_GITHUB_API_URL',
  appKey: 'NHISCAN_DEMO_GITHUB_APP_KEY',
} as const;

/** What the demo sets before the scan: the route's URL and a throwaway App key. */
export const demoGithubEnv = (serverUrl: string, prefix = '/github'): Record<string, string> => ({
  [DEMO_GITHUB_ENV.apiUrl]: `${serverUrl}${prefix}`,
  [DEMO_GITHUB_ENV.appKey]: demoGithubAppKey(),
});

export const githubDemo: ConnectorDemo = {
  route: ({ dir }) => githubRoute({ dir }),
  env: (serverUrl) => demoGithubEnv(serverUrl),
  describe: () => 'a GitHub organisation',
};
