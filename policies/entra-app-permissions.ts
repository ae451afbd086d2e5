// entra-app-permissions: Graph application permissions act on the whole tenant with no user in
// the loop: Mail.ReadWrite reads and changes every mailbox, Files.ReadWrite.All every file. An
// app holding one, or a privileged directory role, is a tenant-wide data path to review.
// Permissions and roles that amount to tenant takeover (RoleManagement.ReadWrite.Directory,
// Global Administrator, …) make the app an administrator, judged once by excess-privilege.
// ENTRA-SPECIFIC: app role assignments and directory roles (connectors/entra/privilege.ts lists).
import { z } from 'zod';
import { entraAttributes } from '../connectors/entra/attributes.js';
import { HIGH_RISK_PERMISSIONS, PRIVILEGED_ROLE_TEMPLATES } from '../connectors/entra/privilege.js';
import { type Policy, fail, notApplicable, pass, unknown } from '../src/policy.js';
import {
  identityLabel,
  includeProviderManagedOption,
  isSwitchedOff,
  skipIdentity,
  REFERENCES,
} from './lib/common.js';

const Options = z.strictObject({
  extraPermissions: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'Application permissions (values, e.g. "Reports.Read.All") to treat as high-risk besides the built-in list.',
    ),
  allowedPermissions: z
    .array(z.string().min(1))
    .default([])
    .describe('Permissions never flagged (an accepted, reviewed need).'),
  includeProviderManaged: includeProviderManagedOption,
});
type Options = z.infer<typeof Options>;

export const entraAppPermissions: Policy<Options> = {
  id: 'entra-app-permissions',
  title: 'Entra app with high-risk permissions',
  description:
    'Fires on an Entra app (app registration, enterprise app, managed identity) that holds a high-risk application permission (Mail.ReadWrite, Files.ReadWrite.All, …) or a privileged directory role below administrator. Application permissions reach every user of the tenant with nobody signed in; an app that can read and change all mail or files turns one leaked secret into a tenant-wide breach. Administrator-level apps are judged by excess-privilege instead. Unknown when the app role assignments or directory roles were not read.',
  appliesTo: { providers: ['entra'] },
  severity: 'high',
  options: Options,
  controls: {
    soc2: ['CC6.3'],
    soc1: ['ITGC-LA-3'],
    owaspNhi: ['NHI5'],
    nistCsf: ['PR.AA-05'],
    cisControls: ['6.8'],
  },
  remediation: {
    default:
      'Replace each permission with the narrowest one that works (Mail.Send limited by an Exchange application access policy or RBAC for Applications, Sites.Selected instead of Sites.ReadWrite.All), and remove directory roles the app does not need.',
  },
  references: [
    'https://learn.microsoft.com/en-us/graph/permissions-reference',
    'https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/permissions-reference',
    REFERENCES.owaspNhi,
  ],
  findings: [
    {
      key: 'high-risk',
      title: 'High-risk application permissions: <permissions>',
      extraControls: { owaspNhi: ['NHI3'] },
      evidence: ['permissions', 'directoryRoles', 'thirdParty', 'appOwnerOrganizationId'],
    },
  ],
  evaluate(identity, options) {
    const attrs = entraAttributes(identity);
    if (!attrs) return [unknown('the Entra attributes of this identity are missing or malformed')];
    if (skipIdentity(identity, options.includeProviderManaged))
      return [notApplicable('managed by Microsoft (a first-party app); includeProviderManaged is off')];
    // Administrator-level apps are judged once, by excess-privilege, with these facts in its reasons.
    if (identity.privilege.level === 'admin')
      return [notApplicable('administrator-level: judged by excess-privilege')];
    const risky = new Set([...HIGH_RISK_PERMISSIONS, ...options.extraPermissions]);
    const allowed = new Set(options.allowedPermissions);
    const permissions = (attrs.applicationPermissions ?? []).filter(
      (p) => risky.has(p.permission) && !allowed.has(p.permission),
    );
    const roles = (attrs.directoryRoles ?? []).filter(
      (r) => r.roleTemplateId && r.roleTemplateId in PRIVILEGED_ROLE_TEMPLATES,
    );
    if (permissions.length === 0 && roles.length === 0) {
      const unread = [
        ...(attrs.applicationPermissions ? [] : ['application permissions (app role assignments)']),
        ...(attrs.directoryRoles ? [] : ['directory roles']),
      ];
      return unread.length > 0 ? [unknown(`${unread.join(' and ')} not read`)] : [pass()];
    }
    const what = [
      ...permissions.map((p) => `${p.permission} (${p.resource})`),
      ...roles.map((r) => `directory role ${r.displayName}`),
    ];
    return [
      fail({
        key: 'high-risk',
        ...(isSwitchedOff(identity) ? { severity: 'medium' as const } : {}),
        title: `High-risk application permissions: ${what.slice(0, 3).join(', ')}${what.length > 3 ? ', …' : ''}`,
        message: `${identityLabel(identity)} holds ${what.join(', ')}, granted for the whole tenant.`,
        evidence: {
          permissions: permissions.map((p) => ({
            permission: p.permission,
            resource: p.resource,
            grantedAt: p.grantedAt ?? null,
          })),
          directoryRoles: roles.map((r) => r.displayName),
          thirdParty: attrs.thirdParty,
          ...(attrs.appOwnerOrganizationId ? { appOwnerOrganizationId: attrs.appOwnerOrganizationId } : {}),
        },
        remediation:
          'Replace each permission with the narrowest one that works (Mail.Send limited by an Exchange application access policy or RBAC for Applications, Sites.Selected instead of Sites.ReadWrite.All), and remove directory roles the app does not need.',
        ...(attrs.thirdParty ? { extraControls: { owaspNhi: ['NHI3'] } } : {}),
      }),
    ];
  },
};
