// GitHub payloads → the generic model (pure functions; no API calls). Conventions:
// - uid `github:<org>/…`; location { provider 'github', scope <org>, resource <repo> when per repo }.
// - Use is judged per credential (PAT token, deploy key, authorised credential), so identities
//   leave `lastUsedAt` unset and the generic staleness policy does not report a thing twice.
// - A secret's `updated_at` is its rotation evidence; secret values and public keys are never kept.
// - `attributes.ownerOrgMember`: true/false when the owner is a login and the org's members were
//   listed; absent when membership is unknown, or the owner is an outside collaborator
//   (`ownerOutsideCollaborator: true`).
import { isoInstant } from '../../src/clock.js';
import type { Credential, IdentityInput } from '../../src/model.js';
import { parseScopesHeader } from './permissions.js';
import {
  type GithubPrivilege,
  appInstallationPrivilege,
  classicScopesPrivilege,
  deployKeyPrivilege,
  patPrivilege,
  sshKeyPrivilege,
  workflowTokenPrivilege,
} from './privilege.js';
import type { BypassAnswer, OwnerAccess, OwnerOrgRole, OwnerRepoAccess } from './reach.js';
import type {
  CredentialAuthorization,
  DeployKey,
  GithubApp,
  Installation,
  PatGrant,
  PatRequest,
  Repository,
  Secret,
  Webhook,
  WorkflowPermissions,
} from './schema.js';
import {
  CredentialAuthorizationAttributes,
  DeployKeyAttributes,
  GITHUB_KINDS,
  InstallationAttributes,
  SecretAttributes,
  TokenAttributes,
  WebhookAttributes,
  WorkflowTokenAttributes,
  type Written,
} from './attributes.js';

export interface OrgFacts {
  org: string;
  /** login (lower case) → org role ("admin" | "member"); undefined when members could not be listed. */
  members: ReadonlyMap<string, string> | undefined;
  /** Logins (lower case) of the org's outside collaborators; absent when they were not listed. */
  outsideCollaborators?: ReadonlySet<string>;
  /** Accountable owners of installed Apps, by slug (config). */
  appOwners: Readonly<Record<string, string>>;
  /** The scan's clock, to mark credentials whose expiry has passed. */
  asOf: Date;
}

type CredentialInput = Partial<Credential> & Pick<Credential, 'uid' | 'type' | 'status'>;

const location = (f: OrgFacts, repo?: Repository | string) => ({
  provider: 'github',
  scope: f.org,
  ...(repo === undefined ? {} : { resource: typeof repo === 'string' ? repo : repo.name }),
});

/**
 * Membership facts for an owner login. An outside collaborator is not a member but has not left
 * either: `ownerOrgMember` (read as "departed" when false) stays unset for them.
 */
const ownerFacts = (f: OrgFacts, login: string | null | undefined): Record<string, unknown> => {
  if (!login || !f.members) return {};
  const role = f.members.get(login.toLowerCase());
  if (role === undefined && f.outsideCollaborators?.has(login.toLowerCase())) {
    return { ownerOutsideCollaborator: true, ownerRole: 'outside_collaborator' };
  }
  return { ownerOrgMember: role !== undefined, ...(role ? { ownerRole: role } : {}) };
};

/** The owner's role for effective reach; undefined when the member listings were not read. */
export const ownerRole = (f: OrgFacts, login: string): OwnerOrgRole | undefined => {
  if (!f.members) return undefined;
  const role = f.members.get(login.toLowerCase());
  if (role === 'admin' || role === 'member') return role;
  return f.outsideCollaborators?.has(login.toLowerCase()) === true ? 'outside_collaborator' : 'not_member';
};

const ownerAccess = (f: OrgFacts, login: string): OwnerAccess => ({ login, orgRole: ownerRole(f, login) });

const repoFacts = (repo: Repository): Record<string, unknown> => ({
  repository: repo.name,
  ...(repo.visibility
    ? { repositoryVisibility: repo.visibility }
    : repo.private === undefined
      ? {}
      : { repositoryVisibility: repo.private ? 'private' : 'public' }),
  ...(repo.archived ? { repositoryArchived: true } : {}),
});

const privilegeFields = (p: GithubPrivilege) => ({
  privilege: p.privilege,
  canChangeCode: p.canChangeCode,
  reach: p.reach,
});

const expired = (expiresAt: string | null | undefined, asOf: Date): boolean =>
  typeof expiresAt === 'string' && Date.parse(expiresAt) <= asOf.getTime();

