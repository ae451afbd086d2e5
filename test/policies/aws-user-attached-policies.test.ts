import { awsUserAttachedPolicies } from '../../policies/aws-user-attached-policies.js';
import type { Identity } from '../../src/model.js';
import { awsRole, awsUser } from './identity-builder.js';
import { runCases } from './run-cases.js';

const RO = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const user = (managedPolicies?: string[], inlinePolicies?: string[]): Identity =>
  awsUser('bot', {
    attributes: {
      path: '/',
      consolePassword: false,
      groups: ['deployers'],
      ...(managedPolicies ? { managedPolicies } : {}),
      ...(inlinePolicies ? { inlinePolicies } : {}),
    },
  });

runCases(awsUserAttachedPolicies, {
  valid: [
    { name: 'permissions only through groups', identity: user([], []) },
    { name: 'an inline policy, inline not included (the default)', identity: user([], ['deploy']) },
    { name: 'policies not read (GAAD lacked the user)', identity: user(), status: 'unknown' },
    {
      name: 'inline asked for but not read',
      identity: user([]),
      options: { includeInline: true },
      status: 'unknown',
    },
    { name: 'a role is not judged', identity: awsRole('r'), status: 'not-applicable' },
  ],
  invalid: [
    {
      name: 'a managed policy attached to the user',
      identity: user([RO], []),
      expect: [{ key: 'user-attached-policies', severity: 'low', evidence: { managedPolicies: [RO] } }],
    },
    {
      name: 'an inline policy with includeInline',
      identity: user([], ['deploy']),
      options: { includeInline: true },
      expect: [
        { key: 'user-attached-policies', evidence: { managedPolicies: [], inlinePolicies: ['deploy'] } },
      ],
    },
  ],
});
