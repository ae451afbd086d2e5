// The Octokit the connector uses: @octokit/rest with the throttling plugin (primary and secondary
// rate limits, a bounded number of retries, each hit counted) and the retry plugin (5xx and
// network errors), over a fetch that adds ETag conditional requests and counts every request.
// Authentication is a GitHub App (JWT for App endpoints, an installation token per org, both
// through @octokit/auth-app) or a personal access token.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { ScanError, errorMessage } from '../../src/errors.js';
import { fetchWith, networkDispatcher } from '../../src/proxy.js';
import type { Logger } from '../../src/log.js';
import { logCall, logCallDone, logRateLimitWait, msSince } from '../../src/permissions.js';
import { VERSION } from '../../src/version.js';
import type { GithubAuth } from './config.js';
import { type EtagCache, type RequestStats, conditionalFetch } from './etag-cache.js';
import { githubPermissions } from './permissions.js';

// Annotated so the emitted declaration names only @octokit/rest (the plug-ins add options and
// behaviour, no method this connector calls).
export const GithubOctokit: typeof Octokit = Octokit.plugin(throttling, retry);
export type GithubOctokit = InstanceType<typeof GithubOctokit>;

/** Items per page on every listing (GitHub's maximum). */
export const PER_PAGE = 100;

export interface ClientOptions {
  baseUrl: string;
  stats: RequestStats;
  cache: EtagCache | undefined;
  log: Logger;
  signal?: AbortSignal;
  /** Per-request timeout (config `timeouts.requestSeconds`); each retry gets its own. */
  requestTimeoutMs: number;
  /** Retries per rate-limited request. */
  rateLimitRetries: number;
  /** A limit resetting later than this is not waited for: the request fails (and becomes a gap). */
  rateLimitMaxWaitSeconds: number;
}

export type GithubCredentials =
  | { type: 'token'; token: string; source: string }
  | { type: 'app'; appId: string; privateKey: string; source: string };

const credentialError = (message: string): ScanError =>
  new ScanError({ code: 'auth_failed', call: 'github:credentials', message }, 'provider');

/** Reads the secret the config points to; a missing one stops the provider (never logged). */
export const loadCredentials = (
  auth: GithubAuth,
  env: NodeJS.ProcessEnv = process.env,
  resolvePath: (path: string) => string = (p) => p,
): GithubCredentials => {
  if (auth.type === 'token') {
    const token = env[auth.tokenEnv]?.trim();
    if (!token)
      throw credentialError(
        `environment variable ${auth.tokenEnv} (providers.github.auth.tokenEnv) is not set`,
      );
    return { type: 'token', token, source: `environment variable ${auth.tokenEnv}` };
  }
  let privateKey: string | undefined;
  let source: string;
  if (auth.privateKeyEnv !== undefined) {
    source = `environment variable ${auth.privateKeyEnv}`;
    // Keys stored on one line in CI secrets keep their newlines as "\n".
    privateKey = env[auth.privateKeyEnv]?.replace(/\\n/g, '\n').trim();
    if (!privateKey) throw credentialError(`${source} (providers.github.auth.privateKeyEnv) is not set`);
  } else {
    const path = resolvePath(auth.privateKeyPath ?? '');
    source = `private key file ${path}`;
    try {
      privateKey = readFileSync(path, 'utf8').trim();
    } catch (err) {
      throw credentialError(
        `cannot read ${source} (providers.github.auth.privateKeyPath): ${errorMessage(err)}`,
      );
    }
  }
  if (!privateKey.includes('PRIVATE KEY-----'))
    throw credentialError(`${source} does not hold a PEM private key`);
  // Decoded here, so a damaged key is named by its source rather than surfacing later as an
  // OpenSSL decoder error from the token request (whose text is not repeated: it says nothing more).
  try {
    createPrivateKey(privateKey);
  } catch {
    throw credentialError(
      `${source} holds a malformed PEM private key (it could not be decoded): download the GitHub App's key again`,
    );
  }
  return {
    type: 'app',
    appId: String(auth.appId),
    privateKey,
    source: `GitHub App ${auth.appId} key from ${source}`,
  };
};

