// Permissive schemas for the GitHub REST payloads this connector reads (shapes from GitHub's
// OpenAPI description, fixtures/github/openapi-subset.json). Required ids and names must be
// there; every other field degrades to "unknown" instead of failing the item, and unknown fields
// are kept. Dates are normalised to UTC ISO strings; `null` stays null (GitHub: never / none).
import { z } from 'zod';
import { normalizeTimestamp } from '../../src/clock.js';

/** A timestamp GitHub may omit: absent or malformed → undefined. */
const OptDate = z.string().transform(normalizeTimestamp).optional().catch(undefined);
/** A timestamp where GitHub's `null` means "none" (never used, never expires). */
const NullableDate = z.string().transform(normalizeTimestamp).nullable().optional().catch(undefined);
const OptString = z.string().optional().catch(undefined);
const OptBool = z.boolean().optional().catch(undefined);
const StringList = z
  .array(z.unknown())
  .catch([])
  .transform((xs) => xs.filter((x): x is string => typeof x === 'string'));
/** Permission maps ("contents": "write"): non-string values are dropped. */
const PermissionMap = z
  .record(z.string(), z.unknown())
  .catch({})
  .transform((m) =>
    Object.fromEntries(Object.entries(m).filter((e): e is [string, string] => typeof e[1] === 'string')),
  );

export const SimpleUser = z.looseObject({
  login: z.string(),
  id: z.number().optional().catch(undefined),
  type: OptString,
});
export type SimpleUser = z.infer<typeof SimpleUser>;

const OptUser = SimpleUser.nullable().optional().catch(undefined);

/** GET /orgs/{org}/installations (items), GET /orgs/{org}/installation, GET /app/installations (items). */
export const Installation = z.looseObject({
  id: z.number(),
  app_id: z.number().optional().catch(undefined),
  app_slug: z.string(),
  account: z.looseObject({ login: z.string(), type: OptString }).nullable().optional().catch(undefined),
  target_type: OptString,
  repository_selection: z.enum(['all', 'selected']).optional().catch(undefined),
  permissions: PermissionMap,
  events: StringList,
  created_at: OptDate,
  updated_at: OptDate,
  suspended_at: NullableDate,
  suspended_by: OptUser,
  html_url: OptString,
});
export type Installation = z.infer<typeof Installation>;

/** GET /app/installations (items): the App's installation on an enterprise (account: the enterprise). */
export const EnterpriseInstallation = z.looseObject({
  id: z.number(),
  target_type: z.literal('Enterprise'),
  account: z.looseObject({ slug: z.string() }),
  suspended_at: NullableDate,
});

/** GET /enterprises/{enterprise}/apps/installable_organizations (items). */
export const InstallableOrganization = z.looseObject({ id: z.number(), login: z.string() });

/** GET /apps/{app_slug}: the App behind an installation, and who owns it. */
export const GithubApp = z.looseObject({
  id: z.number(),
  slug: z.string().optional().catch(undefined),
  name: OptString,
  owner: z
    .looseObject({ login: z.string().optional().catch(undefined), slug: OptString, type: OptString })
    .nullable()
    .optional()
    .catch(undefined),
  external_url: OptString,
  html_url: OptString,
});
export type GithubApp = z.infer<typeof GithubApp>;

const PatPermissions = z
  .looseObject({
    organization: PermissionMap.optional(),
    repository: PermissionMap.optional(),
    other: PermissionMap.optional(),
  })
  .catch({});

/** GET /orgs/{org}/personal-access-tokens (items). */
export const PatGrant = z.looseObject({
  id: z.number(),
  owner: SimpleUser,
  repository_selection: z.enum(['none', 'all', 'subset']).optional().catch(undefined),
  permissions: PatPermissions,
  access_granted_at: OptDate,
  token_id: z.number().optional().catch(undefined),
  token_name: OptString,
  token_expired: OptBool,
  token_expires_at: NullableDate,
  token_last_used_at: NullableDate,
});
export type PatGrant = z.infer<typeof PatGrant>;

/** GET /orgs/{org}/personal-access-token-requests (items). */
export const PatRequest = PatGrant.omit({ access_granted_at: true }).extend({
  reason: z.string().nullable().optional().catch(undefined),
  created_at: OptDate,
});
export type PatRequest = z.infer<typeof PatRequest>;

/** Repositories: GET /orgs/{org}/repos, a PAT's or a secret's selected repositories. */
export const Repository = z.looseObject({
  id: z.number(),
  name: z.string(),
  full_name: OptString,
  private: OptBool,
  visibility: OptString,
  archived: OptBool,
  fork: OptBool,
  default_branch: OptString,
});
export type Repository = z.infer<typeof Repository>;

/** GET /repos/{owner}/{repo}/rulesets (items; with the organisation's rulesets that apply). */
export const RulesetSummary = z.looseObject({
  id: z.number(),
  name: z.string(),
  target: OptString,
  enforcement: OptString,
  source_type: OptString,
  source: OptString,
});

