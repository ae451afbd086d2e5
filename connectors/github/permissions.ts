// The read-only GitHub App permissions the connector's calls need, as data (src/permissions.ts):
// one entry per permission, with the REST routes (Octokit route templates, as the call trace in
// client.ts names them) it unlocks, as GitHub documents them per endpoint ("Permissions required
// for GitHub Apps"). A fine-grained PAT needs the same names. The readme's section and the README's
// list are written from it; errors.ts names the permission of a refused call from it; a test checks
// every route the demo scan requests is here.
import type { PermissionEntry, PermissionManifest } from '../../src/permissions.js';

/** A GitHub App's permission map, as an App manifest's `default_permissions` writes it. */
export type GithubAppPermissions = Record<string, 'read'>;

const ENTRIES: readonly PermissionEntry[] = [
  {
    permission: 'metadata=read',
    reads:
      "the repositories to visit; on selected repositories, the scanner installation's own selection; a token owner's own permission on each repository its token writes to, and the rulesets of a repository a deploy key can push to, with who may bypass them (effective reach)",
    calls: [
      'GET /orgs/{org}/repos',
      'GET /installation/repositories',
      'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
      'GET /repos/{owner}/{repo}/rulesets',
      'GET /repos/{owner}/{repo}/rulesets/{ruleset_id}',
    ],
    required: true,
  },
  {
    permission: 'members=read',
    reads: 'members, owners and outside collaborators (to tell current owners from departed ones)',
    calls: ['GET /orgs/{org}/members', 'GET /orgs/{org}/outside_collaborators'],
    required: false,
  },
  {
    permission: 'organization_administration=read',
    reads:
      "installed Apps, SAML SSO credential authorizations, the organisation workflow-token default, the audit log's OAuth-app events (Enterprise Cloud)",
    calls: [
      'GET /orgs/{org}/installations',
      'GET /orgs/{org}/credential-authorizations',
      'GET /orgs/{org}/actions/permissions/workflow',
      'GET /orgs/{org}/audit-log',
    ],
    required: false,
  },
  {
    // GitHub's reference for "Get the audit log for an organization": classic tokens need
    // read:audit_log (admin:org does not include it); an App, organization_administration=read.
    permission: 'read:audit_log',
    reads:
      'the audit log with a classic token (OAuth apps; Enterprise Cloud only, and the token must belong to an organisation owner): a classic token scope, an App reads it with organization_administration=read',
    calls: [],
    required: false,
  },
  {
    permission: 'organization_personal_access_tokens=read',
    reads: 'fine-grained PAT grants and the repositories each reaches (Apps only)',
    calls: [
      'GET /orgs/{org}/personal-access-tokens',
      'GET /orgs/{org}/personal-access-tokens/{pat_id}/repositories',
    ],
    required: false,
  },
  {
    permission: 'organization_personal_access_token_requests=read',
    reads: 'pending fine-grained PAT requests (Apps only)',
    calls: ['GET /orgs/{org}/personal-access-token-requests'],
    required: false,
  },
  {
    permission: 'organization_secrets=read',
    reads: 'organisation Actions secrets (names, visibility, dates; never values) and their repositories',
    calls: ['GET /orgs/{org}/actions/secrets', 'GET /orgs/{org}/actions/secrets/{secret_name}/repositories'],
    required: false,
  },
  {
    // GitHub's docs for "List organization secrets" (REST, Dependabot secrets) require the
    // "Organization dependabot secrets" organization permission (read); its App manifest key is this
    // one. Octokit's `app-permissions` schema (@octokit/openapi-types 29) does not list it yet.
    permission: 'organization_dependabot_secrets=read',
    reads: 'organisation Dependabot secrets and their repositories',
    calls: [
      'GET /orgs/{org}/dependabot/secrets',
      'GET /orgs/{org}/dependabot/secrets/{secret_name}/repositories',
    ],
    required: false,
  },
  {
    permission: 'organization_codespaces_secrets=read',
    reads:
      'organisation Codespaces secrets and their repositories (an App installation or a fine-grained PAT; a classic token needs `admin:org`)',
    calls: [
      'GET /orgs/{org}/codespaces/secrets',
      'GET /orgs/{org}/codespaces/secrets/{secret_name}/repositories',
    ],
    required: false,
  },
  {
    permission: 'organization_hooks=read',
    reads: 'organisation webhooks (secret set, SSL verification; URLs reduced to scheme and host)',
    calls: ['GET /orgs/{org}/hooks'],
    required: false,
  },
  {
    permission: 'administration=read',
    reads: 'deploy keys and the repository workflow-token setting',
    calls: ['GET /repos/{owner}/{repo}/keys', 'GET /repos/{owner}/{repo}/actions/permissions/workflow'],
    required: false,
  },
  {
    permission: 'secrets=read',
    reads: 'repository and environment Actions secrets',
    calls: [
      'GET /repos/{owner}/{repo}/actions/secrets',
      'GET /repos/{owner}/{repo}/environments/{environment_name}/secrets',
    ],
    required: false,
  },
  {
    permission: 'actions=read',
    reads: 'the environments of each repository (to list their secrets)',
    calls: ['GET /repos/{owner}/{repo}/environments'],
    required: false,
  },
  {
    permission: 'dependabot_secrets=read',
    reads: 'repository Dependabot secrets',
    calls: ['GET /repos/{owner}/{repo}/dependabot/secrets'],
    required: false,
  },
  {
    permission: 'codespaces_secrets=write',
    reads:
      'repository Codespaces secrets: GitHub offers this permission at write level only, so it is not in the read-only map above; without it the scan records the gap',
    calls: ['GET /repos/{owner}/{repo}/codespaces/secrets'],
    required: false,
  },
  {
    permission: 'repository_hooks=read',
    reads: 'repository webhooks',
    calls: ['GET /repos/{owner}/{repo}/hooks'],
    required: false,
  },
  {
    permission: 'enterprise_organization_installations=read',
    reads:
      "the organisations of an enterprise (`enterprise:` with App auth): an enterprise permission of the App's installation on the enterprise, not part of the organisation map above",
    calls: ['GET /enterprises/{enterprise}/apps/installable_organizations'],
    required: false,
  },
  {
    permission: 'read:enterprise',
    reads:
      'the organisations of an enterprise (`enterprise:` with token auth, GraphQL `enterprise.organizations`): a classic token scope; the token must belong to a member of the enterprise',
    calls: ['POST /graphql'],
    required: false,
  },
  {
    permission: '(App JWT)',
    reads: "the App's installations and an installation token for each organisation",
    calls: [
      'GET /app/installations',
      'GET /orgs/{org}/installation',
      'POST /app/installations/{installation_id}/access_tokens',
    ],
    required: true,
    implicit: 'the App authenticates as itself',
  },
  {
    permission: '(public)',
    reads: "an installed App's name and owning account; who a token scan runs as",
    calls: ['GET /apps/{app_slug}', 'GET /user'],
    required: false,
    implicit: 'public App metadata and the caller itself',
  },
];

