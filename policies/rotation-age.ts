// rotation-age: a long-lived secret that has not changed in months has had months to leak
// (laptops, CI logs, old images). Provider-neutral: judges every Credential the same way.
import { z } from 'zod';
import { daysBetween } from '../src/clock.js';
import { CredentialType } from '../src/model.js';
import type { FindingDraft, Policy } from '../src/policy.js';
import {
  CredentialTypes,
  USER_ROTATABLE_TYPES,
  credentialNoun,
  identityLabel,
  includeProviderManagedOption,
  skipIdentity,
  CREDENTIAL_LABEL,
} from './lib/common.js';

const Options = z.strictObject({
  maxAgeDays: z
    .int()
    .min(1)
    .default(90)
    .describe('Days since creation or last rotation before a credential fires.'),
  maxAgeDaysByType: z
    .partialRecord(CredentialType, z.int().min(1))
    .default({})
    .describe('Per-type thresholds overriding maxAgeDays, e.g. { ssh_key: 365 }.'),
  types: CredentialTypes.default([...USER_ROTATABLE_TYPES]).describe('Credential types judged.'),
  includeProviderManaged: includeProviderManagedOption,
});
type Options = z.infer<typeof Options>;

export const rotationAge: Policy<Options> = {
  id: 'rotation-age',
  title: 'Credential not rotated',
  rationale:
    'A secret that has not changed for months has had months to be copied into logs, laptops and images; regular rotation bounds how long a leaked copy stays useful.',
  severity: 'medium',
  options: Options,
  controls: {
    soc2: ['CC6.1'],
    soc1: ['ITGC-LA-4'],
    owaspNhi: ['NHI7'],
    cisAws: ['1.14'],
    cisGcp: ['1.7', '1.15'],
    nistCsf: ['PR.AA-01'],
  },
  evaluate(identity, options, ctx) {
    if (skipIdentity(identity, options.includeProviderManaged)) return [];
    const drafts: FindingDraft[] = [];
    for (const cred of identity.credentials) {
      // Provider-managed credentials (e.g. Google-managed keys) rotate themselves.
      if (cred.status !== 'active' || cred.managedBy !== 'user' || !options.types.includes(cred.type))
        continue;
      // `null` lastRotatedAt means "never rotated": age runs from creation.
      const since = cred.lastRotatedAt ?? cred.createdAt;
      const ageDays = daysBetween(since, ctx.asOf);
      if (ageDays === undefined) continue; // no date known: nothing to judge
      const byType = options.maxAgeDaysByType[cred.type];
      const threshold = byType ?? options.maxAgeDays;
      if (ageDays <= threshold) continue;
      drafts.push({
        credentialUid: cred.uid,
        title: `${CREDENTIAL_LABEL[cred.type]} not rotated in ${ageDays} days`,
        message: `${identityLabel(identity)} has an active ${credentialNoun(cred.type)} ${cred.uid} last rotated ${ageDays} days ago, over the ${threshold}-day limit.`,
        evidence: {
          credentialType: cred.type,
          createdAt: cred.createdAt,
          lastRotatedAt: cred.lastRotatedAt,
          ageDays,
          maxAgeDays: threshold,
          thresholdSource: byType === undefined ? 'maxAgeDays' : `maxAgeDaysByType.${cred.type}`,
          asOf: ctx.asOf.toISOString(),
        },
        // Twice over the limit is no longer a missed cycle but a credential nobody rotates.
        ...(ageDays >= 2 * threshold ? { severity: 'high' as const } : {}),
        remediation: `Create a new ${credentialNoun(cred.type)}, move its consumers to it, then deactivate and delete ${cred.uid}.`,
      });
    }
    return drafts;
  },
};
