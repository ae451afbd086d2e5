import { multipleActiveKeys } from '../../policies/multiple-active-keys.js';
import { accessKey, awsUser, credential, daysAgo, gcpServiceAccount } from './identity-builder.js';
import { runCases } from './run-cases.js';

runCases(multipleActiveKeys, {
  valid: [
    { name: 'one active key', identity: awsUser('one', { credentials: [accessKey('AKIAONE', 10)] }) },
    {
      name: 'one active and one inactive key (a finished rotation)',
      identity: awsUser('rotated', {
        credentials: [accessKey('AKIANEW', 10), accessKey('AKIAOLD', 200, { status: 'inactive' })],
      }),
    },
    {
      name: 'two active credentials of different types, one each',
      identity: awsUser('mixed', {
        credentials: [accessKey('AKIAMIX', 10), credential('APKAMIX', { type: 'ssh_key' })],
      }),
    },
    {
      name: 'two active SSH keys (type not counted by default)',
      identity: awsUser('ssh', {
        credentials: [credential('APKA1', { type: 'ssh_key' }), credential('APKA2', { type: 'ssh_key' })],
      }),
    },
    {
      name: 'Google-managed keys beside one user key',
      identity: gcpServiceAccount('sa', {
        credentials: [
          credential('user-key', { type: 'sa_key' }),
          credential('google-1', { type: 'sa_key', managedBy: 'provider' }),
          credential('google-2', { type: 'sa_key', managedBy: 'provider' }),
        ],
      }),
    },
    {
      name: 'two active keys allowed by maxActive 2',
      identity: awsUser('two-ok', { credentials: [accessKey('AKIA1', 10), accessKey('AKIA2', 20)] }),
      options: { maxActive: 2 },
    },
  ],
  invalid: [
    {
      name: 'two active access keys',
      identity: awsUser('two', {
        credentials: [accessKey('AKIAFIRST', 200, { lastUsedAt: daysAgo(150) }), accessKey('AKIASECOND', 10)],
      }),
      expect: [
        {
          key: 'access_key',
          evidence: {
            credentialType: 'access_key',
            activeCount: 2,
            maxActive: 1,
            keys: [
              { uid: 'AKIAFIRST', createdAt: daysAgo(200), lastUsedAt: daysAgo(150) },
              { uid: 'AKIASECOND', createdAt: daysAgo(10), lastUsedAt: daysAgo(1) },
            ],
          },
        },
      ],
    },
    {
      name: 'three active GCP service account keys',
      identity: gcpServiceAccount('sa-many', {
        credentials: ['k1', 'k2', 'k3'].map((uid) => credential(uid, { type: 'sa_key' })),
      }),
      expect: [{ key: 'sa_key', evidence: { credentialType: 'sa_key', activeCount: 3 } }],
    },
    {
      name: 'SSH keys counted when listed in types',
      identity: awsUser('ssh-two', {
        credentials: [credential('APKA1', { type: 'ssh_key' }), credential('APKA2', { type: 'ssh_key' })],
      }),
      options: { types: ['ssh_key'] },
      expect: [{ key: 'ssh_key', evidence: { activeCount: 2, keys: [{ uid: 'APKA1' }, { uid: 'APKA2' }] } }],
    },
  ],
});
