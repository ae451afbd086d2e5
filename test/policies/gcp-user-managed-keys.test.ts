import { gcpUserManagedKeys } from '../../policies/gcp-user-managed-keys.js';
import { gcpAccount, saKey } from './gcp-identities.js';
import { accessKey, awsUser } from './identity-builder.js';
import { runCases } from './run-cases.js';

runCases(gcpUserManagedKeys, {
  valid: [
    { name: 'no keys', identity: gcpAccount('keyless') },
    {
      name: 'only Google-managed keys',
      identity: gcpAccount('runner', {}, { credentials: [saKey('sys1', 5, { managedBy: 'provider' })] }),
    },
    {
      name: 'a disabled user-managed key',
      identity: gcpAccount('rotated', {}, { credentials: [saKey('old', 200, { status: 'inactive' })] }),
    },
    {
      name: 'a key Google found exposed, already disabled',
      identity: gcpAccount(
        'leaked',
        {},
        {
          credentials: [
            saKey('k1', 100, {
              status: 'inactive',
              attributes: {
                disabled: true,
                disableReason: 'SERVICE_ACCOUNT_KEY_DISABLE_REASON_EXPOSED',
                extendedStatus: [
                  {
                    key: 'SERVICE_ACCOUNT_KEY_EXTENDED_STATUS_KEY_EXPOSED',
                    value: 'https://github.com/acme/x',
                  },
                ],
              },
            }),
          ],
        },
      ),
    },
    {
      name: 'an AWS user with access keys',
      identity: awsUser('ci', { credentials: [accessKey('AKIAEXAMPLE', 10)] }),
    },
  ],
  invalid: [
    {
      name: 'one active user-managed key',
      identity: gcpAccount(
        'deployer',
        {},
        { credentials: [saKey('k1', 400), saKey('sys1', 5, { managedBy: 'provider' })] },
      ),
      expect: [
        { key: 'user-managed-keys', severity: 'info', evidence: { keys: [{ uid: 'k1', type: 'sa_key' }] } },
      ],
    },
    {
      name: 'a key Google found exposed, still active',
      identity: gcpAccount(
        'terraform',
        {},
        {
          credentials: [
            saKey('k1', 90, {
              attributes: {
                keyType: 'USER_MANAGED',
                disabled: false,
                extendedStatus: [
                  {
                    key: 'SERVICE_ACCOUNT_KEY_EXTENDED_STATUS_KEY_EXPOSED',
                    value: 'https://github.com/acme/infra/blob/0a1b2c3/creds.json',
                  },
                ],
              },
            }),
          ],
        },
      ),
      expect: [
        {
          key: 'exposed-key',
          credentialUid: 'k1',
          severity: 'critical',
          evidence: {
            key: { uid: 'k1', status: 'active' },
            extendedStatus: [
              {
                key: 'SERVICE_ACCOUNT_KEY_EXTENDED_STATUS_KEY_EXPOSED',
                value: 'https://github.com/acme/infra/blob/0a1b2c3/creds.json',
              },
            ],
          },
        },
        { key: 'user-managed-keys', severity: 'info' },
      ],
    },
    {
      name: 'two active keys',
      identity: gcpAccount('batch', {}, { credentials: [saKey('k1', 40), saKey('k2', 3)] }),
      expect: [{ key: 'user-managed-keys', evidence: { keys: [{ uid: 'k1' }, { uid: 'k2' }] } }],
    },
  ],
});
