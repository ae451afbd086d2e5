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
      name: "Google's Pub/Sub service agent granted Token Creator on the project (documented)",
      identity: gcpAccount('deployer', {
        canActAs: [
          user(
            'serviceAccount:service-111111111111@gcp-sa-pubsub.iam.gserviceaccount.com',
            'projects/acme-prod',
            'roles/iam.serviceAccountTokenCreator',
          ),
        ],
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
      name: 'service agents too, when asked',
      identity: gcpAccount('deployer', {
        canActAs: [
          user(
            'serviceAccount:service-111111111111@gcp-sa-pubsub.iam.gserviceaccount.com',
            'projects/acme-prod',
            'roles/iam.serviceAccountTokenCreator',
          ),
        ],
      }),
      options: { ignoreServiceAgents: false },
      expect: [{ key: 'project-level' }],
    },
    {
      name: 'the legacy Cloud Build account is not a service agent: builds run as it',
      identity: gcpAccount('deployer', {
        canActAs: [
          user(
            'serviceAccount:111111111111@cloudbuild.gserviceaccount.com',
            'projects/acme-prod',
            'roles/iam.serviceAccountTokenCreator',
          ),
        ],
      }),
      expect: [
        {
          key: 'project-level',
          evidence: { principals: ['serviceAccount:111111111111@cloudbuild.gserviceaccount.com'] },
        },
      ],
    },
    {
      name: 'a Key Admin on the project who also administers the account',
      identity: gcpAccount('deployer', {
        canActAs: [user('user:dana@example.com', 'projects/acme-prod', 'roles/iam.serviceAccountKeyAdmin')],
        administeredBy: [
          { ...admin('user:dana@example.com', 'projects/acme-prod'), role: 'roles/iam.securityAdmin' },
        ],
      }),
      expect: [{ key: 'project-level' }, { key: 'admin-and-user', severity: 'high' }],
    },
    {
      name: 'a whole domain may act as it, on the account itself',
      identity: gcpAccount('deployer', {
        canActAs: [user('domain:example.com', onAccount('deployer'), 'roles/iam.serviceAccountTokenCreator')],
      }),
      expect: [{ key: 'domain-wide', evidence: { principals: ['domain:example.com'] } }],
    },
    {
      name: 'a whole domain on the project: one project-level finding, not two',
      identity: gcpAccount('deployer', {
        canActAs: [user('domain:example.com', 'projects/acme-prod')],
      }),
      expect: [{ key: 'project-level', evidence: { principals: ['domain:example.com'] } }],
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
