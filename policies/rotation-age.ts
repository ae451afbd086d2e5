// rotation-age: a long-lived secret that has not changed in months has had months to leak
// (laptops, CI logs, old images). Provider-neutral: judges every Credential the same way.
import { z } from 'zod';
import { daysBetween } from '../src/clock.js';
import { CredentialType } from '../src/model.js';
import { type Policy, type Verdict, fail, notApplicable, pass, unknown } from '../src/policy.js';
import {
  CredentialTypes,
  USER_ROTATABLE_TYPES,
  credentialNoun,
  identityLabel,
  includeProviderManagedOption,
  skipIdentity,
  CREDENTIAL_LABEL,
  PROVIDER_MANAGED,
  REFERENCES,
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
  description:
    'Fires on an active, user-managed credential (access key, service account key, API key, token, deploy key, secret, SSH key, certificate) whose material has not changed for longer than the threshold. A secret that has not changed for months has had months to be copied into logs, laptops and images; regular rotation bounds how long a leaked copy stays useful. Unknown when neither a creation nor a rotation date is known.',
  appliesTo: {},
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
  remediation: {
    default:
      'Create a new credential, move its consumers to it, then deactivate and delete the old one; automate the cycle (a secrets manager rotation, or a short-lived alternative).',
    byKind: {
      'aws.iam_user':
        'Create a second access key (aws iam create-access-key), move the workload to it, deactivate the old key (update-access-key --status Inactive), then delete it. Better: replace the key with a role the workload assumes.',
      'gcp.service_account':
        'Create a new key, move the workload to it, disable then delete the old key. Better: attach the service account to the workload or use workload identity federation, with no key at all.',
      'gcp.api_key':
        'Create a new API key with the same restrictions, move its callers to it, then delete the old key.',
      'github.deploy_key':
        'Add a new deploy key to the repository, move the consumer to it, then delete the old key (deploy keys cannot be rotated in place).',
      'github.actions_secret':
        "Generate a new value at the secret's source, then update the secret (its updated_at is the rotation date).",
      'github.dependabot_secret': "Generate a new value at the secret's source, then update the secret.",
      'github.codespaces_secret': "Generate a new value at the secret's source, then update the secret.",
    },
  },
  references: [
    REFERENCES.awsAccessKeys,
    REFERENCES.gcpKeyBestPractices,
    REFERENCES.owaspNhi,
    REFERENCES.cisAws,
    REFERENCES.cisGcp,
  ],
  findings: [
    {
      title: '<Credential> not rotated in <n> days',
      evidence: [
        'credentialType',
        'createdAt',
        'lastRotatedAt',
        'ageDays',
        'maxAgeDays',
        'thresholdSource',
        'asOf',
        'lastUsedAt',
      ],
    },
  ],
  evaluate(identity, options, ctx) {
    if (skipIdentity(identity, options.includeProviderManaged)) return [notApplicable(PROVIDER_MANAGED)];
    const verdicts: Verdict[] = [];
    for (const cred of identity.credentials) {
      // Provider-managed credentials (e.g. Google-managed keys) rotate themselves.
      if (cred.status !== 'active' || cred.managedBy !== 'user' || !options.types.includes(cred.type))
        continue;
      // `null` lastRotatedAt means "never rotated": age runs from creation.
      const since = cred.lastRotatedAt ?? cred.createdAt;
      const ageDays = daysBetween(since, ctx.asOf);
      if (ageDays === undefined) {
        verdicts.push(unknown(`${cred.uid}: neither a creation nor a rotation date is known`));
        continue;
      }
      const byType = options.maxAgeDaysByType[cred.type];
      const threshold = byType ?? options.maxAgeDays;
      if (ageDays <= threshold) {
        verdicts.push(pass());
        continue;
      }
      // Twice over the limit is no longer a missed cycle but a credential nobody rotates; the
      // line says why it is above the policy's severity.
      const raised = ageDays >= 2 * threshold;
      // Never used (the provider says so): nothing needs a rotated replacement. The advice is the
      // one staleness gives, delete it, not "rotate" beside "delete".
      const neverUsed = cred.lastUsedAt === null;
      verdicts.push(
        fail({
          credentialUid: cred.uid,
          title: `${CREDENTIAL_LABEL[cred.type]} not rotated in ${ageDays} days${raised ? ` (high: at least twice the ${threshold}-day limit)` : ''}`,
          message: `${identityLabel(identity)} has an active ${credentialNoun(cred.type)} ${cred.uid} last rotated ${ageDays} days ago, over the ${threshold}-day limit${neverUsed ? ', and never used' : ''}.`,
          evidence: {
            credentialType: cred.type,
            createdAt: cred.createdAt,
            lastRotatedAt: cred.lastRotatedAt,
            ageDays,
            maxAgeDays: threshold,
            thresholdSource: byType === undefined ? 'maxAgeDays' : `maxAgeDaysByType.${cred.type}`,
            asOf: ctx.asOf.toISOString(),
            ...(neverUsed ? { lastUsedAt: null } : {}),
          },
          ...(raised ? { severity: 'high' as const } : {}),
          remediation: neverUsed
            ? `Delete ${cred.uid}: it has never been used, so nothing needs a rotated replacement.`
            : `Create a new ${credentialNoun(cred.type)}, move its consumers to it, then deactivate and delete ${cred.uid}.`,
        }),
      );
    }
    return verdicts.length > 0
      ? verdicts
      : [notApplicable('no active, user-managed credential of the judged types')];
  },
};
