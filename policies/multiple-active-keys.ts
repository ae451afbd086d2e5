// multiple-active-keys: two live keys on one identity usually means a rotation that was never
// finished; the old key keeps working, unwatched. Provider-neutral (AWS access keys, GCP SA keys).
import { z } from 'zod';
import type { CredentialType } from '../src/model.js';
import { type Policy, type Verdict, fail, notApplicable, pass, unknown } from '../src/policy.js';
import { CredentialTypes, REFERENCES, credentialNoun, identityLabel, plural } from './lib/common.js';

const Options = z.strictObject({
  maxActive: z.int().min(1).default(1).describe('Active credentials of one type allowed on one identity.'),
  types: CredentialTypes.default(['access_key', 'sa_key']).describe('Credential types counted.'),
});
type Options = z.infer<typeof Options>;

export const multipleActiveKeys: Policy<Options> = {
  id: 'multiple-active-keys',
  title: 'More than one active key',
  description:
    'Fires when one identity holds more active, user-managed keys of one type (AWS access keys, Google service account keys) than allowed. Several live keys usually mean a rotation left half done: the old key still works, is harder to attribute, and doubles what can leak. Unknown when a key of unknown status could push the count over the limit.',
  appliesTo: {},
  severity: 'medium',
  options: Options,
  controls: {
    soc2: ['CC6.1'],
    soc1: ['ITGC-LA-4'],
    owaspNhi: ['NHI1', 'NHI7'],
    cisAws: ['1.13'],
    nistCsf: ['PR.AA-01'],
  },
  remediation: {
    default: 'Move every consumer to one key, then deactivate and delete the others.',
    byKind: {
      'aws.iam_user':
        'Find which key each workload uses (the credential report, CloudTrail), move them to one, deactivate the other (aws iam update-access-key --status Inactive), then delete it.',
      'gcp.service_account':
        'Find which key each workload uses (key last-authentication activity), move them to one, disable then delete the others.',
    },
  },
  references: [
    REFERENCES.awsAccessKeys,
    REFERENCES.gcpKeyBestPractices,
    REFERENCES.owaspNhi,
    REFERENCES.cisAws,
  ],
  findings: [
    {
      key: '<credential type>',
      title: '<n> active <credentials> on one identity',
      evidence: ['credentialType', 'activeCount', 'maxActive', 'keys'],
    },
  ],
  evaluate(identity, options) {
    const verdicts: Verdict[] = [];
    for (const type of new Set<CredentialType>(options.types)) {
      // Provider-managed keys (Google's own SA keys) are not the user's to remove.
      const own = identity.credentials.filter((c) => c.type === type && c.managedBy === 'user');
      if (own.length === 0) continue;
      const active = own.filter((c) => c.status === 'active');
      if (active.length <= options.maxActive) {
        const unsure = own.filter((c) => c.status === 'unknown');
        verdicts.push(
          active.length + unsure.length > options.maxActive
            ? unknown(
                `status of ${unsure.map((c) => c.uid).join(', ')} not known: there may be more than ${options.maxActive} active`,
              )
            : pass(),
        );
        continue;
      }
      const noun = credentialNoun(type);
      verdicts.push(
        fail({
          key: type,
          title: `${plural(active.length, `active ${noun}`)} on one identity`,
          message: `${identityLabel(identity)} has ${plural(active.length, `active ${noun}`)} (${active.map((c) => c.uid).join(', ')}); at most ${options.maxActive} expected.`,
          evidence: {
            credentialType: type,
            activeCount: active.length,
            maxActive: options.maxActive,
            keys: active.map((c) => ({
              uid: c.uid,
              createdAt: c.createdAt,
              lastUsedAt: c.lastUsedAt,
            })),
          },
          remediation: `Move every consumer to one ${noun}, then deactivate and delete the others.`,
        }),
      );
    }
    return verdicts.length > 0
      ? verdicts
      : [notApplicable(`holds no user-managed ${options.types.join(' or ')} credential`)];
  },
};
