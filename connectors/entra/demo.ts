// The demo's Entra tenant: the Microsoft identity platform's token endpoint and a small
// Microsoft Graph, played from fixtures/demo/entra/tenant.json, for the real @azure/identity
// credential and the real Graph client of the real connector. MSAL only talks to https
// authorities, and the Graph client only follows https @odata.nextLink URLs, so this route is
// served over TLS with a certificate generated for 127.0.0.1 at start; the scan trusts it
// through providers.entra.caFile (no verification is switched off anywhere). Paging ($top and
// $skiptoken nextLinks), $select, and $batch behave as Graph's; tokens are not checked.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ConnectorDemo,
  type DemoRequest,
  type DemoResponse,
  type DemoRoute,
  type DemoServer,
  startDemoServer,
} from '../../src/demo/server.js';
import type { EntraConfig } from './config.js';

type Obj = Record<string, unknown> & { id: string };

export interface EntraDemoTenant {
  tenant: { id: string; domain: string; displayName: string };
  applications: Obj[];
  servicePrincipals: Obj[];
  users: Obj[];
  owners: Record<string, string[]>;
  federatedIdentityCredentials: Record<string, Obj[]>;
  appRoleAssignments: Record<string, Obj[]>;
  oauth2PermissionGrants: Obj[];
  directoryRoles: Obj[];
  directoryRoleMembers: Record<string, string[]>;
  servicePrincipalSignInActivities: Obj[];
}

export const loadDemoTenant = (dir: string): EntraDemoTenant =>
  JSON.parse(readFileSync(join(dir, 'tenant.json'), 'utf8')) as EntraDemoTenant;

/** Default page size of the demo's collections: small, so paging is exercised. */
const PAGE = 5;

const json = (
  status: number,
  body: unknown,
  summary?: string,
  headers: Record<string, string> = {},
): DemoResponse => ({
  status,
  headers: { 'content-type': 'application/json; odata.metadata=minimal; charset=utf-8', ...headers },
  body: JSON.stringify(body),
  ...(summary ? { summary } : {}),
});

const graphError = (status: number, code: string, message: string, summary: string): DemoResponse =>
  json(
    status,
    {
      error: {
        code,
        message,
        innerError: { date: '2026-11-01T00:00:00', 'request-id': '00000000-0000-4000-8000-000000000000' },
      },
    },
    summary,
  );

