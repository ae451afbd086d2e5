// The `providers.entra` block of the config. Secrets never appear here: the config names the
// environment variable (client secret) or the file (certificate, federated token) that holds them.
import { z } from 'zod';

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name');

/** A tenant: its GUID or a verified domain (contoso.onmicrosoft.com). */
const TenantId = z
  .string()
  .regex(
    /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)$/i,
    'expected a tenant id (GUID) or a domain such as contoso.onmicrosoft.com',
  );

const ClientId = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    'expected an application (client) id GUID',
  );

export const EntraAuth = z.discriminatedUnion('type', [
  /** An app registration's client secret, read from an environment variable at scan time. */
  z.strictObject({ type: z.literal('clientSecret'), clientId: ClientId, clientSecretEnv: EnvName }),
  /** An app registration's certificate: a PEM file holding the private key and the certificate. */
  z.strictObject({
    type: z.literal('certificate'),
    clientId: ClientId,
    certificatePath: z.string().min(1),
    /** Environment variable holding the PEM key's passphrase, when it has one. */
    certificatePasswordEnv: EnvName.optional(),
    /** Send the x5c chain (subject name / issuer auth). */
    sendCertificateChain: z.boolean().default(false),
  }),
  /** Workload identity federation: a token file from the platform (Kubernetes, GitHub Actions, …). */
  z.strictObject({
    type: z.literal('workloadIdentity'),
    clientId: ClientId,
    /** File holding the federated token (default: AZURE_FEDERATED_TOKEN_FILE). */
    tokenFilePath: z.string().min(1).optional(),
  }),
  /** The Azure host's managed identity: system-assigned, or the user-assigned one with this client id. */
  z.strictObject({ type: z.literal('managedIdentity'), clientId: ClientId.optional() }),
  /** @azure/identity's default chain (environment, workload identity, managed identity, Azure CLI, …). */
  z.strictObject({ type: z.literal('default') }),
]);
export type EntraAuth = z.infer<typeof EntraAuth>;

/** Where a national cloud's sign-in and Graph live (learn.microsoft.com/graph/deployments). */
export const CLOUDS = {
  public: { authorityHost: 'https://login.microsoftonline.com', graphBaseUrl: 'https://graph.microsoft.com' },
  usgov: { authorityHost: 'https://login.microsoftonline.us', graphBaseUrl: 'https://graph.microsoft.us' },
  usgovDod: {
    authorityHost: 'https://login.microsoftonline.us',
    graphBaseUrl: 'https://dod-graph.microsoft.us',
  },
  china: {
    authorityHost: 'https://login.chinacloudapi.cn',
    graphBaseUrl: 'https://microsoftgraph.chinacloudapi.cn',
  },
} as const;
export type EntraCloud = keyof typeof CLOUDS;

const HttpsUrl = z.url({ protocol: /^https$/ }).transform((u) => u.replace(/\/+$/, ''));

export const EntraFeatures = z.strictObject({
  owners: z.boolean().default(true).describe('Owners of each application and service principal.'),
  federatedCredentials: z.boolean().default(true).describe("Applications' federated identity credentials."),
  appRoleAssignments: z
    .boolean()
    .default(true)
    .describe('Application permissions granted to each service principal (app role assignments).'),
  oauth2PermissionGrants: z.boolean().default(true).describe('Delegated permission grants (consents).'),
  directoryRoles: z
    .boolean()
    .default(true)
    .describe('Directory role assignments held by service principals.'),
  signInActivity: z
    .boolean()
    .default(true)
    .describe('Last sign-in per service principal (beta report; Entra ID P1 or P2; global cloud only).'),
});
export type EntraFeatures = z.infer<typeof EntraFeatures>;

export const EntraConfig = z
  .strictObject({
    enabled: z.boolean().default(true),
    tenants: z.array(TenantId).min(1),
    auth: EntraAuth,
    cloud: z.enum(['public', 'usgov', 'usgovDod', 'china']).default('public'),
    /** Overrides the cloud's sign-in host (https only: MSAL refuses anything else). */
    authorityHost: HttpsUrl.optional(),
    /** Overrides the cloud's Graph root (https, or http on loopback for emulators and the demo). */
    graphBaseUrl: z
      .url({ protocol: /^https?$/ })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    /** A PEM file of CA certificates trusted for sign-in and Graph besides Node's own (TLS-inspecting proxies). */
    caFile: z.string().min(1).optional(),
    /** Deadline of one Graph request (each retry gets a new one). */
    requestTimeoutSeconds: z.int().min(1).max(600).default(60),
    /** Times a throttled (429/503/504) Graph request is retried; at most 10 (the client's cap). */
    maxRetries: z.int().min(0).max(10).default(3),
    /** Longest Retry-After honoured; a longer one ends the retries and the call becomes a gap. */
    maxRetryAfterSeconds: z.int().min(0).max(180).default(60),
    /** Service principals of these publisher tenants are the provider's (inventoried, not judged). */
    providerTenants: z
      .array(z.string().min(1))
      .default(['f8cdef31-a31e-4b4a-93e4-5f571e91255a', '72f988bf-86f1-41af-91ab-2d7cd011db47']),
    features: EntraFeatures.prefault({}),
  })
  .refine((c) => new Set(c.tenants.map((t) => t.toLowerCase())).size === c.tenants.length, {
    message: 'a tenant is listed twice',
    path: ['tenants'],
  });
export type EntraConfig = z.infer<typeof EntraConfig>;
export type EntraConfigInput = z.input<typeof EntraConfig>;

/** The sign-in host and Graph root this config reaches. */
export const endpoints = (config: EntraConfig): { authorityHost: string; graphBaseUrl: string } => ({
  authorityHost: config.authorityHost ?? CLOUDS[config.cloud].authorityHost,
  graphBaseUrl: config.graphBaseUrl ?? CLOUDS[config.cloud].graphBaseUrl,
});
