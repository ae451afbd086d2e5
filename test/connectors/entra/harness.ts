// Shared pieces of the Entra suites: the real connector, the real @azure/identity credential and
// the real Graph client against nock. nock answers sign-in and Graph from the demo tenant
// (fixtures/demo/entra/tenant.json) through the demo's own Graph route, so paging, $select and
// $batch behave as Graph's; a test adds interceptors before it for the failure it is about.
import { join } from 'node:path';
import nock from 'nock';
import { EntraConfig, type EntraConfigInput } from '../../../connectors/entra/config.js';
import { entraRoute, loadDemoTenant } from '../../../connectors/entra/demo.js';
import { entraConnector } from '../../../connectors/entra/index.js';
import { systemClock } from '../../../src/clock.js';
import { createCollectContext } from '../../../src/collect-context.js';
import { ScanError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/log.js';
import { type Gap, Identity } from '../../../src/model.js';
import { fixturesDir } from '../../../src/paths.js';

export const LOGIN = 'https://login.microsoftonline.com';
export const GRAPH = 'https://graph.microsoft.com';
export const DEMO_DIR = join(fixturesDir, 'demo', 'entra');
export const TENANT = loadDemoTenant(DEMO_DIR).tenant;
export const AS_OF = new Date('2026-11-01T00:00:00Z');
export const CLIENT_ID = '5f2b7c1e-3d4a-4b6c-8e9f-0a1b2c3d4e5f';
export const SECRET_ENV = 'NHISCAN_TEST_ENTRA_SECRET';

export const config = (overrides: Partial<EntraConfigInput> = {}): EntraConfig =>
  EntraConfig.parse({
    tenants: [TENANT.id],
    auth: { type: 'clientSecret', clientId: CLIENT_ID, clientSecretEnv: SECRET_ENV },
    maxRetryAfterSeconds: 2,
    ...overrides,
  });

/** Every request nock answered, for assertions on how Graph was called. */
export interface Served {
  method: string;
  url: string;
  body: string;
}

/** Sign-in and Graph from the demo tenant, for any number of calls. */
export const mockTenant = (served: Served[] = []): Served[] => {
  const route = (origin: string) => entraRoute({ dir: DEMO_DIR, origin: () => origin });
  for (const origin of [LOGIN, GRAPH]) {
    const r = route(origin);
    for (const method of ['GET', 'POST'] as const) {
      nock(origin)
        .persist()
        .intercept(/.*/, method)
        .reply(async (uri, body) => {
          const url = new URL(uri, origin);
          const text = typeof body === 'string' ? body : JSON.stringify(body);
          served.push({ method, url: url.toString(), body: text });
          const res = await r.handle({
            method,
            path: url.pathname,
            query: url.searchParams,
            headers: {},
            body: text,
          });
          return [res.status, res.body, res.headers ?? {}];
        });
    }
  }
  return served;
};

/** One $batch item answered by the demo Graph, as Graph would inside a batch response. */
export const demoBatchItem = async (version: string, item: { id: string; method: string; url: string }) => {
  const r = entraRoute({ dir: DEMO_DIR, origin: () => GRAPH });
  const res = await r.handle({
    method: 'POST',
    path: `/${version}/$batch`,
    query: new URLSearchParams(),
    headers: {},
    body: JSON.stringify({ requests: [item] }),
  });
  return (JSON.parse(res.body) as { responses: unknown[] }).responses[0];
};

export interface Collected {
  identities: Identity[];
  gaps: Gap[];
  notes: string[];
  scope: string | undefined;
  principal: string | undefined;
  error?: ScanError;
}

export const collect = async (cfg: EntraConfig = config()): Promise<Collected> => {
  process.env[SECRET_ENV] = 'not-a-real-secret';
  const { ctx, record } = createCollectContext({
    clock: systemClock(AS_OF),
    concurrency: 4,
    log: silentLogger,
    signal: new AbortController().signal,
    baseDir: process.cwd(),
  });
  const identities: Identity[] = [];
  let error: ScanError | undefined;
  try {
    for (const target of entraConnector.targets(cfg))
      for await (const i of entraConnector.collect(target, cfg, ctx)) identities.push(Identity.parse(i));
  } catch (err) {
    if (!(err instanceof ScanError)) throw err;
    error = err;
  }
  return {
    identities,
    gaps: record.gaps,
    notes: record.notes,
    scope: record.scope,
    principal: record.principal,
    ...(error ? { error } : {}),
  };
};

export const graphError = (code: string, message: string) => ({
  error: {
    code,
    message,
    innerError: {
      date: '2026-11-01T00:00:00',
      'request-id': '7d8e9f00-1111-4222-8333-944455556666',
      'client-request-id': '7d8e9f00-1111-4222-8333-944455556666',
    },
  },
});