export const installationIdentity = (
  f: OrgFacts,
  inst: Installation,
  app: GithubApp | undefined,
  /** The selected repositories, when read (only the installation itself can list them). */
  repositories?: readonly string[],
): IdentityInput => {
  const { privilege, canChangeCode, reach } = privilegeFields(
    appInstallationPrivilege(f.org, inst.permissions, inst.repository_selection, repositories),
  );
  const appOwner = app?.owner?.login ?? app?.owner?.slug;
  const configuredOwner = f.appOwners[inst.app_slug];
  return {
    uid: `github:${f.org}/installation/${inst.id}`,
    provider: 'github',
    kind: GITHUB_KINDS.appInstallation,
    name: inst.app_slug,
    location: location(f),
    createdAt: inst.created_at,
    owner: configuredOwner ? { value: configuredOwner, source: 'config' } : null,
    privilege,
    attributes: {
      // GitHub has no owner field or tags for an installation: only providers.github.appOwners names one.
      providerRecordsOwner: false,
      installationId: inst.id,
      appId: inst.app_id ?? app?.id,
      appSlug: inst.app_slug,
      ...(app?.name ? { appName: app.name } : {}),
      ...(appOwner
        ? {
            appOwner,
            appOwnerType: app?.owner?.type,
            thirdParty: appOwner.toLowerCase() !== f.org.toLowerCase(),
          }
        : {}),
      repositorySelection: inst.repository_selection,
      ...(repositories ? { repositories: [...repositories] } : {}),
      permissions: inst.permissions,
      events: inst.events,
      updatedAt: inst.updated_at,
      suspended: Boolean(inst.suspended_at),
      ...(inst.suspended_at ? { suspendedAt: inst.suspended_at, suspendedBy: inst.suspended_by?.login } : {}),
      canChangeCode,
      reach,
    } satisfies Written<typeof InstallationAttributes>,
  };
};

export const patGrantIdentity = (
  f: OrgFacts,
  grant: PatGrant,
  repos: readonly string[] | undefined,
  /** The owner's own permission on the repositories the token reaches, when read. */
  ownerRepos?: OwnerRepoAccess,
): IdentityInput => {
  const owner = grant.owner.login;
  const { privilege, canChangeCode, reach } = privilegeFields(
    patPrivilege(
      f.org,
      grant.permissions,
      grant.repository_selection,
      repos,
      owner,
      ownerRole(f, owner),
      ownerRepos,
    ),
  );
  const credential: CredentialInput = {
    uid: `token:${grant.token_id ?? grant.id}`,
    type: 'token',
    status: grant.token_expired === true || expired(grant.token_expires_at, f.asOf) ? 'expired' : 'active',
    // GitHub does not say when the token was created; approval for the org is the nearest fact.
    expiresAt: grant.token_expires_at,
    lastUsedAt: grant.token_last_used_at,
    attributes: { tokenId: grant.token_id },
  };
  return {
    uid: `github:${f.org}/pat/${grant.id}`,
    provider: 'github',
    kind: GITHUB_KINDS.fineGrainedPat,
    name: grant.token_name ?? `token ${grant.token_id ?? grant.id}`,
    location: location(f),
    createdAt: grant.access_granted_at,
    owner: { value: owner, source: 'github:token-owner' },
    credentials: [credential],
    privilege,
    attributes: {
      grantId: grant.id,
      tokenId: grant.token_id,
      accessGrantedAt: grant.access_granted_at,
      repositorySelection: grant.repository_selection,
      ...(repos ? { repositories: [...repos] } : {}),
      permissions: grant.permissions,
      tokenExpired: grant.token_expired,
      neverExpires: grant.token_expires_at === null,
      ...ownerFacts(f, owner),
      canChangeCode,
      reach,
    } satisfies Written<typeof TokenAttributes>,
  };
};

export const patRequestIdentity = (
  f: OrgFacts,
  req: PatRequest,
  /** The owner's own permission on the repositories the token would reach, when read. */
  ownerRepos?: OwnerRepoAccess,
): IdentityInput => {
  const owner = req.owner.login;
  const { privilege, canChangeCode, reach } = privilegeFields(
    patPrivilege(
      f.org,
      req.permissions,
      req.repository_selection,
      undefined,
      owner,
      ownerRole(f, owner),
      ownerRepos,
    ),
  );
  return {
    uid: `github:${f.org}/pat-request/${req.id}`,
    provider: 'github',
    kind: GITHUB_KINDS.patRequest,
    name: req.token_name ?? `token ${req.token_id ?? req.id}`,
    location: location(f),
    createdAt: req.created_at,
    owner: { value: owner, source: 'github:token-owner' },
    credentials: [
      {
        uid: `token:${req.token_id ?? req.id}`,
        type: 'token',
        status: 'pending',
        expiresAt: req.token_expires_at,
        lastUsedAt: req.token_last_used_at,
      },
    ],
    privilege,
    attributes: {
      requestId: req.id,
      tokenId: req.token_id,
      ...(req.reason ? { reason: req.reason } : {}),
      repositorySelection: req.repository_selection,
      permissions: req.permissions,
      neverExpires: req.token_expires_at === null,
      ...ownerFacts(f, owner),
      canChangeCode,
      reach,
    } satisfies Written<typeof TokenAttributes>,
  };
};