const RefList = StringList.optional().catch(undefined);

/** GET /repos/{owner}/{repo}/rulesets/{ruleset_id} (repository-ruleset): conditions and bypass actors. */
export const RulesetDetail = z.looseObject({
  id: z.number(),
  name: z.string(),
  target: OptString,
  enforcement: OptString,
  conditions: z
    .looseObject({
      ref_name: z.looseObject({ include: RefList, exclude: RefList }).optional().catch(undefined),
    })
    .nullable()
    .optional()
    .catch(undefined),
  // Absent stays undefined: GitHub not showing them is not "nobody may bypass".
  bypass_actors: z
    .array(
      z.looseObject({
        actor_id: z.number().nullable().optional().catch(undefined),
        actor_type: z.string(),
        bypass_mode: OptString,
      }),
    )
    .optional(),
});
export type RulesetDetail = z.infer<typeof RulesetDetail>;

/** GET /repos/{owner}/{repo}/collaborators/{username}/permission (repository-collaborator-permission). */
export const CollaboratorPermission = z.looseObject({
  permission: z.string(),
  role_name: OptString,
});
export type CollaboratorPermission = z.infer<typeof CollaboratorPermission>;

/** GET /orgs/{org}/credential-authorizations (items; Enterprise Cloud with SAML SSO). */
export const CredentialAuthorization = z.looseObject({
  login: z.string(),
  credential_id: z.number(),
  credential_type: z.string(),
  credential_authorized_at: OptDate,
  credential_accessed_at: NullableDate,
  authorized_credential_id: z.number().nullable().optional().catch(undefined),
  authorized_credential_title: z.string().nullable().optional().catch(undefined),
  authorized_credential_note: z.string().nullable().optional().catch(undefined),
  authorized_credential_expires_at: NullableDate,
  scopes: StringList.optional(),
  fingerprint: OptString,
});
export type CredentialAuthorization = z.infer<typeof CredentialAuthorization>;

/** GET /repos/{owner}/{repo}/keys (items). The public `key` is read past, never kept. */
export const DeployKey = z.looseObject({
  id: z.number(),
  title: z.string().catch(''),
  verified: OptBool,
  created_at: OptDate,
  read_only: z.boolean().optional().catch(undefined),
  added_by: z.string().nullable().optional().catch(undefined),
  last_used: NullableDate,
  enabled: OptBool,
});
export type DeployKey = z.infer<typeof DeployKey>;

/** Actions, Dependabot and Codespaces secrets (repo, environment and org listings). */
export const Secret = z.looseObject({
  name: z.string(),
  created_at: OptDate,
  updated_at: OptDate,
  visibility: z.enum(['all', 'private', 'selected']).optional().catch(undefined),
  selected_repositories_url: OptString,
});
export type Secret = z.infer<typeof Secret>;

/** GET /repos/{owner}/{repo}/environments (items). */
export const Environment = z.looseObject({ id: z.number().optional().catch(undefined), name: z.string() });
export type Environment = z.infer<typeof Environment>;

/** Repo and org webhooks. `config.secret` is "********" when a secret is set, absent when not. */
export const Webhook = z.looseObject({
  id: z.number(),
  name: z.string().catch('web'),
  type: OptString,
  active: OptBool,
  events: StringList,
  config: z
    .looseObject({
      url: OptString,
      content_type: OptString,
      secret: OptString,
      insecure_ssl: z.union([z.string(), z.number()]).optional().catch(undefined),
    })
    .catch({}),
  created_at: OptDate,
  updated_at: OptDate,
});
export type Webhook = z.infer<typeof Webhook>;

/** GET /orgs/{org}/actions/permissions/workflow and the repository equivalent. */
export const WorkflowPermissions = z.looseObject({
  default_workflow_permissions: z.enum(['read', 'write']),
  can_approve_pull_request_reviews: OptBool,
});
export type WorkflowPermissions = z.infer<typeof WorkflowPermissions>;

/** A count or id GitHub writes as a number, or as a string of digits in some audit-log events. */
const OptId = z
  .union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)])
  .optional()
  .catch(undefined);

/**
 * GET /orgs/{org}/audit-log (items): `audit-log-event` in GitHub's Enterprise Cloud description.
 * `@timestamp` and `created_at` are Unix epoch milliseconds. The OAuth-app fields
 * (`oauth_application`, `oauth_application_id`) are not in the schema's property list (it allows
 * any other property): read when there, never required. Nothing else of the event is kept.
 */
export const AuditLogEvent = z.looseObject({
  action: z.string(),
  '@timestamp': z.number().optional().catch(undefined),
  created_at: z.number().optional().catch(undefined),
  _document_id: OptString,
  actor: OptString,
  user: OptString,
  org: OptString,
  name: OptString,
  oauth_application: OptString,
  oauth_application_id: OptId,
});
export type AuditLogEvent = z.infer<typeof AuditLogEvent>;
