// GITHUB-SPECIFIC. Reading the GitHub connector's identity attributes (connectors/github/
// identities.ts writes them). Each read is a permissive parse: an identity of another provider or
// kind, or from an older scan, yields undefined rather than a wrong finding.
import { z } from 'zod';
import type { Identity } from '../../src/model.js';
import { compareCodeUnits } from '../../src/order.js';

const OptString = z.string().optional().catch(undefined);
const OptBool = z.boolean().optional().catch(undefined);
const StringMap = z.record(z.string(), z.string()).catch({});

const InstallationAttributes = z.object({
  appSlug: z.string().catch(''),
  appOwner: OptString,
  thirdParty: OptBool,
  repositorySelection: z.enum(['all', 'selected']).optional().catch(undefined),
  permissions: StringMap,
  suspended: z.boolean().catch(false),
  installationId: z.number().optional().catch(undefined),
});
export type InstallationAttributes = z.infer<typeof InstallationAttributes>;

const TokenAttributes = z.object({
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

const CredentialAuthorizationAttributes = z.object({
  credentialType: z.string().catch('unknown'),
  scopes: z.array(z.string()).catch([]),
  ownerOrgMember: OptBool,
});
export type CredentialAuthorizationAttributes = z.infer<typeof CredentialAuthorizationAttributes>;

const DeployKeyAttributes = z.object({
  readOnly: OptBool,
  repository: OptString,
  repositoryArchived: OptBool,
  addedBy: z.string().nullable().optional().catch(undefined),
  ownerOrgMember: OptBool,
  ownerOutsideCollaborator: OptBool,
});
export type DeployKeyAttributes = z.infer<typeof DeployKeyAttributes>;

const WebhookAttributes = z.object({
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

const SecretAttributes = z.object({
  secretFamily: z.enum(['actions', 'dependabot', 'codespaces']).catch('actions'),
  scope: z.enum(['organization', 'repository', 'environment']).catch('repository'),
  visibility: z.enum(['all', 'private', 'selected']).optional().catch(undefined),
  selectedRepositories: z.array(z.string()).optional().catch(undefined),
});
export type SecretAttributes = z.infer<typeof SecretAttributes>;

const WorkflowTokenAttributes = z.object({
  scope: z.enum(['organization', 'repository']).catch('repository'),
  repository: OptString,
  repositoryArchived: OptBool,
  defaultWorkflowPermissions: z.enum(['read', 'write']),
  canApprovePullRequestReviews: OptBool,
  sameAsOrg: OptBool,
});
export type WorkflowTokenAttributes = z.infer<typeof WorkflowTokenAttributes>;

const read =
  <S extends z.ZodType>(kinds: readonly string[], schema: S) =>
  (identity: Identity): z.output<S> | undefined => {
    if (identity.provider !== 'github' || !kinds.includes(identity.kind)) return undefined;
    const parsed = schema.safeParse(identity.attributes);
    return parsed.success ? parsed.data : undefined;
  };

export const installationAttributes = read(['github.app_installation'], InstallationAttributes);
export const tokenAttributes = read(['github.fine_grained_pat', 'github.pat_request'], TokenAttributes);
export const credentialAuthorizationAttributes = read(
  ['github.credential_authorization'],
  CredentialAuthorizationAttributes,
);
export const deployKeyAttributes = read(['github.deploy_key'], DeployKeyAttributes);
export const webhookAttributes = read(['github.webhook'], WebhookAttributes);
export const secretAttributes = read(
  ['github.actions_secret', 'github.dependabot_secret', 'github.codespaces_secret'],
  SecretAttributes,
);
export const workflowTokenAttributes = read(['github.workflow_token'], WorkflowTokenAttributes);

/** Write on these changes code or what CI runs: SOC 2 CC8.1 (change management) applies. */
export const CODE_CHANGE_PERMISSIONS: readonly string[] = ['contents', 'workflows', 'administration'];
/** Classic scopes that can push code or change workflows. */
export const CODE_CHANGE_SCOPES: readonly string[] = ['repo', 'public_repo', 'workflow'];

export const grantsWrite = (access: string | undefined): boolean => access === 'write' || access === 'admin';

/** "repo" is written as the connector normalises it: `<permission>:<access>` → [permission, access]. */
export const sensitiveWrites = (
  permissions: Record<string, string>,
  sensitive: readonly string[],
): { permission: string; access: string }[] =>
  Object.entries(permissions)
    .filter(([p, a]) => sensitive.includes(p) && grantsWrite(a))
    .map(([permission, access]) => ({ permission, access }))
    .sort((a, b) => compareCodeUnits(a.permission, b.permission));

const KIND_NOUN: Record<string, string> = {
  'github.app_installation': 'GitHub App installation',
  'github.fine_grained_pat': 'fine-grained token',
  'github.pat_request': 'fine-grained token request',
  'github.credential_authorization': 'SSO-authorised credential',
  'github.deploy_key': 'deploy key',
  'github.actions_secret': 'Actions secret',
  'github.dependabot_secret': 'Dependabot secret',
  'github.codespaces_secret': 'Codespaces secret',
  'github.webhook': 'webhook',
  'github.workflow_token': 'workflow token setting',
};

/** "deploy key release-bot in octo-org/deploy-tools", for messages. */
export const githubLabel = (identity: Identity): string => {
  const where = identity.location.resource
    ? `${identity.location.scope}/${identity.location.resource}`
    : identity.location.scope;
  return `${KIND_NOUN[identity.kind] ?? identity.kind} ${identity.name} in ${where}`;
};
