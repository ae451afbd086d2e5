// The Google API clients the connector uses, built once per target with one auth client.
// Why these packages (see readme.md): @googleapis/iam and @googleapis/cloudresourcemanager are
// the slim generated clients for IAM v1 and Resource Manager v3; API Keys and Policy Analyzer
// have none, so discovery.ts gives their two methods on the same request builder
// (googleapis-common) instead of installing the ~200 MB `googleapis` package. Group members come
// from the Cloud Identity API's generated client (@googleapis/cloudidentity, same size class).
import { cloudidentity, type cloudidentity_v1 } from '@googleapis/cloudidentity';
import { cloudresourcemanager, type cloudresourcemanager_v3 } from '@googleapis/cloudresourcemanager';
import { iam, type iam_v1, type iam_v2 } from '@googleapis/iam';
import { BaseExternalAccountClient, Compute, GoogleAuth, OAuth2Client } from 'google-auth-library';
import type { Agent as HttpAgent } from 'node:http';
import { ScanError } from '../../src/errors.js';
import { type Logger, silentLogger } from '../../src/log.js';
import { logCall } from '../../src/permissions.js';
import { networkAgent } from '../../src/proxy.js';
import { DEFAULT_TIMEOUTS } from '../../src/timeouts.js';
import { GCP_APIS, isLoopbackUrl, type GcpConfig } from './config.js';
import {
  apiKeysClient,
  policyAnalyzerClient,
  type ApiKeysClient,
  type PolicyAnalyzerClient,
} from './discovery.js';
import { gcpGap } from './errors.js';
import { timeGoogleCall } from './gaxios-failure.js';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** What the generated clients accept as `auth`. */
export type GcpAuthClient = OAuth2Client | BaseExternalAccountClient | GoogleAuth;

export interface GcpAuthResult {
  /** Undefined only for `auth: none` (loopback demo endpoints). */
  client: GcpAuthClient | undefined;
  /** Who the scanner runs as, when the credentials say. */
  principal: string | undefined;
}

/**
 * Resolves the configured credentials and proves them by obtaining an access token, so a broken
 * credential fails once for the provider instead of once per call.
 */
export const authenticate = async (
  config: GcpConfig,
  override?: GcpAuthClient,
  timeoutMs: number = DEFAULT_TIMEOUTS.requestSeconds * 1000,
): Promise<GcpAuthResult> => {
  if (override) return { client: override, principal: undefined };
  const auth = config.auth;
  if (auth.type === 'none') {
    const remote = GCP_APIS.filter(
      (api) => !isLoopbackUrl(config.endpoints[api] ?? 'https://googleapis.com'),
    );
    if (remote.length > 0) {
      throw new ScanError(
        {
          code: 'auth_failed',
          call: 'gcp:authenticate',
          message: `auth type "none" needs loopback endpoints; ${remote.join(', ')} would reach Google unauthenticated`,
        },
        'provider',
      );
    }
    return { client: undefined, principal: undefined };
  }
  if (auth.type === 'access-token-env') {
    const token = process.env[auth.env];
    if (!token) {
      throw new ScanError(
        {
          code: 'auth_failed',
          call: 'gcp:authenticate',
          message: `environment variable ${auth.env} is not set or empty`,
        },
        'provider',
      );
    }
    const client = new OAuth2Client();
    client.setCredentials({ access_token: token });
    return { client, principal: undefined };
  }
  const google = new GoogleAuth({
    scopes: [CLOUD_PLATFORM_SCOPE],
    // The token exchange (and impersonation, metadata server) gets the per-request timeout too.
    clientOptions: {
      transporterOptions: { timeout: timeoutMs },
      ...(auth.quotaProjectId ? { quotaProjectId: auth.quotaProjectId } : {}),
    },
  });
  try {
    const client = await google.getClient();
    await client.getAccessToken();
    const principal =
      principalOf(client) ?? (client instanceof Compute ? await metadataEmail(google) : undefined);
    return { client: google, principal };
  } catch (err) {
    // Whatever the cause (no ADC found, a refused token exchange), no call can succeed.
    throw new ScanError({ ...gcpGap('gcp:authenticate', err), code: 'auth_failed' }, 'provider', {
      cause: err,
    });
  }
};

/**
 * The service account email of key-file and impersonated credentials, and of workload identity
 * federation that impersonates a service account. A user's ADC (no email) names no one: the
 * scan then runs as a person, not as a service account it could mark.
 */
export const principalOf = (client: object): string | undefined => {
  const c = client as { email?: unknown; targetPrincipal?: unknown };
  if (typeof c.targetPrincipal === 'string' && c.targetPrincipal) return c.targetPrincipal;
  if (typeof c.email === 'string' && c.email) return c.email;
  if (client instanceof BaseExternalAccountClient) return client.getServiceAccountEmail() ?? undefined;
  return undefined;
};

/**
 * On Compute Engine / Cloud Run the credential is the metadata server's, named `default`: its
 * email comes from the metadata server (GoogleAuth.getCredentials). Not read: who ran the scan is
 * unknown, which marks no identity and fails nothing.
 */
const metadataEmail = async (google: GoogleAuth): Promise<string | undefined> => {
  try {
    const { client_email: email } = await google.getCredentials();
    return email || undefined;
  } catch {
    return undefined;
  }
};

