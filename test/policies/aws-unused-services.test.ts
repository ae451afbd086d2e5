import { awsUnusedServices } from '../../policies/aws-unused-services.js';
import { awsRole, awsUser, daysAgo } from './identity-builder.js';
import { runCases } from './run-cases.js';

/** A user or role with IAM's service last accessed answer (the connector's attribute). */
const used = (
  services: { ns: string; lastDays: number | null; blockedBy?: string }[],
): Record<string, unknown> => ({
  status: 'complete',
  jobCompletedAt: daysAgo(0),
  services: services.map((s) => ({
    namespace: s.ns,
    name: `Service ${s.ns}`,
    lastAuthenticated: s.lastDays === null ? null : daysAgo(s.lastDays),
    ...(s.blockedBy ? { blockedBy: s.blockedBy } : {}),
  })),
});
const user = (services: Parameters<typeof used>[0], createdDays: number | null = 400) =>
  awsUser('deployer', {
    createdAt: createdDays === null ? undefined : daysAgo(createdDays),
    attributes: { path: '/', groups: [], serviceLastAccessed: used(services) },
  });
const role = (services: Parameters<typeof used>[0]) =>
  awsRole('etl', {
    attributes: { path: '/', serviceLastAccessed: used(services), serviceLinked: false },
  });

runCases(awsUnusedServices, {
  valid: [
    { name: 'every granted service used this month', identity: user([{ ns: 's3', lastDays: 3 }]) },
    { name: 'used 89 days ago: under the 90-day threshold', identity: user([{ ns: 's3', lastDays: 89 }]) },
    {
      name: 'a new identity has not had 90 days to use a service',
      identity: user([{ ns: 'lambda', lastDays: null }], 30),
    },
    {
      name: 'an ignored service is never reported',
      identity: user([{ ns: 'KMS', lastDays: null }]),
      options: { ignoreServices: ['kms'] },
    },
    {
      name: 'a service the boundary or an SCP blocks is not granted in effect',
      identity: user([{ ns: 'ec2', lastDays: null, blockedBy: 'SCP p-1 does not allow it' }]),
    },
    {
      name: 'no data asked for (below minLevel, or switched off)',
      identity: awsUser('reader'),
      status: 'not-applicable',
    },
    {
      name: 'the job failed: unknown, never "all used"',
      identity: awsUser('x', {
        attributes: {
          path: '/',
          groups: [],
          serviceLastAccessed: { status: 'unknown', reason: 'job ended FAILED' },
        },
      }),
      status: 'unknown',
    },
    {
      name: 'never used, creation date unknown: unknown',
      identity: user([{ ns: 'sqs', lastDays: null }], null),
      status: 'unknown',
    },
    {
      name: 'a service-linked role is not judged',
      identity: awsRole('AWSServiceRoleForSupport', {
        managedBy: 'provider',
        attributes: { path: '/aws-service-role/', serviceLinked: true, serviceLastAccessed: used([]) },
      }),
      status: 'not-applicable',
    },
  ],
  invalid: [
    {
      name: 'one service unused for 200 days, one never used, one in use: one finding naming two',
      identity: user([
        { ns: 'cloudfront', lastDays: 200 },
        { ns: 'lambda', lastDays: null },
        { ns: 's3', lastDays: 1 },
      ]),
      expect: [
        {
          key: 'unused-services',
          severity: 'medium',
          evidence: {
            unusedServices: [
              { namespace: 'cloudfront', unusedDays: 200, lastAuthenticated: daysAgo(200) },
              { namespace: 'lambda', unusedDays: null, lastAuthenticated: null },
            ],
            grantedServices: 3,
            unusedAfterDays: 90,
          },
        },
      ],
    },
    {
      name: 'a role, with a 30-day threshold; the blocked service is listed apart',
      identity: role([
        { ns: 'dynamodb', lastDays: 45 },
        { ns: 'ec2', lastDays: null, blockedBy: 'permissions boundary b does not allow it' },
      ]),
      options: { unusedAfterDays: 30 },
      expect: [
        {
          key: 'unused-services',
          evidence: {
            unusedServices: [{ namespace: 'dynamodb', unusedDays: 45 }],
            blockedServices: [{ namespace: 'ec2', blockedBy: 'permissions boundary b does not allow it' }],
            unusedAfterDays: 30,
          },
        },
      ],
    },
  ],
});
