// Entra identity kinds and the typed attribute vocabulary the connector writes under
// `identity.attributes.entra` and the entra-* policies read. Lists are `undefined` when the call
// that would have filled them failed (a coverage gap): unknown, never empty.
import { z } from 'zod';
import { memoisedRead } from '../../src/attribute-read.js';
import type { Identity } from '../../src/model.js';

export const ENTRA_KINDS = {
  /** An app registration of this tenant, with its service principal here when it has one. */
  application: 'entra.application',
  /** An enterprise app without an app registration here: another tenant's (third-party) or Microsoft's. */
  servicePrincipal: 'entra.service_principal',
  /** A system- or user-assigned managed identity's service principal. */
  managedIdentity: 'entra.managed_identity',
} as const;
export type EntraKind = (typeof ENTRA_KINDS)[keyof typeof ENTRA_KINDS];

export const EntraOwner = z.object({
  id: z.string(),
  type: z.enum(['user', 'servicePrincipal', 'other']),
  displayName: z.string().optional(),
  userPrincipalName: z.string().optional(),
  mail: z.string().optional(),
});
export type EntraOwner = z.infer<typeof EntraOwner>;

export const EntraFederatedCredential = z.object({
  id: z.string(),
  name: z.string().optional(),
  issuer: z.string(),
  /** Matched exactly; empty for a flexible credential. */
  subject: z.string(),
  /** A flexible credential's expression, e.g. claims['sub'] matches 'repo:acme/*' (beta). */
  claimsMatchingExpression: z.string().optional(),
  audiences: z.array(z.string()),
});
export type EntraFederatedCredential = z.infer<typeof EntraFederatedCredential>;

export const EntraAppPermission = z.object({
  /** The permission's value, e.g. Mail.ReadWrite; the app role id when the role is unknown. */
  permission: z.string(),
  /** The API it is on, e.g. Microsoft Graph. */
  resource: z.string(),
  resourceId: z.string(),
  appRoleId: z.string(),
  assignmentId: z.string(),
  grantedAt: z.string().optional(),
});
export type EntraAppPermission = z.infer<typeof EntraAppPermission>;

export const EntraDelegatedGrant = z.object({
  grantId: z.string(),
  resource: z.string(),
  resourceId: z.string(),
  scopes: z.array(z.string()),
  /** AllPrincipals: consented for every user of the tenant; Principal: for one user. */
  consentType: z.string(),
  principalId: z.string().optional(),
});
export type EntraDelegatedGrant = z.infer<typeof EntraDelegatedGrant>;

export const EntraDirectoryRole = z.object({
  roleId: z.string(),
  displayName: z.string(),
  roleTemplateId: z.string().optional(),
});
export type EntraDirectoryRole = z.infer<typeof EntraDirectoryRole>;

export const EntraAttributes = z.object({
  tenantId: z.string(),
  appId: z.string().optional(),
  applicationObjectId: z.string().optional(),
  servicePrincipalId: z.string().optional(),
  servicePrincipalType: z.string().optional(),
  appOwnerOrganizationId: z.string().optional(),
  /** The app is registered in another organisation's tenant (not this one, not the provider's). */
  thirdParty: z.boolean(),
  publisher: z.string().optional(),
  signInAudience: z.string().optional(),
  accountEnabled: z.boolean().optional(),
  owners: z.array(EntraOwner).optional(),
  federatedCredentials: z.array(EntraFederatedCredential).optional(),
  applicationPermissions: z.array(EntraAppPermission).optional(),
  delegatedGrants: z.array(EntraDelegatedGrant).optional(),
  directoryRoles: z.array(EntraDirectoryRole).optional(),
  /** Why sign-in data is missing, when it is (no licence, denied, not in this cloud). */
  signInUnavailable: z.string().optional(),
});
export type EntraAttributes = z.infer<typeof EntraAttributes>;

const readEntraAttributes = memoisedRead(EntraAttributes);

/** The Entra facts of an identity, or undefined when it is not an Entra identity (or malformed). */
export const entraAttributes = (
  identity: Pick<Identity, 'provider' | 'attributes'>,
): EntraAttributes | undefined => {
  if (identity.provider !== 'entra') return undefined;
  return readEntraAttributes(identity.attributes.entra);
};
