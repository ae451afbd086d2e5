// The Admin SDK clients the connector uses (@googleapis/admin: Directory API directory_v1 and
// Reports API reports_v1), built once per target with one auth client: a service account key
// with domain-wide delegation acting as a read-only admin (JWT `subject`), Application Default
// Credentials, an access token from the environment, or nothing (loopback demo only). Every call
// carries the target's AbortSignal, a deadline and bounded retries.
import { readFileSync } from 'node:fs';
import { admin, type admin_directory_v1, type admin_reports_v1 } from '@googleapis/admin';
import { GoogleAuth, JWT, OAuth2Client } from 'google-auth-library';
import { z } from 'zod';
import type { Agent as HttpAgent } from 'node:http';
import { ScanError, errorMessage } from '../../src/errors.js';
import { networkAgent } from '../../src/proxy.js';
import { type WorkspaceConfig, isLoopbackUrl, scopesFor } from './config.js';
import { workspaceGap } from './errors.js';

export type WorkspaceAuthClient = OAuth2Client | JWT | GoogleAuth;

export interface WorkspaceClients {
  directory: admin_directory_v1.Admin;
  reports: admin_reports_v1.Admin;
  /** Pass to every call: signal, deadline, retries and the root URL when overridden. */
  opts: CallOptions;
  /** Who the scanner acts as, when the credentials say. */
  principal: string | undefined;
}

export interface CallOptions {
  signal: AbortSignal;
  timeout: number;
  retryConfig: { retry: number; retryDelayMultiplier: number; httpMethodsToRetry: string[] };
  rootUrl?: string;
  /** HTTPS_PROXY / NO_PROXY by the shared rules (src/proxy.ts), when a proxy is set. */
  agent?: HttpAgent;
}

/** The fields of a service account key file the JWT needs; the rest (and the key) is never logged. */
const ServiceAccountKey = z.looseObject({
  type: z.literal('service_account'),
  client_email: z.string().min(1),
  private_key: z.string().min(1),
});

const authError = (message: string): ScanError =>
  new ScanError({ code: 'auth_failed', call: 'workspace:authenticate', message }, 'provider');

const readKey = (
  auth: Extract<WorkspaceConfig['auth'], { type: 'delegated' }>,
  env: NodeJS.ProcessEnv,
  resolvePath: (p: string) => string,
): z.infer<typeof ServiceAccountKey> => {
  let text: string | undefined;
  let source: string;
  if (auth.keyEnv !== undefined) {
    source = `environment variable ${auth.keyEnv} (providers.workspace.auth.keyEnv)`;
    text = env[auth.keyEnv];
    if (!text) throw authError(`${source} is not set`);
  } else {
    const path = resolvePath(auth.keyFile ?? '');
    source = `key file ${path} (providers.workspace.auth.keyFile)`;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw authError(`cannot read ${source}: ${errorMessage(err)}`);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw authError(`${source} is not JSON`);
  }
  const parsed = ServiceAccountKey.safeParse(json);
  if (!parsed.success)
    throw authError(`${source} is not a service account key (needs type, client_email, private_key)`);
  return parsed.data;
};

/**
 * Builds the auth client and proves it by obtaining an access token, so a refused delegation
 * (unauthorized_client: the client id is not allowed the scopes in the Admin console) fails
 * once with that reason instead of once per call.
 */
export const authenticate = async (
  config: WorkspaceConfig,
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
  resolvePath: (p: string) => string = (p) => p,
): Promise<{ client: WorkspaceAuthClient | undefined; principal: string | undefined }> => {
  const auth = config.auth;
  const scopes = scopesFor(config.inventory);
  // The token exchange goes through the same proxy rules as the API calls.
  const agent = networkAgent();
  const transporterOptions = { timeout: timeoutMs, ...(agent ? { agent } : {}) };
  if (auth.type === 'none') {
    if (!config.endpoint || !isLoopbackUrl(config.endpoint))
      throw authError('auth type "none" needs a loopback endpoint; it would reach Google unauthenticated');
    return { client: undefined, principal: undefined };
  }
  let client: WorkspaceAuthClient;
  let principal: string | undefined;
  if (auth.type === 'access-token-env') {
    const token = env[auth.env];
    if (!token) throw authError(`environment variable ${auth.env} (providers.workspace.auth.env) is not set`);
    const c = new OAuth2Client({ transporterOptions });
    c.setCredentials({ access_token: token });
    return { client: c, principal: undefined };
  }
  if (auth.type === 'delegated') {
    const key = readKey(auth, env, resolvePath);
    client = new JWT({
      email: key.client_email,
      key: key.private_key,
      scopes,
      subject: auth.subject,
      transporterOptions,
    });
    principal = `${key.client_email} acting as ${auth.subject} (domain-wide delegation)`;
  } else {
    client = new GoogleAuth({ scopes, clientOptions: { transporterOptions } });
  }
  try {
    if (client instanceof GoogleAuth) {
      const c = await client.getClient();
      await c.getAccessToken();
      const email = (c as { email?: unknown }).email;
      principal = typeof email === 'string' && email ? email : 'Application Default Credentials';
    } else {
      await client.getAccessToken();
    }
  } catch (err) {
    const gap = workspaceGap('workspace:authenticate', err);
    throw new ScanError(
      {
        ...gap,
        code: 'auth_failed',
        message: `${gap.message}${auth.type === 'delegated' ? ` (is the service account's client id allowed ${scopes.join(', ')} under domain-wide delegation in the Admin console, and is ${auth.subject} an admin?)` : ''}`,
      },
      'provider',
      { cause: err },
    );
  }
  return { client, principal };
};

/** Retries of a failed read (gaxios: 429, 408, 5xx and lost connections), exponential backoff. */
const retryConfig = (retries: number): CallOptions['retryConfig'] => ({
  retry: retries,
  retryDelayMultiplier: 3,
  httpMethodsToRetry: ['GET'],
});

export const createClients = (
  config: WorkspaceConfig,
  auth: WorkspaceAuthClient | undefined,
  signal: AbortSignal,
  timeoutMs: number,
  principal: string | undefined,
): WorkspaceClients => {
  const common = auth ? { auth } : {};
  const agent = networkAgent();
  const root = config.endpoint
    ? config.endpoint.endsWith('/')
      ? config.endpoint
      : `${config.endpoint}/`
    : undefined;
  return {
    directory: admin({ version: 'directory_v1', ...common }),
    reports: admin({ version: 'reports_v1', ...common }),
    opts: {
      signal,
      timeout: timeoutMs,
      retryConfig: retryConfig(config.maxRetries),
      ...(root ? { rootUrl: root } : {}),
      ...(agent ? { agent } : {}),
    },
    principal,
  };
};
