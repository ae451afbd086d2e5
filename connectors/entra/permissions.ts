// The read-only Microsoft Graph application permissions the connector asks for, as data: the
// readme's table and the README's permission list are written from it (a test keeps them equal).
export interface EntraPermission {
  /** Microsoft Graph application permission (app role) value. */
  permission: string;
  /** What nhiscan reads with it. */
  reads: string;
  /** The calls it unlocks. */
  calls: string[];
  /** false when the scan runs without it (the data becomes a coverage gap). */
  required: boolean;
}

export const ENTRA_PERMISSIONS: readonly EntraPermission[] = [
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
