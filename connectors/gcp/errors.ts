// Maps Google API failures to the typed gap codes coverage records. Google answers with a
// google.rpc.Status in JSON (AIP-193): an HTTP status, a canonical `status` and, in `details`,
// an ErrorInfo whose `reason` says why (SERVICE_DISABLED, IAM_PERMISSION_DENIED, …) and whose
// metadata names the permission or the disabled service.
import { ScanError, errorMessage } from '../../src/errors.js';
import type { Gap, GapCode } from '../../src/model.js';
import { ErrorBody, ErrorInfo } from './schema.js';
import { LOCAL_CODES, readRawFailure } from './gaxios-failure.js';

export { invalidResponse } from './gaxios-failure.js';

export interface GoogleFailure {
  /** HTTP status, when the failure got that far. */
  httpStatus: number | undefined;
  /** Canonical code ("PERMISSION_DENIED") or a network errno ("ECONNREFUSED"). */
  status: string | undefined;
  reason: string | undefined;
  message: string;
  metadata: Record<string, string>;
}

/** Reads a GaxiosError (or any error) into the facts Google put in it. Never reads request headers. */
export const readFailure = (err: unknown): GoogleFailure => {
  const { httpStatus, data, code } = readRawFailure(err);
  const body = ErrorBody.safeParse(data);
  if (body.success) {
    const info = (body.data.error.details ?? [])
      .map((d) => ErrorInfo.safeParse(d))
      .find((r) => r.success)?.data;
    return {
      httpStatus: httpStatus ?? body.data.error.code,
      status: body.data.error.status,
      reason: info?.reason,
      message: body.data.error.message ?? errorMessage(err),
      metadata: info?.metadata ?? {},
    };
  }
  return { httpStatus, status: code, reason: undefined, message: errorMessage(err), metadata: {} };
};

export const gapCodeOf = (f: GoogleFailure): GapCode => {
  if (f.reason === 'SERVICE_DISABLED' || f.reason === 'API_DISABLED') return 'not_supported';
  const local = f.status === undefined ? undefined : LOCAL_CODES[f.status];
  if (local) return local;
  switch (f.status) {
    case 'PERMISSION_DENIED':
      return 'access_denied';
    case 'UNAUTHENTICATED':
      return 'auth_failed';
    case 'NOT_FOUND':
      return 'not_found';
    case 'RESOURCE_EXHAUSTED':
      return 'throttled';
    case 'UNAVAILABLE':
    case 'INTERNAL':
      return 'unavailable';
    case 'DEADLINE_EXCEEDED':
      return 'timeout';
    default:
  }
  const s = f.httpStatus;
  if (s === 403) return 'access_denied';
  if (s === 401) return 'auth_failed';
  if (s === 404) return 'not_found';
  if (s === 429) return 'throttled';
  if (s !== undefined && s >= 500) return 'unavailable';
  return 'unknown';
};

export type GapInput = Omit<Gap, 'recovered'> & { recovered?: boolean };

/**
 * A coverage gap for a failed call. `call` is the REST method
 * ("iam.projects.serviceAccounts.list"); `permission` the IAM permission the call needs, used
 * when Google's answer does not name it.
 */
export const gcpGap = (
  call: string,
  err: unknown,
  extra: Partial<Omit<Gap, 'code' | 'call' | 'message'>> = {},
): GapInput => {
  const f = readFailure(err);
  const code = gapCodeOf(f);
  const head = [f.httpStatus, f.status, f.reason].filter((x) => x !== undefined).join(' ');
  let message = `${head ? head + ': ' : ''}${f.message}`;
  if (code === 'not_supported') {
    const service = f.metadata.service ?? 'the API';
    const consumer = f.metadata.consumer ?? f.metadata.containerInfo;
    message = `${service} is not enabled${consumer ? ` for ${consumer}` : ''} (SERVICE_DISABLED): ${f.message}`;
  }
  const { permission: needed, ...rest } = extra;
  const permission = code === 'access_denied' ? (f.metadata.permission ?? needed) : undefined;
  return { code, call, message, ...rest, ...(permission ? { permission } : {}) };
};

export const isDenied = (err: unknown): boolean => gapCodeOf(readFailure(err)) === 'access_denied';
export const isAuthFailure = (err: unknown): boolean => gapCodeOf(readFailure(err)) === 'auth_failed';

/** A failure that ends the target; a 401 ends every target of the provider. */
export const targetError = (
  call: string,
  err: unknown,
  extra: Partial<Omit<Gap, 'code' | 'call' | 'message'>> = {},
): ScanError => {
  const gap = gcpGap(call, err, extra);
  return new ScanError(gap, gap.code === 'auth_failed' ? 'provider' : 'target', { cause: err });
};
