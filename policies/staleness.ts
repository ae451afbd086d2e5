// staleness: access nobody uses is access nobody would miss, and nobody would notice being
// abused. Judges credentials (every provider) and, where the provider tracks it, the identity.
// `lastUsedAt` undefined means the connector could not learn usage: that is a coverage gap the
// connector records, never a pass or a finding here.
import { z } from 'zod';
import { daysBetween } from '../src/clock.js';
import { CredentialType } from '../src/model.js';
import type { FindingDraft, Policy } from '../src/policy.js';
import {
  CREDENTIAL_LABEL,
  CredentialTypes,
  credentialNoun,
  identityLabel,
  includeProviderManagedOption,
  isoDay,
  isSwitchedOff,
  skipIdentity,
} from './lib/common.js';

const Options = z.strictObject({
  maxUnusedDays: z
    .int()
    .min(1)
    .default(90)
    .describe('Days without use before a credential or identity fires.'),
  neverUsedGraceDays: z
    .int()
    .min(0)
    .default(7)
    .describe('Days a never-used credential may exist before it fires (time to deploy it).'),
  types: CredentialTypes.default([...CredentialType.options]).describe('Credential types judged.'),
  includeProviderManaged: includeProviderManagedOption,
});
type Options = z.infer<typeof Options>;

