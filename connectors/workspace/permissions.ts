// The read-only access the connector needs, as data (the provider-neutral PermissionManifest of
// src/permissions.ts): OAuth scopes the service account is allowed under domain-wide delegation
// (or the user's ADC carries), each with the admin privilege the subject needs. The readme's
// section and the README's list are written from it (`nhiscan permissions --docs`). tokens.list
// has no read-only scope: admin.directory.user.security also allows tokens.delete, so the custom
// admin role is what keeps the scan read-only.
import type { PermissionEntry, PermissionManifest } from '../../src/permissions.js';
import { ADMIN_SCOPES } from './config.js';

const ENTRIES: readonly PermissionEntry[] = [
  {
    permission: ADMIN_SCOPES.users,
    reads:
      'the users of the account (id, primary email, suspended, archived); admin privilege Admin API > Users > Read; inventory: tokens',
    calls: ['directory.users.list'],
    required: true,
  },
  {
    permission: ADMIN_SCOPES.tokens,
    reads:
      "each user's OAuth grants to third-party apps (client id, name, scopes, anonymous, native); admin privilege Security > User security management; inventory: tokens",
    calls: ['directory.tokens.list'],
    required: true,
  },
  {
    permission: ADMIN_SCOPES.reports,
    reads:
      'OAuth token activity (authorize and revoke events) over the look-back window; admin privilege Reports; inventory: reports only',
    calls: ['reports.activities.list'],
    required: false,
  },
];

/** What the Admin console's domain-wide delegation form takes, and the admin role to create. */
export interface WorkspaceGrants {
  domainWideDelegation: { oauthScopes: string[] };
  customAdminRole: { privileges: string[] };
}

export const workspacePermissions: PermissionManifest<WorkspaceGrants> = {
  provider: 'workspace',
  howToGrant:
    "Create a service account and a key (or use a user's Application Default Credentials with these scopes). In the Admin console → Security → Access and data control → API controls → _Manage domain-wide delegation_, add the service account's client id with the OAuth scopes below; create a custom admin role with only the privileges below and assign it to the `subject` user the service account acts as. `tokens.list` has no read-only scope (`admin.directory.user.security` also allows `tokens.delete`): the custom role is what keeps the scan read-only.",
  grantsCaption: 'The OAuth scopes for domain-wide delegation, and the custom admin role',
  grants: {
    domainWideDelegation: { oauthScopes: ENTRIES.map((e) => e.permission) },
    customAdminRole: {
      privileges: ['Admin API privileges > Users > Read', 'Security > User security management', 'Reports'],
    },
  },
  entries: ENTRIES,
};
