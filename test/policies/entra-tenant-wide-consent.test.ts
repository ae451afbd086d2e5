// entra-tenant-wide-consent, table-driven through the real evaluation path, on identities built as the Entra
// connector emits them (attributes.entra parsed by the connector's own schema).
import { describe } from 'vitest';
import { entraTenantWideConsent } from '../../policies/entra-tenant-wide-consent.js';
import { entraApp, grant } from './entra-identities.js';
import { runCases } from './run-cases.js';

describe('entra-tenant-wide-consent', () => {
  runCases(entraTenantWideConsent, {
    valid: [
      {
        name: 'per-user consent to mail',
        identity: entraApp('a', { delegatedGrants: [grant('Principal', 'Mail.ReadWrite')] }),
        status: 'pass',
      },
      { name: 'grants not read (a gap)', identity: entraApp('a'), status: 'unknown' },
      {
        name: 'tenant-wide sign-in only',
        identity: entraApp('a', { delegatedGrants: [grant('AllPrincipals', 'openid profile User.Read')] }),
        status: 'pass',
      },
    ],
    invalid: [
      {
        name: 'tenant-wide Mail.ReadWrite',
        identity: entraApp('a', {
          thirdParty: true,
          delegatedGrants: [grant('AllPrincipals', 'openid Mail.ReadWrite')],
        }),
        expect: [
          {
            key: 'grant:g-AllPrincipals',
            evidence: { highRiskScopes: ['Mail.ReadWrite'], thirdParty: true },
          },
        ],
      },
    ],
  });
});
