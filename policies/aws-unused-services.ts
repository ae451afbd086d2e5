// aws-unused-services: permissions an identity holds but does not use are the least-privilege gap
// auditors ask about under CC6.3 — access nobody would miss, and that a leaked key still grants.
// Reads IAM's service last accessed data (the AWS connector's `serviceLastAccessed` attribute):
// the services the identity policies allow and when the identity last authenticated to each.
// A failed or unfinished job is `unknown`, never "every service used" nor "none used".
import { z } from 'zod';
import { daysBetween } from '../src/clock.js';
import { type Policy, judged, notApplicable, unknown } from '../src/policy.js';
import {
  AWS_KINDS,
  type ServiceLastAccessedAttribute,
  awsRoleAttributes,
  awsUserAttributes,
} from '../connectors/aws/attributes.js';
import { REFERENCES, identityLabel, isoDay, plural } from './lib/common.js';

const Options = z.strictObject({
  unusedAfterDays: z
    .int()
    .min(1)
    .max(400)
    .default(90)
    .describe(
      'Days without an authentication to a granted service before it counts as unused (IAM tracks the last 400 days). A service never used counts once the identity is this old.',
    ),
  ignoreServices: z
    .array(z.string().min(1))
    .default([])
    .describe('Service namespaces (e.g. "sts", "kms") never reported as unused.'),
});
type Options = z.infer<typeof Options>;

type Service = Extract<ServiceLastAccessedAttribute, { status: 'complete' }>['services'][number];

export const awsUnusedServices: Policy<Options> = {
  id: 'aws-unused-services',
  title: 'AWS services granted but not used',
  description:
    "Fires on an IAM user or role whose policies allow services it has not authenticated to for longer than the threshold (or ever, once the identity is that old), from IAM's service last accessed data. Unused grants are access nobody would miss and a leaked credential still has; removing them is the least-privilege evidence auditors ask for. Services no action of which gets through the permissions boundary, SCPs or Denies are not reported (IAM lists what the identity policies allow). Unknown when the job failed, was refused or did not finish; not applicable when the scan did not ask (below `serviceLastAccessed.minLevel`, or switched off).",
  appliesTo: { providers: ['aws'], kinds: [AWS_KINDS.iamUser, AWS_KINDS.iamRole] },
  severity: 'medium',
  options: Options,
  controls: {
    soc2: ['CC6.3'],
    soc1: ['ITGC-LA-3'],
    owaspNhi: ['NHI5'],
    nistCsf: ['PR.AA-05'],
    cisControls: ['6.8'],
  },
  remediation: {
    default:
      'Remove the unused services from the identity policies (IAM Access Analyzer can generate a policy from CloudTrail activity); confirm with the service last accessed view in the IAM console.',
    byKind: {
      'aws.iam_user':
        "Remove the unused services' actions from the user's policies and groups (IAM console → Users → the user → Last Accessed shows the same data), or replace the policies with one generated from its CloudTrail activity.",
      'aws.iam_role':
        "Remove the unused services' actions from the role's policies (IAM console → Roles → the role → Last Accessed), or replace them with a policy IAM Access Analyzer generates from its CloudTrail activity.",
    },
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html',
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_GenerateServiceLastAccessedDetails.html',
    REFERENCES.awsIamBestPractices,
    REFERENCES.owaspNhi,
  ],
  findings: [
    {
      key: 'unused-services',
      title: '<n> granted services not used in <n> days',
      evidence: [
        'unusedServices',
        'grantedServices',
        'blockedServices',
        'unusedAfterDays',
        'createdAt',
        'jobCompletedAt',
        'asOf',
      ],
    },
  ],
  evaluate(identity, options, ctx) {
    if (identity.managedBy === 'provider') return [notApplicable('managed by the provider: not judged')];
    const data = (awsUserAttributes(identity) ?? awsRoleAttributes(identity))?.serviceLastAccessed;
    if (data === undefined) {
      return [
        notApplicable(
          'service last accessed data not read for this identity (providers.aws.serviceLastAccessed: off, or its level is below minLevel)',
        ),
      ];
    }
    if (data.status === 'unknown') return [unknown(`service last accessed data unknown: ${data.reason}`)];
    const ignored = new Set(options.ignoreServices.map((s) => s.toLowerCase()));
    const ageDays = daysBetween(identity.createdAt, ctx.asOf);
    const unused: (Service & { unusedDays: number | null })[] = [];
    const undecided: string[] = [];
    const blocked: Service[] = [];
    for (const service of data.services) {
      if (ignored.has(service.namespace.toLowerCase())) continue;
      if (service.blockedBy !== undefined) {
        blocked.push(service);
        continue;
      }
      if (service.lastAuthenticated === null) {
        // Never used: it counts once the identity has had the whole threshold to use it.
        if (ageDays === undefined) undecided.push(service.namespace);
        else if (ageDays >= options.unusedAfterDays) unused.push({ ...service, unusedDays: null });
        continue;
      }
      const days = daysBetween(service.lastAuthenticated, ctx.asOf);
      if (days === undefined) undecided.push(service.namespace);
      else if (days >= options.unusedAfterDays) unused.push({ ...service, unusedDays: days });
    }
    if (unused.length === 0 && undecided.length > 0) {
      return [
        unknown(
          `no creation or last-use date to judge ${plural(undecided.length, 'service')}: ${undecided.join(', ')}`,
        ),
      ];
    }
    const names = unused.map(
      (s) =>
        `${s.namespace} (${s.lastAuthenticated ? `last used ${isoDay(s.lastAuthenticated)}` : 'never used'})`,
    );
    return [
      judged(
        unused.length === 0
          ? []
          : [
              {
                key: 'unused-services',
                title: `${plural(unused.length, 'granted service')} not used in ${options.unusedAfterDays} days`,
                message: `${identityLabel(identity)} may use ${plural(unused.length, 'service')} it has not used in ${options.unusedAfterDays} days: ${names.join(', ')}. A leaked credential of it still can.`,
                evidence: {
                  unusedServices: unused.map((s) => ({
                    namespace: s.namespace,
                    name: s.name,
                    lastAuthenticated: s.lastAuthenticated,
                    ...(s.lastAuthenticatedRegion
                      ? { lastAuthenticatedRegion: s.lastAuthenticatedRegion }
                      : {}),
                    unusedDays: s.unusedDays,
                  })),
                  grantedServices: data.services.length,
                  ...(blocked.length > 0
                    ? {
                        blockedServices: blocked.map((s) => ({
                          namespace: s.namespace,
                          blockedBy: s.blockedBy,
                        })),
                      }
                    : {}),
                  unusedAfterDays: options.unusedAfterDays,
                  createdAt: identity.createdAt ?? null,
                  ...(data.jobCompletedAt ? { jobCompletedAt: data.jobCompletedAt } : {}),
                  asOf: ctx.asOf.toISOString(),
                },
              },
            ],
      ),
    ];
  },
};