const SSH_KEY = 'SSH key';

export const credentialAuthorizationIdentity = (
  f: OrgFacts,
  auth: CredentialAuthorization,
): IdentityInput => {
  const isKey = auth.credential_type === SSH_KEY;
  const scopes = auth.scopes ?? [];
  const { privilege, canChangeCode, reach } = isKey
    ? sshKeyPrivilege(f.org, ownerAccess(f, auth.login))
    : classicScopesPrivilege(
        f.org,
        scopes,
        `credential-authorization:${auth.credential_type}`,
        ownerAccess(f, auth.login),
      );
  if (!isKey && scopes.length === 0) {
    privilege.reasons.push(
      auth.credential_type === 'GitHub app token'
        ? 'GitHub App user token: it acts with the App’s permissions, intersected with the user’s'
        : 'no scopes reported',
    );
  }
  // Tokens: null expiry = never expires. SSH keys have no expiry field at all.
  const expiresAt = isKey ? undefined : auth.authorized_credential_expires_at;
  const label = auth.authorized_credential_note ?? auth.authorized_credential_title;
  return {
    uid: `github:${f.org}/credential-authorization/${auth.credential_id}`,
    provider: 'github',
    kind: GITHUB_KINDS.credentialAuthorization,
    name: `${auth.credential_type} of ${auth.login}${label ? `: ${label}` : ''}`,
    location: location(f),
    createdAt: auth.credential_authorized_at,
    owner: { value: auth.login, source: 'github:credential-owner' },
    credentials: [
      {
        uid: `${isKey ? 'ssh-key' : 'token'}:${auth.authorized_credential_id ?? auth.credential_id}`,
        type: isKey ? 'ssh_key' : 'token',
        status: expired(expiresAt, f.asOf) ? 'expired' : 'active',
        // Re-issuing a credential needs a new SSO authorisation: authorisation bounds its age.
        createdAt: auth.credential_authorized_at,
        expiresAt,
        lastUsedAt: auth.credential_accessed_at,
        attributes: {},
      },
    ],
    privilege,
    attributes: {
      credentialId: auth.credential_id,
      credentialType: auth.credential_type,
      authorizedCredentialId: auth.authorized_credential_id,
      scopes,
      ...(auth.fingerprint ? { fingerprint: auth.fingerprint } : {}),
      ...(isKey ? {} : { neverExpires: expiresAt === null }),
      ...ownerFacts(f, auth.login),
      canChangeCode,
      reach,
    } satisfies Written<typeof CredentialAuthorizationAttributes>,
  };
};

export const deployKeyIdentity = (
  f: OrgFacts,
  repo: Repository,
  key: DeployKey,
  /** Rulesets on the default branch deploy keys may bypass, when read. */
  bypass?: BypassAnswer,
): IdentityInput => {
  const { privilege, canChangeCode, reach } = privilegeFields(
    deployKeyPrivilege(f.org, repo.name, key.read_only, bypass),
  );
  return {
    uid: `github:${f.org}/${repo.name}/deploy-key/${key.id}`,
    provider: 'github',
    kind: GITHUB_KINDS.deployKey,
    name: key.title || `deploy key ${key.id}`,
    location: location(f, repo),
    createdAt: key.created_at,
    owner: key.added_by ? { value: key.added_by, source: 'github:deploy-key-added-by' } : null,
    credentials: [
      {
        uid: `deploy-key:${key.id}`,
        type: 'deploy_key',
        status: key.enabled === false ? 'inactive' : 'active',
        createdAt: key.created_at,
        // An SSH key cannot change: its age is its creation.
        lastRotatedAt: key.created_at,
        expiresAt: null,
        lastUsedAt: key.last_used,
      },
    ],
    privilege,
    attributes: {
      keyId: key.id,
      readOnly: key.read_only,
      verified: key.verified,
      enabled: key.enabled,
      addedBy: key.added_by,
      ...repoFacts(repo),
      ...ownerFacts(f, key.added_by),
      canChangeCode,
      reach,
    } satisfies Written<typeof DeployKeyAttributes>,
  };
};

