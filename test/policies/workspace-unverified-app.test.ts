// workspace-unverified-app, table-driven through the real evaluation path.
import { describe } from 'vitest';
import { workspaceUnverifiedApp } from '../../policies/workspace-unverified-app.js';
import { runCases } from './run-cases.js';
import { G, workspaceApp } from './workspace-identities.js';

describe('workspace-unverified-app', () => {
  runCases(workspaceUnverifiedApp, {
    valid: [
      {
        name: 'a registered app',
        identity: workspaceApp('Registered', [`${G}drive`], ['a']),
        status: 'pass',
      },
      {
        name: 'token activity does not say',
        identity: workspaceApp('Reported', ['openid'], ['a'], { anonymous: undefined, source: 'reports' }),
        status: 'unknown',
      },
      {
        name: 'an anonymous app in allowedApps',
        identity: workspaceApp('Script', ['openid'], ['a'], { anonymous: true }),
        options: { allowedApps: ['script.apps.googleusercontent.com'] },
        status: 'pass',
      },
    ],
    invalid: [
      {
        name: 'anonymous with the Drive scope: high',
        identity: workspaceApp('anonymous', [`${G}drive`], ['a', 'b'], { anonymous: true }),
        expect: [
          {
            key: 'anonymous',
            severity: 'high',
            evidence: { anonymous: true, highRiskScopes: [`${G}drive`], userCount: 2 },
          },
        ],
      },
      {
        name: 'anonymous with sign-in scopes only: medium',
        identity: workspaceApp('anonymous', ['openid'], ['a'], { anonymous: true }),
        expect: [{ key: 'anonymous', severity: 'medium', evidence: { highRiskScopes: [] } }],
      },
    ],
  });
});
