// gcp-basic-roles: Google's basic roles predate IAM's fine-grained roles and grant thousands of
// permissions across every service. A service account with roles/editor can change almost
// anything in its project, so any leak of its key or any workload running as it can too.
// GCP-SPECIFIC: reads the bindings the Google Cloud connector records on each service account.
import { z } from 'zod';
import { type Policy, fail, notApplicable, pass, unknown } from '../src/policy.js';
import {
  PROVIDER_MANAGED,
  REFERENCES,
  identityLabel,
  includeProviderManagedOption,
  skipIdentity,
} from './lib/common.js';
import { describeBinding, serviceAccountAttributes } from './lib/gcp.js';

const Options = z.strictObject({
  roles: z
    .array(z.string().min(1))
    .min(1)
    .default(['roles/editor'])
    .describe('Broad roles a service account must not hold (roles/owner is reported by excess-privilege).'),
  includeConditional: z
    .boolean()
    .default(true)
    .describe('Also fire on conditional bindings of those roles (the condition is shown in evidence).'),
  includeProviderManaged: includeProviderManagedOption,
});
type Options = z.infer<typeof Options>;

export const gcpBasicRoles: Policy<Options> = {
  id: 'gcp-basic-roles',
  title: 'Service account holds a basic role',
  description:
    'Fires on a Google Cloud service account holding a basic role (roles/editor by default) on a project, folder or organisation, conditional bindings included. Basic roles grant write access to nearly every service in a project; a service account needs a few predefined roles, and anything more is what a leaked key or a compromised workload gets. roles/owner is reported by excess-privilege.',
  appliesTo: { providers: ['gcp'], kinds: ['gcp.service_account'] },
  severity: 'high',
  options: Options,
  controls: {
    soc2: ['CC6.3'],
    soc1: ['ITGC-LA-3'],
    owaspNhi: ['NHI5'],
    cisGcp: ['1.5'],
    nistCsf: ['PR.AA-05'],
    cisControls: ['5.4', '6.8'],
  },
  remediation: {
    default:
      "Replace the basic role with the predefined roles the service account needs (IAM's role recommendations list what it used); for a default compute or App Engine account, give workloads their own service accounts instead.",
  },
  references: [
    'https://cloud.google.com/iam/docs/roles-overview#basic',
    'https://cloud.google.com/iam/docs/recommender-overview',
    REFERENCES.gcpServiceAccountBestPractices,
    REFERENCES.owaspNhi,
    REFERENCES.cisGcp,
  ],
  findings: [
    {
      key: 'basic-role',
      title: 'Holds <roles>',
      evidence: ['roles', 'bindings', 'defaultAccount', 'privilegeLevel'],
    },
  ],
  evaluate(identity, options) {
    if (skipIdentity(identity, options.includeProviderManaged)) return [notApplicable(PROVIDER_MANAGED)];
    const attrs = serviceAccountAttributes(identity);
    if (!attrs) return [unknown('the service account facts recorded by the connector could not be read')];
    if (attrs.disabled) return [notApplicable('the service account is disabled')];
    // A binding the connector found inactive (an expired condition) grants nothing now.
    const hits = attrs.bindings.filter(
      (b) =>
        b.status !== 'inactive' &&
        options.roles.includes(b.role) &&
        (options.includeConditional || b.condition === undefined),
    );
    if (hits.length === 0)
      return identity.unknownFacts?.includes('privilege')
        ? [unknown('an IAM policy granting roles to this account was not read (see the coverage gaps)')]
        : [pass()];
    const roles = [...new Set(hits.map((b) => b.role))].sort();
    return [
      fail({
        key: 'basic-role',
        title: `Holds ${roles.join(', ')}`,
        message: `${identityLabel(identity)} holds ${hits.map(describeBinding).join('; ')}.`,
        evidence: {
          roles,
          bindings: hits,
          ...(attrs.defaultAccount ? { defaultAccount: attrs.defaultAccount } : {}),
          privilegeLevel: identity.privilege.level,
        },
        remediation: attrs.defaultAccount
          ? `Remove ${roles.join(', ')} from the default ${attrs.defaultAccount} service account and give workloads their own service accounts with only the predefined roles they use.`
          : `Replace ${roles.join(', ')} with the predefined roles this service account needs (IAM's role recommendations list what it used).`,
      }),
    ];
  },
};
