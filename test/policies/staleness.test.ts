import { staleness } from '../../policies/staleness.js';
import {
  AS_OF,
  accessKey,
  awsRole,
  awsUser,
  credential,
  daysAgo,
  gcpServiceAccount,
} from './identity-builder.js';
import { runCases } from './run-cases.js';

runCases(staleness, {
  valid: [
    { name: 'key used yesterday', identity: awsUser('busy', { credentials: [accessKey('AKIABUSY', 300)] }) },
    {
      name: 'key last used exactly 90 days ago',
      identity: awsUser('edge', { credentials: [accessKey('AKIAEDGE', 300, { lastUsedAt: daysAgo(90) })] }),
    },
    {
      name: 'never-used key within the 7-day grace period',
      identity: awsUser('new', { credentials: [accessKey('AKIANEW', 7, { lastUsedAt: null })] }),
    },
    {
      name: 'usage unknown (lastUsedAt undefined) is not judged',
      identity: awsUser('unknown', {
        credentials: [
          credential('APKASSH', { type: 'ssh_key', createdAt: daysAgo(400), lastUsedAt: undefined }),
        ],
      }),
    },
    {
      name: 'unused key that is inactive',
      identity: awsUser('off', {
        credentials: [accessKey('AKIAOFF', 300, { status: 'inactive', lastUsedAt: daysAgo(200) })],
      }),
    },
    {
      name: 'IAM user: identity lastUsedAt undefined, no identity-level finding',
      identity: awsUser('user-old', { createdAt: daysAgo(900), lastUsedAt: undefined }),
    },
    { name: 'role used 2 days ago', identity: awsRole('busy-role') },
    {
      name: 'role never used but created within maxUnusedDays',
      identity: awsRole('new-role', { createdAt: daysAgo(30), lastUsedAt: null }),
    },
    {
      name: 'service-linked role never used (provider-managed skipped by default)',
      identity: awsRole('AWSServiceRoleForSupport', {
        managedBy: 'provider',
        createdAt: daysAgo(900),
        lastUsedAt: null,
      }),
    },
    {
      name: 'provider-managed credential on a user-managed identity',
      identity: gcpServiceAccount('sa', {
        credentials: [
          credential('google-key', { type: 'sa_key', lastUsedAt: daysAgo(300), managedBy: 'provider' }),
        ],
      }),
    },
    {
      name: 'type filtered out by `types`',
      identity: awsUser('typed', {
        credentials: [accessKey('AKIATYPED', 300, { lastUsedAt: daysAgo(200) })],
      }),
      options: { types: ['sa_key'] },
    },
    {
      name: 'never used, and neither the credential nor its identity has a creation date',
      identity: awsUser('nocreate', {
        createdAt: undefined,
        credentials: [credential('AKIANC', { createdAt: undefined, lastUsedAt: null })],
      }),
    },
    {
      name: 'a disabled service account with no recorded use',
      identity: awsUser('off', {
        createdAt: undefined,
        lastUsedAt: null,
        lastUsedDetail: { observationStart: daysAgo(300) },
        attributes: { disabled: true },
      }),
    },
    {
      name: 'a service account with no recorded use, watched for less than the limit',
      identity: awsUser('watched', {
        createdAt: undefined,
        lastUsedAt: null,
        lastUsedDetail: { observationStart: daysAgo(60) },
      }),
    },
  ],
  invalid: [
    {
      name: 'never-used credential without a date of its own: judged by its identity\u2019s',
      identity: awsUser('pat-holder', {
        createdAt: daysAgo(40),
        credentials: [credential('pat:6001', { createdAt: undefined, lastUsedAt: null })],
      }),
      expect: [
        {
          key: 'never-used',
          credentialUid: 'pat:6001',
          evidence: { createdAt: daysAgo(40), createdAtFrom: 'identity', ageDays: 40 },
        },
      ],
    },
    {
      name: 'no recorded use in an observation window longer than the limit, creation unknown',
      identity: awsUser('idle-sa', {
        createdAt: undefined,
        lastUsedAt: null,
        lastUsedDetail: { observationStart: daysAgo(180) },
      }),
      expect: [
        {
          key: 'identity-never-used',
          evidence: { observationStart: daysAgo(180), observedDays: 180, lastUsedAt: null },
        },
      ],
    },
    {
      name: 'key last used 200 days ago',
      identity: awsUser('idle', { credentials: [accessKey('AKIAIDLE', 300, { lastUsedAt: daysAgo(200) })] }),
      expect: [
        {
          key: 'unused',
          credentialUid: 'AKIAIDLE',
          evidence: {
            credentialType: 'access_key',
            lastUsedAt: daysAgo(200),
            lastUsedDetail: { service: 's3', region: 'us-east-1', source: 'credential-report' },
            unusedDays: 200,
            maxUnusedDays: 90,
            asOf: AS_OF.toISOString(),
          },
        },
      ],
    },
    {
      name: 'key never used, created 30 days ago',
      identity: awsUser('never', { credentials: [accessKey('AKIANEVER', 30, { lastUsedAt: null })] }),
      expect: [
        {
          key: 'never-used',
          credentialUid: 'AKIANEVER',
          evidence: { createdAt: daysAgo(30), lastUsedAt: null, ageDays: 30, neverUsedGraceDays: 7 },
        },
      ],
    },
    {
      name: 'two keys: one unused, one never used',
      identity: awsUser('both', {
        credentials: [
          accessKey('AKIAK1', 300, { lastUsedAt: daysAgo(100) }),
          accessKey('AKIAK2', 20, { lastUsedAt: null }),
        ],
      }),
      expect: [
        { key: 'unused', credentialUid: 'AKIAK1', evidence: { unusedDays: 100 } },
        { key: 'never-used', credentialUid: 'AKIAK2', evidence: { ageDays: 20 } },
      ],
    },
    {
      name: 'role last used 120 days ago',
      identity: awsRole('idle-role', { lastUsedAt: daysAgo(120), lastUsedDetail: { region: 'eu-west-1' } }),
      expect: [
        {
          key: 'identity-unused',
          evidence: {
            lastUsedAt: daysAgo(120),
            lastUsedDetail: { region: 'eu-west-1' },
            unusedDays: 120,
            maxUnusedDays: 90,
            lastUsedTrackingDays: 400,
          },
        },
      ],
    },
    {
      name: 'role never used since creation 200 days ago',
      identity: awsRole('ghost-role', { createdAt: daysAgo(200), lastUsedAt: null }),
      expect: [
        {
          key: 'identity-never-used',
          evidence: {
            createdAt: daysAgo(200),
            lastUsedAt: null,
            ageDays: 200,
            lastUsedTrackingDays: 400,
            beyondTrackingWindow: false,
          },
        },
      ],
    },
    {
      name: 'role older than the 400-day tracking window with no recorded use',
      identity: awsRole('old-role', { createdAt: daysAgo(700), lastUsedAt: null }),
      expect: [{ key: 'identity-never-used', evidence: { ageDays: 700, beyondTrackingWindow: true } }],
    },
    {
      name: 'provider-managed role when includeProviderManaged',
      identity: awsRole('AWSServiceRoleForX', {
        managedBy: 'provider',
        createdAt: daysAgo(900),
        lastUsedAt: null,
      }),
      options: { includeProviderManaged: true },
      expect: [{ key: 'identity-never-used', evidence: { ageDays: 900 } }],
    },
    {
      name: 'GCP service account key unused (provider-neutral)',
      identity: gcpServiceAccount('sa-idle', {
        credentials: [credential('0123abcd', { type: 'sa_key', lastUsedAt: daysAgo(95) })],
      }),
      expect: [
        { key: 'unused', credentialUid: '0123abcd', evidence: { credentialType: 'sa_key', unusedDays: 95 } },
      ],
    },
    {
      name: 'custom thresholds',
      identity: awsUser('custom', {
        credentials: [
          accessKey('AKIAC1', 100, { lastUsedAt: daysAgo(31) }),
          accessKey('AKIAC2', 2, { lastUsedAt: null }),
        ],
      }),
      options: { maxUnusedDays: 30, neverUsedGraceDays: 1 },
      expect: [
        { key: 'unused', credentialUid: 'AKIAC1', evidence: { unusedDays: 31, maxUnusedDays: 30 } },
        { key: 'never-used', credentialUid: 'AKIAC2', evidence: { ageDays: 2, neverUsedGraceDays: 1 } },
      ],
    },
  ],
});
