// Grants grouped per client id → one `workspace.oauth_app` identity per app, with the users who
// granted it and the union of their scopes in its attributes, and its privilege level from the
// scopes (privilege.ts). Its id depends only on the domain and the client id, whichever
// inventory mode read it.
import type { IdentityInput } from '../../src/model.js';
import { WORKSPACE_KINDS, type WorkspaceAttributes, type WorkspaceGrantor } from './attributes.js';
import type { WorkspaceConfig } from './config.js';
import { isHighRisk, privilegeOf } from './privilege.js';

export interface AppGrant {
  clientId: string;
  displayText: string | undefined;
  anonymous: boolean | undefined;
  nativeApp: boolean | undefined;
  users: WorkspaceGrantor[];
}

export interface AppGrants {
  apps: Map<string, AppGrant>;
  /** False when some users' grants could not be read. */
  complete: boolean;
  source: 'tokens' | 'reports';
}

export const appUid = (domain: string, clientId: string): string =>
  `workspace:${domain.toLowerCase()}:oauth_app/${clientId}`;

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function* toIdentities(
  grants: AppGrants,
  config: Pick<WorkspaceConfig, 'domain' | 'customer'>,
): Generator<IdentityInput> {
  const apps = [...grants.apps.values()].sort((a, b) => byText(a.clientId, b.clientId));
  for (const app of apps) {
    const users = [...app.users].sort((a, b) => byText(a.email, b.email));
    const scopes = [...new Set(users.flatMap((u) => u.scopes))].sort(byText);
    const { level, reasons } = privilegeOf(scopes);
    const workspace: WorkspaceAttributes = {
      domain: config.domain,
      customer: config.customer,
      clientId: app.clientId,
      ...(app.displayText ? { displayText: app.displayText } : {}),
      scopes,
      highRiskScopes: scopes.filter((s) => isHighRisk(s)),
      ...(app.anonymous !== undefined ? { anonymous: app.anonymous } : {}),
      ...(app.nativeApp !== undefined ? { nativeApp: app.nativeApp } : {}),
      userCount: users.length,
      users,
      usersComplete: grants.complete,
      source: grants.source,
    };
    yield {
      uid: appUid(config.domain, app.clientId),
      provider: 'workspace',
      kind: WORKSPACE_KINDS.oauthApp,
      name: app.displayText || app.clientId,
      location: { provider: 'workspace', scope: config.domain },
      // Neither tokens.list nor the token events say when an app was first authorised or last used.
      createdAt: undefined,
      lastUsedAt: undefined,
      owner: null,
      privilege: {
        level,
        reasons,
        grants: scopes.length
          ? [
              {
                effect: 'Allow',
                actions: scopes,
                resources: [config.domain],
                source: `oauth:${app.clientId}`,
              },
            ]
          : [],
        attached: [],
      },
      attributes: {
        workspace,
        // A third-party app has no owner Workspace records: ownership is unknown, not missing.
        providerRecordsOwner: false,
      },
    };
  }
}
