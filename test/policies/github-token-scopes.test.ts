import { describe, expect, it } from 'vitest';
import { githubTokenScopes } from '../../policies/github-token-scopes.js';
import { credentialAuthorization, patGrant } from './github-identities.js';
import { evaluate, runCases } from './run-cases.js';

runCases(githubTokenScopes, {
  valid: [
    { name: 'classic token with read:org only', identity: credentialAuthorization() },
    {
      name: 'SSH key authorisation',
      identity: credentialAuthorization({ credential_type: 'SSH key', scopes: undefined }),
    },
    {
      name: 'fine-grained token on a subset',
      identity: patGrant({ permissions: { repository: { contents: 'write' } } }),
    },
    {
      name: 'fine-grained token reading all repositories',
      identity: patGrant({ repository_selection: 'all', permissions: { repository: { contents: 'read' } } }),
    },
    {
      name: 'all-repositories check off',
      identity: patGrant({ repository_selection: 'all', permissions: { repository: { contents: 'write' } } }),
      options: { flagAllRepositoriesWrite: false },
    },
  ],
  invalid: [
    {
      name: 'classic PAT with repo, admin:org, delete_repo',
      identity: credentialAuthorization({ scopes: ['repo', 'admin:org', 'delete_repo', 'read:user'] }),
      expect: [{ key: 'classic-scopes', evidence: { broadScopes: ['admin:org', 'delete_repo', 'repo'] } }],
    },
    {
      name: 'classic token that publishes packages and manages every repository webhook',
      identity: credentialAuthorization({ scopes: ['write:packages', 'read:packages', 'admin:repo_hook'] }),
      expect: [{ key: 'classic-scopes', evidence: { broadScopes: ['admin:repo_hook', 'write:packages'] } }],
    },
    {
      name: 'fine-grained token writing all repositories',
      identity: patGrant({
        repository_selection: 'all',
        permissions: { repository: { contents: 'write', issues: 'write', metadata: 'read' } },
      }),
      expect: [
        {
          key: 'all-repositories-write',
          evidence: {
            repositoryWrites: [
              { permission: 'contents', access: 'write' },
              { permission: 'issues', access: 'write' },
            ],
          },
        },
      ],
    },
  ],
});

describe('github-token-scopes: SOC 2 tags', () => {
  const soc2 = (identity: Parameters<typeof evaluate>[1]) =>
    evaluate(githubTokenScopes, identity)[0]
      ?.controls.filter((c) => c.framework === 'SOC2')
      .map((c) => c.id);
  it('adds CC8.1 for scopes that push code and CC9.2 for an OAuth app', () => {
    expect(soc2(credentialAuthorization({ scopes: ['workflow'] }))).toEqual(['CC6.3', 'CC8.1']);
    expect(
      soc2(credentialAuthorization({ credential_type: 'OAuth app token', scopes: ['admin:org'] })),
    ).toEqual(['CC6.3', 'CC9.2']);
  });
});
