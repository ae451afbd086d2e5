import { describe, expect, it } from 'vitest';
import { githubDeployKeyWrite } from '../../policies/github-deploy-key-write.js';
import { deployKey } from './github-identities.js';
import { awsUser, daysAgo } from './identity-builder.js';
import { evaluate, runCases } from './run-cases.js';

runCases(githubDeployKeyWrite, {
  valid: [
    { name: 'read-only key', identity: deployKey() },
    {
      name: 'write key on an ignored repository',
      identity: deployKey({ read_only: false }, 'mirror'),
      options: { ignoreRepositories: ['mirror'] },
    },
    { name: 'disabled write key', identity: deployKey({ read_only: false, enabled: false }) },
    { name: 'an AWS user', identity: awsUser('someone') },
  ],
  invalid: [
    {
      name: 'write key added by a departed member',
      identity: deployKey({ read_only: false, added_by: 'former-dev', created_at: daysAgo(900) }),
      expect: [
        {
          key: 'write',
          credentialUid: 'deploy-key:3',
          evidence: {
            repository: 'api',
            readOnly: false,
            addedBy: 'former-dev',
            addedByOrgMember: false,
            createdAt: daysAgo(900),
          },
        },
      ],
    },
    {
      name: 'write key added by an outside collaborator (not departed, not a member)',
      identity: deployKey({ read_only: false, added_by: 'contractor' }),
      expect: [
        {
          key: 'write',
          credentialUid: 'deploy-key:3',
          evidence: { addedBy: 'contractor', addedByOutsideCollaborator: true },
        },
      ],
    },
    {
      name: 'write key on an archived repository (no push until unarchived): low',
      identity: deployKey({ read_only: false }, 'old-site', { archived: true }),
      expect: [
        {
          key: 'write',
          credentialUid: 'deploy-key:3',
          severity: 'low',
          evidence: { repository: 'old-site', repositoryArchived: true },
        },
      ],
    },
    {
      name: 'read_only not reported counts as write',
      identity: deployKey({ read_only: undefined }),
      expect: [{ key: 'write', credentialUid: 'deploy-key:3', evidence: { readOnly: null } }],
    },
  ],
});

describe('github-deploy-key-write: SOC 2 tags', () => {
  it('tags CC6.3 and CC8.1 (the key can push code)', () => {
    const [finding] = evaluate(githubDeployKeyWrite, deployKey({ read_only: false }));
    expect(finding?.controls.filter((c) => c.framework === 'SOC2').map((c) => c.id)).toEqual([
      'CC6.3',
      'CC8.1',
    ]);
  });
});
