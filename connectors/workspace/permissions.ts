// The read-only access the connector needs, as data: OAuth scopes the service account is allowed
// under domain-wide delegation (or the user's ADC carries), and the admin privileges of the admin
// it acts as. The readme's table and the README's permission list are written from it (a test
// keeps them equal). tokens.list has no read-only scope: admin.directory.user.security also
// allows tokens.delete, so the admin role is what keeps the scan read-only.
import { ADMIN_SCOPES } from './config.js';

export interface WorkspacePermission {
  /** The OAuth scope. */
  scope: string;
  /** The admin console privilege the subject needs for it (a custom admin role). */
  privilege: string;
  reads: string;
  calls: string[];
  /** Which inventory mode needs it. */
  mode: 'tokens' | 'reports';
}

export const WORKSPACE_PERMISSIONS: readonly WorkspacePermission[] = [
  {
    scope: ADMIN_SCOPES.users,
    privilege: 'Admin API privileges > Users > Read',
    reads: 'the users of the account (id, primary email, suspended, archived)',
    calls: ['directory.users.list'],
    mode: 'tokens',
  },
  {
    scope: ADMIN_SCOPES.tokens,
    privilege: 'Admin console privileges > Security > User security management',
    reads: "each user's OAuth grants to third-party apps (client id, name, scopes, anonymous, native)",
    calls: ['directory.tokens.list'],
    mode: 'tokens',
  },
  {
    scope: ADMIN_SCOPES.reports,
    privilege: 'Admin console privileges > Reports',
    reads: 'OAuth token activity (authorize and revoke events) over the look-back window',
    calls: ['reports.activities.list'],
    mode: 'reports',
  },
];