export type SecretFamily = 'actions' | 'dependabot' | 'codespaces';
export type SecretScope =
  | { level: 'organization' }
  | { level: 'repository'; repo: Repository }
  | { level: 'environment'; repo: Repository; environment: string };

export const secretUid = (org: string, family: SecretFamily, scope: SecretScope, name: string): string => {
  const leaf = `${family}-secret/${name}`;
  if (scope.level === 'organization') return `github:${org}/${leaf}`;
  if (scope.level === 'repository') return `github:${org}/${scope.repo.name}/${leaf}`;
  return `github:${org}/${scope.repo.name}/env/${scope.environment}/${leaf}`;
};

export const secretIdentity = (
  f: OrgFacts,
  family: SecretFamily,
  scope: SecretScope,
  secret: Secret,
  selectedRepositories?: readonly string[],
): IdentityInput => ({
  uid: secretUid(f.org, family, scope, secret.name),
  provider: 'github',
  kind: GITHUB_KINDS[`${family}Secret`],
  name: secret.name,
  location: location(f, scope.level === 'organization' ? undefined : scope.repo),
  createdAt: secret.created_at,
  credentials: [
    {
      uid: secret.name,
      type: 'secret',
      status: 'active',
      createdAt: secret.created_at,
      lastRotatedAt: secret.updated_at,
    },
  ],
  attributes: {
    // GitHub records no creator for a secret: there is no owner to find (see readme.md).
    providerRecordsOwner: false,
    secretFamily: family,
    scope: scope.level,
    ...(scope.level === 'organization' ? {} : repoFacts(scope.repo)),
    ...(scope.level === 'environment' ? { environment: scope.environment } : {}),
    ...(secret.visibility ? { visibility: secret.visibility } : {}),
    ...(selectedRepositories ? { selectedRepositories: [...selectedRepositories] } : {}),
  } satisfies Written<typeof SecretAttributes>,
});

/** Scheme and host only: webhook URLs often carry tokens in their path or query. */
const safeTarget = (url: string | undefined): { scheme?: string; host?: string } => {
  if (!url) return {};
  try {
    const u = new URL(url);
    return { scheme: u.protocol.replace(/:$/, ''), host: u.host };
  } catch {
    return {};
  }
};

export const webhookIdentity = (f: OrgFacts, repo: Repository | undefined, hook: Webhook): IdentityInput => {
  const target = safeTarget(hook.config.url);
  const insecure = hook.config.insecure_ssl;
  return {
    uid: repo ? `github:${f.org}/${repo.name}/webhook/${hook.id}` : `github:${f.org}/webhook/${hook.id}`,
    provider: 'github',
    kind: GITHUB_KINDS.webhook,
    name: `${hook.name} hook to ${target.host ?? 'an unreadable URL'}`,
    location: location(f, repo),
    createdAt: hook.created_at,
    attributes: {
      providerRecordsOwner: false,
      hookId: hook.id,
      scope: repo ? 'repository' : 'organization',
      ...(repo ? repoFacts(repo) : {}),
      active: hook.active,
      events: hook.events,
      ...(target.scheme ? { urlScheme: target.scheme } : {}),
      ...(target.host ? { urlHost: target.host } : {}),
      contentType: hook.config.content_type,
      // GitHub masks a configured secret as "********" and omits the field when there is none.
      secretConfigured: typeof hook.config.secret === 'string' && hook.config.secret !== '',
      insecureSsl: insecure === undefined ? false : String(insecure) === '1',
      updatedAt: hook.updated_at,
    } satisfies Written<typeof WebhookAttributes>,
  };
};

export const workflowTokenIdentity = (
  f: OrgFacts,
  repo: Repository | undefined,
  perms: WorkflowPermissions,
  orgDefault: WorkflowPermissions | undefined,
  /** For the org default: the repositories that keep it (not inventoried on their own). */
  inheritedBy?: readonly string[],
): IdentityInput => {
  const { privilege, canChangeCode, reach } = privilegeFields(
    workflowTokenPrivilege(f.org, repo?.name, perms.default_workflow_permissions),
  );
  return {
    uid: repo ? `github:${f.org}/${repo.name}/workflow-token` : `github:${f.org}/workflow-token`,
    provider: 'github',
    kind: GITHUB_KINDS.workflowToken,
    name: repo ? `GITHUB_TOKEN in ${repo.name}` : `GITHUB_TOKEN default for ${f.org}`,
    location: location(f, repo),
    // GitHub issues and revokes the token per job: the setting is what is judged, not a credential.
    managedBy: 'provider',
    privilege,
    attributes: {
      scope: repo ? 'repository' : 'organization',
      ...(repo ? repoFacts(repo) : {}),
      ...(inheritedBy ? { inheritedBy: [...inheritedBy] } : {}),
      defaultWorkflowPermissions: perms.default_workflow_permissions,
      canApprovePullRequestReviews: perms.can_approve_pull_request_reviews,
      ...(repo && orgDefault
        ? {
            orgDefaultWorkflowPermissions: orgDefault.default_workflow_permissions,
            sameAsOrg:
              orgDefault.default_workflow_permissions === perms.default_workflow_permissions &&
              orgDefault.can_approve_pull_request_reviews === perms.can_approve_pull_request_reviews,
          }
        : {}),
      canChangeCode,
      reach,
    } satisfies Written<typeof WorkflowTokenAttributes>,
  };
};

