// How much an Entra app can do, from the application permissions (app roles) it was granted and
// the directory roles it holds. The lists are curated and documented in readme.md:
//  - TENANT_TAKEOVER: application permissions that let an app grant itself or anyone any other
//    permission or role, or take over other identities' credentials: administrator level.
//  - HIGH_RISK: permissions that read or change every user's data or the directory at scale.
//  - Other *.ReadWrite* permissions are write level; *.Read* ones are read level.
import type { PrivilegeLevel } from '../../src/model.js';

export const TENANT_TAKEOVER_PERMISSIONS: ReadonlySet<string> = new Set([
  'RoleManagement.ReadWrite.Directory',
  'AppRoleAssignment.ReadWrite.All',
  'Application.ReadWrite.All',
  'Directory.ReadWrite.All',
  'UserAuthenticationMethod.ReadWrite.All',
  'Domain.ReadWrite.All',
  'PrivilegedAccess.ReadWrite.AzureADGroup',
  'Policy.ReadWrite.PermissionGrant',
]);

export const HIGH_RISK_PERMISSIONS: ReadonlySet<string> = new Set([
  ...TENANT_TAKEOVER_PERMISSIONS,
  'Mail.ReadWrite',
  'Mail.Send',
  'MailboxSettings.ReadWrite',
  'Files.ReadWrite.All',
  'Sites.ReadWrite.All',
  'Sites.FullControl.All',
  'User.ReadWrite.All',
  'Group.ReadWrite.All',
  'GroupMember.ReadWrite.All',
  'Calendars.ReadWrite',
  'Contacts.ReadWrite',
  'Chat.ReadWrite.All',
  'Policy.ReadWrite.ConditionalAccess',
  'Device.ReadWrite.All',
  // Exchange Online's own resource: full mailbox access over EWS.
  'full_access_as_app',
]);

/** Delegated scopes whose tenant-wide consent hands an app every user's mail, files or directory. */
export const HIGH_RISK_DELEGATED_SCOPES: ReadonlySet<string> = new Set([
  'Mail.Read',
  'Mail.ReadWrite',
  'Mail.Send',
  'MailboxSettings.ReadWrite',
  'Files.Read.All',
  'Files.ReadWrite.All',
  'Sites.Read.All',
  'Sites.ReadWrite.All',
  'Directory.ReadWrite.All',
  'Directory.AccessAsUser.All',
  'User.ReadWrite.All',
  'Group.ReadWrite.All',
  'RoleManagement.ReadWrite.Directory',
  'Application.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'Calendars.ReadWrite',
  'Contacts.ReadWrite',
  'Chat.ReadWrite',
  'EWS.AccessAsUser.All',
  'full_access_as_user',
]);

/** Built-in directory roles by template id (learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference). */
export const ADMIN_ROLE_TEMPLATES: Readonly<Record<string, string>> = {
  '62e90394-69f5-4237-9190-012177145e10': 'Global Administrator',
  'e8611ab8-c189-46e8-94e1-60213ab1f814': 'Privileged Role Administrator',
  '7be44c8a-adaf-4e2a-84d6-ab2649e08a13': 'Privileged Authentication Administrator',
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3': 'Application Administrator',
  '158c047a-c907-4556-b7ef-446551a6b5f7': 'Cloud Application Administrator',
};

export const PRIVILEGED_ROLE_TEMPLATES: Readonly<Record<string, string>> = {
  '194ae4cb-b126-40b2-bd5b-6091b380977d': 'Security Administrator',
  'fe930be7-5e62-47db-91af-98c3a49a38b1': 'User Administrator',
  '29232cdf-9323-42fd-ade2-1d097af3e4de': 'Exchange Administrator',
  'f28a1f50-f6e7-4571-818b-6a12f2af6b6c': 'SharePoint Administrator',
  'c4e39bd9-1100-46d3-8c65-fb160da0071f': 'Authentication Administrator',
  'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9': 'Conditional Access Administrator',
  '3a2c62db-5318-420d-8d74-23affee5d9d5': 'Intune Administrator',
  'fdd7a751-b60b-444a-984c-02652fe8fa1c': 'Groups Administrator',
};

export const READ_ROLE_TEMPLATES: Readonly<Record<string, string>> = {
  '88d8e3e3-8f55-4a1e-953a-9b9898b8876b': 'Directory Readers',
  'f2ef992c-3afb-46b9-b7cf-a126ee74c451': 'Global Reader',
};

const isWritePermission = (p: string): boolean => /ReadWrite|\.Send$|FullControl|full_access|Manage/i.test(p);

export const permissionLevel = (permission: string): PrivilegeLevel => {
  if (TENANT_TAKEOVER_PERMISSIONS.has(permission)) return 'admin';
  if (isWritePermission(permission)) return 'write';
  return 'read';
};

export const roleLevel = (roleTemplateId: string | undefined): PrivilegeLevel => {
  if (!roleTemplateId) return 'write';
  if (roleTemplateId in ADMIN_ROLE_TEMPLATES) return 'admin';
  if (roleTemplateId in READ_ROLE_TEMPLATES) return 'read';
  return 'write'; // any other directory role changes something in the tenant
};