/** A JWT-shaped token (unsigned: the demo checks nothing) carrying the claims the connector reads. */
const demoToken = (tenantId: string, appId: string): string => {
  const part = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'none' })}.${part({ tid: tenantId, appid: appId, app_displayname: 'nhiscan-reader', roles: ['Application.Read.All'] })}.`;
};

export interface EntraRouteOptions {
  dir: string;
  /** This route's own https origin, for nextLinks and the OpenID metadata. */
  origin: () => string;
}

export const entraRoute = (options: EntraRouteOptions): DemoRoute => {
  const t = loadDemoTenant(options.dir);
  const objects = new Map<string, Obj>();
  for (const o of [...t.users, ...t.servicePrincipals, ...t.applications]) objects.set(o.id, o);
  const typeOf = (id: string): string =>
    t.users.some((u) => u.id === id) ? '#microsoft.graph.user' : '#microsoft.graph.servicePrincipal';
  const tenantMatches = (s: string): boolean => s === t.tenant.id || s.toLowerCase() === t.tenant.domain;

  const select = (o: Obj, query: URLSearchParams): Record<string, unknown> => {
    const fields = query.get('$select');
    if (!fields) return o;
    const keep = new Set(fields.split(','));
    return Object.fromEntries(Object.entries(o).filter(([k]) => keep.has(k) || k.startsWith('@odata')));
  };

  const page = (
    version: string,
    path: string,
    items: readonly Record<string, unknown>[],
    query: URLSearchParams,
  ): DemoResponse => {
    const top = Math.min(Number(query.get('$top') ?? PAGE) || PAGE, 999, PAGE);
    const skip = Number(query.get('$skiptoken') ?? 0) || 0;
    const slice = items.slice(skip, skip + top).map((o) => select(o as Obj, query));
    const next = new URLSearchParams(query);
    next.set('$skiptoken', String(skip + top));
    return json(
      200,
      {
        '@odata.context': `${options.origin()}/${version}/$metadata#${path}`,
        value: slice,
        ...(skip + top < items.length
          ? { '@odata.nextLink': `${options.origin()}/${version}/${path}?${next.toString()}` }
          : {}),
      },
      `${version} GET /${path}${skip ? ` (from ${skip})` : ''}`,
    );
  };

  const graph = (
    version: string,
    method: string,
    path: string,
    query: URLSearchParams,
    body: string,
  ): DemoResponse => {
    const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (method === 'POST' && seg[0] === '$batch') return batch(version, body);
    if (method !== 'GET')
      return graphError(405, 'Request_BadRequest', 'the demo Graph only reads', `${method} /${path}`);
    const withType = (ids: readonly string[]): Obj[] =>
      ids.flatMap((id) => {
        const o = objects.get(id);
        return o ? [{ '@odata.type': typeOf(id), ...o }] : [];
      });
    const [a, id, b] = seg;
    if (version === 'v1.0' && a === 'applications' && !id)
      return page(version, 'applications', t.applications, query);
    if (version === 'v1.0' && a === 'servicePrincipals' && !id)
      return page(version, 'servicePrincipals', t.servicePrincipals, query);
    if (version === 'v1.0' && a === 'servicePrincipals' && id && !b) {
      const sp = t.servicePrincipals.find((s) => s.id === id);
      return sp
        ? json(200, select(sp, query), `GET /servicePrincipals/${id}`)
        : graphError(
            404,
            'Request_ResourceNotFound',
            `Resource '${id}' does not exist.`,
            `GET /servicePrincipals/${id}`,
          );
    }
    if (version === 'v1.0' && (a === 'applications' || a === 'servicePrincipals') && id && b === 'owners')
      return page(version, `${a}/${id}/owners`, withType(t.owners[id] ?? []), query);
    if (a === 'applications' && id && b === 'federatedIdentityCredentials')
      return page(
        version,
        `${a}/${id}/federatedIdentityCredentials`,
        t.federatedIdentityCredentials[id] ?? [],
        query,
      );
    if (version === 'v1.0' && a === 'servicePrincipals' && id && b === 'appRoleAssignments')
      return page(version, `${a}/${id}/appRoleAssignments`, t.appRoleAssignments[id] ?? [], query);
    if (version === 'v1.0' && a === 'oauth2PermissionGrants')
      return page(version, 'oauth2PermissionGrants', t.oauth2PermissionGrants, query);
    if (version === 'v1.0' && a === 'directoryRoles' && !id)
      return page(version, 'directoryRoles', t.directoryRoles, query);
    if (version === 'v1.0' && a === 'directoryRoles' && id && b === 'members')
      return page(version, `directoryRoles/${id}/members`, withType(t.directoryRoleMembers[id] ?? []), query);
    if (version === 'beta' && a === 'reports' && id === 'servicePrincipalSignInActivities')
      return page(
        version,
        'reports/servicePrincipalSignInActivities',
        t.servicePrincipalSignInActivities,
        query,
      );
    return graphError(
      404,
      'Request_ResourceNotFound',
      `the demo Graph has no ${version}/${path}`,
      `${version} GET /${path}`,
    );
  };

  const batch = (version: string, body: string): DemoResponse => {
    const { requests } = JSON.parse(body) as { requests: { id: string; method: string; url: string }[] };
    if (!Array.isArray(requests) || requests.length > 20)
      return graphError(
        400,
        'BadRequest',
        'a batch holds between 1 and 20 requests',
        `${version} POST /$batch`,
      );
    const responses = requests.map((r) => {
      const u = new URL(r.url, 'https://graph.invalid');
      const res = graph(version, r.method, u.pathname.replace(/^\//, ''), u.searchParams, '');
      return {
        id: r.id,
        status: res.status,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.parse(res.body) as unknown,
      };
    });
    return json(200, { responses }, `${version} POST /$batch (${requests.length})`);
  };

  return {
    handle(req: DemoRequest): DemoResponse {
      const seg = req.path.split('/').filter(Boolean);
      const [first = '', ...rest] = seg;
      if (first === 'v1.0' || first === 'beta')
        return graph(first, req.method, rest.join('/'), req.query, req.body);
      // The identity platform: /{tenant}/v2.0/.well-known/openid-configuration and /{tenant}/oauth2/v2.0/token.
      if (!tenantMatches(decodeURIComponent(first)))
        return json(
          400,
          { error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${first}' not found.` },
          `login ${req.path}`,
        );
      const base = `${options.origin()}/${t.tenant.id}`;
      if (req.method === 'GET' && rest.join('/') === 'v2.0/.well-known/openid-configuration') {
        return json(
          200,
          {
            token_endpoint: `${base}/oauth2/v2.0/token`,
            authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
            end_session_endpoint: `${base}/oauth2/v2.0/logout`,
            jwks_uri: `${options.origin()}/${t.tenant.id}/discovery/v2.0/keys`,
            issuer: `${base}/v2.0`,
            token_endpoint_auth_methods_supported: [
              'client_secret_post',
              'private_key_jwt',
              'client_secret_basic',
            ],
            response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
            tenant_region_scope: 'EU',
          },
          'login GET openid-configuration',
        );
      }
      if (req.method === 'POST' && rest.join('/') === 'oauth2/v2.0/token') {
        const form = new URLSearchParams(req.body);
        const clientId = form.get('client_id') ?? 'unknown';
        return json(
          200,
          {
            token_type: 'Bearer',
            expires_in: 3599,
            ext_expires_in: 3599,
            access_token: demoToken(t.tenant.id, clientId),
          },
          'login POST token',
        );
      }
      return json(404, { error: 'not_found' }, `login ${req.method} ${req.path}`);
    },
  };
};

export interface EntraDemo {
  server: DemoServer;
  /** PEM file of the server's self-signed certificate, for providers.entra.caFile. */
  caFile: string;
  close(): Promise<void>;
}

/** The client secret the demo config names (NHISCAN_DEMO_ENTRA_SECRET); the demo accepts anything. */
export const DEMO_ENTRA_ENV = { NHISCAN_DEMO_ENTRA_SECRET: 'nhiscan-demo-entra-secret' } as const;

/**
 * Starts the tenant's TLS server on 127.0.0.1 with a certificate generated now (valid one day,
 * for 127.0.0.1 only), and writes the certificate (public part only) to a temporary file.
 */
export const startEntraDemo = async (dir: string): Promise<EntraDemo> => {
  // An optional SDK of this connector (only the demo needs it): loaded here, not with the registry.
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    notBeforeDate: new Date(Date.now() - 60_000),
    notAfterDate: new Date(Date.now() + 86_400_000),
    keyType: 'ec',
    curve: 'P-256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  let origin = '';
  const server = await startDemoServer(
    { '*': entraRoute({ dir, origin: () => origin }) },
    { tls: { key: pems.private, cert: pems.cert } },
  );
  origin = server.url;
  const tmp = await mkdtemp(join(tmpdir(), 'nhiscan-demo-entra-'));
  const caFile = join(tmp, 'demo-ca.pem');
  await writeFile(caFile, pems.cert, { mode: 0o600 });
  return {
    server,
    caFile,
    close: async () => {
      await server.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
};

/** The demo part the registry mounts: its own TLS server, since MSAL and the Graph client need https at the root. */
export const entraDemo: ConnectorDemo = {
  // 9 MB with its X.509 libraries, only to make the demo tenant's TLS certificate: an optional
  // peer dependency, named in the demo's install command and not in a scan's.
  sdks: { selfsigned: '5.5.0' },
  route: ({ dir }) => entraRoute({ dir, origin: () => 'https://127.0.0.1' }),
  start: async ({ dir }) => {
    const demo = await startEntraDemo(dir);
    return {
      server: demo.server,
      env: { ...DEMO_ENTRA_ENV },
      pointAt: (config) => ({
        ...(config as EntraConfig),
        authorityHost: demo.server.url,
        graphBaseUrl: demo.server.url,
        caFile: demo.caFile,
      }),
      close: () => demo.close(),
    };
  },
  describe: () => 'an Entra tenant (acme.onmicrosoft.com, over TLS)',
};
