// The demo's Google Workspace account: the Admin SDK surface the connector calls (Directory API
// users.list and tokens.list, Reports API activities.list), played from
// fixtures/demo/workspace/domain.json for the real @googleapis/admin client of the real
// connector, which reaches it through `providers.workspace.endpoint` (`${server.url}/workspace/`).
// Answers are Google's: JSON bodies, `nextPageToken` paging (small pages, so paging runs), and
// errors in the Admin SDK's legacy JSON shape. Tokens are not checked (the demo runs with
// `auth: none`, which the connector allows on loopback only).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ConnectorDemo, DemoRequest, DemoResponse, DemoRoute } from '../../src/demo/server.js';
import type { WorkspaceConfig } from './config.js';

const Json = z.record(z.string(), z.unknown());

export const DemoDomainFile = z.strictObject({
  domain: z.string(),
  customerId: z.string(),
  users: z.array(z.looseObject({ id: z.string(), primaryEmail: z.string() })),
  tokens: z.record(z.string(), Json),
  activities: z.array(z.looseObject({ id: z.looseObject({ time: z.string() }) })),
  deniedTokens: z.array(z.string()).default([]),
});
export type DemoDomainFile = z.infer<typeof DemoDomainFile>;

export const loadDemoDomain = (dir: string): DemoDomainFile =>
  DemoDomainFile.parse(JSON.parse(readFileSync(join(dir, 'domain.json'), 'utf8')));

/** Page sizes of the demo: small, so the client's paging is exercised. */
const USERS_PAGE = 4;
const ACTIVITIES_PAGE = 10;

const json = (status: number, body: unknown, summary: string): DemoResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=UTF-8' },
  body: JSON.stringify(body, null, 2),
  summary,
});

const REASONS: Record<number, string> = {
  400: 'invalid',
  403: 'forbidden',
  404: 'notFound',
  405: 'badRequest',
};

/** The Admin SDK's error body: { error: { code, message, errors: [{ message, domain, reason }] } }. */
export const adminError = (status: number, message: string, summary: string): DemoResponse =>
  json(
    status,
    {
      error: {
        code: status,
        message,
        errors: [{ message, domain: 'global', reason: REASONS[status] ?? 'backendError' }],
      },
    },
    summary,
  );

const pageOf = <T>(
  items: readonly T[],
  query: URLSearchParams,
  max: number,
): { slice: T[]; next?: string } => {
  const size = Math.min(Number(query.get('maxResults') ?? max) || max, max);
  const from = Number(query.get('pageToken') ?? 0) || 0;
  const slice = items.slice(from, from + size);
  return from + size < items.length ? { slice, next: String(from + size) } : { slice };
};

export const workspaceRoute = (dir: string): DemoRoute => {
  const d = loadDemoDomain(dir);
  const byKey = (key: string) => d.users.find((u) => u.id === key || u.primaryEmail === key);
  return {
    handle(req: DemoRequest): DemoResponse {
      const seg = req.path.split('/').filter(Boolean).map(decodeURIComponent);
      const what = `${req.method} ${req.path}`;
      if (req.method !== 'GET') return adminError(405, 'the demo Admin SDK only reads', what);
      // /admin/directory/v1/users[/{userKey}/tokens]
      if (seg[0] === 'admin' && seg[1] === 'directory' && seg[2] === 'v1' && seg[3] === 'users') {
        if (seg.length === 4) {
          const customer = req.query.get('customer');
          if (customer !== 'my_customer' && customer !== d.customerId)
            return adminError(400, 'Bad Request', `directory users.list customer=${customer ?? ''}`);
          const { slice, next } = pageOf(d.users, req.query, USERS_PAGE);
          return json(
            200,
            {
              kind: 'admin#directory#users',
              etag: '"etag-users"',
              users: slice,
              ...(next ? { nextPageToken: next } : {}),
            },
            `directory users.list${req.query.get('pageToken') ? ` (from ${req.query.get('pageToken')})` : ''}`,
          );
        }
        const userKey = seg[4] ?? '';
        if (seg.length === 6 && seg[5] === 'tokens') {
          const u = byKey(userKey);
          if (!u) return adminError(404, 'Resource Not Found: userKey', `directory tokens.list ${userKey}`);
          if (d.deniedTokens.includes(u.id))
            return adminError(
              403,
              'Not Authorized to access this resource/api',
              `directory tokens.list ${u.primaryEmail} (denied)`,
            );
          return json(
            200,
            d.tokens[u.id] ?? { kind: 'admin#directory#tokenList', etag: '"etag-empty"', items: [] },
            `directory tokens.list ${u.primaryEmail}`,
          );
        }
      }
      // /admin/reports/v1/activity/users/{userKey}/applications/{applicationName}
      if (
        seg[0] === 'admin' &&
        seg[1] === 'reports' &&
        seg[2] === 'v1' &&
        seg[3] === 'activity' &&
        seg[4] === 'users' &&
        seg[6] === 'applications'
      ) {
        if (seg[7] !== 'token' || seg[5] !== 'all')
          return adminError(400, 'the demo Reports API answers token activity of all users only', what);
        const start = req.query.get('startTime');
        const end = req.query.get('endTime');
        const items = d.activities.filter(
          (a) => (!start || a.id.time >= start) && (!end || a.id.time <= end),
        );
        const { slice, next } = pageOf(items, req.query, ACTIVITIES_PAGE);
        return json(
          200,
          {
            kind: 'admin#reports#activities',
            etag: '"etag-activities"',
            items: slice,
            ...(next ? { nextPageToken: next } : {}),
          },
          `reports activities.list token${req.query.get('pageToken') ? ` (from ${req.query.get('pageToken')})` : ''}`,
        );
      }
      return adminError(404, `the demo Admin SDK has no ${req.path}`, what);
    },
  };
};

/** The root URL `providers.workspace.endpoint` takes for a demo server at `serverUrl`. */
export const workspaceDemoEndpoint = (serverUrl: string): string => `${serverUrl}/workspace/`;

export const workspaceDemo: ConnectorDemo = {
  route: ({ dir }) => workspaceRoute(dir),
  pointAt: (config, serverUrl) => ({
    ...(config as WorkspaceConfig),
    endpoint: workspaceDemoEndpoint(serverUrl),
  }),
  describe: (dir) => `a Google Workspace account (${loadDemoDomain(dir).domain})`,
};