export const staleness: Policy<Options> = {
  id: 'staleness',
  title: 'Unused credential or identity',
  rationale:
    'Credentials and roles that nobody uses still grant access; removing them shrinks what an attacker can use and what an auditor must review.',
  severity: 'medium',
  options: Options,
  controls: {
    soc2: ['CC6.2', 'CC6.1'],
    soc1: ['ITGC-LA-2'],
    owaspNhi: ['NHI1'],
    cisAws: ['1.12'],
    cisGcp: ['1.12'],
    cisGithub: ['1.3.1', '1.4.2'],
    nistCsf: ['PR.AA-01', 'PR.AA-05', 'ID.AM-08'],
    cisControls: ['5.3'],
  },
  evaluate(identity, options, ctx) {
    if (skipIdentity(identity, options.includeProviderManaged)) return [];
    const asOf = ctx.asOf.toISOString();
    const drafts: FindingDraft[] = [];

    for (const cred of identity.credentials) {
      if (cred.status !== 'active') continue;
      if (cred.managedBy === 'provider' && !options.includeProviderManaged) continue;
      if (!options.types.includes(cred.type)) continue;
      const label = CREDENTIAL_LABEL[cred.type];
      const noun = credentialNoun(cred.type);
      if (typeof cred.lastUsedAt === 'string') {
        const unusedDays = daysBetween(cred.lastUsedAt, ctx.asOf);
        if (unusedDays === undefined || unusedDays <= options.maxUnusedDays) continue;
        drafts.push({
          key: 'unused',
          credentialUid: cred.uid,
          title: `${label} unused for ${unusedDays} days`,
          message: `${identityLabel(identity)} has an active ${noun} ${cred.uid} last used on ${isoDay(cred.lastUsedAt)}, ${unusedDays} days ago.`,
          evidence: {
            credentialType: cred.type,
            lastUsedAt: cred.lastUsedAt,
            ...(cred.lastUsedDetail ? { lastUsedDetail: cred.lastUsedDetail } : {}),
            unusedDays,
            maxUnusedDays: options.maxUnusedDays,
            asOf,
          },
          remediation: `Deactivate ${cred.uid}, and delete it if nothing breaks.`,
        });
      } else if (cred.lastUsedAt === null) {
        // A credential with no date of its own (a fine-grained PAT has only its grant) is at least
        // as old as the identity that holds it.
        const since = cred.createdAt ?? identity.createdAt;
        const ageDays = daysBetween(since, ctx.asOf);
        if (ageDays === undefined || ageDays <= options.neverUsedGraceDays) continue;
        drafts.push({
          key: 'never-used',
          credentialUid: cred.uid,
          title: `${label} never used in ${ageDays} days`,
          message: `${identityLabel(identity)} has an active ${noun} ${cred.uid}, created ${ageDays} days ago, that has never been used.`,
          evidence: {
            credentialType: cred.type,
            createdAt: since,
            ...(cred.createdAt ? {} : { createdAtFrom: 'identity' }),
            lastUsedAt: null,
            ...(cred.lastUsedDetail ? { lastUsedDetail: cred.lastUsedDetail } : {}),
            ageDays,
            neverUsedGraceDays: options.neverUsedGraceDays,
            asOf,
          },
          remediation: `Delete ${cred.uid}: it was created but never put to use.`,
        });
      }
      // undefined: usage unknown; the connector has recorded the gap.
    }

    // Identity-level use is only judged where the provider tracks it (AWS roles); for others
    // (IAM users) the connector leaves lastUsedAt undefined and use is judged per credential.
    const tracking = trackingDays(identity.attributes.lastUsedTrackingDays);
    if (typeof identity.lastUsedAt === 'string') {
      const unusedDays = daysBetween(identity.lastUsedAt, ctx.asOf);
      if (unusedDays !== undefined && unusedDays > options.maxUnusedDays) {
        drafts.push({
          key: 'identity-unused',
          title: `Not used for ${unusedDays} days`,
          message: `${identityLabel(identity)} was last used on ${isoDay(identity.lastUsedAt)}, ${unusedDays} days ago.`,
          evidence: {
            lastUsedAt: identity.lastUsedAt,
            ...(identity.lastUsedDetail ? { lastUsedDetail: identity.lastUsedDetail } : {}),
            unusedDays,
            maxUnusedDays: options.maxUnusedDays,
            ...(tracking === undefined ? {} : { lastUsedTrackingDays: tracking }),
            asOf,
          },
          remediation: `Confirm nothing still needs ${identity.name}, then remove it.`,
        });
      }
    } else if (isSwitchedOff(identity)) {
      // A disabled identity cannot be used: nothing to retire that is not already off.
    } else if (identity.lastUsedAt === null && identity.createdAt == null) {
      // No creation date (Google does not publish one for service accounts), but the provider
      // says how long it has watched: no use in a window longer than the limit is enough.
      const start = identity.lastUsedDetail?.observationStart;
      const windowDays = daysBetween(start, ctx.asOf);
      if (start !== undefined && windowDays !== undefined && windowDays > options.maxUnusedDays) {
        drafts.push({
          key: 'identity-never-used',
          title: `No recorded use in ${windowDays} days`,
          message: `${identityLabel(identity)} has no recorded use since ${isoDay(start)}, when the provider's record of use begins, ${windowDays} days ago.`,
          evidence: {
            createdAt: identity.createdAt ?? null,
            lastUsedAt: null,
            observationStart: start,
            observedDays: windowDays,
            maxUnusedDays: options.maxUnusedDays,
            asOf,
          },
          remediation: `Confirm nothing needs ${identity.name}, then disable it, and delete it if nothing breaks.`,
        });
      }
    } else if (identity.lastUsedAt === null) {
      const ageDays = daysBetween(identity.createdAt, ctx.asOf);
      if (ageDays !== undefined && ageDays > options.maxUnusedDays) {
        // The provider only remembers use for a window (AWS: 400 days): past it, "no record"
        // means "not used within the window", not "never used".
        const beyondWindow = tracking !== undefined && ageDays > tracking;
        drafts.push({
          key: 'identity-never-used',
          title: beyondWindow
            ? `No recorded use in ${tracking} days`
            : `Never used in ${ageDays} days since creation`,
          message: beyondWindow
            ? `${identityLabel(identity)}, created ${ageDays} days ago, has no recorded use within the provider's ${tracking}-day tracking window.`
            : `${identityLabel(identity)} was created ${ageDays} days ago and has never been used.`,
          evidence: {
            createdAt: identity.createdAt,
            lastUsedAt: null,
            ageDays,
            maxUnusedDays: options.maxUnusedDays,
            ...(tracking === undefined
              ? {}
              : { lastUsedTrackingDays: tracking, beyondTrackingWindow: beyondWindow }),
            asOf,
          },
          remediation: `Confirm nothing needs ${identity.name}, then remove it.`,
        });
      }
    }
    return drafts;
  },
};

const trackingDays = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
