// workspace-rare-app-high-risk: a high-risk scope granted by only one or two people. A tool the
// whole company uses is usually reviewed; one person's grant of admin.directory.user or full
// Gmail to an app nobody else uses is how consent phishing and shadow IT look.
// WORKSPACE-SPECIFIC: tokens.list / token activity of Google Workspace.
import { z } from 'zod';
import { workspaceAttributes } from '../connectors/workspace/attributes.js';
import { scopeRisk } from '../connectors/workspace/privilege.js';
import { type Policy, judged, notApplicable, unknown } from '../src/policy.js';
import { REFERENCES, identityLabel, plural } from './lib/common.js';

const Options = z.strictObject({
  maxUsers: z.int().min(1).default(2).describe('An app granted by at most this many users is "rare".'),
  allowedApps: z.array(z.string().min(1)).default([]).describe('Client ids of apps reviewed and allowed.'),
});
type Options = z.infer<typeof Options>;

export const workspaceRareAppHighRisk: Policy<Options> = {
  id: 'workspace-rare-app-high-risk',
  title: 'High-risk scopes granted by very few users',
  description:
    'Fires on a third-party OAuth app that holds a high-risk scope (the workspace-high-risk-scopes list) and that only a handful of users (maxUsers, default 2) have granted. Company-wide tools are usually known and reviewed; a rare app with mail, Drive or directory access is what consent phishing and unsanctioned tools look like. Not applicable when some users could not be read (the count is then a lower bound).',
  appliesTo: { providers: ['workspace'], kinds: ['workspace.oauth_app'] },
  severity: 'high',
  options: Options,
  controls: {
    soc2: ['CC6.1', 'CC6.8', 'CC7.2'],
    soc1: ['ITGC-LA-3'],
    owaspNhi: ['NHI3', 'NHI5'],
    nistCsf: ['DE.CM-03', 'GV.SC-07'],
    cisControls: ['6.8'],
  },
  remediation: {
    default:
      'Ask the granting user(s) what the app is for; revoke its tokens and block it unless it is sanctioned, then restrict unconfigured third-party apps (Admin console > Security > API controls) so high-risk scopes need an admin.',
  },
  references: [
    'https://support.google.com/a/answer/7281227',
    'https://developers.google.com/workspace/admin/directory/reference/rest/v1/tokens',
    REFERENCES.owaspNhi,
  ],
  findings: [
    {
      key: 'rare-high-risk',
      title: '<scopes> granted by <n> users',
      evidence: ['clientId', 'highRiskScopes', 'userCount', 'users', 'maxUsers'],
    },
  ],
  evaluate(identity, options) {
    const attrs = workspaceAttributes(identity);
    if (!attrs) return [unknown('the Workspace attributes of this identity are missing or malformed')];
    if (options.allowedApps.includes(attrs.clientId)) return [judged([])];
    const risky = attrs.scopes.filter((s) => scopeRisk(s) !== undefined);
    if (risky.length === 0) return [judged([])];
    if (!attrs.usersComplete)
      return [notApplicable("some users' grants were not read: the user count is a lower bound")];
    if (attrs.userCount > options.maxUsers) return [judged([])];
    return [
      judged([
        {
          key: 'rare-high-risk',
          title: `${risky.join(', ')} granted by ${plural(attrs.userCount, 'user')}`,
          message: `${identityLabel(identity)} (client ${attrs.clientId}) holds ${risky.join(', ')} and only ${attrs.users.map((u) => u.email).join(', ')} granted it.`,
          evidence: {
            clientId: attrs.clientId,
            highRiskScopes: risky,
            userCount: attrs.userCount,
            users: attrs.users.map((u) => u.email),
            maxUsers: options.maxUsers,
          },
        },
      ]),
    ];
  },
};
