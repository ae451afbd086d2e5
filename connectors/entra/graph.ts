// Microsoft Graph through the official client: its middleware chain (authentication, the
// RetryHandler that honours 429/503/504 Retry-After, telemetry) with two links of ours: a
// deadline per attempt joined to the scan's AbortSignal, and the fetch at the end of the chain
// made through undici with a dispatcher we choose (a private CA for the demo and for TLS
// interception proxies). Paging follows @odata.nextLink; per-object reads go through $batch.
import type { TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  BatchRequestContent,
  BatchResponseContent,
  Client,
  type Middleware,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { type Dispatcher, fetch as undiciFetch } from 'undici';
import type { Gap, GapCode } from '../../src/model.js';
import { errorMessage, errorName } from '../../src/errors.js';
import { type Logger, silentLogger } from '../../src/log.js';
import { logCall, logCallDone, msSince } from '../../src/permissions.js';
import { ENTRA_PERMISSIONS } from './permissions.js';

export interface GraphOptions {
  credential: TokenCredential;
  /** e.g. https://graph.microsoft.com (no version). */
  graphBaseUrl: string;
  signal: AbortSignal;
  requestTimeoutMs: number;
  maxRetries: number;
  maxRetryAfterSeconds: number;
  /** Where the fetch goes through (a CA, a proxy); undici's global one when absent. */
  dispatcher?: Dispatcher;
  /** Told about every retry the RetryHandler makes (for the coverage note). */
  onRetry?: (status: number, delaySeconds: number) => void;
  /** The call trace and `--verbose` lines go here (debug level). */
  log?: Logger;
}

/** Graph's OAuth scope for app-only tokens: the resource's root with /.default. */
export const graphScope = (graphBaseUrl: string): string => `${new URL(graphBaseUrl).origin}/.default`;

/** The manifest's call templates (`GET /applications/{id}/owners`), split into segments. */
const TEMPLATES = ENTRA_PERMISSIONS.flatMap((e) => e.calls).map((call) => {
  const [method = '', path = ''] = call.split(' ');
  return { call, method, segments: path.split('/').filter(Boolean) };
});

/**
 * A Graph request named as the permission manifest names it: `GET /applications/{id}/owners`
 * (`/beta` kept, the version and any base path dropped, never the query). A path no template
 * matches (the `$batch` envelope) is named by its literal path.
 */
export const graphCallName = (method: string, url: string): string => {
  const path = new URL(url, 'https://graph.invalid/v1.0/').pathname;
  const parts = path.split('/').filter(Boolean);
  const at = parts.findIndex((p) => p === 'v1.0' || p === 'beta');
  const rest = (at >= 0 ? parts.slice(at + 1) : parts).map((p) => decodeURIComponent(p));
  const segments = at >= 0 && parts[at] === 'beta' ? ['beta', ...rest] : rest;
  const m = method.toUpperCase();
  const hit = TEMPLATES.find(
    (t) =>
      t.method === m &&
      t.segments.length === segments.length &&
      t.segments.every((s, i) => s === '{id}' || s === segments[i]),
  );
  return hit?.call ?? `${m} /${segments.join('/')}`;
};

/** The requests a `$batch` body carries (method and relative URL), each traced as its own call. */
const batchedCalls = (body: unknown, version: 'v1.0' | 'beta'): string[] => {
  if (typeof body !== 'string') return [];
  try {
    const parsed = JSON.parse(body) as { requests?: { method?: unknown; url?: unknown }[] };
    return (parsed.requests ?? []).flatMap((r) =>
      typeof r.url === 'string'
        ? [graphCallName(typeof r.method === 'string' ? r.method : 'GET', `/${version}/${r.url}`)]
        : [],
    );
  } catch {
    return []; // not JSON: the envelope's own line still says what was sent
  }
};

/**
 * The call trace and `--verbose` (src/permissions.ts): `call entra GET /servicePrincipals` when a
 * request starts (each request inside a `$batch` too), `api entra GET /servicePrincipals -> 200
 * 41ms retries=0` when it ends: duration across the RetryHandler's attempts (counted per attempt by
 * the deadline link). Only names and outcomes: never a URL's query, a header or a body.
 */
const trace = (log: Logger, attempts: WeakMap<object, number>): Middleware => {
  let next: Middleware | undefined;
  return {
    setNext: (m) => (next = m),
    execute: async (context) => {
      if (!next) throw new Error('trace middleware has no next link');
      const request: unknown = context.request;
      const url = typeof request === 'string' ? request : (request as { url: string }).url;
      const method = context.options?.method ?? 'GET';
      const call = graphCallName(method, url);
      // The $batch envelope needs no permission of its own: the trace names what it carries.
      const traced = call.endsWith('/$batch')
        ? batchedCalls(context.options?.body, call.startsWith('POST /beta/') ? 'beta' : 'v1.0')
        : [call];
      for (const c of traced) logCall(log, 'entra', c);
      const start = performance.now();
      const done = (outcome: number | string): void => {
        const n = attempts.get(context);
        logCallDone(log, 'entra', call, {
          outcome,
          ms: msSince(start),
          retries: n === undefined ? undefined : Math.max(0, n - 1),
        });
      };
      try {
        await next.execute(context);
      } catch (err) {
        done(errorName(err));
        throw err;
      }
      done(context.response?.status ?? 'no response');
    },
  };
};

/** A deadline per attempt (a retry gets a fresh one), ended early when the scan is aborted. */
const deadline = (ms: number, signal: AbortSignal, attempts: WeakMap<object, number>): Middleware => {
  let next: Middleware | undefined;
  return {
    setNext: (m) => (next = m),
    execute: async (context) => {
      attempts.set(context, (attempts.get(context) ?? 0) + 1);
      context.options = { ...context.options, signal: AbortSignal.any([signal, AbortSignal.timeout(ms)]) };
      if (!next) throw new Error('deadline middleware has no next link');
      await next.execute(context);
    },
  };
};

/**
 * The last link: the request the client built, sent by Node's fetch, or by undici's own fetch
 * when a dispatcher (a private CA) is needed, since Node's bundled fetch takes no dispatcher from
 * another undici copy reliably.
 */
const send = (dispatcher: Dispatcher | undefined): Middleware => ({
  execute: async (context) => {
    // The client builds a URL string (Request objects only inside $batch bodies).
    const request: unknown = context.request;
    const url = typeof request === 'string' ? request : (request as { url: string }).url;
    const init: Record<string, unknown> = { ...context.options, ...(dispatcher ? { dispatcher } : {}) };
    // undici's Response is the class Node's global fetch returns, from the package's own copy:
    // the client reads it through the same interface (status, headers, json, text).
    const response: unknown = dispatcher ? await undiciFetch(url, init) : await fetch(url, init);
    context.response = response as Response;
  },
});

const retryAfterSeconds = (response: Response): number | undefined => {
  const value = response.headers.get('retry-after');
  if (value === null) return undefined;
  const n = Number(value);
  if (Number.isFinite(n)) return n;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - Date.now()) / 1000);
};

