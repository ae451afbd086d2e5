// Maps AWS SDK errors to the typed gap codes coverage records. The SDK names a modelled error by
// its shape (NoSuchEntityException) and an unmodelled one by the wire code (AccessDenied), so
// both spellings are listed.
import { ScanError, errorMessage, errorName } from '../../src/errors.js';
import type { Gap, GapCode } from '../../src/model.js';

const CODES: Record<string, GapCode> = {
  AccessDenied: 'access_denied',
  AccessDeniedException: 'access_denied',
  UnauthorizedOperation: 'access_denied',
  UnauthorizedAccess: 'access_denied',
  ExpiredToken: 'auth_failed',
  ExpiredTokenException: 'auth_failed',
  InvalidClientTokenId: 'auth_failed',
  SignatureDoesNotMatch: 'auth_failed',
  UnrecognizedClientException: 'auth_failed',
  CredentialsProviderError: 'auth_failed',
  InvalidAccessKeyId: 'auth_failed',
  IncompleteSignature: 'auth_failed',
  MissingAuthenticationToken: 'auth_failed',
  Throttling: 'throttled',
  ThrottlingException: 'throttled',
  TooManyRequestsException: 'throttled',
  RequestLimitExceeded: 'throttled',
  // The endpoint does not know the action (an emulator, an older partition): nothing to retry.
  InvalidAction: 'not_supported',
  NoSuchEntity: 'not_found',
  NoSuchEntityException: 'not_found',
  ServiceFailure: 'unavailable',
  ServiceFailureException: 'unavailable',
  ServiceUnavailable: 'unavailable',
  ServiceUnavailableException: 'unavailable',
  InternalFailure: 'unavailable',
  InternalError: 'unavailable',
  TimeoutError: 'timeout',
  RequestTimeout: 'timeout',
  RequestTimeoutException: 'timeout',
  AbortError: 'timeout',
  // Node network errors surface with their errno code.
  ECONNREFUSED: 'unavailable',
  ECONNRESET: 'unavailable',
  ENOTFOUND: 'unavailable',
  EAI_AGAIN: 'unavailable',
  ETIMEDOUT: 'timeout',
};

const httpStatus = (err: unknown): number | undefined => {
  const meta = (err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata;
  return typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
};

/** The gap code for an SDK (or credential provider) error. */
export const gapCodeOf = (err: unknown): GapCode => {
  // The SDK names a connection the server dropped ("socket hang up", ECONNRESET) a TimeoutError:
  // it was not slow, it was cut, and a retry later may see it whole.
  const sys = (err as { code?: unknown } | null)?.code;
  if (sys === 'ECONNRESET' || /socket hang up|ECONNRESET/.test(errorMessage(err))) return 'unavailable';
  const code = CODES[errorName(err)];
  if (code) return code;
  const status = httpStatus(err);
  if (status !== undefined && status >= 500) return 'unavailable';
  if (status === 403) return 'access_denied';
  if (status === 401) return 'auth_failed';
  if (status === 429) return 'throttled';
  return 'unknown';
};

export const isNotFound = (err: unknown): boolean => gapCodeOf(err) === 'not_found';

/**
 * A coverage gap for a failed call. `call` is the IAM/STS action ("iam:GetCredentialReport"): when
 * the failure is a denial it is also the permission that would unlock the call.
 */
export const awsGap = (
  call: string,
  err: unknown,
  extra: Partial<Omit<Gap, 'code' | 'call' | 'message'>> = {},
): Omit<Gap, 'recovered'> & { recovered?: boolean } => {
  const code = gapCodeOf(err);
  return {
    code,
    call,
    message: `${errorName(err)}: ${errorMessage(err)}`,
    ...(code === 'access_denied' ? { permission: call } : {}),
    ...extra,
  };
};

/** A failure that ends the target (no identity, no account, or no credentials). */
export const targetError = (
  call: string,
  err: unknown,
  extra: Partial<Omit<Gap, 'code' | 'call' | 'message'>> = {},
): ScanError => {
  return new ScanError(awsGap(call, err, extra), 'target', { cause: err });
};
