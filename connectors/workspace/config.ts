// The `providers.workspace` block of the config. Keys never appear here: the config names the
// file (or environment variable) holding a service account key, and the admin the service
// account acts as through domain-wide delegation; or the scan uses Application Default
// Credentials (a user's, from `gcloud auth application-default login`).
import { z } from 'zod';

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name');

const Email = z.email('expected an email address such as nhiscan-reader@acme.example');

/** A Google Workspace primary domain, e.g. acme.example. */
const Domain = z
  .string()
  .regex(
    /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/,
    'expected a domain such as acme.example',
  );

/** `my_customer` (the account the admin belongs to) or a customer id such as C03az79cb. */
const CustomerId = z
  .string()
  .regex(/^(?:my_customer|C[0-9a-z]{6,12})$/, 'expected "my_customer" or a customer id such as C03az79cb');

const LOOPBACK = /^https?:\/\/(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d+)?(\/|$)/;
export const isLoopbackUrl = (url: string): boolean => LOOPBACK.test(url);

export const WorkspaceAuth = z.discriminatedUnion('type', [
  /**
   * A service account key with domain-wide delegation, acting as `subject` (a read-only admin).
   * The key is read from the file or the environment variable named, never from the config.
   */
  z
    .strictObject({
      type: z.literal('delegated'),
      keyFile: z.string().min(1).optional(),
      keyEnv: EnvName.optional(),
      /** The admin the service account impersonates (a custom read-only admin role). */
      subject: Email,
    })
    .refine((a) => (a.keyFile === undefined) !== (a.keyEnv === undefined), {
      message: 'give exactly one of keyFile or keyEnv',
      path: ['keyFile'],
    }),
  /** Application Default Credentials: a user's (an admin's) credentials with the Admin SDK scopes. */
  z.strictObject({ type: z.literal('adc') }),
  /** An OAuth access token read from this environment variable. */
  z.strictObject({ type: z.literal('access-token-env'), env: EnvName }),
  /** No credentials: only for a loopback endpoint (the bundled demo). */
  z.strictObject({ type: z.literal('none') }),
]);
export type WorkspaceAuth = z.infer<typeof WorkspaceAuth>;

/**
 * How the third-party OAuth grants are read. `tokens`: Directory API users.list, then
 * tokens.list per user — the grants as they stand now, 1 + ceil(users/500) + users calls.
 * `reports`: the Reports API token activity (authorize and revoke events) over the last
 * `lookbackDays` — ceil(events/1000) calls, cheaper for large domains, but it sees only grants
 * made inside the window (Google keeps token activity for 180 days).
 */
export const InventoryMode = z.enum(['tokens', 'reports']);
export type InventoryMode = z.infer<typeof InventoryMode>;

export const WorkspaceConfig = z.strictObject({
  enabled: z.boolean().default(true),
  /** The primary domain: the label of the target and the scope of its identities. */
  domain: Domain,
  customer: CustomerId.default('my_customer'),
  auth: WorkspaceAuth,
  inventory: InventoryMode.default('tokens'),
  /** Reports mode only: how far back token activity is read (Google keeps 180 days). */
  lookbackDays: z.int().min(1).max(180).default(180),
  /** Replaces https://admin.googleapis.com/ (a private endpoint, an emulator, the demo). */
  endpoint: z
    .url({ protocol: /^https?$/ })
    .refine((u) => u.startsWith('https://') || isLoopbackUrl(u), {
      message: 'expected an https URL (http only on loopback)',
    })
    .optional(),
  /** Retries of a failed call (429, 5xx, lost connections), with exponential backoff. */
  maxRetries: z.int().min(0).max(10).default(3),
});
export type WorkspaceConfig = z.infer<typeof WorkspaceConfig>;
export type WorkspaceConfigInput = z.input<typeof WorkspaceConfig>;

/** The Admin SDK scopes the scanner asks for (all read-only; permissions.ts says what each reads). */
export const ADMIN_SCOPES = {
  users: 'https://www.googleapis.com/auth/admin.directory.user.readonly',
  tokens: 'https://www.googleapis.com/auth/admin.directory.user.security',
  reports: 'https://www.googleapis.com/auth/admin.reports.audit.readonly',
} as const;

/** The scopes one inventory mode needs. */
export const scopesFor = (mode: InventoryMode): string[] =>
  mode === 'tokens' ? [ADMIN_SCOPES.users, ADMIN_SCOPES.tokens] : [ADMIN_SCOPES.reports];
