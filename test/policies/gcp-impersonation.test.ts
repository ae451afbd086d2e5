import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config.js';
import { evaluatePolicies, sharedFindingUid } from '../../src/evaluate.js';
import { Identity } from '../../src/model.js';
import { gcpImpersonation } from '../../policies/gcp-impersonation.js';
import { email, gcpAccount } from './gcp-identities.js';
import { ctx } from './identity-builder.js';
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

/** A member of a group that can act as the account, on the account itself. */
const member = (principal: string, via = 'group:deployers@example.com') => ({
  ...user(principal, onAccount('deployer')),
  via,
});

const SA_USER = 'roles/iam.serviceAccountUser';
const TOKEN_CREATOR = 'roles/iam.serviceAccountTokenCreator';
/** The binding a project-level finding is raised on: its id derives from this alone. */
const binding = (resource: string, role: string, principal: string, condition = ''): string =>
  [resource, role, principal.toLowerCase(), condition].join('\u0000');

/** A principal both administering and impersonating on the project: its id from its bindings. */
const adminAndUser = (principal: string, bindings: string[]): string =>
  ['admin-and-user', principal.toLowerCase(), ...bindings.sort()].join('\u0000');

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
    {
      name: "group members of the group's own domain, a listed domain, or a service account",
      identity: gcpAccount('deployer', {
        canActAs: [user('group:deployers@example.com', onAccount('deployer'))],
        canActAsThroughGroups: [
          member('user:dev@example.com'),
          member('user:ops@eu.acme.example'),
          member('serviceAccount:ci@other-org.iam.gserviceaccount.com'),
        ],
        actAsGroupsUnread: [],
      }),
      options: { internalDomains: ['acme.example'] },
    },
    {
      name: 'a member of an administering group who cannot act as it',
      identity: gcpAccount('deployer', {
        canActAs: [user('user:bob@example.com', onAccount('deployer'))],
        administeredBy: [admin('group:platform@example.com', 'projects/acme-prod')],
        administeredByThroughGroups: [
          { ...admin('user:alice@example.com', 'projects/acme-prod'), via: 'group:platform@example.com' },
        ],
        adminGroupsUnread: [],
      }),
    },
    {
      name: 'an administering group whose members could not be read, and someone who can act as it: unknown',
      identity: gcpAccount('deployer', {
        canActAs: [user('user:bob@example.com', onAccount('deployer'))],
        administeredBy: [admin('group:platform@example.com', 'projects/acme-prod')],
        administeredByThroughGroups: [],
        adminGroupsUnread: ['group:platform@example.com'],
      }),
      status: 'unknown',
    },
  ],
  invalid: [
    {
      name: 'a member outside the domains, through a group that can act as the account',
      identity: gcpAccount('deployer', {
        canActAs: [user('group:deployers@example.com', onAccount('deployer'))],
        canActAsThroughGroups: [member('user:dev@example.com'), member('user:contractor@gmail.com')],
        actAsGroupsUnread: [],
      }),
      expect: [
        {
          key: 'external-member',
          severity: 'high',
          evidence: {
            members: ['user:contractor@gmail.com'],
            grants: [
              {
                principal: 'user:contractor@gmail.com',
                role: SA_USER,
                resource: onAccount('deployer'),
                via: 'group:deployers@example.com',
              },
            ],
          },
        },
      ],
    },
    {
      name: 'Service Account User on the project',
      identity: gcpAccount('deployer', {
        canActAs: [user('group:developers@example.com', 'projects/acme-prod')],
      }),
      expect: [
        {
          key: 'project-level',
          shared: binding('projects/acme-prod', SA_USER, 'group:developers@example.com'),
          evidence: { principals: ['group:developers@example.com'] },
        },
      ],
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
          shared: binding('organizations/123456789012', TOKEN_CREATOR, 'user:eve@example.com', 'break glass'),
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
      expect: [
        {
          key: 'project-level',
          shared: binding(
            'projects/acme-prod',
            TOKEN_CREATOR,
            'serviceAccount:service-111111111111@gcp-sa-pubsub.iam.gserviceaccount.com',
          ),
        },
      ],
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
          shared: binding(
            'projects/acme-prod',
            TOKEN_CREATOR,
            'serviceAccount:111111111111@cloudbuild.gserviceaccount.com',
          ),
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
      expect: [
        {
          key: 'project-level',
          shared: binding('projects/acme-prod', 'roles/iam.serviceAccountKeyAdmin', 'user:dana@example.com'),
        },
        // Both grants on the project: one finding for the principal, whatever the accounts.
        {
          key: 'admin-and-user',
          severity: 'high',
          shared: adminAndUser('user:dana@example.com', [
            'projects/acme-prod roles/iam.securityAdmin',
            'projects/acme-prod roles/iam.serviceAccountKeyAdmin',
          ]),
        },
      ],
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
      expect: [
        {
          key: 'project-level',
          shared: binding('projects/acme-prod', SA_USER, 'domain:example.com'),
          evidence: { principals: ['domain:example.com'] },
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
      expect: [
        {
          key: 'project-level',
          shared: binding('projects/acme-prod', SA_USER, 'group:developers@example.com'),
        },
        {
          key: 'admin-and-user',
          severity: 'high',
          shared: adminAndUser('group:developers@example.com', [
            'projects/acme-prod roles/iam.serviceAccountAdmin',
            `projects/acme-prod ${SA_USER}`,
          ]),
        },
      ],
    },
    {
      name: 'a member of the administering group can act as it itself (administeredBy expanded)',
      identity: gcpAccount('deployer', {
        canActAs: [user('user:bob@example.com', onAccount('deployer'), TOKEN_CREATOR)],
        administeredBy: [admin('group:platform@example.com', 'projects/acme-prod')],
        administeredByThroughGroups: [
          { ...admin('user:bob@example.com', 'projects/acme-prod'), via: 'group:platform@example.com' },
        ],
        adminGroupsUnread: [],
      }),
      expect: [
        {
          key: 'admin-and-user',
          severity: 'high',
          evidence: {
            principals: ['user:bob@example.com'],
            adminGrants: [
              {
                principal: 'user:bob@example.com',
                role: 'roles/iam.serviceAccountAdmin',
                resource: 'projects/acme-prod',
                via: 'group:platform@example.com',
              },
            ],
          },
        },
      ],
    },
    {
      name: 'a member of an administering group and of an impersonating group, both on the project',
      identity: gcpAccount('deployer', {
        canActAs: [user('group:deployers@example.com', 'projects/acme-prod')],
        canActAsThroughGroups: [
          { ...user('user:carol@example.com', 'projects/acme-prod'), via: 'group:deployers@example.com' },
        ],
        actAsGroupsUnread: [],
        administeredBy: [admin('group:platform@example.com', 'projects/acme-prod')],
        administeredByThroughGroups: [
          { ...admin('user:carol@example.com', 'projects/acme-prod'), via: 'group:platform@example.com' },
        ],
        adminGroupsUnread: [],
      }),
      expect: [
        {
          key: 'project-level',
          shared: binding('projects/acme-prod', SA_USER, 'group:deployers@example.com'),
        },
        {
          key: 'admin-and-user',
          severity: 'high',
          shared: adminAndUser('user:carol@example.com', [
            'projects/acme-prod roles/iam.serviceAccountAdmin via group:platform@example.com',
            `projects/acme-prod ${SA_USER} via group:deployers@example.com`,
          ]),
          evidence: { principals: ['user:carol@example.com'] },
        },
      ],
    },
    {
      name: 'members of a group that itself administers and can act as it: the group’s finding only',
      identity: gcpAccount('deployer', {
        canActAs: [user('group:developers@example.com', 'projects/acme-prod')],
        canActAsThroughGroups: [
          { ...user('user:dev@example.com', 'projects/acme-prod'), via: 'group:developers@example.com' },
        ],
        actAsGroupsUnread: [],
        administeredBy: [admin('group:developers@example.com', 'projects/acme-prod')],
        administeredByThroughGroups: [
          { ...admin('user:dev@example.com', 'projects/acme-prod'), via: 'group:developers@example.com' },
        ],
        adminGroupsUnread: [],
      }),
      expect: [
        {
          key: 'project-level',
          shared: binding('projects/acme-prod', SA_USER, 'group:developers@example.com'),
        },
        {
          key: 'admin-and-user',
          severity: 'high',
          shared: adminAndUser('group:developers@example.com', [
            'projects/acme-prod roles/iam.serviceAccountAdmin',
            `projects/acme-prod ${SA_USER}`,
          ]),
        },
      ],
    },
  ],
});