/** What the scan's own token is, from its prefix (GitHub's documented token prefixes). */
const TOKEN_TYPES: readonly (readonly [string, string])[] = [
  ['github_pat_', 'fine-grained personal access token'],
  ['ghp_', 'personal access token'],
  ['gho_', 'OAuth app token'],
  ['ghu_', 'GitHub app token'],
  ['ghs_', 'GitHub app installation token'],
];
const PERSONAL_TOKENS = new Set(['fine-grained personal access token', 'personal access token']);

export const scanTokenType = (token: string): string =>
  TOKEN_TYPES.find(([prefix]) => token.startsWith(prefix))?.[1] ?? 'unknown';

/**
 * GitHub's `github-authentication-token-expiration` header ("2021-10-07 19:07:53 UTC") as ISO
 * 8601; undefined for any other form (never a date that parses "somehow").
 */
export const tokenExpiryHeader = (value: string): string | undefined => {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) (?:UTC|([+-]\d{2})(\d{2}))$/.exec(value.trim());
  if (!m) return undefined;
  const iso = `${m[1]}T${m[2]}${m[3] ? `${m[3]}:${m[4]}` : 'Z'}`;
  const instant = isoInstant(iso);
  return instant ? instant.toISOString() : undefined;
};

export interface ScanTokenFacts {
  /** The token's type (scanTokenType); the token itself is never passed here. */
  tokenType: string;
  login: string;
  /** GET /user's x-oauth-scopes header: present for classic tokens only. */
  scopesHeader: string | undefined;
  /** ISO expiry; null when GitHub sent no expiry header for a personal token; undefined unknown. */
  expiresAt: string | null | undefined;
}

/** The personal access token the scan runs with (token auth), as an identity of its own. */
export const scanTokenIdentity = (f: OrgFacts, t: ScanTokenFacts): IdentityInput => {
  const classic = t.scopesHeader !== undefined;
  const scopes = classic ? parseScopesHeader(t.scopesHeader ?? '') : [];
  const { privilege, canChangeCode, reach } = classic
    ? classicScopesPrivilege(f.org, scopes, 'scan-token', ownerAccess(f, t.login))
    : {
        privilege: {
          level: 'none' as const,
          grants: [],
          // A fine-grained token cannot read its own grants: unknown, not "none".
          reasons: ['fine-grained token: GitHub does not report its permissions to the token itself'],
          attached: [],
        },
        canChangeCode: undefined,
        reach: {
          rank: 'none' as const,
          permissions: [],
          limits: [],
          notEvaluated: ['its permissions: GitHub does not report them to the token itself'],
        },
      };
  return {
    uid: `github:${f.org}/scan-token/${t.login}`,
    provider: 'github',
    kind: GITHUB_KINDS.scanToken,
    name: `nhiscan's ${t.tokenType} of ${t.login}`,
    location: location(f),
    owner: { value: t.login, source: 'github:token-owner' },
    credentials: [
      {
        uid: `token:scan:${t.login}`,
        type: 'token',
        status: expired(t.expiresAt, f.asOf) ? 'expired' : 'active',
        ...(t.expiresAt === undefined ? {} : { expiresAt: t.expiresAt }),
        attributes: {},
      },
    ],
    privilege,
    attributes: {
      scanner: true,
      credentialType: t.tokenType,
      scopes,
      scopesKnown: classic,
      ...(t.expiresAt === undefined ? {} : { neverExpires: t.expiresAt === null }),
      ...ownerFacts(f, t.login),
      ...(canChangeCode === undefined ? {} : { canChangeCode }),
      reach,
    } satisfies Written<typeof CredentialAuthorizationAttributes>,
  };
};

export const isPersonalToken = (tokenType: string): boolean => PERSONAL_TOKENS.has(tokenType);
