// staleness: access nobody uses is access nobody would miss, and nobody would notice being
// abused. Judges credentials (every provider) and, where the provider tracks it, the identity.
// `lastUsedAt` undefined means the connector could not learn usage: that is a coverage gap the
// connector records, never a pass or a finding here.
import { z } from 'zod';
import { daysBetween } from '../src/clock.js';
import { CredentialType } from '../src/model.js';
import { type Policy, type Verdict, fail, notApplicable, pass, unknown } from '../src/policy.js';
import {
  CREDENTIAL_LABEL,
  CredentialTypes,
  credentialNoun,
  identityLabel,
  includeProviderManagedOption,
  isoDay,
  isSwitchedOff,
  skipIdentity,
  PROVIDER_MANAGED,
  REFERENCES,
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
  description:
    'Fires on an active credential not used for longer than the threshold (or never used past a grace period), and on an identity the provider tracks use for (AWS roles, Google service accounts) with no use in that time. Credentials and roles that nobody uses still grant access; removing them shrinks what an attacker can use and what an auditor must review. Unknown when the provider gives no last-used date and does not say "never" (GitHub secrets, a failed usage call): no date is never read as no use.',
  appliesTo: {},
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
  remediation: {
    default:
      'Confirm nothing still needs the credential or identity, deactivate it, and delete it if nothing breaks.',
    byKind: {
      'aws.iam_user':
        'Deactivate the unused access keys (aws iam update-access-key --status Inactive) and delete them if nothing breaks; remove the user when it has nothing left to do.',
      'aws.iam_role':
        'Check CloudTrail for the role, then remove its permissions and delete it (aws iam delete-role after detaching policies).',
      'gcp.service_account':
        'Disable the service account (gcloud iam service-accounts disable), watch for breakage, then delete it and its keys.',
      'gcp.api_key': 'Delete the API key (gcloud services api-keys delete) once no caller uses it.',
      'github.fine_grained_pat':
        'Revoke the token in the organisation settings (Personal access tokens → Active tokens).',
      'github.credential_authorization':
        "Revoke the credential's SSO authorisation in the organisation settings (People → the member → SAML identity).",
      'github.deploy_key': 'Delete the deploy key from the repository settings.',
    },
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html',
    REFERENCES.awsIamBestPractices,
    'https://cloud.google.com/iam/docs/service-account-monitoring',
    REFERENCES.owaspNhi,
    REFERENCES.cisAws,
    REFERENCES.cisGcp,
  ],
  findings: [
    {
      key: 'unused',
      title: '<Credential> unused for <n> days',
      evidence: ['credentialType', 'lastUsedAt', 'lastUsedDetail', 'unusedDays', 'maxUnusedDays', 'asOf'],
    },
    {
      key: 'never-used',
      title: '<Credential> never used in <n> days',
      evidence: [
        'credentialType',
        'createdAt',
        'createdAtFrom',
        'lastUsedAt',
        'lastUsedDetail',
        'ageDays',
        'neverUsedGraceDays',
        'asOf',
      ],
    },
    {
      key: 'identity-unused',
      title: 'Not used for <n> days',
      evidence: [
        'lastUsedAt',
        'lastUsedDetail',
        'unusedDays',
        'maxUnusedDays',
        'lastUsedTrackingDays',
        'asOf',
      ],
    },
    {
      key: 'identity-never-used',
      title: 'Never used in <n> days since creation / No recorded use in <n> days',
      evidence: [
        'createdAt',
        'lastUsedAt',
        'ageDays',
        'observationStart',
        'observedDays',
        'maxUnusedDays',
        'lastUsedTrackingDays',
        'beyondTrackingWindow',
        'asOf',
      ],
    },
  ],
  evaluate(identity, options, ctx) {
    if (skipIdentity(identity, options.includeProviderManaged)) return [notApplicable(PROVIDER_MANAGED)];
    const asOf = ctx.asOf.toISOString();
    const verdicts: Verdict[] = [];
    const credentialVerdicts = (): number => verdicts.length;

    for (const cred of identity.credentials) {
      if (cred.status !== 'active') {
        verdicts.push(notApplicable(`${cred.uid} is ${cred.status}`));
        continue;
      }
      if (cred.managedBy === 'provider' && !options.includeProviderManaged) {
        verdicts.push(notApplicable(`${cred.uid} is managed by the provider`));
        continue;
      }
      if (!options.types.includes(cred.type)) {
        verdicts.push(notApplicable(`${cred.type} is not among the judged types`));
        continue;
      }
      const label = CREDENTIAL_LABEL[cred.type];
      const noun = credentialNoun(cred.type);
      if (typeof cred.lastUsedAt === 'string') {
        const unusedDays = daysBetween(cred.lastUsedAt, ctx.asOf);
        if (unusedDays === undefined) {
          verdicts.push(unknown(`${cred.uid}: last-used date ${cred.lastUsedAt} is not a date`));
          continue;
        }
        if (unusedDays <= options.maxUnusedDays) {
          verdicts.push(pass());
          continue;
        }
        verdicts.push(
          fail({
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
          }),
        );
      } else if (cred.lastUsedAt === null) {
        // A credential with no date of its own (a fine-grained PAT has only its grant) is at least
        // as old as the identity that holds it.
        const since = cred.createdAt ?? identity.createdAt;
        const ageDays = daysBetween(since, ctx.asOf);
        if (ageDays === undefined) {
          verdicts.push(unknown(`${cred.uid}: never used, but no creation date is known to age it from`));
          continue;
        }
        if (ageDays <= options.neverUsedGraceDays) {
          verdicts.push(pass());
          continue;
        }
        verdicts.push(
          fail({
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
          }),
        );
      } else {
        // Usage unknown (the provider does not report it, or the call failed: a recorded gap).
        verdicts.push(
          unknown(`${cred.uid}: no last-used date, and the provider does not say it was never used`),
        );
      }
    }

    // Identity-level use is only judged where the provider tracks it (AWS roles); for others
    // (IAM users) the connector leaves lastUsedAt undefined and use is judged per credential.
    const tracking = trackingDays(identity.attributes.lastUsedTrackingDays);
    if (typeof identity.lastUsedAt === 'string') {
      const unusedDays = daysBetween(identity.lastUsedAt, ctx.asOf);
      if (unusedDays === undefined) {
        verdicts.push(unknown(`last-used date ${identity.lastUsedAt} is not a date`));
      } else if (unusedDays <= options.maxUnusedDays) {
        verdicts.push(pass());
      } else {
        verdicts.push(
          fail({
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
          }),
        );
      }
    } else if (isSwitchedOff(identity)) {
      // A disabled identity cannot be used: nothing to retire that is not already off.
      verdicts.push(notApplicable('the provider reports the identity switched off'));
    } else if (identity.lastUsedAt === null && identity.createdAt == null) {
      // No creation date (Google does not publish one for service accounts), but the provider
      // says how long it has watched: no use in a window longer than the limit is enough.
      const start = identity.lastUsedDetail?.observationStart;
      const windowDays = daysBetween(start, ctx.asOf);
      if (start === undefined || windowDays === undefined) {
        verdicts.push(
          unknown(
            "no recorded use, but neither a creation date nor the start of the provider's record of use is known",
          ),
        );
      } else if (windowDays <= options.maxUnusedDays) {
        verdicts.push(pass());
      } else {
        verdicts.push(
          fail({
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
          }),
        );
      }
    } else if (identity.lastUsedAt === null) {
      const ageDays = daysBetween(identity.createdAt, ctx.asOf);
      if (ageDays === undefined) {
        verdicts.push(
          unknown(`never used, but the creation date ${String(identity.createdAt)} is not a date`),
        );
      } else if (ageDays <= options.maxUnusedDays) {
        verdicts.push(pass());
      } else {
        // The provider only remembers use for a window (AWS: 400 days): past it, "no record"
        // means "not used within the window", not "never used".
        const beyondWindow = tracking !== undefined && ageDays > tracking;
        verdicts.push(
          fail({
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
          }),
        );
      }
    } else if (credentialVerdicts() === 0) {
      // Neither the identity nor any credential has a usage record (e.g. a GitHub App
      // installation, a webhook): whether it is still used is not known.
      verdicts.push(
        unknown('the provider reports no last use for this identity and it holds no credential to judge'),
      );
    }
    // Otherwise identity-level use is not tracked for this kind (IAM users, GitHub tokens): judged per credential above.
    return verdicts;
  },
};

const trackingDays = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
