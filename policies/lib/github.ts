// GITHUB-SPECIFIC. Policy helpers over the GitHub connector's identities; the attribute
// vocabulary and its readers live with the connector (connectors/github/attributes.ts).
import type { Identity } from '../../src/model.js';
import { compareCodeUnits } from '../../src/order.js';
import { reachAttributes } from '../../connectors/github/attributes.js';

export {
  credentialAuthorizationAttributes,
  deployKeyAttributes,
  installationAttributes,
  reachAttributes,
  secretAttributes,
  tokenAttributes,
  webhookAttributes,
  workflowTokenAttributes,
} from '../../connectors/github/attributes.js';
export type {
  CredentialAuthorizationAttributes,
  DeployKeyAttributes,
  InstallationAttributes,
  SecretAttributes,
  TokenAttributes,
  WebhookAttributes,
  WorkflowTokenAttributes,
} from '../../connectors/github/attributes.js';

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
  'github.oauth_app': 'OAuth app',
};

/** "deploy key release-bot in octo-org/deploy-tools", for messages. */
export const githubLabel = (identity: Identity): string => {
  const where = identity.location.resource
    ? `${identity.location.scope}/${identity.location.resource}`
    : identity.location.scope;
  return `${KIND_NOUN[identity.kind] ?? identity.kind} ${identity.name} in ${where}`;
};

/** The effective reach for evidence: the rank and the permissions (with repositories) at write or above. */
export const githubReach = (
  identity: Identity,
): { rank: string; permissions: unknown[]; limits?: string[] } | undefined => {
  const reach = reachAttributes(identity)?.reach;
  if (!reach) return undefined;
  return {
    rank: reach.rank,
    permissions: reach.permissions,
    ...(reach.limits.length > 0 ? { limits: reach.limits } : {}),
  };
};
