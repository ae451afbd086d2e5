// Maps Admin SDK failures to the typed gap codes coverage records. The Admin SDK answers with
// Google's legacy JSON error ({ error: { code, message, errors: [{ reason, domain }] } }), e.g.
// 403 "Not Authorized to access this resource/api" (reason forbidden) when the admin the scanner
// acts as lacks the privilege, or the delegation lacks the scope.
import { errorMessage } from '../../src/errors.js';
import { LOCAL_CODES, readRawFailure } from '../gcp/gaxios-failure.js';
import type { Gap, GapCode } from '../../src/model.js';
import { ErrorBody } from './schema.js';

export { invalidResponse } from '../gcp/gaxios-failure.js';

export type GapInput = Omit<Gap, 'recovered'> & { recovered?: boolean };

export interface AdminFailure {
  httpStatus: number | undefined;
  reason: string | undefined;
  code: string | undefined;
  message: string;
}

/** Reads a GaxiosError (or any error) into what Google said. Never reads request headers. */
export const readFailure = (err: unknown): AdminFailure => {
  const { httpStatus, data, code } = readRawFailure(err);
  const body = ErrorBody.safeParse(data);
  if (body.success) {
    return {
      httpStatus: httpStatus ?? body.data.error.code,
      reason: body.data.error.errors?.[0]?.reason ?? body.data.error.status,
      code: undefined,
      message: body.data.error.message ?? errorMessage(err),
    };
  }
  // The token endpoint's OAuth error ({ error: "unauthorized_client", error_description }).
  const oauth = (data ?? {}) as { error?: unknown; error_description?: unknown };
  if (typeof oauth.error === 'string') {
    return {
      httpStatus,
      reason: oauth.error,
      code: undefined,
      message: typeof oauth.error_description === 'string' ? oauth.error_description : oauth.error,
    };
  }
  return {
    httpStatus,
    reason: undefined,
    code,
    message: errorMessage(err),
  };
};

export const gapCodeOf = (f: AdminFailure): GapCode => {
  const local = f.code === undefined ? undefined : LOCAL_CODES[f.code];
  if (local) return local;
  const s = f.httpStatus;
  if (f.reason === 'unauthorized_client' || f.reason === 'invalid_grant') return 'auth_failed';
  if (s === 403)
    return f.reason === 'rateLimitExceeded' || f.reason === 'userRateLimitExceeded'
      ? 'throttled'
      : 'access_denied';
  if (s === 401) return 'auth_failed';
  if (s === 404) return 'not_found';
  if (s === 429) return 'throttled';
  if (s !== undefined && s >= 500) return 'unavailable';
  return 'unknown';
};

/**
 * A coverage gap for a failed call. `permission` names what would unlock it (the OAuth scope
 * and the admin privilege), used when the answer is a refusal.
 */
export const workspaceGap = (
  call: string,
  err: unknown,
  extra: Partial<Omit<Gap, 'code' | 'call' | 'message'>> = {},
): GapInput => {
  const f = readFailure(err);
  const code = gapCodeOf(f);
  const head = [f.httpStatus, f.reason ?? f.code].filter((x) => x !== undefined).join(' ');
  const { permission, ...rest } = extra;
  return {
    code,
    call,
    message: `${head ? `${head}: ` : ''}${f.message}`,
    ...rest,
    ...(code === 'access_denied' && permission ? { permission } : {}),
  };
};
