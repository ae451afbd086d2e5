// aws-root-access-keys: an access key on the account's root user can do everything in the
// account, and no IAM policy, boundary or (in the management account) SCP limits it. CIS AWS 1.4:
// the root user should have no access key at all, active or not. Reads the `aws.root_account`
// identity the AWS connector builds from the credential report's `<root_account>` row.
import { z } from 'zod';
import { type Policy, judged } from '../src/policy.js';
import { REFERENCES, plural } from './lib/common.js';

const Options = z.strictObject({});
type Options = z.infer<typeof Options>;

export const awsRootAccessKeys: Policy<Options> = {
  id: 'aws-root-access-keys',
  title: 'Access key on the AWS root user',
  description:
    'Fires when the credential report shows an access key on the root user of an account (CIS AWS 1.4), critical when a key is active. The root user can do everything in the account, close it included, and no IAM policy limits it: a leaked root key is the whole account. Unknown when the credential report could not be read (the root user is then not inventoried).',
  appliesTo: { providers: ['aws'], kinds: ['aws.root_account'] },
  severity: 'critical',
  options: Options,
  controls: {
    soc2: ['CC6.1', 'CC6.3'],
    soc1: ['ITGC-LA-3'],
    owaspNhi: ['NHI5', 'NHI7'],
    cisAws: ['1.4'],
    nistCsf: ['PR.AA-05'],
    cisControls: ['5.4'],
  },
  remediation: {
    default:
      'Delete the root access keys (signed in as root: Security credentials → Access keys → Delete) after moving whatever uses them to an IAM role; then check CloudTrail for their use.',
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html',
    REFERENCES.cisAws,
    REFERENCES.owaspNhi,
  ],
  findings: [
    {
      key: 'root-access-key',
      title: 'The root user has <n> access keys',
      evidence: ['accessKeys', 'active', 'mfaActive'],
    },
  ],
  evaluate(identity) {
    const keys = identity.credentials.filter((c) => c.type === 'access_key');
    const active = keys.filter((k) => k.status === 'active');
    const mfa = identity.attributes['mfaActive'];
    return [
      judged(
        keys.length === 0
          ? []
          : [
              {
                key: 'root-access-key',
                // An inactive key is one step from use, not a live one: high, not critical.
                ...(active.length === 0 ? { severity: 'high' as const } : {}),
                title: `The root user has ${plural(keys.length, 'access key')}${active.length > 0 ? ` (${active.length} active)` : ' (inactive)'}`,
                message: `The root user of account ${identity.location.scope} has ${plural(keys.length, 'access key')}, ${active.length} active: whoever holds one can do anything in the account, and no IAM policy limits it.`,
                evidence: {
                  accessKeys: keys.map((k) => ({
                    slot: k.uid,
                    status: k.status,
                    createdAt: k.createdAt,
                    lastUsedAt: k.lastUsedAt,
                  })),
                  active: active.length,
                  ...(typeof mfa === 'boolean' ? { mfaActive: mfa } : {}),
                },
              },
            ],
      ),
    ];
  },
};
