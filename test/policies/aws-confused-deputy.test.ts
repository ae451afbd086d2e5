import { awsConfusedDeputy } from '../../policies/aws-confused-deputy.js';
import { awsRole, trust } from './identity-builder.js';
import { runCases } from './run-cases.js';

const ECS = 'ecs-tasks.amazonaws.com';
const role = (...t: ReturnType<typeof trust>[]) => awsRole('svc', { trust: t });

runCases(awsConfusedDeputy, {
  valid: [
    {
      name: 'pinned by aws:SourceAccount',
      identity: role(trust('service', ECS, { StringEquals: { 'aws:SourceAccount': ['111122223333'] } })),
    },
    {
      name: 'pinned by aws:SourceArn (ArnLike, key case-insensitive)',
      identity: role(
        trust('service', ECS, { ArnLike: { 'AWS:SourceArn': ['arn:aws:ecs:us-east-1:111122223333:*'] } }),
      ),
    },
    {
      name: 'pinned by aws:SourceOrgID',
      identity: role(
        trust('service', 'sagemaker.amazonaws.com', { StringEquals: { 'aws:SourceOrgID': ['o-abc123'] } }),
      ),
    },
    {
      name: 'a service that sends no source keys (EC2 instance profile)',
      identity: role(trust('service', 'ec2.amazonaws.com')),
    },
    { name: 'Lambda is not in the default list', identity: role(trust('service', 'lambda.amazonaws.com')) },
    {
      name: 'an account principal is external-trust\u2019s concern',
      identity: role(trust('aws', 'arn:aws:iam::444455556666:root')),
    },
    {
      name: 'a service dropped from the list by the option',
      identity: role(trust('service', ECS)),
      options: { services: ['sagemaker.amazonaws.com'] },
    },
    {
      name: 'provider-managed (service-linked) role',
      identity: awsRole('AWSServiceRoleForECS', { managedBy: 'provider', trust: [trust('service', ECS)] }),
      status: 'not-applicable',
    },
    {
      name: 'trust policy not read',
      identity: awsRole('unread', { trust: [], unknownFacts: ['trust'] }),
      status: 'unknown',
    },
  ],
  invalid: [
    {
      name: 'ecs-tasks with no condition',
      identity: role(trust('service', ECS)),
      expect: [{ key: 'service-trust-unpinned', severity: 'medium', evidence: { services: [ECS] } }],
    },
    {
      name: 'IfExists lets a request without the key through',
      identity: role(
        trust('service', ECS, { StringEqualsIfExists: { 'aws:SourceAccount': ['111122223333'] } }),
      ),
      expect: [{ key: 'service-trust-unpinned' }],
    },
    {
      name: 'a wildcard source ARN pins nothing',
      identity: role(trust('service', ECS, { ArnLike: { 'aws:SourceArn': ['*'] } })),
      expect: [{ key: 'service-trust-unpinned' }],
    },
    {
      name: 'an unrelated condition (sts:ExternalId) does not pin the source',
      identity: role(trust('service', 'config.amazonaws.com', { StringEquals: { 'sts:ExternalId': ['x'] } })),
      expect: [{ key: 'service-trust-unpinned', evidence: { services: ['config.amazonaws.com'] } }],
    },
    {
      name: 'two services, one finding listing both',
      identity: role(
        trust('service', ECS),
        trust('service', 'SageMaker.amazonaws.com', {}, { source: 'trust#1' }),
      ),
      expect: [{ key: 'service-trust-unpinned', evidence: { services: ['SageMaker.amazonaws.com', ECS] } }],
    },
    {
      name: 'a service added by the option',
      identity: role(trust('service', 'lambda.amazonaws.com')),
      options: { services: ['lambda.amazonaws.com'] },
      expect: [{ key: 'service-trust-unpinned' }],
    },
  ],
});
