// GitHub identity kinds and the typed attribute vocabulary: what the connector writes under
// `identity.attributes` per kind (identities.ts checks each object it builds against these with
// `satisfies Written<…>`) and what the github-* policies read (through the readers below). Each
// read is a permissive parse: an identity of another provider or kind, or from an older scan,
// yields undefined rather than a wrong finding. A kind's schema lists the fields policies rely
// on; the connector may write more (evidence detail), never one of these with another type.
import { z } from 'zod';
import { memoisedRead } from '../../src/attribute-read.js';
import type { Identity } from '../../src/model.js';
import { REACH_RANKS } from './reach.js';

export const GITHUB_KINDS = {
  appInstallation: 'github.app_installation',
  fineGrainedPat: 'github.fine_grained_pat',
  patRequest: 'github.pat_request',
  credentialAuthorization: 'github.credential_authorization',
  deployKey: 'github.deploy_key',
  actionsSecret: 'github.actions_secret',
  dependabotSecret: 'github.dependabot_secret',
  codespacesSecret: 'github.codespaces_secret',
  webhook: 'github.webhook',
  workflowToken: 'github.workflow_token',
  /** The personal access token the scan itself runs with (token auth). */
  scanToken: 'github.scan_token',
  /** An OAuth app seen in the organisation audit log (Enterprise Cloud): one per application. */
  oauthApp: 'github.oauth_app',
} as const;
export type GithubKind = (typeof GITHUB_KINDS)[keyof typeof GITHUB_KINDS];

/** What the connector may write for a kind: the vocabulary's fields typed, evidence detail free. */
export type Written<S extends z.ZodType> = z.input<S> & Record<string, unknown>;

const OptString = z.string().optional().catch(undefined);
const OptBool = z.boolean().optional().catch(undefined);
const StringMap = z.record(z.string(), z.string()).catch({});

export const InstallationAttributes = z.object({
  appSlug: z.string().catch(''),
  appOwner: OptString,
  thirdParty: OptBool,
  repositorySelection: z.enum(['all', 'selected']).optional().catch(undefined),
  permissions: StringMap,
  suspended: z.boolean().catch(false),
  installationId: z.number().optional().catch(undefined),
});
export type InstallationAttributes = z.infer<typeof InstallationAttributes>;

export const TokenAttributes = z.object({
  repositorySelection: z.enum(['all', 'subset', 'none']).optional().catch(undefined),
  permissions: z
    .object({
      organization: StringMap.optional(),
      repository: StringMap.optional(),
      other: StringMap.optional(),
    })
    .catch({}),
  ownerOrgMember: OptBool,
});
export type TokenAttributes = z.infer<typeof TokenAttributes>;

export const CredentialAuthorizationAttributes = z.object({
  credentialType: z.string().catch('unknown'),
  scopes: z.array(z.string()).catch([]),
  ownerOrgMember: OptBool,
});
export type CredentialAuthorizationAttributes = z.infer<typeof CredentialAuthorizationAttributes>;

export const DeployKeyAttributes = z.object({
  readOnly: OptBool,
  repository: OptString,
  repositoryArchived: OptBool,
  addedBy: z.string().nullable().optional().catch(undefined),
  ownerOrgMember: OptBool,
  ownerOutsideCollaborator: OptBool,
});
export type DeployKeyAttributes = z.infer<typeof DeployKeyAttributes>;

export const WebhookAttributes = z.object({
  scope: z.enum(['organization', 'repository']).catch('repository'),
  repository: OptString,
  active: OptBool,
  events: z.array(z.string()).catch([]),
  urlScheme: OptString,
  urlHost: OptString,
  secretConfigured: z.boolean().catch(false),
  insecureSsl: z.boolean().catch(false),
});
export type WebhookAttributes = z.infer<typeof WebhookAttributes>;

export const SecretAttributes = z.object({
  secretFamily: z.enum(['actions', 'dependabot', 'codespaces']).catch('actions'),
  scope: z.enum(['organization', 'repository', 'environment']).catch('repository'),
  visibility: z.enum(['all', 'private', 'selected']).optional().catch(undefined),
  selectedRepositories: z.array(z.string()).optional().catch(undefined),
});
export type SecretAttributes = z.infer<typeof SecretAttributes>;

