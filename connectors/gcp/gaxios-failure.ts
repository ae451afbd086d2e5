// What a Google client error carries, read one way for every Google API this project calls (Cloud
// and Workspace): a GaxiosError's HTTP status and parsed body, or the network / abort error beneath
// it. Each connector then reads its API's error body. Never reads request headers.
import { errorName } from '../../src/errors.js';
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