export const createGraphClient = (o: GraphOptions): Client => {
  const authProvider = new TokenCredentialAuthenticationProvider(o.credential, {
    scopes: [graphScope(o.graphBaseUrl)],
    getTokenOptions: { abortSignal: o.signal },
  });
  // Retry only while the scan runs and the wait Graph asks for is one we accept.
  const shouldRetry = (
    _delay: number,
    _attempt: number,
    _req: unknown,
    _opts: unknown,
    res: Response,
  ): boolean => {
    if (o.signal.aborted) return false;
    const wait = retryAfterSeconds(res);
    if (wait !== undefined && wait > o.maxRetryAfterSeconds) return false;
    o.onRetry?.(res.status, wait ?? 0);
    return true;
  };
  const attempts = new WeakMap<object, number>();
  const chain: Middleware[] = [
    trace(o.log ?? silentLogger, attempts),
    new AuthenticationHandler(authProvider),
    new RetryHandler(new RetryHandlerOptions(1, o.maxRetries, shouldRetry)),
    deadline(o.requestTimeoutMs, o.signal, attempts),
    new TelemetryHandler(),
    send(o.dispatcher),
  ];
  const host = new URL(o.graphBaseUrl).host;
  return Client.initWithMiddleware({
    middleware: chain,
    baseUrl: o.graphBaseUrl,
    defaultVersion: 'v1.0',
    // The client only attaches the token to hosts it knows: a sovereign or test host must be named.
    customHosts: new Set([host]),
  });
};

