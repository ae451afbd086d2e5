// gcp-user-managed-keys (informational): a user-managed service account key is a long-lived
// private key outside Google's control. Workloads on Google Cloud can use the attached service
// account, and workloads elsewhere workload identity federation or impersonation, with no key.
// GCP-SPECIFIC: reads the sa_key credentials the Google Cloud connector records.
import { z } from 'zod';
import type { Policy } from '../src/policy.js';
import {
  credentialFacts,
  identityLabel,
  includeProviderManagedOption,
  plural,
  skipIdentity,
} from './lib/common.js';

const Options = z.strictObject({
  includeProviderManaged: includeProviderManagedOption,
});
type Options = z.infer<typeof Options>;

export const gcpUserManagedKeys: Policy<Options> = {
  id: 'gcp-user-managed-keys',
  title: 'Service account uses user-managed keys',
  rationale:
    'User-managed keys are long-lived secrets that must be stored, distributed and rotated by hand; attached service accounts, workload identity federation and impersonation give the same access with no key to leak.',
  severity: 'info',
  options: Options,
  controls: {
    soc2: ['CC6.1'],
    soc1: ['ITGC-LA-4'],
    owaspNhi: ['NHI4', 'NHI7'],
    cisGcp: ['1.4'],
    nistCsf: ['PR.AA-01'],
  },
  evaluate(identity, options) {
    if (identity.provider !== 'gcp' || identity.kind !== 'gcp.service_account') return [];
    if (skipIdentity(identity, options.includeProviderManaged)) return [];
    const keys = identity.credentials.filter(
      (c) => c.type === 'sa_key' && c.managedBy === 'user' && c.status === 'active',
    );
    if (keys.length === 0) return [];
    return [
      {
        key: 'user-managed-keys',
        title: `${plural(keys.length, 'user-managed key')} where keyless access is possible`,
        message: `${identityLabel(identity)} has ${plural(keys.length, 'active user-managed key')} (${keys.map((k) => k.uid).join(', ')}).`,
        evidence: { keys: keys.map(credentialFacts) },
        remediation:
          'Run the workload as an attached service account on Google Cloud, or use workload identity federation or impersonation elsewhere; then delete the keys.',
      },
    ];
  },
};
