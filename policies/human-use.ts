// human-use: an identity with both a console password and access keys is a person's account
// doing machine work (or the reverse): shared, hard to attribute, and its keys outlive the
// person. Reads the `consolePassword` attribute, which the AWS connector sets for IAM users (a
// connector that sets it for another kind adds that kind to `appliesTo`).
import { z } from 'zod';
import { type Policy, fail, pass, unknown } from '../src/policy.js';
import { REFERENCES, identityLabel, plural } from './lib/common.js';

const Options = z.strictObject({});
type Options = z.infer<typeof Options>;

export const humanUse: Policy<Options> = {
  id: 'human-use',
  title: 'Human sign-in on a non-human identity',
  description:
    'Fires on an IAM user with both a console password and active access keys. Such a user mixes a person and a workload in one identity: actions cannot be attributed, and the keys survive the person leaving. Unknown when the password state could not be read (no credential report and GetLoginProfile failed).',
  appliesTo: { providers: ['aws'], kinds: ['aws.iam_user'] },
  severity: 'high',
  options: Options,
  controls: {
    soc2: ['CC6.1', 'CC7.2'],
    soc1: ['ITGC-LA-1', 'ITGC-SD-1'],
    owaspNhi: ['NHI10'],
    cisAws: ['1.11'],
    nistCsf: ['PR.AA-01', 'PR.AA-03', 'DE.CM-03'],
  },
  remediation: {
    default:
      'Split the identity: give the person their own sign-in (ideally federated, with MFA) and keep this user for the workload only, without a password (aws iam delete-login-profile).',
  },
  references: [
    REFERENCES.awsIamBestPractices,
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_admin-change-user.html',
    REFERENCES.owaspNhi,
    REFERENCES.cisAws,
  ],
  findings: [
    {
      key: 'console-and-keys',
      title: 'Console password and active access keys',
      evidence: ['consolePassword', 'passwordLastUsed', 'mfaActive', 'accessKeys'],
    },
  ],
  evaluate(identity) {
    const keys = identity.credentials.filter((c) => c.type === 'access_key' && c.status === 'active');
    if (keys.length === 0) return [pass()]; // no keys: no workload in this identity
    const { consolePassword } = identity.attributes;
    if (consolePassword === false) return [pass()];
    if (consolePassword !== true) return [unknown('whether the user has a console password was not read')];
    const { passwordLastUsed, mfaActive } = identity.attributes;
    return [
      fail({
        key: 'console-and-keys',
        title: 'Console password and active access keys',
        message: `${identityLabel(identity)} has a console password and ${plural(keys.length, 'active access key')} (${keys.map((k) => k.uid).join(', ')}).`,
        evidence: {
          consolePassword: true,
          // null: never signed in; absent: the provider did not say.
          passwordLastUsed:
            typeof passwordLastUsed === 'string' || passwordLastUsed === null ? passwordLastUsed : undefined,
          mfaActive: typeof mfaActive === 'boolean' ? mfaActive : undefined,
          accessKeys: keys.map((k) => ({ uid: k.uid, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt })),
        },
        remediation:
          'Split the identity: give the person their own sign-in (ideally federated, with MFA) and keep this user for the workload only, without a password.',
      }),
    ];
  },
};
