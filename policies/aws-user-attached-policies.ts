// aws-user-attached-policies: CIS AWS 1.15 — an IAM user should get its permissions through a
// group (or, better, be a role), not from policies attached to the user itself: permissions
// scattered over individual users are the ones access reviews miss. Low: a hygiene finding, the
// privilege itself is excess-privilege's to judge.
import { z } from 'zod';
import { awsUserAttributes } from '../connectors/aws/attributes.js';
import { type Policy, judged, notApplicable, unknown } from '../src/policy.js';
import { REFERENCES, identityLabel, plural } from './lib/common.js';

const Options = z.strictObject({
  includeInline: z
    .boolean()
    .default(false)
    .describe("Also fire on the user's own inline policies (CIS AWS 1.15 covers both)."),
});
type Options = z.infer<typeof Options>;

export const awsUserAttachedPolicies: Policy<Options> = {
  id: 'aws-user-attached-policies',
  title: 'Policy attached directly to an IAM user',
  description:
    "Fires when a managed policy is attached to an IAM user itself rather than to a group the user is in (CIS AWS 1.15); with includeInline, also on the user's own inline policies. Permissions granted user by user are the ones access reviews miss and that outlive the job they were given for. Unknown when GetAccountAuthorizationDetails did not return the user.",
  appliesTo: { providers: ['aws'], kinds: ['aws.iam_user'] },
  severity: 'low',
  options: Options,
  controls: {
    soc2: ['CC6.3', 'CC6.1'],
    soc1: ['ITGC-LA-3'],
    owaspNhi: ['NHI5'],
    cisAws: ['1.15'],
    nistCsf: ['PR.AA-05'],
    cisControls: ['6.8'],
  },
  remediation: {
    default:
      'Move the permissions to a group and add the user to it (aws iam attach-group-policy, aws iam add-user-to-group), then detach the policy from the user (aws iam detach-user-policy; inline: aws iam delete-user-policy). Better still, replace the user with a role.',
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_attach-policy.html',
    REFERENCES.awsIamBestPractices,
    REFERENCES.cisAws,
    REFERENCES.owaspNhi,
  ],
  findings: [
    {
      key: 'user-attached-policies',
      title: '<n> policies attached to the user',
      evidence: ['managedPolicies', 'inlinePolicies'],
    },
  ],
  evaluate(identity, options) {
    if (identity.managedBy === 'provider') return [notApplicable('managed by the provider')];
    const attrs = awsUserAttributes(identity);
    const managed = attrs?.managedPolicies;
    const inline = attrs?.inlinePolicies;
    if (managed === undefined || (options.includeInline && inline === undefined))
      return [unknown("the user's policies were not read (see the coverage gaps)")];
    const flagged = [...managed, ...(options.includeInline ? (inline ?? []) : [])];
    if (flagged.length === 0) return [judged([])];
    return [
      judged([
        {
          key: 'user-attached-policies',
          title: `${plural(flagged.length, 'policy', 'policies')} attached to the user`,
          message: `${identityLabel(identity)} has ${plural(flagged.length, 'policy', 'policies')} attached to it directly (${flagged.join(', ')}), not through a group.`,
          evidence: {
            managedPolicies: managed,
            ...(options.includeInline ? { inlinePolicies: inline ?? [] } : {}),
          },
        },
      ]),
    ];
  },
};
