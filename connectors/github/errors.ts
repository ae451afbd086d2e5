// Maps Octokit errors to coverage gaps. A denial names the permission that would unlock the call:
// GitHub's own answer first (`x-accepted-github-permissions` for Apps and fine-grained PATs,
// `x-accepted-oauth-scopes` for classic tokens), else the permission GitHub documents for the
// endpoint (ENDPOINT_PERMISSIONS). A 401 ends the whole provider: no other org can succeed with
// the same credentials.
import { ScanError, errorMessage, errorName } from '../../src/errors.js';
import type { Gap, GapCode } from '../../src/model.js';
import { githubPermissions } from './permissions.js';

export type GapInput = Omit<Gap, 'recovered'> & { recovered?: boolean };

/**
 * Read-only permission a GitHub App (fine-grained PAT: the same names) needs per endpoint, from
 * the permission manifest (permissions.ts). Used when a denial carries no header.
 */
export const ENDPOINT_PERMISSIONS: Record<string, string> = Object.fromEntries(
  githubPermissions.entries.flatMap((e) =>
    e.calls.map((call) => [call, e.implicit ? `(none: ${e.implicit})` : e.permission] as const),
  ),
);

/** Classic-token scopes per endpoint, when the header is missing (GitHub's REST reference). */
export const ENDPOINT_SCOPES: Record<string, string> = {
  'GET /orgs/{org}/members': 'read:org',
  'GET /orgs/{org}/outside_collaborators': 'read:org',
  // Sic: GitHub's reference names this scope "admin:read" for this endpoint.
  'GET /orgs/{org}/installations': 'admin:read',
  'GET /orgs/{org}/credential-authorizations': 'read:org',
  'GET /orgs/{org}/actions/secrets': 'admin:org',
  'GET /orgs/{org}/dependabot/secrets': 'admin:org',
  'GET /orgs/{org}/codespaces/secrets': 'admin:org',
  'GET /orgs/{org}/hooks': 'admin:org_hook',
  'GET /orgs/{org}/actions/permissions/workflow': 'admin:org',
  'GET /orgs/{org}/audit-log': 'read:audit_log',
  'GET /repos/{owner}/{repo}/keys': 'repo',
  'GET /repos/{owner}/{repo}/actions/secrets': 'repo',
  'GET /repos/{owner}/{repo}/environments/{environment_name}/secrets': 'repo',
  'GET /repos/{owner}/{repo}/dependabot/secrets': 'repo',
  'GET /repos/{owner}/{repo}/codespaces/secrets': 'repo',
  'GET /repos/{owner}/{repo}/hooks': 'read:repo_hook',
  'GET /repos/{owner}/{repo}/actions/permissions/workflow': 'repo',
};

interface HttpErrorLike {
  status: number;
  message: string;
  headers: Record<string, string | undefined>;
}

/** The status and response headers of an Octokit RequestError (or undefined for other errors). */
export const httpError = (err: unknown): HttpErrorLike | undefined => {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { status?: unknown; message?: unknown; response?: { headers?: unknown } };
  if (typeof e.status !== 'number' || e.status === 0) return undefined;
  const raw = e.response?.headers && typeof e.response.headers === 'object' ? e.response.headers : {};
  const headers = Object.fromEntries(
    Object.entries(raw as Record<string, unknown>).map(([k, v]) => [
      k.toLowerCase(),
      typeof v === 'string' || typeof v === 'number' ? String(v) : undefined,
    ]),
  );
  return { status: e.status, message: typeof e.message === 'string' ? e.message : '', headers };
};

const isRateLimit = (e: HttpErrorLike): boolean =>
  e.status === 429 ||
  (e.status === 403 && (e.headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(e.message)));

/**
 * The organisation enforces SAML single sign-on and the token was not authorised for it: GitHub
 * answers 403 with `x-github-sso: required; url=…` ("Resource protected by organization SAML
 * enforcement"). Nothing in the organisation can be read until the token is authorised.
 */
export const isSamlEnforced = (err: unknown): boolean => {
  const e = httpError(err);
  if (e?.status !== 403) return false;
  return /^required\b/i.test(e.headers['x-github-sso'] ?? '') || /SAML enforcement/i.test(e.message);
};

