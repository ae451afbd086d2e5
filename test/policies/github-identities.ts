// GitHub identities for policy tests, built by the GitHub connector's own mapping functions
// (connectors/github/identities.ts) from small payloads shaped like GitHub's: a policy test can
// only rely on attributes the connector really writes. Dates are relative to identity-builder's
// AS_OF.
import {
  type OrgFacts,
  credentialAuthorizationIdentity,
  deployKeyIdentity,
  installationIdentity,
  patGrantIdentity,
  secretIdentity,
  webhookIdentity,
  workflowTokenIdentity,
} from '../../connectors/github/identities.js';
import {
  CredentialAuthorization,
  DeployKey,
  GithubApp,
  Installation,
  PatGrant,
  Repository,
  Secret,
  Webhook,
  WorkflowPermissions,
} from '../../connectors/github/schema.js';
import { Identity } from '../../src/model.js';
import { AS_OF, daysAgo } from './identity-builder.js';

export const ORG = 'acme';

export const facts = (overrides: Partial<OrgFacts> = {}): OrgFacts => ({
  org: ORG,
  members: new Map([
    ['octocat', 'admin'],
    ['hubot', 'member'],
  ]),
  outsideCollaborators: new Set(['contractor']),
  appOwners: {},
  asOf: AS_OF,
  ...overrides,
});

const repo = (name: string, extra: Record<string, unknown> = {}) =>
  Repository.parse({ id: 1, name, private: true, visibility: 'private', ...extra });

export const appInstallation = (
  slug: string,
  permissions: Record<string, string>,
  extra: { selection?: 'all' | 'selected'; owner?: string; suspended?: boolean; f?: OrgFacts } = {},
): Identity =>
  Identity.parse(
    installationIdentity(
      extra.f ?? facts(),
      Installation.parse({
        id: 100,
        app_id: 200,
        app_slug: slug,
        repository_selection: extra.selection ?? 'all',
        permissions,
        events: ['push'],
        created_at: daysAgo(300),
        suspended_at: extra.suspended ? daysAgo(3) : null,
      }),
      GithubApp.parse({ id: 200, slug, owner: { login: extra.owner ?? 'vendor-inc', type: 'Organization' } }),
    ),
  );

export const patGrant = (overrides: Record<string, unknown> = {}, repos?: string[]): Identity =>
  Identity.parse(
    patGrantIdentity(
      facts(),
      PatGrant.parse({
        id: 7,
        owner: { login: 'hubot' },
        repository_selection: 'subset',
        permissions: { repository: { contents: 'read', metadata: 'read' } },
        access_granted_at: daysAgo(60),
        token_id: 70,
        token_name: 'release-script',
        token_expired: false,
        token_expires_at: daysAgo(-30),
        token_last_used_at: daysAgo(1),
        ...overrides,
      }),
      repos ?? ['api'],
    ),
  );

export const credentialAuthorization = (overrides: Record<string, unknown> = {}): Identity =>
  Identity.parse(
    credentialAuthorizationIdentity(
      facts(),
      CredentialAuthorization.parse({
        login: 'hubot',
        credential_id: 9,
        credential_type: 'personal access token',
        credential_authorized_at: daysAgo(100),
        credential_accessed_at: daysAgo(2),
        authorized_credential_id: 90,
        authorized_credential_expires_at: daysAgo(-20),
        scopes: ['read:org'],
        ...overrides,
      }),
    ),
  );

export const deployKey = (
  overrides: Record<string, unknown> = {},
  repoName = 'api',
  repoExtra: Record<string, unknown> = {},
): Identity =>
  Identity.parse(
    deployKeyIdentity(
      facts(),
      repo(repoName, repoExtra),
      DeployKey.parse({
        id: 3,
        title: 'ci',
        verified: true,
        created_at: daysAgo(30),
        read_only: true,
        added_by: 'octocat',
        last_used: daysAgo(1),
        enabled: true,
        ...overrides,
      }),
    ),
  );

export const orgSecret = (
  name: string,
  visibility: 'all' | 'private' | 'selected',
  family: 'actions' | 'dependabot' | 'codespaces' = 'actions',
): Identity =>
  Identity.parse(
    secretIdentity(
      facts(),
      family,
      { level: 'organization' },
      Secret.parse({ name, created_at: daysAgo(800), updated_at: daysAgo(750), visibility }),
      visibility === 'selected' ? ['api'] : undefined,
    ),
  );

export const repoSecret = (name: string): Identity =>
  Identity.parse(
    secretIdentity(
      facts(),
      'actions',
      { level: 'repository', repo: repo('api') },
      Secret.parse({ name, created_at: daysAgo(10), updated_at: daysAgo(10) }),
    ),
  );

export const webhook = (
  config: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  repoName?: string,
): Identity =>
  Identity.parse(
    webhookIdentity(
      facts(),
      repoName ? repo(repoName) : undefined,
      Webhook.parse({
        id: 11,
        name: 'web',
        active: true,
        events: ['push'],
        config: { content_type: 'json', ...config },
        created_at: daysAgo(40),
        updated_at: daysAgo(40),
        ...extra,
      }),
    ),
  );

export const workflowToken = (
  perms: { default_workflow_permissions: 'read' | 'write'; can_approve_pull_request_reviews: boolean },
  repoName?: string,
  orgDefault?: { default_workflow_permissions: 'read' | 'write'; can_approve_pull_request_reviews: boolean },
  repoExtra: Record<string, unknown> = {},
): Identity =>
  Identity.parse(
    workflowTokenIdentity(
      facts(),
      repoName ? repo(repoName, repoExtra) : undefined,
      WorkflowPermissions.parse(perms),
      orgDefault ? WorkflowPermissions.parse(orgDefault) : undefined,
    ),
  );
