// entra-app-permissions: Graph application permissions act on the whole tenant with no user in
// the loop: Mail.ReadWrite reads and changes every mailbox, Files.ReadWrite.All every file. An
// app holding one, or a privileged directory role, is a tenant-wide data path to review.
// Permissions and roles that amount to tenant takeover (RoleManagement.ReadWrite.Directory,
// Global Administrator, …) make the app an administrator, judged once by excess-privilege.
// ENTRA-SPECIFIC: app role assignments and directory roles (connectors/entra/privilege.ts lists).
import { z } from 'zod';
import { entraAttributes } from '../connectors/entra/attributes.js';
import { HIGH_RISK_PERMISSIONS, PRIVILEGED_ROLE_TEMPLATES } from '../connectors/entra/privilege.js';
import type { Policy } from '../src/policy.js';
import { identityLabel, includeProviderManagedOption, isSwitchedOff, skipIdentity } from './lib/common.js';

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
  rationale:
    'Application permissions reach every user of the tenant with nobody signed in; an app that can read and change all mail or files, or holds a privileged directory role, turns one leaked secret into a tenant-wide breach.',
  severity: 'high',
  options: Options,
  controls: {
    soc2: ['CC6.3'],
    soc1: ['ITGC-LA-3'],
    owaspNhi: ['NHI5'],
    nistCsf: ['PR.AA-05'],
    cisControls: ['6.8'],
  },
  evaluate(identity, options) {
    const attrs = entraAttributes(identity);
    if (!attrs || skipIdentity(identity, options.includeProviderManaged)) return [];
    // Administrator-level apps are judged once, by excess-privilege, with these facts in its reasons.
    if (identity.privilege.level === 'admin') return [];
    const risky = new Set([...HIGH_RISK_PERMISSIONS, ...options.extraPermissions]);
    const allowed = new Set(options.allowedPermissions);
    const permissions = (attrs.applicationPermissions ?? []).filter(
      (p) => risky.has(p.permission) && !allowed.has(p.permission),
    );
    const roles = (attrs.directoryRoles ?? []).filter(
      (r) => r.roleTemplateId && r.roleTemplateId in PRIVILEGED_ROLE_TEMPLATES,
    );
    if (permissions.length === 0 && roles.length === 0) return [];
    const what = [
      ...permissions.map((p) => `${p.permission} (${p.resource})`),
      ...roles.map((r) => `directory role ${r.displayName}`),
    ];
    return [
      {
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
      },
    ];
  },
};