export const gapCodeOf = (err: unknown): GapCode => {
  // Octokit wraps a timed-out fetch as a 500 whose cause is the TimeoutError.
  const cause = err && typeof err === 'object' ? (err as { cause?: unknown }).cause : undefined;
  if (errorName(cause) === 'TimeoutError') return 'timeout';
  const e = httpError(err);
  if (!e) {
    const name = errorName(err);
    if (name === 'AbortError' || name === 'TimeoutError') return 'timeout';
    if (/ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|fetch failed/i.test(`${name} ${errorMessage(err)}`))
      return 'unavailable';
    return 'unknown';
  }
  if (e.status === 401) return 'auth_failed';
  if (isRateLimit(e)) return 'throttled';
  if (e.status === 403) return 'access_denied';
  if (e.status === 404) return 'not_found';
  // 409: the repository is empty or the feature is off for it; 410: the feature is disabled.
  if (e.status === 422 || e.status === 409 || e.status === 410) return 'not_supported';
  if (e.status >= 500) return 'unavailable';
  return 'unknown';
};

/** The permission GitHub says the call needs, else the documented one (a scope for classic tokens). */
export const permissionFor = (call: string, err: unknown, classicToken = false): string | undefined => {
  const e = httpError(err);
  const fine = e?.headers['x-accepted-github-permissions']?.trim();
  if (fine) return fine;
  const scopes = e?.headers['x-accepted-oauth-scopes']?.trim();
  if (scopes) return `oauth scopes: ${scopes}`;
  if (classicToken) {
    const scope = ENDPOINT_SCOPES[call];
    return scope ? `oauth scopes: ${scope}` : undefined;
  }
  return ENDPOINT_PERMISSIONS[call];
};

/**
 * True when GitHub refused for a missing fine-grained permission and named it: "Resource not
 * accessible by integration" (an App) or "… by personal access token", with
 * `x-accepted-github-permissions`. Another 403 carrying the header (a feature switched off on
 * one repository, say) is about that resource, not the caller's permissions.
 */
export const deniedByPermission = (err: unknown): boolean => {
  const e = httpError(err);
  return (
    e?.status === 403 &&
    !isRateLimit(e) &&
    !isSamlEnforced(err) &&
    /resource not accessible by/i.test(e.message) &&
    Boolean(e.headers['x-accepted-github-permissions'])
  );
};

const describe = (err: unknown): string => {
  const e = httpError(err);
  if (!e) return `${errorName(err)}: ${errorMessage(err)}`;
  return `HTTP ${e.status}: ${e.message || 'no message'}`;
};

/** A coverage gap for a failed call; `call` is the route, e.g. "GET /repos/{owner}/{repo}/keys". */
export const githubGap = (
  call: string,
  err: unknown,
  extra: Partial<GapInput> = {},
  classicToken = false,
): GapInput => {
  const code = gapCodeOf(err);
  const permission =
    code === 'access_denied' || code === 'not_found' ? permissionFor(call, err, classicToken) : undefined;
  const status = httpError(err)?.status;
  const hint =
    code === 'not_found'
      ? ' (GitHub answers 404 when the caller may not see the resource)'
      : status === 409
        ? ' (GitHub answers 409 for an empty repository, or a feature switched off there)'
        : status === 410
          ? ' (GitHub answers 410 for a feature that is disabled)'
          : '';
  return {
    code,
    call,
    message: describe(err) + hint,
    ...(permission ? { permission } : {}),
    ...extra,
  };
};

/** Ends the target: the organisation's SAML SSO refuses a token not authorised for it. */
export const samlFailure = (org: string, call: string, err: unknown): ScanError =>
  new ScanError(
    {
      code: 'access_denied',
      call,
      resource: org,
      message: `${org} enforces SAML single sign-on and the token is not authorised for it (${describe(err)}); authorise it for ${org} (GitHub → Settings → Personal access tokens → Configure SSO), or scan with a GitHub App`,
      permission: `SAML SSO authorisation of the token for ${org}`,
    },
    'target',
    { cause: err },
  );

/** Ends the provider: GitHub rejected the credentials themselves. */
export const authFailure = (call: string, err: unknown, credentialHint: string): ScanError =>
  new ScanError(
    {
      code: 'auth_failed',
      call,
      message: `GitHub rejected the credentials (${describe(err)}); check ${credentialHint}. The other GitHub targets are skipped.`,
    },
    'provider',
    { cause: err },
  );

export const isAuthFailure = (err: unknown): boolean => httpError(err)?.status === 401;