/**
 * Octokit's per-request deadline: its `request.signal` is the target's (deadline, interrupt), and
 * each request adds a timeout of its own, so a server that accepts and never answers fails that
 * request (a `timeout` gap) instead of hanging the scan.
 */
export const timedFetch =
  (inner: typeof fetch, ms: number): typeof fetch =>
  (input, init) => {
    const timeout = AbortSignal.timeout(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return inner(input, { ...init, signal });
  };

/**
 * Octokit's fetch is Node's, which ignores HTTPS_PROXY / NO_PROXY: with a proxy set, requests go
 * through undici's fetch and the shared proxy dispatcher instead (created once per client).
 */
const proxiedFetch = (): (() => typeof fetch) => {
  const dispatcher = networkDispatcher();
  if (!dispatcher) return () => globalThis.fetch;
  const viaProxy = fetchWith(dispatcher);
  return () => viaProxy;
};

const commonOptions = (o: ClientOptions) => {
  const limitHandler =
    (kind: 'rateLimited' | 'secondaryRateLimited') =>
    (
      retryAfter: number,
      options: { method?: string; url?: string },
      _octokit: unknown,
      retryCount: number,
    ): boolean => {
      o.stats[kind] += 1;
      const what = kind === 'rateLimited' ? 'rate limit' : 'secondary rate limit';
      const retrying = retryCount < o.rateLimitRetries && retryAfter <= o.rateLimitMaxWaitSeconds;
      if (retrying) logRateLimitWait(o.log, retryAfter);
      o.log.warn(
        `GitHub ${what} hit on ${options.method ?? 'GET'} ${options.url ?? ''}: ${retrying ? `retrying in ${retryAfter}s (retry ${retryCount + 1} of ${o.rateLimitRetries})` : 'giving up on this request'}`,
      );
      return retrying;
    };
  return {
    baseUrl: o.baseUrl,
    userAgent: `nhiscan/${VERSION}`,
    log: {
      debug: (m: string) => {
        o.log.debug(m);
      },
      info: (m: string) => {
        o.log.debug(m);
      },
      warn: (m: string) => {
        o.log.warn(m);
      },
      // Octokit logs every failed request as an error; the connector turns each into a coverage
      // gap (with the permission that would unlock it), which the summary reports. Keep the raw
      // line for --verbose only.
      error: (m: string) => {
        o.log.debug(m);
      },
    },
    request: {
      fetch: timedFetch(conditionalFetch(o.stats, o.cache, proxiedFetch()), o.requestTimeoutMs),
      ...(o.signal ? { signal: o.signal } : {}),
    },
    throttle: {
      onRateLimit: limitHandler('rateLimited'),
      onSecondaryRateLimit: limitHandler('secondaryRateLimited'),
    },
    // Rate limits are the throttling plugin's alone (429 included), so retries stay bounded.
    // 409 (an empty repository, a feature off) does not change on a retry either.
    retry: { doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451], retries: 2 },
  };
};

// The manifest's route templates as patterns, fewest placeholders first (the most specific wins).
const ROUTES = githubPermissions.entries
  .flatMap((e) => e.calls)
  .map((route) => ({ route, params: route.split('{').length - 1 }))
  .sort((a, b) => a.params - b.params)
  .map(({ route }) => ({
    route,
    pattern: new RegExp(
      '^' + route.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$',
    ),
  }));

/**
 * A request's route as the manifest names it. Paginated pages carry an absolute URL (the next
 * page's link), so their path is matched against the manifest's templates; the query string (page
 * cursors) is never part of the name. An unknown path is named by its path alone.
 */
