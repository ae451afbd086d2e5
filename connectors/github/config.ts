// The `providers.github` block of the config. Credentials never appear here: the config names the
// environment variable (or, for an App's private key, the file) that holds them.
import { z } from 'zod';

/** GitHub logins and org names: alphanumerics and single hyphens, at most 39 characters. */
const OrgName = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, 'expected a GitHub organisation name');

/** An enterprise's slug (the name in github.com/enterprises/SLUG). */
const EnterpriseSlug = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,98}[A-Za-z0-9])?$/, 'expected a GitHub enterprise slug');

/**
 * Every organisation of a GitHub Enterprise (Cloud) account, listed at scan time: App auth through
 * the App's installation on the enterprise, token auth through GraphQL. `include` / `exclude` are
 * globs over organisation logins (case-insensitive); exclude wins.
 */
export const GithubEnterprise = z
  .union([
    EnterpriseSlug,
    z.strictObject({
      slug: EnterpriseSlug,
      /** Only organisations whose login matches one of these globs (none given: all). */
      include: z.array(z.string().min(1)).min(1).optional(),
      /** Never these organisations (globs; wins over include). */
      exclude: z.array(z.string().min(1)).default([]),
    }),
  ])
  .transform((e) => (typeof e === 'string' ? { slug: e, include: undefined, exclude: [] } : e));
export type GithubEnterprise = z.infer<typeof GithubEnterprise>;

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name');

export const GithubAuth = z.discriminatedUnion('type', [
  /** The recommended mode: a GitHub App installed on each org (read-only permissions, see readme). */
  z
    .strictObject({
      type: z.literal('app'),
      appId: z.union([z.int().positive(), z.string().regex(/^\d+$/, 'expected a numeric App id')]),
      /** Environment variable holding the App's PEM private key. */
      privateKeyEnv: EnvName.optional(),
      /** File holding the App's PEM private key (relative to the config file's folder). */
      privateKeyPath: z.string().min(1).optional(),
    })
    .refine((a) => (a.privateKeyEnv === undefined) !== (a.privateKeyPath === undefined), {
      message: 'give exactly one of privateKeyEnv or privateKeyPath',
    }),
  /** A fine-grained or classic personal access token read from an environment variable. */
  z.strictObject({ type: z.literal('token'), tokenEnv: EnvName.default('GITHUB_TOKEN') }),
]);
export type GithubAuth = z.infer<typeof GithubAuth>;

/** What to enumerate; each switch saves its API calls when off. */
export const GithubFeatures = z.strictObject({
  members: z
    .boolean()
    .default(true)
    .describe(
      'List org members (and admins), then outside collaborators, to tell current owners from departed ones.',
    ),
  appInstallations: z.boolean().default(true),
  patGrants: z.boolean().default(true).describe('Fine-grained PAT grants (GitHub App auth only).'),
  patRequests: z
    .boolean()
    .default(true)
    .describe('Pending fine-grained PAT requests (GitHub App auth only).'),
  credentialAuthorizations: z
    .boolean()
    .default(true)
    .describe(
      'SAML SSO credential authorizations: classic PATs, SSH keys, OAuth and App tokens (Enterprise Cloud).',
    ),
  oauthApps: z
    .boolean()
    .default(true)
    .describe(
      "OAuth apps from the organisation audit log (Enterprise Cloud): the org's access decisions (requested, approved, denied, blocked) and the OAuth apps it owns, over the log's 180 days.",
    ),
  orgSecrets: z.boolean().default(true).describe('Org-level Actions, Dependabot and Codespaces secrets.'),
  orgWebhooks: z.boolean().default(true),
  workflowPermissions: z
    .boolean()
    .default(true)
    .describe('Default GITHUB_TOKEN permissions, per org and per repository.'),
  repositories: z
    .boolean()
    .default(true)
    .describe('Visit every repository (the switches below apply per repository).'),
  deployKeys: z.boolean().default(true),
  actionsSecrets: z.boolean().default(true),
  environmentSecrets: z.boolean().default(true),
  dependabotSecrets: z.boolean().default(true),
  codespacesSecrets: z.boolean().default(true),
  webhooks: z.boolean().default(true),
});
export type GithubFeatures = z.infer<typeof GithubFeatures>;

export const GithubConfig = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** Org names, or "installed": every organisation the App is installed on (App auth only). */
    orgs: z.union([z.array(OrgName).min(1), z.literal('installed')]).optional(),
    /** Every organisation of this enterprise, each a target (besides any `orgs`). */
    enterprise: GithubEnterprise.optional(),
    auth: GithubAuth,
    /** REST API root: https://api.github.com, GHES https://HOST/api/v3, data residency https://api.SUBDOMAIN.ghe.com. */
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .default('https://api.github.com')
      .transform((u) => u.replace(/\/+$/, '')),
    /** An environment variable holding the API root, read at scan time instead of baseUrl (e.g. GITHUB_API_URL on Actions runners). */
    baseUrlEnv: EnvName.optional(),
    /** Accountable owner of each installed App, by app slug (e.g. { "renovate": "platform-team" }). */
    appOwners: z.record(z.string().min(1), z.string().min(1)).default({}),
    /** JSON file keeping ETags and bodies between runs (conditional requests), relative to the config file's folder; off when absent. */
    etagCache: z.string().min(1).optional(),
    /** Times a rate-limited request is retried (primary or secondary limit) before it becomes a gap. */
    rateLimitRetries: z.int().min(0).max(10).default(2),
    /** Longest wait for a rate limit to reset before the request becomes a gap instead. */
    rateLimitMaxWaitSeconds: z.int().min(0).max(3600).default(300),
    /**
     * Most calls per organisation and scan spent on effective reach (a token owner's own permission
     * per repository); past it the rest is "not evaluated" (counted in a gap), never "no access".
     */
    reachCallLimit: z
      .int()
      .min(0)
      .max(100_000)
      .default(1000)
      .describe(
        "Most calls per organisation and scan for effective reach (a token owner's own permission per repository, answers cached per repository and user); 0 turns them off. Past it the rest is reported as not evaluated, never as no access.",
      ),
    features: GithubFeatures.prefault({}),
  })
  .refine((c) => c.orgs !== undefined || c.enterprise !== undefined, {
    message: 'give `orgs` (names, or "installed" with an App) or `enterprise` (a slug)',
    path: ['orgs'],
  })
  .refine((c) => c.orgs !== 'installed' || c.auth.type === 'app', {
    message: 'orgs: "installed" needs auth.type "app" (a token cannot list App installations); list the orgs',
    path: ['orgs'],
  });
export type GithubConfig = z.infer<typeof GithubConfig>;
export type GithubConfigInput = z.input<typeof GithubConfig>;
