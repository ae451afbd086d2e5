// aws-confused-deputy: a role that trusts an AWS service principal lets that service assume it on
// behalf of whoever asks the service, including another customer who names this role's ARN in
// their own resource. `aws:SourceAccount` / `aws:SourceArn` (or `aws:SourceOrgID`) in the trust
// statement bind the assumption to your own resources. Only services whose documentation says they
// send those keys when they assume a role are judged (adding the condition for another service
// would break the role); the list is an option.
import { z } from 'zod';
import type { Trust } from '../src/model.js';
import { type Policy, judged, notApplicable, unknown } from '../src/policy.js';
import { type ConditionHit, conditionsOn, isOnlyWildcard } from './lib/aws-trust.js';
import { REFERENCES, identityLabel, plural } from './lib/common.js';
import { AWS_TRUST_PRINCIPAL } from '../connectors/aws/attributes.js';

/**
 * Service principals whose AWS documentation shows `aws:SourceAccount` / `aws:SourceArn` in the
 * trust policy of the role the service assumes (cross-service confused deputy prevention pages).
 * Not listed: services that assume a role without sending them (EC2 instance profiles, Lambda
 * execution roles): a condition there would stop the role working.
 */
export const CONFUSED_DEPUTY_SERVICES = [
  'appstream.amazonaws.com',
  'autoscaling.amazonaws.com',
  'bedrock.amazonaws.com',
  'config.amazonaws.com',
  'datasync.amazonaws.com',
  'datazone.amazonaws.com',
  'ecs-tasks.amazonaws.com',
  'fis.amazonaws.com',
  'iot.amazonaws.com',
  'personalize.amazonaws.com',
  'sagemaker.amazonaws.com',
  'ssm.amazonaws.com',
  'transfer.amazonaws.com',
];

const SOURCE_KEYS = ['aws:SourceAccount', 'aws:SourceArn', 'aws:SourceOrgID', 'aws:SourceOrgPaths'];

const Options = z.strictObject({
  services: z
    .array(z.string().min(1))
    .default(CONFUSED_DEPUTY_SERVICES)
    .describe(
      'Service principals that send aws:SourceAccount / aws:SourceArn when they assume a role: a role trusting one without those conditions fires. Replace the list to add or drop services.',
    ),
});
type Options = z.infer<typeof Options>;

/**
 * Does the condition pin the source? A positive string or ARN match on a concrete value. `…IfExists`
 * and `ForAllValues:` pass when the key is absent, a negated operator or `Null` admits anything.
 */
const pinsSource = (hit: ConditionHit): boolean => {
  if (/IfExists$/i.test(hit.operator) || /^ForAllValues:/i.test(hit.operator)) return false;
  const base = hit.operator.replace(/^ForAnyValue:/i, '').toLowerCase();
  if (!['stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike'].includes(base))
    return false;
  return hit.values.length > 0 && !hit.values.some(isOnlyWildcard);
};

const unpinned = (t: Trust, services: ReadonlySet<string>): boolean =>
  t.principalType === AWS_TRUST_PRINCIPAL.service &&
  services.has(t.principal.toLowerCase()) &&
  !SOURCE_KEYS.some((key) => conditionsOn(t, key).some(pinsSource));

export const awsConfusedDeputy: Policy<Options> = {
  id: 'aws-confused-deputy',
  title: 'Service role open to a confused deputy',
  description:
    "Fires when an IAM role trusts an AWS service principal without an aws:SourceAccount, aws:SourceArn, aws:SourceOrgID or aws:SourceOrgPaths condition, for services that send those keys when they assume a role (the `services` option; default: AppStream, EC2 Auto Scaling, Bedrock, Config, DataSync, DataZone, ECS tasks, FIS, IoT, Personalize, SageMaker, Systems Manager, Transfer Family). Any customer of that service can then point it at this role's ARN and have it act with the role's permissions (the cross-service confused deputy). Service-linked roles are AWS's and are not judged; unknown when the trust policy was not read.",
  appliesTo: { providers: ['aws'], kinds: ['aws.iam_role'] },
  severity: 'medium',
  options: Options,
  controls: {
    soc2: ['CC6.6', 'CC6.1'],
    soc1: ['ITGC-LA-5'],
    owaspNhi: ['NHI6'],
    nistCsf: ['PR.AA-05'],
    cisControls: ['6.8'],
  },
  remediation: {
    default:
      'Add a condition to each flagged trust statement binding it to your own resources: "Condition": {"StringEquals": {"aws:SourceAccount": "ACCOUNT_ID"}, "ArnLike": {"aws:SourceArn": "arn:aws:SERVICE:REGION:ACCOUNT_ID:RESOURCE"}} (aws iam update-assume-role-policy). Use aws:SourceOrgID for a role shared across your organisation.',
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn',
    REFERENCES.awsIamBestPractices,
    REFERENCES.owaspNhi,
  ],
  findings: [
    {
      key: 'service-trust-unpinned',
      title: 'Trusts <service> without aws:SourceAccount / aws:SourceArn',
      evidence: ['services', 'trust'],
    },
  ],
  evaluate(identity, options) {
    if (identity.managedBy === 'provider') return [notApplicable('managed by the provider')];
    if (identity.trust.length === 0 && identity.unknownFacts?.includes('trust'))
      return [unknown("the role's trust policy was not read (see the coverage gaps)")];
    const services = new Set(options.services.map((s) => s.toLowerCase()));
    const hits = identity.trust.filter((t) => unpinned(t, services));
    if (hits.length === 0) return [judged([])];
    const names = [...new Set(hits.map((t) => t.principal))].sort();
    return [
      judged([
        {
          key: 'service-trust-unpinned',
          title: `Trusts ${names.join(', ')} without aws:SourceAccount / aws:SourceArn`,
          message: `${identityLabel(identity)} trusts ${plural(names.length, 'AWS service')} (${names.join(', ')}) with no aws:SourceAccount, aws:SourceArn or aws:SourceOrgID condition: another customer of the service can have it assume this role.`,
          evidence: {
            services: names,
            trust: hits.map((t) => ({
              principal: t.principal,
              conditions: t.conditions,
              actions: t.actions,
              source: t.source,
              ...(t.sid === undefined ? {} : { sid: t.sid }),
            })),
          },
        },
      ]),
    ];
  },
};