describe('gcp-impersonation: one project-level grant is one finding, whatever the number of accounts', () => {
  const grant = user('user:mallory@example.com', 'projects/acme-prod', TOKEN_CREATOR);
  const accounts = Array.from({ length: 120 }, (_, i) =>
    gcpAccount(`svc-${String(i).padStart(3, '0')}`, { canActAs: [grant] }),
  );
  const run = (identities: Identity[]) =>
    evaluatePolicies(
      identities,
      buildConfig(
        { policies: {} },
        { connectors: {}, policies: { [gcpImpersonation.id]: gcpImpersonation } },
        't',
        '/',
      ).policies,
      ctx(),
    );

  it('raises one finding on the binding, reaching all 120 accounts, each of which records it', () => {
    const { findings, evaluations } = run(accounts);
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f!.uid).toBe(
      sharedFindingUid(
        gcpImpersonation.id,
        binding('projects/acme-prod', TOKEN_CREATOR, 'user:mallory@example.com'),
        'project-level',
      ),
    );
    expect(f!.evidence['reaches']).toEqual(accounts.map((a) => a.uid).sort());
    expect(f!.evidence['grants']).toEqual([
      { principal: 'user:mallory@example.com', role: TOKEN_CREATOR, resource: 'projects/acme-prod' },
    ]);
    expect(evaluations).toHaveLength(120);
    for (const e of evaluations) {
      expect(e.status).toBe('fail');
      expect(e.findings).toEqual([f!.uid]);
    }
  });

  it('keeps its id when the accounts it reaches change', () => {
    const before = run(accounts).findings[0]!.uid;
    const after = run(accounts.slice(60).reverse()).findings;
    expect(after).toHaveLength(1);
    expect(after[0]!.uid).toBe(before);
    expect(after[0]!.evidence['reaches']).toHaveLength(60);
  });

  it('two principals on the project are two findings', () => {
    const two = accounts.slice(0, 3).map((a) =>
      Identity.parse({
        ...a,
        attributes: {
          ...a.attributes,
          canActAs: [grant, user('group:ops@example.com', 'projects/acme-prod')],
        },
      }),
    );
    const { findings } = run(two);
    expect(findings.map((f) => f.evidence['principals'])).toEqual([
      ['user:mallory@example.com'],
      ['group:ops@example.com'],
    ]);
  });
});
