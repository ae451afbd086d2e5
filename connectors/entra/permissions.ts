// The read-only Microsoft Graph application permissions the connector asks for, as data (the
// provider-neutral PermissionManifest of src/permissions.ts): the readme's section and the
// README's list are written from it (`nhiscan permissions --docs`; a test keeps them equal).
import type { PermissionEntry, PermissionManifest } from '../../src/permissions.js';

const ENTRIES: readonly PermissionEntry[] = [
  {
    permission: 'Application.Read.All',
    reads:
      'app registrations, their secrets and certificates (dates and ids only), federated credentials, owners; service principals, their owners and app role assignments',
    calls: [
      'GET /applications',
      'GET /applications/{id}/owners',
      'GET /beta/applications/{id}/federatedIdentityCredentials',
      'GET /servicePrincipals',
      'GET /servicePrincipals/{id}',
      'GET /servicePrincipals/{id}/owners',
      'GET /servicePrincipals/{id}/appRoleAssignments',
    ],
    required: true,
  },
  {
    permission: 'DelegatedPermissionGrant.Read.All',
    reads: 'delegated permission grants (who consented to what, tenant-wide or per user)',
    calls: ['GET /oauth2PermissionGrants'],
    required: false,
  },
  {
    permission: 'RoleManagement.Read.Directory',
    reads: 'directory roles and their members (an app holding Global Administrator)',
    calls: ['GET /directoryRoles', 'GET /directoryRoles/{id}/members'],
    required: false,
  },
  {
    permission: 'AuditLog.Read.All',
    reads: 'last sign-in of each service principal (beta report; needs Microsoft Entra ID P1 or P2)',
    calls: ['GET /beta/reports/servicePrincipalSignInActivities'],
    required: false,
  },
];

/** The Graph application permissions, by the name the Entra admin center shows. */
export interface EntraGrants {
  resource: 'Microsoft Graph';
  type: 'Application';
  permissions: string[];
}

export const entraPermissions: PermissionManifest<EntraGrants> = {
  provider: 'entra',
  howToGrant:
    "Grant these as **application** permissions on the scanner's app registration, then have an administrator grant admin consent (Entra admin center → App registrations → the app → API permissions → Add a permission → Microsoft Graph → Application permissions, then _Grant admin consent_).",
  grantsCaption: 'The Microsoft Graph application permissions to add',
  grants: {
    resource: 'Microsoft Graph',
    type: 'Application',
    permissions: ENTRIES.map((e) => e.permission),
  },
  entries: ENTRIES,
};

/** The entries alone (graph.ts names traced requests by their call templates). */
export const ENTRA_PERMISSIONS: readonly PermissionEntry[] = ENTRIES;
