// workspace-high-risk-scopes, table-driven through the real evaluation path, on apps built as the
// Workspace connector emits them (attributes.workspace parsed by the connector's own schema).
import { describe } from 'vitest';
import { workspaceHighRiskScopes } from '../../policies/workspace-high-risk-scopes.js';
import { runCases } from './run-cases.js';
import { G, workspaceApp } from './workspace-identities.js';

describe('workspace-high-risk-scopes', () => {
  runCases(workspaceHighRiskScopes, {
    valid: [
      {
        name: 'sign-in and calendar scopes',
        identity: workspaceApp('Rooms', ['openid', `${G}userinfo.email`, `${G}calendar.events`], ['a', 'b']),
        status: 'pass',
      },
      {
        name: 'a reviewed app in allowedApps',
        identity: workspaceApp('Backup', [`${G}drive`], ['a']),
        options: { allowedApps: ['backup.apps.googleusercontent.com'] },
        status: 'pass',
      },
      {
        name: 'a scope only the options call risky, when not configured',
        identity: workspaceApp('Forms', [`${G}forms.body`], ['a']),
        status: 'pass',
      },
    ],
    invalid: [
      {
        name: 'full Gmail',
        identity: workspaceApp('Mailer', ['https://mail.google.com/', 'openid'], ['a', 'b', 'c']),
        expect: [
          {
            key: 'high-risk-scopes',
            severity: 'high',
            evidence: { highRiskScopes: ['https://mail.google.com/'], userCount: 3, usersComplete: true },
          },
        ],
      },
      {
        name: 'Drive read-only',
        identity: workspaceApp('Reader', [`${G}drive.readonly`], ['a']),
        expect: [
          { key: 'high-risk-scopes', severity: 'high', evidence: { highRiskScopes: [`${G}drive.readonly`] } },
        ],
      },
      {
        name: 'an Admin SDK directory scope is critical',
        identity: workspaceApp('Dir', [`${G}admin.directory.group`], ['a']),
        expect: [{ key: 'high-risk-scopes', severity: 'critical' }],
      },
      {
        name: 'a scope added by extraScopes',
        identity: workspaceApp('Forms', [`${G}forms.body`], ['a']),
        options: { extraScopes: [`${G}forms.body`] },
        expect: [{ key: 'high-risk-scopes', evidence: { highRiskScopes: [`${G}forms.body`] } }],
      },
      {
        name: 'some users not read: the count is marked a lower bound',
        identity: workspaceApp('Mailer', [`${G}gmail.send`], ['a'], { usersComplete: false }),
        expect: [{ key: 'high-risk-scopes', evidence: { usersComplete: false } }],
      },
    ],
  });
});