/** The facts of a failed Graph call, from a GraphError, a fetch failure or an identity error. */
export interface GraphFailure {
  status: number | undefined;
  code: string | undefined;
  message: string;
  retryAfter: string | undefined;
}

export const graphFailure = (err: unknown): GraphFailure => {
  const e = (err ?? {}) as {
    statusCode?: unknown;
    code?: unknown;
    message?: unknown;
    headers?: { get?: (k: string) => string | null };
    name?: unknown;
  };
  const status = typeof e.statusCode === 'number' && e.statusCode > 0 ? e.statusCode : undefined;
  const code =
    typeof e.code === 'string' && e.code ? e.code : typeof e.name === 'string' ? e.name : undefined;
  const retryAfter =
    typeof e.headers?.get === 'function' ? (e.headers.get('retry-after') ?? undefined) : undefined;
  return { status, code, message: errorMessage(err), retryAfter };
};

/** Graph's licence refusal for premium reports (sign-in activity needs Entra ID P1 or P2). */
export const LICENCE_CODES = new Set(['Authentication_RequestFromNonPremiumTenantOrB2CTenant']);

export const gapCode = (f: GraphFailure): GapCode => {
  if (f.code === 'TimeoutError') return 'timeout';
  if (f.code === 'AbortError') return 'timeout';
  if (f.code && LICENCE_CODES.has(f.code)) return 'not_supported';
  switch (f.status) {
    case 401:
      return 'auth_failed';
    case 403:
      return 'access_denied';
    case 404:
      return 'not_found';
    case 429:
      return 'throttled';
    case 500:
    case 502:
    case 503:
    case 504:
      return 'unavailable';
    case 400:
      return 'invalid_response';
    default:
      return 'unknown';
  }
};

/** A coverage gap for a failed call, naming the permission that would unlock it on a denial. */
export const graphGap = (
  call: string,
  err: unknown,
  extra: { resource?: string; permission?: string; fallback?: string } = {},
): Omit<Gap, 'recovered'> => {
  const f = graphFailure(err);
  const code = gapCode(f);
  const detail = [f.status ? `HTTP ${f.status}` : undefined, f.code].filter(Boolean).join(' ');
  let message = `${detail ? `${detail}: ` : ''}${f.message}`;
  if (code === 'access_denied' && extra.permission) {
    message += ` (grant the application permission ${extra.permission} and admin-consent it)`;
  }
  if (code === 'throttled' && f.retryAfter)
    message += ` (Retry-After ${f.retryAfter}s exceeded the wait allowed)`;
  return {
    code,
    call,
    message,
    ...(extra.resource ? { resource: extra.resource } : {}),
    ...(code === 'access_denied' && extra.permission ? { permission: extra.permission } : {}),
    ...(extra.fallback ? { fallback: extra.fallback } : {}),
  };
};

/** Graph's answer to a collection request. */
interface Page {
  value?: unknown;
  '@odata.nextLink'?: unknown;
}

/** At most this many pages of one collection (999 a page: ten million objects). */
export const MAX_PAGES = 10_000;

/**
 * Every item of a collection, page by page along @odata.nextLink. `path` may carry a query
 * string ($select, $top, $filter) in Graph's syntax; `version` is v1.0 unless named.
 */
