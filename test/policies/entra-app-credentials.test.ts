// entra-app-credentials, table-driven through the real evaluation path, on identities built as the Entra
// connector emits them (attributes.entra parsed by the connector's own schema).
import { describe } from 'vitest';
import { entraAppCredentials } from '../../policies/entra-app-credentials.js';
import { entraApp, secret } from './entra-identities.js';
import { identity } from './identity-builder.js';
import { runCases } from './run-cases.js';

describe('entra-app-credentials', () => {
  runCases(entraAppCredentials, {
    valid: [
      {
        name: 'one secret valid 180 days',
        identity: entraApp('ok', {}, { credentials: [secret('s1', 10, 170)] }),
        status: 'pass',
      },
      {
        name: 'a secret whose end date Entra did not report',
        identity: entraApp('u', {}, { credentials: [secret('s1', 10, 170, { expiresAt: undefined })] }),
        status: 'unknown',
      },
      {
        name: 'no secret or certificate at all',
        identity: entraApp('none'),
        status: 'not-applicable',
      },
      {
        name: 'not an Entra identity',
        identity: identity({ credentials: [secret('s1', 10, null)] }),
        status: 'not-applicable',
      },
      {
        name: 'an expiring secret with its successor in place',
        identity: entraApp('ok', {}, { credentials: [secret('old', 170, 10), secret('new', 1, 179)] }),
        options: { maxActiveSecrets: 2 },
        status: 'pass',
      },
    ],
    invalid: [
      {
        name: 'no end date',
        identity: entraApp('a', {}, { credentials: [secret('s1', 10, null)] }),
        expect: [{ key: 'no-expiry', credentialUid: 's1' }],
      },
      {
        name: 'valid for years',
        identity: entraApp('a', {}, { credentials: [secret('s1', 10, 3000)] }),
        expect: [
          { key: 'no-expiry', credentialUid: 's1', severity: 'low', evidence: { lifetimeDays: 3010 } },
        ],
      },
      {
        name: 'expired secret still present',
        identity: entraApp('a', {}, { credentials: [secret('old', 400, -20), secret('new', 5, 175)] }),
        expect: [
          { key: 'expired-present', credentialUid: 'old', severity: 'low', evidence: { daysExpired: 20 } },
        ],
      },
      {
        name: 'two active secrets',
        identity: entraApp('a', {}, { credentials: [secret('s1', 50, 130), secret('s2', 5, 175)] }),
        expect: [{ key: 'multiple-active-secrets', evidence: { activeCount: 2 } }],
      },
      {
        name: 'the last secret expires within 30 days',
        identity: entraApp('a', {}, { credentials: [secret('s1', 160, 20)] }),
        expect: [
          { key: 'expiring-secret', credentialUid: 's1', severity: 'low', evidence: { daysToExpiry: 20 } },
        ],
      },
    ],
  });
});
