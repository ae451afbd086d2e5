// What a Google client error carries, read one way for every Google API this project calls (Cloud
// and Workspace): a GaxiosError's HTTP status and parsed body, or the network / abort error beneath
// it. Each connector then reads its API's error body. Never reads request headers.
import { errorName } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';
import { logCallDone, msSince } from '../../src/permissions.js';
import type { GapCode } from '../../src/model.js';

/** Codes of failures that never reached Google's answer (network), or that the connector raised. */
export const LOCAL_CODES: Readonly<Record<string, GapCode>> = {
  INVALID_RESPONSE: 'invalid_response',
  ECONNREFUSED: 'unavailable',
  ECONNRESET: 'unavailable',
  ENOTFOUND: 'unavailable',
  EAI_AGAIN: 'unavailable',
  ETIMEDOUT: 'timeout',
  TimeoutError: 'timeout',
  AbortError: 'timeout',
};

export interface RawFailure {
  httpStatus: number | undefined;
  /** The response body, JSON-parsed when it is JSON. */
  data: unknown;
  /** A network errno, an abort/timeout name or the connector's own code; undefined for a plain Error. */
  code: string | undefined;
}

export const readRawFailure = (err: unknown): RawFailure => {
  const e = (err ?? {}) as {
    status?: unknown;
    code?: unknown;
    response?: { status?: unknown; data?: unknown };
  };
  const httpStatus =
    typeof e.status === 'number'
      ? e.status
      : typeof e.response?.status === 'number'
        ? e.response.status
        : undefined;
  let data = e.response?.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      // Not JSON (a proxy's HTML page): the status and the error's own message still say enough.
    }
  }
  // gaxios wraps a timed-out or aborted fetch: the DOMException it wraps names what happened.
  const cause = errorName((err as { cause?: unknown } | null)?.cause);
  const code = typeof e.code === 'string' ? e.code : LOCAL_CODES[cause] ? cause : errorName(err);
  return { httpStatus, data, code: code === 'Error' ? undefined : code };
};

/** An answer that does not have the shape the API documents. */
export const invalidResponse = (call: string, detail: string): Error =>
  Object.assign(new Error(`${call} returned an unexpected payload: ${detail}`), { code: 'INVALID_RESPONSE' });

/** The retries gaxios made for a call, from the settled response's or error's config. */
const retriesOf = (settled: unknown): number | undefined => {
  const retry = (settled as { config?: { retryConfig?: { currentRetryAttempt?: unknown } } } | null)?.config
    ?.retryConfig;
  if (!retry) return undefined;
  // gaxios sets the counter on the first retry: a call answered at once has none yet.
  return typeof retry.currentRetryAttempt === 'number' ? retry.currentRetryAttempt : 0;
};

/**
 * Times one Google client call for `--verbose` (`api gcp iam.projects.serviceAccounts.list -> 200
 * 41ms retries=0`): the status or error of the answer after gaxios's retries, the whole duration,
 * and gaxios's own retry count. Logs nothing else (no URL, header or body).
 */
export const timeGoogleCall = <T>(log: Logger, provider: string, call: string, run: () => T): T => {
  const start = performance.now();
  const result = run();
  if (!(result instanceof Promise)) return result;
  const done = (outcome: number | string, settled: unknown): void => {
    logCallDone(log, provider, call, { outcome, ms: msSince(start), retries: retriesOf(settled) });
  };
  result.then(
    (res: unknown) => {
      const status = (res as { status?: unknown } | null)?.status;
      done(typeof status === 'number' ? status : 'ok', res);
    },
    (err: unknown) => {
      const f = readRawFailure(err);
      const status = googleStatus(f.data);
      // `403 PERMISSION_DENIED` as AWS lines read `403 AccessDenied`; a network failure by its code.
      if (f.httpStatus === undefined) done(f.code ?? 'error', err);
      else done(status ? `${String(f.httpStatus)} ${status}` : f.httpStatus, err);
    },
  );
  return result;
};

/** Google's error status name (`PERMISSION_DENIED`) from an error body, when there is one. */
const googleStatus = (data: unknown): string | undefined => {
  const status = (data as { error?: { status?: unknown } } | null)?.error?.status;
  return typeof status === 'string' && /^[A-Z_]+$/.test(status) ? status : undefined;
};
