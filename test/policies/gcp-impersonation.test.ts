import { gcpImpersonation } from '../../policies/gcp-impersonation.js';
import { email, gcpAccount } from './gcp-identities.js';
import { runCases } from './run-cases.js';

const onAccount = (name: string) => `projects/acme-prod/serviceAccounts/${email(name)}`;
const user = (principal: string, resource: string, role = 'roles/iam.serviceAccountUser') => ({
  principal,
  role,
  resource,
});
const admin = (principal: string, resource: string) => ({
  principal,
  role: 'roles/iam.serviceAccountAdmin',
  resource,
});

runCases(gcpImpersonation, {
  valid: [
    { name: 'nobody can act as it', identity: gcpAccount('quiet') },
    {
      name: 'impersonation granted on the account itself',
      identity: gcpAccount('deployer', {
        canActAs: [
          user('user:bob@example.com', onAccount('deployer'), 'roles/iam.serviceAccountTokenCreator'),
        ],
      }),
    },
    {
      name: 'a project-level grant to an allowed principal',
      identity: gcpAccount('deployer', {
        canActAs: [user('serviceAccount:terraform@acme-ops.iam.gserviceaccount.com', 'projects/acme-prod')],
      }),
      options: { allowedPrincipals: ['serviceAccount:terraform@acme-ops.iam.gserviceaccount.com'] },
    },
    {
      name: 'admin and user are different principals',
      identity: gcpAccount('deployer', {
        canActAs: [user('user:bob@example.com', onAccount('deployer'))],
        administeredBy: [admin('group:platform@example.com', 'projects/acme-prod')],
      }),
    },
    {
      name: 'a disabled account',
      identity: gcpAccount('old', {
        disabled: true,
        canActAs: [user('group:developers@example.com', 'projects/acme-prod')],
      }),
    },
  ],
  invalid: [
    {
      name: 'Service Account User on the project',
      identity: gcpAccount('deployer', {
        canActAs: [user('group:developers@example.com', 'projects/acme-prod')],
      }),
      expect: [{ key: 'project-level', evidence: { principals: ['group:developers@example.com'] } }],
    },
    {
      name: 'Token Creator on the organization, with a condition',
      identity: gcpAccount('deployer', {
        canActAs: [
          {
            ...user(
              'user:eve@example.com',
              'organizations/123456789012',
              'roles/iam.serviceAccountTokenCreator',
            ),
            condition: 'break glass',
          },
        ],
      }),
      expect: [
        {
          key: 'project-level',
          evidence: {
            grants: [
              {
                principal: 'user:eve@example.com',
                resource: 'organizations/123456789012',
                condition: 'break glass',
              },
            ],
          },
        },
      ],
    },
    {
      name: 'one principal administers and can act as it',
      identity: gcpAccount('deployer', {
        canActAs: [
          user('user:bob@example.com', onAccount('deployer'), 'roles/iam.serviceAccountTokenCreator'),
        ],
        administeredBy: [admin('user:bob@example.com', 'projects/acme-prod')],
      }),
      expect: [
        { key: 'admin-and-user', severity: 'high', evidence: { principals: ['user:bob@example.com'] } },
      ],
    },
    {
      name: 'both problems at once (a group at project level)',
      identity: gcpAccount('deployer', {
        canActAs: [user('group:developers@example.com', 'projects/acme-prod')],
        administeredBy: [admin('group:developers@example.com', 'projects/acme-prod')],
      }),
      expect: [{ key: 'project-level' }, { key: 'admin-and-user', severity: 'high' }],
    },
  ],
});