export const routeName = (method: string, url: string, baseUrl: string): string => {
  if (!/^[a-z]+:\/\//i.test(url)) return `${method} ${url.split('?')[0] ?? url}`;
  const base = new URL(baseUrl).pathname.replace(/\/$/, '');
  const full = new URL(url).pathname;
  const path = base && full.startsWith(base + '/') ? full.slice(base.length) : full;
  const named = `${method} ${path}`;
  return ROUTES.find((r) => r.pattern.test(named))?.route ?? named;
};

/**
 * With `--verbose`: every completed request (each page its own) with its status, duration and the
 * retry plugin's `request.retryCount`. This wrap is registered after the plug-ins', so it is the
 * outermost and its duration includes every retry.
 */
const timed = (octokit: GithubOctokit, log: ClientOptions['log']): void => {
  octokit.hook.wrap('request', async (request, options) => {
    const call = routeName(options.method, options.url, options.baseUrl);
    // The retry plug-in counts failed attempts on `options.request`, which the client's defaults
    // share between requests: each request gets its own copy, counting from zero.
    const own: typeof options.request & { retryCount?: number } = { ...options.request, retryCount: 0 };
    const start = performance.now();
    try {
      const response = await request({ ...options, request: own });
      // Every failed attempt before a success was retried.
      logCallDone(log, 'github', call, {
        outcome: response.status,
        ms: msSince(start),
        retries: own.retryCount ?? 0,
      });
      return response;
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      const outcome = typeof status === 'number' ? status : error instanceof Error ? error.name : 'error';
      // The last failed attempt was not retried.
      const retries = Math.max(0, (own.retryCount ?? 0) - 1);
      logCallDone(log, 'github', call, { outcome, ms: msSince(start), retries });
      throw error;
    }
  });
};

/**
 * The call trace (src/permissions.ts `logCall`): every request by its route template, as the
 * permission manifest names it (`GET /orgs/{org}/members`). The paginator expands the route before
 * its first request (every page's URL is absolute), so lists are traced by the route it is given
 * and the request hook traces only requests made by route.
 */
const traced = (octokit: GithubOctokit, log: ClientOptions['log']): GithubOctokit => {
  const trace = (route: string): void => {
    logCall(log, 'github', /^[A-Z]+ /.test(route) ? route : `GET ${route}`);
  };
  octokit.hook.before('request', (options) => {
    if (!/^[a-z]+:\/\//i.test(options.url)) trace(`${options.method} ${options.url}`);
  });
  // A route is a string (`GET /orgs/{org}/members`) or an endpoint method, which carries its own.
  const traceRoute = (route: unknown): void => {
    if (typeof route === 'string') trace(route);
    else if (typeof route === 'function') {
      const defaults = (route as { endpoint?: { DEFAULTS?: { method?: string; url?: string } } }).endpoint
        ?.DEFAULTS;
      if (defaults?.url) trace(`${defaults.method ?? 'GET'} ${defaults.url}`);
    }
  };
  const tracedList = <F extends (...args: never[]) => unknown>(fn: F): F =>
    new Proxy(fn, {
      apply(target, thisArg, args: unknown[]) {
        traceRoute(args[0]);
        return Reflect.apply(target, thisArg, args) as unknown;
      },
    });
  octokit.paginate.iterator = tracedList(octokit.paginate.iterator);
  octokit.paginate = tracedList(octokit.paginate);
  timed(octokit, log);
  return octokit;
};

export const tokenClient = (o: ClientOptions, token: string): GithubOctokit =>
  traced(new GithubOctokit({ ...commonOptions(o), auth: token }), o.log);

/** Without `installationId`: the App itself (JWT), for /app and /orgs/{org}/installation. */
export const appClient = (
  o: ClientOptions,
  creds: { appId: string; privateKey: string },
  installationId?: number,
): GithubOctokit =>
  traced(
    new GithubOctokit({
      ...commonOptions(o),
      authStrategy: createAppAuth,
      auth: {
        appId: creds.appId,
        privateKey: creds.privateKey,
        ...(installationId === undefined ? {} : { installationId }),
      },
    }),
    o.log,
  );
