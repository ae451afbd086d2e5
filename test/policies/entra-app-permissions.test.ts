// entra-app-permissions, table-driven through the real evaluation path, on identities built as the Entra
// connector emits them (attributes.entra parsed by the connector's own schema).
import { describe } from 'vitest';
import { entraAppPermissions } from '../../policies/entra-app-permissions.js';
import { entraApp, perm } from './entra-identities.js';
import { runCases } from './run-cases.js';

describe('entra-app-permissions', () => {
  runCases(entraAppPermissions, {
    valid: [
      {
        name: 'read-only permission',
        identity: entraApp('a', { applicationPermissions: [perm('User.Read.All')], directoryRoles: [] }),
        status: 'pass',
      },
      {
        name: 'read-only permission, directory roles not read',
        identity: entraApp('a', { applicationPermissions: [perm('User.Read.All')] }),
        status: 'unknown',
      },
      {
        name: 'admin level is left to excess-privilege',
        identity: entraApp(
          'a',
          { applicationPermissions: [perm('RoleManagement.ReadWrite.Directory')] },
          { privilege: { level: 'admin' } },
        ),
        status: 'not-applicable',
      },
      {
        name: 'allowed by option',
        identity: entraApp('a', { applicationPermissions: [perm('Mail.Send')] }),
        options: { allowedPermissions: ['Mail.Send'] },
        status: 'unknown',
      },
      { name: 'permissions unknown (a gap)', identity: entraApp('a'), status: 'unknown' },
    ],
    invalid: [
      {
        name: 'Mail.ReadWrite',
        identity: entraApp(
          'a',
          { applicationPermissions: [perm('Mail.ReadWrite'), perm('User.Read.All')] },
          { privilege: { level: 'write' } },
        ),
        expect: [
          {
            key: 'high-risk',
            evidence: {
              permissions: [{ permission: 'Mail.ReadWrite', resource: 'Microsoft Graph', grantedAt: null }],
            },
          },
        ],
      },
      {
        name: 'privileged directory role',
        identity: entraApp('a', {
          directoryRoles: [
            {
              roleId: 'x',
              displayName: 'User Administrator',
              roleTemplateId: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
            },
          ],
        }),
        expect: [{ key: 'high-risk', evidence: { directoryRoles: ['User Administrator'] } }],
      },
    ],
  });
});
