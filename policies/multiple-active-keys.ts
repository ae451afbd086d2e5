// multiple-active-keys: two live keys on one identity usually means a rotation that was never
// finished; the old key keeps working, unwatched. Provider-neutral (AWS access keys, GCP SA keys).
import { z } from 'zod';
import type { CredentialType } from '../src/model.js';
import type { FindingDraft, Policy } from '../src/policy.js';
import { CredentialTypes, credentialNoun, identityLabel, plural } from './lib/common.js';

const Options = z.strictObject({
  maxActive: z.int().min(1).default(1).describe('Active credentials of one type allowed on one identity.'),
  types: CredentialTypes.default(['access_key', 'sa_key']).describe('Credential types counted.'),
});
type Options = z.infer<typeof Options>;

export const multipleActiveKeys: Policy<Options> = {
  id: 'multiple-active-keys',
  title: 'More than one active key',
  rationale:
    'Several live keys on one identity usually mean a rotation left half done: the old key still works, is harder to attribute, and doubles what can leak.',
  severity: 'medium',
  options: Options,
  controls: {
    soc2: ['CC6.1'],
    soc1: ['ITGC-LA-4'],
    owaspNhi: ['NHI1', 'NHI7'],
    cisAws: ['1.13'],
    nistCsf: ['PR.AA-01'],
  },
  evaluate(identity, options) {
    const drafts: FindingDraft[] = [];
    for (const type of new Set<CredentialType>(options.types)) {
      // Provider-managed keys (Google's own SA keys) are not the user's to remove.
      const active = identity.credentials.filter(
        (c) => c.type === type && c.status === 'active' && c.managedBy === 'user',
      );
      if (active.length <= options.maxActive) continue;
      const noun = credentialNoun(type);
      drafts.push({
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
      });
    }
    return drafts;
  },
};
