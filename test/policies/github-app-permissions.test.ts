import { describe, expect, it } from 'vitest';
import { githubAppPermissions } from '../../policies/github-app-permissions.js';
import { appInstallation, facts } from './github-identities.js';
import { awsUser } from './identity-builder.js';
import { evaluate, runCases } from './run-cases.js';

const soc2 = (findings: ReturnType<typeof evaluate>): string[] =>
  findings.flatMap((f) => f.controls.filter((c) => c.framework === 'SOC2').map((c) => c.id));

runCases(githubAppPermissions, {
  valid: [
    { name: 'read-only App', identity: appInstallation('reader', { contents: 'read', metadata: 'read' }) },
    {
      name: 'write on a permission that is not sensitive',
      identity: appInstallation('labeler', { issues: 'write', pull_requests: 'write' }),
    },
    {
      name: 'suspended App',
      identity: appInstallation('old-ci', { contents: 'write' }, { suspended: true }),
    },
    {
      name: 'App in ignoreApps',
      identity: appInstallation('deployer', { contents: 'write' }),
      options: { ignoreApps: ['deployer'] },
    },
    { name: 'an AWS user', identity: awsUser('someone') },
  ],
  invalid: [
    {
      name: 'admin on all repositories: high, with the writes in evidence',
      identity: appInstallation('admin-bot', {
        administration: 'write',
        contents: 'write',
        metadata: 'read',
      }),
      expect: [
        {
          key: 'sensitive-write',
          evidence: {
            appSlug: 'admin-bot',
            appOwner: 'vendor-inc',
            thirdParty: true,
            repositorySelection: 'all',
            sensitiveWrites: [
              { permission: 'administration', access: 'write' },
              { permission: 'contents', access: 'write' },
            ],
            canChangeCode: true,
            privilegeLevel: 'admin',
          },
        },
      ],
    },
    {
      name: 'selected repositories only: medium',
      identity: appInstallation('secrets-sync', { secrets: 'write' }, { selection: 'selected' }),
      expect: [
        {
          key: 'sensitive-write',
          severity: 'medium',
          evidence: { repositorySelection: 'selected', canChangeCode: false },
        },
      ],
    },
    {
      name: 'org-level write on selected repositories is still high',
      identity: appInstallation(
        'org-admin',
        { organization_administration: 'write' },
        { selection: 'selected' },
      ),
      expect: [
        {
          key: 'sensitive-write',
          evidence: { sensitiveWrites: [{ permission: 'organization_administration', access: 'write' }] },
        },
      ],
    },
    {
      name: 'sensitivePermissions narrows what fires',
      identity: appInstallation('x', { secrets: 'write', workflows: 'write' }),
      options: { sensitivePermissions: ['workflows'] },
      expect: [
        {
          key: 'sensitive-write',
          evidence: { sensitiveWrites: [{ permission: 'workflows', access: 'write' }] },
        },
      ],
    },
  ],
});

describe('github-app-permissions: SOC 2 tags', () => {
  it('adds CC8.1 when the App can change code and CC9.2 when a third party owns it', () => {
    expect(soc2(evaluate(githubAppPermissions, appInstallation('admin-bot', { contents: 'write' })))).toEqual(
      ['CC6.3', 'CC8.1', 'CC9.2'],
    );
  });
  it('keeps CC6.3 alone for an in-house App writing secrets', () => {
    const own = appInstallation('ours', { secrets: 'write' }, { owner: 'acme', f: facts() });
    expect(soc2(evaluate(githubAppPermissions, own))).toEqual(['CC6.3']);
  });
});
