// Workspace OAuth apps as the connector emits them (attributes.workspace in the connector's own
// vocabulary), for the workspace-* policy tests and the status table.
import type { WorkspaceAttributes, WorkspaceGrantor } from '../../connectors/workspace/attributes.js';
import { appUid } from '../../connectors/workspace/identities.js';
import { isHighRisk } from '../../connectors/workspace/privilege.js';
import { identity } from './identity-builder.js';

export const DOMAIN = 'acme.example';
export const G = 'https://www.googleapis.com/auth/';

export const grantor = (
  local: string,
  scopes: string[],
  extra: Partial<WorkspaceGrantor> = {},
): WorkspaceGrantor => ({
  email: `${local}@${DOMAIN}`,
  userId: `1040000000000000000${local.length}`,
  suspended: false,
  archived: false,
  scopes,
  ...extra,
});

/** An app granted `scopes` by the users named (active unless overridden). */
export const workspaceApp = (
  name: string,
  scopes: string[],
  users: string[] | WorkspaceGrantor[],
  extra: Partial<WorkspaceAttributes> = {},
) => {
  const grantors = users.map((u) => (typeof u === 'string' ? grantor(u, scopes) : u));
  const clientId = `${name.toLowerCase().replace(/[^a-z0-9]/g, '')}.apps.googleusercontent.com`;
  const workspace: WorkspaceAttributes = {
    domain: DOMAIN,
    customer: 'my_customer',
    clientId,
    displayText: name,
    scopes,
    highRiskScopes: scopes.filter((s) => isHighRisk(s)),
    anonymous: false,
    nativeApp: false,
    userCount: grantors.length,
    users: grantors,
    usersComplete: true,
    source: 'tokens',
    ...extra,
  };
  return identity({
    uid: appUid(DOMAIN, clientId),
    provider: 'workspace',
    kind: 'workspace.oauth_app',
    name,
    location: { provider: 'workspace', scope: DOMAIN },
    createdAt: undefined,
    owner: null,
    tags: {},
    attributes: { workspace, providerRecordsOwner: false },
  });
};
