// workspace-rare-app-high-risk, table-driven through the real evaluation path.
import { describe } from 'vitest';
import { workspaceRareAppHighRisk } from '../../policies/workspace-rare-app-high-risk.js';
import { runCases } from './run-cases.js';
import { G, workspaceApp } from './workspace-identities.js';

describe('workspace-rare-app-high-risk', () => {
  runCases(workspaceRareAppHighRisk, {
    valid: [
      {
        name: 'high risk, granted by many',
        identity: workspaceApp('Mailer', ['https://mail.google.com/'], ['a', 'b', 'c']),
        status: 'pass',
      },
      {
        name: 'one user, no high-risk scope',
        identity: workspaceApp('Notes', ['openid', `${G}tasks`], ['a']),
        status: 'pass',
      },
      {
        name: 'some users not read: the count is only a lower bound',
        identity: workspaceApp('Dir', [`${G}admin.directory.user`], ['a'], { usersComplete: false }),
        status: 'not-applicable',
      },
      {
        name: 'a higher maxUsers would flag three, the default does not',
        identity: workspaceApp('Reader', [`${G}drive.readonly`], ['a', 'b', 'c']),
        status: 'pass',
      },
    ],
    invalid: [
      {
        name: 'admin.directory.user granted by one user',
        identity: workspaceApp('Dir Helper', [`${G}admin.directory.user`, 'openid'], ['dev']),
        expect: [
          {
            key: 'rare-high-risk',
            severity: 'high',
            evidence: { highRiskScopes: [`${G}admin.directory.user`], userCount: 1, maxUsers: 2 },
          },
        ],
      },
      {
        name: 'three users with maxUsers 3',
        identity: workspaceApp('Reader', [`${G}drive.readonly`], ['a', 'b', 'c']),
        options: { maxUsers: 3 },
        expect: [{ key: 'rare-high-risk', evidence: { userCount: 3, maxUsers: 3 } }],
      },
    ],
  });
});
