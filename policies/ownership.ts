// ownership: every NHI needs a person who answers for it: to approve its access, rotate it and
// retire it. The core resolves `owner` from the configured tag keys (src/owner.ts); this policy
// judges the result and, with a people directory, whether that person is still here.
import { z } from 'zod';
import { Severity } from '../src/model.js';
import type { FindingDraft, Policy } from '../src/policy.js';
import { identityLabel } from './lib/common.js';

const Options = z.strictObject({
  requireOwner: z.boolean().default(true).describe('Fire when no owner could be found.'),
  unknownOwnerSeverity: Severity.default('low').describe(
    'Severity when the owner is not in the directory (often a team name rather than a person).',
  ),
  requireOwnerWhereUntracked: z
    .boolean()
    .default(false)
    .describe(
      'Also fire "no-owner" on identities whose provider records no creator (GitHub secrets and webhooks): only config can name their owner.',
    ),
});
type Options = z.infer<typeof Options>;

export const ownership: Policy<Options> = {
  id: 'ownership',
  title: 'Missing or departed owner',
  rationale:
    'An identity nobody owns is never reviewed, rotated or retired; one owned by someone who has left is in the same state with a false sense of cover.',
  severity: 'medium',
  options: Options,
  controls: {
    soc2: ['CC6.2', 'CC6.3'],
    soc1: ['ITGC-LA-2'],
    owaspNhi: ['NHI1'],
    nistCsf: ['PR.AA-01', 'ID.AM-08', 'GV.RR-04'],
    cisControls: ['5.5', '6.2'],
  },
  evaluate(identity, options, ctx) {
    if (identity.managedBy === 'provider') return []; // the provider answers for these
    const who = identityLabel(identity);
    const { owner } = identity;
    if (!owner) {
      if (!options.requireOwner) return [];
      if (identity.attributes.providerRecordsOwner === false && !options.requireOwnerWhereUntracked)
        return [];
      return [
        {
          key: 'no-owner',
          title: 'No owner',
          message: `${who} has no owner: none of the configured owner tags is set.`,
          evidence: { tags: Object.keys(identity.tags) },
          remediation: 'Tag the identity with the person or team accountable for it.',
        },
      ];
    }
    // Two witnesses can say the owner is gone: the provider (no longer a member of the GitHub
    // organisation) and the people directory. Either is enough; the evidence names both.
    const orgDeparted = identity.attributes.ownerOrgMember === false;
    const directory = ctx.directory;
    const person = directory?.find(owner.value);
    const drafts: FindingDraft[] = [];
    const directoryEvidence = directory
      ? { directoryStatus: person?.status ?? null, directorySource: directory.source }
      : {};
    if (orgDeparted || (person && !person.active)) {
      const why = [
        orgDeparted ? `no longer a member of ${identity.location.scope}` : undefined,
        person && !person.active ? `directory status "${person.status}"` : undefined,
      ].filter(Boolean);
      drafts.push({
        key: 'owner-departed',
        severity: 'high',
        title: 'Owner has left',
        message: `${who} is owned by "${owner.value}" (${owner.source}): ${why.join('; ')}.`,
        evidence: {
          owner: owner.value,
          ownerSource: owner.source,
          ...(orgDeparted ? { orgMember: false, org: identity.location.scope } : {}),
          ...directoryEvidence,
        },
        remediation: 'Assign an active owner, who should then review whether the identity is still needed.',
      });
    } else if (identity.attributes.ownerOutsideCollaborator === true) {
      // Not an organisation member at all: a contractor or vendor holds this identity.
      drafts.push({
        key: 'owner-outside-collaborator',
        severity: 'medium',
        title: 'Owner is an outside collaborator',
        message: `${who} is owned by "${owner.value}" (${owner.source}), an outside collaborator of ${identity.location.scope}, not a member.`,
        evidence: {
          owner: owner.value,
          ownerSource: owner.source,
          outsideCollaborator: true,
          org: identity.location.scope,
          ...directoryEvidence,
        },
        remediation:
          'Give the identity an owner inside the organisation, accountable for what the collaborator does with it.',
      });
    } else if (directory && !person) {
      drafts.push({
        key: 'owner-unknown',
        severity: options.unknownOwnerSeverity,
        title: 'Owner not in the directory',
        message: `${who} is owned by "${owner.value}" (${owner.source}), who is not in the people directory.`,
        evidence: { owner: owner.value, ownerSource: owner.source, ...directoryEvidence },
        remediation: 'Set the owner to a person listed in the directory, or correct the directory.',
      });
    }
    return drafts;
  },
};