/**
 * Retries of a failed call (gaxios: 429, 408, 5xx and lost connections, with exponential
 * backoff). gaxios retries only GET and other idempotent verbs by default, but the IAM policy
 * reads (`getIamPolicy`) are POSTs: quota errors on them, the calls an organization-wide scan
 * makes most, would otherwise become gaps at once. Every call this connector makes is a read,
 * so POST is safe to repeat. Google's read quotas are per minute: the waits (0.1 s, 1 s, 4 s,
 * 13 s) reach into the next minute rather than giving up within two seconds, gaxios's default.
 */
export const RETRY = { retry: 4, retryDelayMultiplier: 3, httpMethodsToRetry: ['GET', 'POST'] } as const;

/** Per-call options of one API: the abort signal, a timeout, retries and, when overridden, its root URL. */
export interface CallOptions {
  signal: AbortSignal;
  timeout: number;
  retryConfig: { retry: number; retryDelayMultiplier: number; httpMethodsToRetry: string[] };
  rootUrl?: string;
  /** HTTPS_PROXY / NO_PROXY by the shared rules (src/proxy.ts), when a proxy is set. */
  agent?: HttpAgent;
}

export interface GcpClients {
  crm: cloudresourcemanager_v3.Cloudresourcemanager;
  iam: iam_v1.Iam;
  /** IAM v2: deny policies (same root URL as v1; the version is in the path). */
  iam2: iam_v2.Iam;
  apikeys: ApiKeysClient;
  policyanalyzer: PolicyAnalyzerClient;
  /** Cloud Identity v1: group lookup and transitive members (`expandGroups`). */
  cloudidentity: cloudidentity_v1.Cloudidentity;
  /** Pass to every call. The root URL goes per call, not to the client: a client-wide rootUrl
   *  keeps only its host (googleapis-common re-resolves the absolute path against it), so a
   *  root with a path, such as the demo's http://127.0.0.1:port/gcp/iam/, would be lost. */
  opts: Record<(typeof GCP_APIS)[number], CallOptions>;
}

/**
 * The call trace (src/permissions.ts `logCall`): a client whose every method call is logged by
 * its discovery id (`iam.projects.serviceAccounts.list`), as the permission manifest names it,
 * and again when it settles, with its status, duration and gaxios's retries (`--verbose`).
 * Methods run on the real resource object, so the generated clients see no difference.
 */
export const traced = <T extends object>(obj: T, path: string, log: Logger): T =>
  // The proxy's own target is an empty object: the generated resources' properties are read-only,
  // and a proxy over them could not hand out traced copies.
  new Proxy({} as T, {
    get(_, key) {
      const value: unknown = Reflect.get(obj, key);
      if (typeof key !== 'string') return value;
      if (typeof value === 'function')
        return (...args: unknown[]): unknown => {
          const call = `${path}.${key}`;
          logCall(log, 'gcp', call);
          return timeGoogleCall(log, 'gcp', call, () =>
            (value as (...a: unknown[]) => unknown).apply(obj, args),
          );
        };
      // Resource groups (projects, serviceAccounts, …) are traced further; the client's own
      // settings (`context`, `_options`) are handed out as they are.
      if (value && typeof value === 'object' && key !== 'context' && !key.startsWith('_'))
        return traced(value, `${path}.${key}`, log);
      return value;
    },
  });

/** Every call carries the target's signal and the per-request timeout (config `timeouts.requestSeconds`). */
export const createClients = (
  config: GcpConfig,
  auth: GcpAuthResult['client'],
  signal: AbortSignal,
  timeoutMs: number = DEFAULT_TIMEOUTS.requestSeconds * 1000,
  log: Logger = silentLogger,
): GcpClients => {
  const common = auth ? { auth } : {};
  const agent = networkAgent();
  const opts = (url: string | undefined): CallOptions => ({
    ...(agent ? { agent } : {}),
    signal,
    timeout: timeoutMs,
    retryConfig: {
      retry: RETRY.retry,
      retryDelayMultiplier: RETRY.retryDelayMultiplier,
      httpMethodsToRetry: [...RETRY.httpMethodsToRetry],
    },
    ...(url ? { rootUrl: url.endsWith('/') ? url : `${url}/` } : {}),
  });
  return {
    crm: traced(cloudresourcemanager({ version: 'v3', ...common }), 'cloudresourcemanager', log),
    iam: traced(iam({ version: 'v1', ...common }), 'iam', log),
    // IAM v2 (deny policies) answers under the same API name: its calls trace as iam.policies.*.
    iam2: traced(iam({ version: 'v2', ...common }), 'iam', log),
    apikeys: traced(apiKeysClient(auth), 'apikeys', log),
    policyanalyzer: traced(policyAnalyzerClient(auth), 'policyanalyzer', log),
    cloudidentity: traced(cloudidentity({ version: 'v1', ...common }), 'cloudidentity', log),
    opts: {
      cloudresourcemanager: opts(config.endpoints.cloudresourcemanager),
      iam: opts(config.endpoints.iam),
      apikeys: opts(config.endpoints.apikeys),
      policyanalyzer: opts(config.endpoints.policyanalyzer),
      cloudidentity: opts(config.endpoints.cloudidentity),
      cloudasset: opts(config.endpoints.cloudasset),
    },
  };
};