export async function* listAll(
  client: Client,
  path: string,
  opts: { version?: 'v1.0' | 'beta'; limit?: <T>(fn: () => Promise<T>) => Promise<T> } = {},
): AsyncGenerator<unknown[]> {
  const run = opts.limit ?? (<T>(fn: () => Promise<T>) => fn());
  let page = (await run(() =>
    client
      .api(path)
      .version(opts.version ?? 'v1.0')
      .get(),
  )) as Page;
  for (let n = 1; ; n++) {
    if (!Array.isArray(page.value)) throw new Error(`${path}: the response has no "value" array`);
    yield page.value;
    const next = page['@odata.nextLink'];
    if (typeof next !== 'string' || !next) return;
    if (n >= MAX_PAGES) throw new Error(`${path}: more than ${MAX_PAGES} pages`);
    page = (await run(() => client.api(next).get())) as Page;
  }
}

/** One read in a $batch: an id of ours and the path relative to the Graph version root. */
export interface BatchRead {
  id: string;
  path: string;
}

export type BatchOutcome = { ok: true; body: unknown } | { ok: false; error: unknown };

/** JSON batching takes at most 20 requests (learn.microsoft.com/graph/json-batching). */
export const BATCH_SIZE = 20;

class BatchItemError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string | undefined,
    message: string,
    readonly headers: Headers,
  ) {
    super(message);
  }
}

/** Placeholder origin: BatchRequestContent keeps only the path of each request's URL. */
const BATCH_ORIGIN = 'https://batch.invalid';

const itemError = async (res: Response): Promise<BatchItemError> => {
  let code: string | undefined;
  let message = `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // no JSON body: the status says it all
  }
  return new BatchItemError(res.status, code, message, res.headers);
};

/**
 * Reads up to 20 paths in one POST /$batch. An item Graph throttles (429/503 with Retry-After)
 * is retried in a later batch, as the batching guide says, up to `maxRetries` rounds and only
 * for waits within `maxRetryAfterSeconds`; anything else becomes that item's error.
 */
export const batchRead = async (
  client: Client,
  reads: readonly BatchRead[],
  o: { version?: 'v1.0' | 'beta'; maxRetries: number; maxRetryAfterSeconds: number; signal: AbortSignal },
): Promise<Map<string, BatchOutcome>> => {
  if (reads.length > BATCH_SIZE) throw new Error(`a $batch takes at most ${BATCH_SIZE} requests`);
  const out = new Map<string, BatchOutcome>();
  let pending = [...reads];
  for (let round = 0; pending.length > 0; round++) {
    const content = new BatchRequestContent(
      pending.map((r) => ({
        id: r.id,
        request: new Request(`${BATCH_ORIGIN}/${r.path.replace(/^\/+/, '')}`),
      })),
    );
    const raw: unknown = await client
      .api('/$batch')
      .version(o.version ?? 'v1.0')
      .post(await content.getContent());
    const responses = new BatchResponseContent(raw as ConstructorParameters<typeof BatchResponseContent>[0]);
    const again: BatchRead[] = [];
    let wait = 0;
    for (const read of pending) {
      const res = responses.getResponseById(read.id) as Response | undefined;
      if (!res) {
        out.set(read.id, { ok: false, error: new Error(`$batch: no response for request ${read.id}`) });
      } else if (res.ok) {
        out.set(read.id, { ok: true, body: await res.json() });
      } else {
        const after = retryAfterSeconds(res);
        const retriable = res.status === 429 || res.status === 503 || res.status === 504;
        if (
          retriable &&
          round < o.maxRetries &&
          (after ?? 0) <= o.maxRetryAfterSeconds &&
          !o.signal.aborted
        ) {
          again.push(read);
          wait = Math.max(wait, after ?? 2 ** round);
        } else {
          out.set(read.id, { ok: false, error: await itemError(res) });
        }
      }
    }
    if (again.length > 0) await sleep(wait * 1000, o.signal);
    pending = again;
  }
  return out;
};

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted || ms <= 0) {
      resolve();
      return;
    }
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
