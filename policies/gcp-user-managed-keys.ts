// gcp-user-managed-keys (informational): a user-managed service account key is a long-lived
// private key outside Google's control. Workloads on Google Cloud can use the attached service
// account, and workloads elsewhere workload identity federation or impersonation, with no key.
// One case is not informational at all: a key Google has found published (on GitHub, a gist)
// and that still works — its `extendedStatus` says so for the key's lifetime.
// GCP-SPECIFIC: reads the sa_key credentials the Google Cloud connector records.
import { z } from 'zod';
import type { Credential } from '../src/model.js';
import { type FindingDraft, type Policy, judged, notApplicable } from '../src/policy.js';
import {
  credentialFacts,
  identityLabel,
  includeProviderManagedOption,
  plural,
  skipIdentity,
  PROVIDER_MANAGED,
  REFERENCES,
} from './lib/common.js';

const Options = z.strictObject({
  includeProviderManaged: includeProviderManagedOption,
});
type Options = z.infer<typeof Options>;

const ExtendedStatus = z
  .array(z.object({ key: z.string().optional(), value: z.string().optional() }))
  .catch([]);

/** Google's verdict on a key: SERVICE_ACCOUNT_KEY_EXTENDED_STATUS_KEY_EXPOSED (and any later
 *  "compromised" status), or a key Google disabled for that reason. */
const exposureOf = (
  c: Credential,
): { statuses: { key: string; value?: string }[]; disableReason?: string } | undefined => {
  const statuses = ExtendedStatus.parse(c.attributes.extendedStatus ?? []).flatMap((s) =>
    s.key !== undefined && /EXPOSED|COMPROMIS/i.test(s.key)
      ? [{ key: s.key, ...(s.value ? { value: s.value } : {}) }]
      : [],
  );
  const reason = typeof c.attributes.disableReason === 'string' ? c.attributes.disableReason : undefined;
  const disabledForIt = reason !== undefined && /EXPOSED|COMPROMISE/i.test(reason);
  if (statuses.length === 0 && !disabledForIt) return undefined;
  return { statuses, ...(disabledForIt ? { disableReason: reason } : {}) };
};

export const gcpUserManagedKeys: Policy<Options> = {
  id: 'gcp-user-managed-keys',
  title: 'Service account uses user-managed keys',
  description:
    'Reports (informational) a Google Cloud service account with active user-managed keys, and (critical) a key Google has detected as exposed that is still enabled. User-managed keys are long-lived secrets that must be stored, distributed and rotated by hand; attached service accounts, workload identity federation and impersonation give the same access with no key to leak.',
  appliesTo: { providers: ['gcp'], kinds: ['gcp.service_account'] },
  severity: 'info',
  options: Options,
  controls: {
    soc2: ['CC6.1'],
    soc1: ['ITGC-LA-4'],
    owaspNhi: ['NHI4', 'NHI7'],
    cisGcp: ['1.4'],
    nistCsf: ['PR.AA-01'],
  },
  remediation: {
    default:
      'Run the workload as an attached service account on Google Cloud, or use workload identity federation or impersonation elsewhere; then delete the keys, and enforce iam.disableServiceAccountKeyCreation.',
  },
  references: [
    REFERENCES.gcpKeyBestPractices,
    'https://cloud.google.com/iam/docs/workload-identity-federation',
    'https://cloud.google.com/resource-manager/docs/organization-policy/restricting-service-accounts',
    REFERENCES.owaspNhi,
    REFERENCES.cisGcp,
  ],
  findings: [
    {
      key: 'exposed-key',
      title: 'Key found exposed by Google is still active',
      evidence: ['key', 'extendedStatus', 'disableReason'],
    },
    {
      key: 'user-managed-keys',
      title: '<n> user-managed keys where keyless access is possible',
      evidence: ['keys'],
    },
  ],
  evaluate(identity, options) {
    if (identity.provider !== 'gcp' || identity.kind !== 'gcp.service_account')
      return [notApplicable('not a Google Cloud service account')];
    if (skipIdentity(identity, options.includeProviderManaged)) return [notApplicable(PROVIDER_MANAGED)];
    const keys = identity.credentials.filter(
      (c) => c.type === 'sa_key' && c.managedBy === 'user' && c.status === 'active',
    );
    const drafts: FindingDraft[] = [];
    // A published key that still authenticates: whoever found it is the account.
    for (const key of keys) {
      const exposure = exposureOf(key);
      if (!exposure) continue;
      drafts.push({
        key: 'exposed-key',
        credentialUid: key.uid,
        severity: 'critical',
        title: 'Key found exposed by Google is still active',
        message: `${identityLabel(identity)} has key ${key.uid}, which Google detected as exposed, still enabled.`,
        evidence: {
          key: credentialFacts(key),
          extendedStatus: exposure.statuses,
          ...(exposure.disableReason ? { disableReason: exposure.disableReason } : {}),
        },
        remediation:
          "Delete the key now, review the account's activity since the key was published, and set the iam.serviceAccountKeyExposureResponse organization policy to disable exposed keys.",
      });
    }
    if (keys.length === 0) return [judged(drafts)];
    return [
      judged([
        ...drafts,
        {
          key: 'user-managed-keys',
          title: `${plural(keys.length, 'user-managed key')} where keyless access is possible`,
          message: `${identityLabel(identity)} has ${plural(keys.length, 'active user-managed key')} (${keys.map((k) => k.uid).join(', ')}).`,
          evidence: { keys: keys.map(credentialFacts) },
          remediation:
            'Run the workload as an attached service account on Google Cloud, or use workload identity federation or impersonation elsewhere; then delete the keys.',
        },
      ]),
    ];
  },
};
