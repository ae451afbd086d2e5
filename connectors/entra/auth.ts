// The credential nhiscan signs in to a tenant with, built by @azure/identity from the config:
// a client secret from the environment, a certificate file, a federated token file, the host's
// managed identity, or the default chain. Every token request has a deadline.
import type { Agent } from 'node:https';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type TokenCredential,
  type TokenCredentialOptions,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { ScanError } from '../../src/errors.js';
import type { EntraAuth } from './config.js';

export interface CredentialOptions {
  tenantId: string;
  authorityHost: string;
  /** True for an authority MSAL cannot look up (a custom or test host). */
  disableInstanceDiscovery: boolean;
  requestTimeoutMs: number;
  /** An https.Agent trusting a private CA (the demo's), for the token endpoint. */
  agent?: Agent;
}

const configError = (message: string): ScanError =>
  new ScanError({ code: 'auth_failed', call: 'entra:configuration', message }, 'provider');

/** Where the config says the credential comes from, for messages (never the secret). */
export const describeAuth = (auth: EntraAuth): string => {
  switch (auth.type) {
    case 'clientSecret':
      return `client secret of app ${auth.clientId} from $${auth.clientSecretEnv}`;
    case 'certificate':
      return `certificate ${auth.certificatePath} of app ${auth.clientId}`;
    case 'workloadIdentity':
      return `workload identity federation of app ${auth.clientId}`;
    case 'managedIdentity':
      return auth.clientId
        ? `user-assigned managed identity ${auth.clientId}`
        : 'system-assigned managed identity';
    case 'default':
      return 'the @azure/identity default credential chain';
  }
};

export const createCredential = (
  auth: EntraAuth,
  o: CredentialOptions,
  env: NodeJS.ProcessEnv = process.env,
  resolvePath: (p: string) => string = (p) => p,
): TokenCredential => {
  const common: TokenCredentialOptions & { disableInstanceDiscovery?: boolean } = {
    authorityHost: o.authorityHost,
    ...(o.agent ? { agent: o.agent } : {}),
    retryOptions: { maxRetries: 2 },
    additionalPolicies: [
      {
        position: 'perRetry',
        policy: {
          name: 'nhiscanTokenDeadline',
          sendRequest: (request, next) => {
            request.timeout = o.requestTimeoutMs;
            return next(request);
          },
        },
      },
    ],
  };
  const discovery = { disableInstanceDiscovery: o.disableInstanceDiscovery };
  switch (auth.type) {
    case 'clientSecret': {
      const secret = env[auth.clientSecretEnv];
      if (!secret) {
        throw configError(
          `environment variable ${auth.clientSecretEnv} (providers.entra.auth.clientSecretEnv) is not set`,
        );
      }
      return new ClientSecretCredential(o.tenantId, auth.clientId, secret, { ...common, ...discovery });
    }
    case 'certificate': {
      const password = auth.certificatePasswordEnv ? env[auth.certificatePasswordEnv] : undefined;
      if (auth.certificatePasswordEnv && !password) {
        throw configError(
          `environment variable ${auth.certificatePasswordEnv} (providers.entra.auth.certificatePasswordEnv) is not set`,
        );
      }
      return new ClientCertificateCredential(
        o.tenantId,
        auth.clientId,
        {
          certificatePath: resolvePath(auth.certificatePath),
          ...(password ? { certificatePassword: password } : {}),
        },
        { ...common, ...discovery, sendCertificateChain: auth.sendCertificateChain },
      );
    }
    case 'workloadIdentity': {
      const tokenFilePath = auth.tokenFilePath
        ? resolvePath(auth.tokenFilePath)
        : env.AZURE_FEDERATED_TOKEN_FILE;
      if (!tokenFilePath) {
        throw configError(
          'workload identity needs a token file: set providers.entra.auth.tokenFilePath or AZURE_FEDERATED_TOKEN_FILE',
        );
      }
      return new WorkloadIdentityCredential({
        ...common,
        ...discovery,
        tenantId: o.tenantId,
        clientId: auth.clientId,
        tokenFilePath,
      });
    }
    case 'managedIdentity':
      return new ManagedIdentityCredential({
        ...common,
        ...(auth.clientId ? { clientId: auth.clientId } : {}),
      });
    case 'default':
      return new DefaultAzureCredential({ ...common, ...discovery, tenantId: o.tenantId });
  }
};

/** The claims of an access token that say who the scanner is; never the token itself. */
export const tokenPrincipal = (token: string): { appId?: string; tenantId?: string; name?: string } => {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    const str = (k: string): string | undefined => (typeof claims[k] === 'string' ? claims[k] : undefined);
    const appId = str('appid') ?? str('azp');
    const tenantId = str('tid');
    const name = str('app_displayname');
    return { ...(appId ? { appId } : {}), ...(tenantId ? { tenantId } : {}), ...(name ? { name } : {}) };
  } catch {
    return {};
  }
};