/**
 * Granted on the App's installation on the enterprise (or a token's scope), never on an
 * organisation's: outside the organisation map, and not checked per organisation by doctor.
 */
export const ENTERPRISE_PERMISSIONS: ReadonlySet<string> = new Set([
  'enterprise_organization_installations=read',
  'read:enterprise',
]);

/**
 * A classic token's scope with no App permission of its own (an App needs the permission named
 * in `reads`): outside the App map, and not an App installation's to grant.
 */
export const CLASSIC_ONLY_PERMISSIONS: ReadonlySet<string> = new Set(['read:audit_log']);

/** The read-only map: every `name=read` entry (write-only permissions stay out). */
const readMap = (): GithubAppPermissions =>
  Object.fromEntries(
    ENTRIES.filter(
      (e) => !e.implicit && e.permission.endsWith('=read') && !ENTERPRISE_PERMISSIONS.has(e.permission),
    ).map((e) => [e.permission.slice(0, -'=read'.length), 'read' as const]),
  );

export const githubPermissions: PermissionManifest<GithubAppPermissions> = {
  provider: 'github',
  howToGrant:
    'Create a GitHub App owned by your organisation, with no webhook, and these permissions, all **Read-only**. A fine-grained PAT needs the same permissions (resource owner: the organisation).',
  grantsCaption: "The App's permissions, as an App manifest's `default_permissions`",
  grants: readMap(),
  entries: ENTRIES,
};

/**
 * What a classic PAT needs instead of each App permission, as GitHub's REST reference writes it per
 * endpoint ("OAuth app tokens and personal access tokens (classic) need the … scope"): any one of
 * the scopes listed, or one that includes it (see `classicScopeIncludes`). `null`: GitHub serves
 * those calls to Apps only, so no scope can grant them (a scan records a note).
 */
export const CLASSIC_SCOPES: Readonly<Record<string, readonly string[] | null>> = {
  'metadata=read': ['repo'],
  'members=read': ['read:org'],
  // The workflow-token default needs admin:org; installations and SSO authorizations read:org.
  'organization_administration=read': ['admin:org'],
  'organization_personal_access_tokens=read': null,
  'organization_personal_access_token_requests=read': null,
  'organization_secrets=read': ['admin:org'],
  'organization_dependabot_secrets=read': ['admin:org'],
  'organization_codespaces_secrets=read': ['admin:org'],
  'organization_hooks=read': ['admin:org_hook'],
  'administration=read': ['repo'],
  'secrets=read': ['repo'],
  'actions=read': ['repo'],
  'dependabot_secrets=read': ['repo'],
  'codespaces_secrets=write': ['repo'],
  'repository_hooks=read': ['read:repo_hook', 'repo'],
  // The enterprise listing: an App's enterprise permission, a token's read:enterprise (GraphQL).
  'enterprise_organization_installations=read': null,
  'read:enterprise': ['read:enterprise'],
  'read:audit_log': ['read:audit_log'],
};

/** GitHub's classic scope hierarchy: a scope and the narrower ones it includes. */
const INCLUDES: Readonly<Record<string, readonly string[]>> = {
  repo: ['repo:status', 'repo_deployment', 'public_repo', 'repo:invite', 'security_events'],
  'admin:org': ['write:org', 'read:org', 'manage_runners:org'],
  'write:org': ['read:org'],
  'admin:repo_hook': ['write:repo_hook', 'read:repo_hook'],
  'write:repo_hook': ['read:repo_hook'],
  'admin:enterprise': ['manage_runners:enterprise', 'manage_billing:enterprise', 'read:enterprise'],
};

/** Whether a token holding `held` (the x-oauth-scopes list) has `scope`, directly or included. */
export const classicScopeIncludes = (held: readonly string[], scope: string): boolean =>
  held.some((h) => h === scope || (INCLUDES[h] ?? []).includes(scope));

/** x-oauth-scopes as a list: "repo, read:org" → ['repo', 'read:org']; "" → []. */
export const parseScopesHeader = (header: string): string[] =>
  header
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
