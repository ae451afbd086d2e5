import { awsRootAccessKeys } from '../../policies/aws-root-access-keys.js';
import { ACCOUNT, awsRoot } from './identity-builder.js';
import { runCases } from './run-cases.js';

const ROOT = `arn:aws:iam::${ACCOUNT}:root`;

runCases(awsRootAccessKeys, {
  valid: [
    // Only a certificate: the root user is inventoried, with no access key to judge.
    {
      name: 'no access key on the root user',
      identity: { ...awsRoot([{ active: false, ageDays: 10 }]), credentials: [] },
    },
  ],
  invalid: [
    {
      name: 'an active root access key, used last week',
      identity: awsRoot([{ active: true, ageDays: 300, lastUsedDays: 7 }]),
      expect: [
        {
          key: 'root-access-key',
          severity: 'critical',
          evidence: {
            active: 1,
            mfaActive: true,
            accessKeys: [{ slot: `${ROOT}#access_key_1`, status: 'active' }],
          },
        },
      ],
    },
    {
      name: 'two keys, one active, no MFA: one finding naming both',
      identity: awsRoot(
        [
          { active: true, ageDays: 30 },
          { active: false, ageDays: 900, lastUsedDays: 800 },
        ],
        false,
      ),
      expect: [
        {
          key: 'root-access-key',
          severity: 'critical',
          evidence: {
            active: 1,
            mfaActive: false,
            accessKeys: [
              { slot: `${ROOT}#access_key_1`, status: 'active', lastUsedAt: null },
              { slot: `${ROOT}#access_key_2`, status: 'inactive' },
            ],
          },
        },
      ],
    },
    {
      name: 'an inactive root key still exists (CIS 1.4): high',
      identity: awsRoot([{ active: false, ageDays: 400 }]),
      expect: [{ key: 'root-access-key', severity: 'high', evidence: { active: 0 } }],
    },
  ],
});