export const WorkflowTokenAttributes = z.object({
  scope: z.enum(['organization', 'repository']).catch('repository'),
  repository: OptString,
  repositoryArchived: OptBool,
  defaultWorkflowPermissions: z.enum(['read', 'write']),
  canApprovePullRequestReviews: OptBool,
  sameAsOrg: OptBool,
});
export type WorkflowTokenAttributes = z.infer<typeof WorkflowTokenAttributes>;

/** The organisation's last decision on an OAuth app's access, as its audit-log events tell it. */
export const OAUTH_APP_ACCESS = ['approved', 'denied', 'requested', 'blocked', 'unblocked'] as const;

export const OAuthAppAttributes = z.object({
  oauthApplicationId: z.number().optional().catch(undefined),
  appName: OptString,
  /** Last access decision of the organisation; absent when only the app's own events were seen. */
  access: z.enum(OAUTH_APP_ACCESS).optional().catch(undefined),
  /** The organisation owns the app (oauth_application.* events). */
  ownedByOrg: OptBool,
  /** False when the org denied or blocked it, or its owner deleted it: it holds no org access. */
  active: z.boolean().catch(true),
  /** Access denied or blocked by the organisation, or the app deleted. */
  accessRevoked: OptBool,
  /** Revoked, or still only requested: it holds no access to the organisation's data. */
  holdsNoAccess: OptBool,
  firstSeenAt: OptString,
  lastSeenAt: OptString,
  authorizedBy: z.array(z.string()).catch([]),
  requestedBy: z.array(z.string()).catch([]),
  auditLogWindowDays: z.number().optional().catch(undefined),
});
export type OAuthAppAttributes = z.infer<typeof OAuthAppAttributes>;

/** `attributes.reach` (reach.ts): the effective rank and the permissions and limits it rests on. */
export const ReachAttributes = z.object({
  reach: z.object({
    rank: z.enum(REACH_RANKS),
    permissions: z
      .array(
        z.object({
          permission: z.string(),
          rank: z.enum(REACH_RANKS),
          on: z.union([z.string(), z.array(z.string())]),
          limit: OptString,
          why: OptString,
        }),
      )
      .catch([]),
    limits: z.array(z.string()).catch([]),
    notEvaluated: z.array(z.string()).catch([]),
  }),
});
export type ReachAttributes = z.infer<typeof ReachAttributes>;

const read = <S extends z.ZodType>(kinds: readonly GithubKind[], schema: S) => {
  const parse = memoisedRead(schema);
  return (identity: Identity): z.output<S> | undefined => {
    if (identity.provider !== 'github' || !(kinds as readonly string[]).includes(identity.kind))
      return undefined;
    return parse(identity.attributes);
  };
};

export const installationAttributes = read([GITHUB_KINDS.appInstallation], InstallationAttributes);
export const tokenAttributes = read([GITHUB_KINDS.fineGrainedPat, GITHUB_KINDS.patRequest], TokenAttributes);
// The scan's own token carries the same facts (credentialType, scopes) as an SSO-authorised one.
export const credentialAuthorizationAttributes = read(
  [GITHUB_KINDS.credentialAuthorization, GITHUB_KINDS.scanToken],
  CredentialAuthorizationAttributes,
);
export const deployKeyAttributes = read([GITHUB_KINDS.deployKey], DeployKeyAttributes);
export const webhookAttributes = read([GITHUB_KINDS.webhook], WebhookAttributes);
export const secretAttributes = read(
  [GITHUB_KINDS.actionsSecret, GITHUB_KINDS.dependabotSecret, GITHUB_KINDS.codespacesSecret],
  SecretAttributes,
);
export const workflowTokenAttributes = read([GITHUB_KINDS.workflowToken], WorkflowTokenAttributes);
export const oauthAppAttributes = read([GITHUB_KINDS.oauthApp], OAuthAppAttributes);
/** Every kind the connector computes a privilege for carries its reach. */
export const reachAttributes = read(
  [
    GITHUB_KINDS.appInstallation,
    GITHUB_KINDS.fineGrainedPat,
    GITHUB_KINDS.patRequest,
    GITHUB_KINDS.credentialAuthorization,
    GITHUB_KINDS.deployKey,
    GITHUB_KINDS.workflowToken,
    GITHUB_KINDS.scanToken,
  ],
  ReachAttributes,
);
