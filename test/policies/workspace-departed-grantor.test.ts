// workspace-departed-grantor, table-driven through the real evaluation path: Workspace's own
// user status and the people directory are each a witness.
import { describe } from 'vitest';
import { workspaceDepartedGrantor } from '../../policies/workspace-departed-grantor.js';
import { buildDirectory, DirectoryConfig } from '../../src/directory.js';
import { ctx } from './identity-builder.js';
import { runCases } from './run-cases.js';
import { G, grantor, workspaceApp } from './workspace-identities.js';

const directory = buildDirectory(
  [
    { email: 'a@acme.example', status: 'ACTIVE' },
    { email: 'gone@acme.example', status: 'DEPROVISIONED' },
  ],
  DirectoryConfig.parse({ path: 'people.csv' }),
  'people.csv',
);
const S = [`${G}spreadsheets.readonly`];
const unread = (local: string) => grantor(local, S, { suspended: undefined, archived: undefined });

describe('workspace-departed-grantor', () => {
  runCases(workspaceDepartedGrantor, {
    valid: [
      { name: 'active users', identity: workspaceApp('Sheets', S, ['a', 'b']), status: 'pass' },
      {
        name: 'status not read, the directory says active',
        identity: workspaceApp('Sheets', S, [unread('a')], { source: 'reports' }),
        ctx: ctx(directory),
        status: 'pass',
      },
      {
        name: 'status not read and no directory',
        identity: workspaceApp('Sheets', S, [unread('a')], { source: 'reports' }),
        status: 'unknown',
      },
      {
        name: 'suspended, but suspendedIsDeparted is off',
        identity: workspaceApp('Sheets', S, [grantor('tom', S, { suspended: true })]),
        options: { suspendedIsDeparted: false },
        status: 'pass',
      },
    ],
    invalid: [
      {
        name: 'granted only by a suspended user: high',
        identity: workspaceApp('Legacy', S, [grantor('tom', S, { suspended: true })]),
        expect: [
          {
            key: 'departed-grantors',
            severity: 'high',
            evidence: {
              onlyDeparted: true,
              departed: [{ email: 'tom@acme.example', why: ['suspended in Workspace'] }],
            },
          },
        ],
      },
      {
        name: 'one departed (directory) among active users: medium',
        identity: workspaceApp('Shared', S, [grantor('a', S), unread('gone')]),
        ctx: ctx(directory),
        expect: [
          {
            key: 'departed-grantors',
            severity: 'medium',
            evidence: {
              onlyDeparted: false,
              departed: [{ email: 'gone@acme.example', why: ['directory status "DEPROVISIONED"'] }],
              directorySource: 'people.csv',
            },
          },
        ],
      },
      {
        name: 'archived in Workspace',
        identity: workspaceApp('Old', S, [grantor('a', S), grantor('arch', S, { archived: true })]),
        expect: [{ key: 'departed-grantors', evidence: { departed: [{ email: 'arch@acme.example' }] } }],
      },
    ],
  });
});
