import { describe, expect, it } from 'vitest';
import { rotationAge } from '../../policies/rotation-age.js';
import {
  AS_OF,
  accessKey,
  awsRole,
  awsUser,
  credential,
  daysAgo,
  gcpServiceAccount,
} from './identity-builder.js';
import { evaluate, runCases } from './run-cases.js';
import { staleness } from '../../policies/staleness.js';

runCases(rotationAge, {
  valid: [
    {
      name: 'key rotated 89 days ago',
      identity: awsUser('fresh', { credentials: [accessKey('AKIAFRESH', 89)] }),
    },
    {
      name: 'key exactly at the 90-day limit',
      identity: awsUser('edge', { credentials: [accessKey('AKIAEDGE', 90)] }),
    },
    {
      name: 'old key that is inactive',
      identity: awsUser('inactive', { credentials: [accessKey('AKIAOFF', 400, { status: 'inactive' })] }),
    },
    {
      name: 'old key rotated recently (lastRotatedAt wins over createdAt)',
      identity: awsUser('rotated', {
        credentials: [accessKey('AKIAROT', 400, { lastRotatedAt: daysAgo(10) })],
      }),
    },
    {
      name: 'provider-managed credential (e.g. a Google-managed key)',
      identity: gcpServiceAccount('sa', {
        credentials: [
          credential('google-key', {
            type: 'sa_key',
            createdAt: daysAgo(500),
            lastRotatedAt: null,
            managedBy: 'provider',
          }),
        ],
      }),
    },
    {
      name: 'provider-managed identity (service-linked role) by default',
      identity: awsRole('AWSServiceRoleForSupport', {
        managedBy: 'provider',
        credentials: [accessKey('AKIASLR', 400)],
      }),
    },
    {
      name: 'no date known for the credential',
      identity: awsUser('nodate', {
        credentials: [credential('AKIANODATE', { createdAt: undefined, lastRotatedAt: undefined })],
      }),
    },
    {
      name: 'type not in `types`',
      identity: awsUser('ssh', {
        credentials: [
          credential('APKASSH', { type: 'ssh_key', createdAt: daysAgo(400), lastRotatedAt: daysAgo(400) }),
        ],
      }),
      options: { types: ['access_key'] },
    },
    {
      name: 'per-type threshold raises the limit for SSH keys',
      identity: awsUser('ssh2', {
        credentials: [
          credential('APKASSH2', { type: 'ssh_key', createdAt: daysAgo(300), lastRotatedAt: daysAgo(300) }),
        ],
      }),
      options: { maxAgeDaysByType: { ssh_key: 365 } },
    },
    {
      name: 'password credentials are not judged by default',
      identity: awsUser('pw', {
        credentials: [
          credential('pw', { type: 'password', createdAt: daysAgo(400), lastRotatedAt: daysAgo(400) }),
        ],
      }),
    },
  ],
  invalid: [
    {
      name: 'access key 120 days old',
      identity: awsUser('old', { credentials: [accessKey('AKIAOLD', 120)] }),
      expect: [
        {
          credentialUid: 'AKIAOLD',
          evidence: {
            credentialType: 'access_key',
            createdAt: daysAgo(120),
            lastRotatedAt: daysAgo(120),
            ageDays: 120,
            maxAgeDays: 90,
            thresholdSource: 'maxAgeDays',
            asOf: AS_OF.toISOString(),
          },
        },
      ],
    },
    {
      name: 'key at twice the limit is high',
      identity: awsUser('ancient', { credentials: [accessKey('AKIAANCIENT', 180)] }),
      expect: [
        { credentialUid: 'AKIAANCIENT', severity: 'high', evidence: { ageDays: 180, maxAgeDays: 90 } },
      ],
    },
    {
      name: 'one finding per old credential, fresh ones skipped',
      identity: awsUser('two', {
        credentials: [accessKey('AKIAA', 100), accessKey('AKIAB', 5), accessKey('AKIAC', 95)],
      }),
      expect: [
        { credentialUid: 'AKIAA', evidence: { ageDays: 100 } },
        { credentialUid: 'AKIAC', evidence: { ageDays: 95 } },
      ],
    },
    {
      name: 'never rotated (lastRotatedAt null) ages from creation',
      identity: gcpServiceAccount('sa-old', {
        credentials: [credential('key-1', { type: 'sa_key', createdAt: daysAgo(100), lastRotatedAt: null })],
      }),
      expect: [
        { credentialUid: 'key-1', evidence: { credentialType: 'sa_key', lastRotatedAt: null, ageDays: 100 } },
      ],
    },
    {
      name: 'custom maxAgeDays',
      identity: awsUser('strict', { credentials: [accessKey('AKIASTRICT', 40)] }),
      options: { maxAgeDays: 30 },
      expect: [{ credentialUid: 'AKIASTRICT', evidence: { ageDays: 40, maxAgeDays: 30 } }],
    },
    {
      name: 'per-type threshold lowers the limit for deploy keys',
      identity: awsUser('dk', {
        credentials: [
          credential('dk-1', { type: 'deploy_key', createdAt: daysAgo(45), lastRotatedAt: daysAgo(45) }),
        ],
      }),
      options: { maxAgeDaysByType: { deploy_key: 30 } },
      expect: [
        {
          credentialUid: 'dk-1',
          evidence: { maxAgeDays: 30, thresholdSource: 'maxAgeDaysByType.deploy_key' },
        },
      ],
    },
    {
      name: 'provider-managed identity when includeProviderManaged',
      identity: awsRole('AWSServiceRoleForX', {
        managedBy: 'provider',
        credentials: [accessKey('AKIASLR2', 100)],
      }),
      options: { includeProviderManaged: true },
      expect: [{ credentialUid: 'AKIASLR2', evidence: { ageDays: 100 } }],
    },
  ],
});

describe('rotation-age: the line and the advice', () => {
  it('says why the severity is above the policy default', () => {
    const [f] = evaluate(rotationAge, awsUser('old', { credentials: [accessKey('AKIAOLD', 200)] }));
    expect(f!.severity).toBe('high');
    expect(f!.title).toBe('Access key not rotated in 200 days (high: at least twice the 90-day limit)');
  });

  it('at the default severity, the line has no such note', () => {
    const [f] = evaluate(rotationAge, awsUser('due', { credentials: [accessKey('AKIADUE', 100)] }));
    expect(f!.severity).toBe('medium');
    expect(f!.title).toBe('Access key not rotated in 100 days');
  });

  it('a key due for rotation and never used gets one recommendation: delete it', () => {
    const identity = awsUser('idle', {
      credentials: [accessKey('AKIAIDLE', 120, { lastUsedAt: null })],
    });
    const [rotation] = evaluate(rotationAge, identity);
    const [stale] = evaluate(staleness, identity).filter((f) => f.credentialUid === 'AKIAIDLE');
    expect(rotation!.remediation).toMatch(/^Delete AKIAIDLE/);
    expect(stale!.remediation).toMatch(/^Delete AKIAIDLE/);
    expect(rotation!.remediation).not.toMatch(/create a new|move its consumers/i);
  });
});
