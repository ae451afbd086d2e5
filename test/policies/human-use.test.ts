import { humanUse } from '../../policies/human-use.js';
import { accessKey, awsUser, credential, daysAgo } from './identity-builder.js';
import { runCases } from './run-cases.js';

const consoleUser = (attrs: Record<string, unknown>) => ({
  path: '/',
  userId: 'AIDAHUMAN',
  groups: [],
  consolePassword: true,
  ...attrs,
});

runCases(humanUse, {
  valid: [
    {
      name: 'keys but no console password (a plain NHI)',
      identity: awsUser('bot', { credentials: [accessKey('AKIABOT', 10)] }),
    },
    {
      name: 'console password, only inactive keys',
      identity: awsUser('person', {
        attributes: consoleUser({ passwordLastUsed: daysAgo(1), mfaActive: true }),
        credentials: [accessKey('AKIAOFF', 10, { status: 'inactive' })],
      }),
    },
    {
      name: 'console password and an SSH key, no access key',
      identity: awsUser('ssh-person', {
        attributes: consoleUser({ passwordLastUsed: daysAgo(1), mfaActive: true }),
        credentials: [credential('APKASSH', { type: 'ssh_key' })],
      }),
    },
    {
      name: 'consolePassword attribute not strictly true',
      identity: awsUser('weird', {
        attributes: { consolePassword: 'true' },
        credentials: [accessKey('AKIAW', 10)],
      }),
    },
  ],
  invalid: [
    {
      name: 'console password, MFA off, two active keys',
      identity: awsUser('mixed-use', {
        attributes: consoleUser({ passwordLastUsed: daysAgo(3), mfaActive: false }),
        credentials: [
          accessKey('AKIAH1', 100, { lastUsedAt: daysAgo(2) }),
          accessKey('AKIAH2', 5, { lastUsedAt: null }),
        ],
      }),
      expect: [
        {
          key: 'console-and-keys',
          evidence: {
            consolePassword: true,
            passwordLastUsed: daysAgo(3),
            mfaActive: false,
            accessKeys: [
              { uid: 'AKIAH1', createdAt: daysAgo(100), lastUsedAt: daysAgo(2) },
              { uid: 'AKIAH2', createdAt: daysAgo(5), lastUsedAt: null },
            ],
          },
        },
      ],
    },
    {
      name: 'password never used, MFA unknown',
      identity: awsUser('never-signed-in', {
        attributes: consoleUser({ passwordLastUsed: null }),
        credentials: [accessKey('AKIAN1', 10), accessKey('AKIAN2', 10, { status: 'inactive' })],
      }),
      expect: [
        { key: 'console-and-keys', evidence: { passwordLastUsed: null, accessKeys: [{ uid: 'AKIAN1' }] } },
      ],
    },
  ],
});
