// Microsoft Graph payloads as nhiscan reads them: permissive (unknown fields pass, nullable
// where Graph's metadata says Nullable), only the properties the connector $selects.
// Names from the v1.0 resource pages on learn.microsoft.com/graph/api/resources/<type>.
import { z } from 'zod';

const Str = z.string().nullish();
const Strs = z.array(z.string()).nullish();

/** passwordCredential: never `secretText` (Graph returns it only on addPassword). */
export const PasswordCredential = z.looseObject({
  keyId: z.string(),
  displayName: Str,
  hint: Str,
  startDateTime: Str,
  endDateTime: Str,
  customKeyIdentifier: Str,
});
export type PasswordCredential = z.infer<typeof PasswordCredential>;

/** keyCredential: never `key` (the public certificate; not read, not kept). */
export const KeyCredential = z.looseObject({
  keyId: z.string(),
  displayName: Str,
  type: Str,
  usage: Str,
  startDateTime: Str,
  endDateTime: Str,
  customKeyIdentifier: Str,
});
export type KeyCredential = z.infer<typeof KeyCredential>;

export const Application = z.looseObject({
  id: z.string(),
  appId: z.string(),
  displayName: Str,
  createdDateTime: Str,
  signInAudience: Str,
  publisherDomain: Str,
  tags: Strs,
  passwordCredentials: z.array(PasswordCredential).nullish(),
  keyCredentials: z.array(KeyCredential).nullish(),
});
export type Application = z.infer<typeof Application>;

export const AppRole = z.looseObject({
  id: z.string(),
  value: Str,
  displayName: Str,
  allowedMemberTypes: Strs,
  isEnabled: z.boolean().nullish(),
});
export type AppRole = z.infer<typeof AppRole>;

export const ServicePrincipal = z.looseObject({
  id: z.string(),
  appId: Str,
  displayName: Str,
  servicePrincipalType: Str,
  appOwnerOrganizationId: Str,
  accountEnabled: z.boolean().nullish(),
  alternativeNames: Strs,
  verifiedPublisher: z.looseObject({ displayName: Str, verifiedPublisherId: Str }).nullish(),
  tags: Strs,
  passwordCredentials: z.array(PasswordCredential).nullish(),
  keyCredentials: z.array(KeyCredential).nullish(),
});
export type ServicePrincipal = z.infer<typeof ServicePrincipal>;

/** A resource service principal with the app roles its assignments point at. */
export const ResourceServicePrincipal = z.looseObject({
  id: z.string(),
  appId: Str,
  displayName: Str,
  appRoles: z.array(AppRole).nullish(),
});
export type ResourceServicePrincipal = z.infer<typeof ResourceServicePrincipal>;

export const FederatedIdentityCredential = z.looseObject({
  id: z.string(),
  name: Str,
  issuer: Str,
  subject: Str,
  audiences: Strs,
  description: Str,
  /** beta only: a flexible credential's wildcard expression (then `subject` is null). */
  claimsMatchingExpression: z.looseObject({ value: Str, languageVersion: z.number().nullish() }).nullish(),
});
export type FederatedIdentityCredential = z.infer<typeof FederatedIdentityCredential>;

/** An owner: a directoryObject, in practice a user or a service principal. */
export const Owner = z.looseObject({
  '@odata.type': Str,
  id: z.string(),
  displayName: Str,
  userPrincipalName: Str,
  mail: Str,
  appId: Str,
});
export type Owner = z.infer<typeof Owner>;

export const AppRoleAssignment = z.looseObject({
  id: z.string(),
  appRoleId: z.string(),
  principalId: Str,
  resourceId: z.string(),
  resourceDisplayName: Str,
  createdDateTime: Str,
});
export type AppRoleAssignment = z.infer<typeof AppRoleAssignment>;

export const OAuth2PermissionGrant = z.looseObject({
  id: z.string(),
  clientId: z.string(),
  consentType: Str,
  principalId: Str,
  resourceId: z.string(),
  scope: Str,
});
export type OAuth2PermissionGrant = z.infer<typeof OAuth2PermissionGrant>;

export const DirectoryRole = z.looseObject({
  id: z.string(),
  displayName: Str,
  roleTemplateId: Str,
});
export type DirectoryRole = z.infer<typeof DirectoryRole>;

export const DirectoryObjectRef = z.looseObject({ '@odata.type': Str, id: z.string() });

/** beta servicePrincipalSignInActivity (reports/servicePrincipalSignInActivities). */
const SignInActivity = z.looseObject({ lastSignInDateTime: Str, lastSignInRequestId: Str }).nullish();
export const ServicePrincipalSignInActivity = z.looseObject({
  id: Str,
  appId: z.string(),
  lastSignInActivity: SignInActivity,
  delegatedClientSignInActivity: SignInActivity,
  delegatedResourceSignInActivity: SignInActivity,
  applicationAuthenticationClientSignInActivity: SignInActivity,
  applicationAuthenticationResourceSignInActivity: SignInActivity,
});
export type ServicePrincipalSignInActivity = z.infer<typeof ServicePrincipalSignInActivity>;

/** The $select lists: only what the connector reads. */
export const SELECT = {
  application:
    'id,appId,displayName,createdDateTime,signInAudience,publisherDomain,tags,passwordCredentials,keyCredentials',
  servicePrincipal:
    'id,appId,displayName,servicePrincipalType,appOwnerOrganizationId,accountEnabled,alternativeNames,verifiedPublisher,tags,passwordCredentials,keyCredentials',
  resourceServicePrincipal: 'id,appId,displayName,appRoles',
  federatedIdentityCredential: 'id,name,issuer,subject,audiences,description,claimsMatchingExpression',
  owner: 'id,displayName,userPrincipalName,mail,appId',
  appRoleAssignment: 'id,appRoleId,principalId,resourceId,resourceDisplayName,createdDateTime',
  oauth2PermissionGrant: 'id,clientId,consentType,principalId,resourceId,scope',
  directoryRole: 'id,displayName,roleTemplateId',
  member: 'id',
} as const;
