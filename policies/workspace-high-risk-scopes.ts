// workspace-high-risk-scopes: a third-party OAuth app users granted a high-risk scope (full
// Gmail, all of Drive, the Admin SDK Directory, all of Google Cloud): the vendor holds a refresh
// token to every granting user's mail, files or the directory.
// WORKSPACE-SPECIFIC: tokens.list / token activity of Google Workspace.
import { z } from 'zod';
import { workspaceAttributes } from '../connectors/workspace/attributes.js';
import { scopeRisk } from '../connectors/workspace/privilege.js';
import { type Policy, judged, unknown } from '../src/policy.js';
import { REFERENCES, identityLabel, plural } from './lib/common.js';

const Options = z.strictObject({
  extraScopes: z
    .array(z.string().min(1))
    .default([])
    .describe('OAuth scopes to treat as high-risk besides the built-in list.'),
  allowedApps: z
    .array(z.string().min(1))
    .default([])
    .describe('Client ids of apps reviewed and allowed to hold high-risk scopes (e.g. your own).'),
});
type Options = z.infer<typeof Options>;

export const workspaceHighRiskScopes: Policy<Options> = {
  id: 'workspace-high-risk-scopes',
  title: 'Third-party app with high-risk Google scopes',
  description:
    'Fires on a third-party OAuth app that users of the Google Workspace account have authorised with a high-risk scope: full Gmail (https://mail.google.com/, gmail.modify, gmail.readonly, gmail.send, …), all of Drive (drive, drive.readonly), the Admin SDK Directory (admin.directory.*), or all of Google Cloud (cloud-platform). The app holds a refresh token for each granting user: a compromise of the vendor is a compromise of their mail, files or the directory. The list is in connectors/workspace/privilege.ts. Unknown when the grants were not read.',
  appliesTo: { providers: ['workspace'], kinds: ['workspace.oauth_app'] },
  severity: 'high',
  options: Options,
  controls: {
    soc2: ['CC6.3', 'CC9.2'],
    soc1: ['ITGC-LA-3'],
    owaspNhi: ['NHI3', 'NHI5'],
    nistCsf: ['PR.AA-05', 'GV.SC-07'],
    cisControls: ['6.8', '15.4'],
  },
  remediation: {
    default:
      'Review the app: if it is not needed, revoke its tokens (Admin console > Security > API controls > App access control, or tokens.delete per user) and block it; if it is, mark it Trusted with the narrowest scopes it needs, and add its client id to allowedApps.',
  },
  references: [
    'https://developers.google.com/workspace/admin/directory/reference/rest/v1/tokens',
    'https://support.google.com/a/answer/7281227',
    'https://developers.google.com/identity/protocols/oauth2/scopes',
    REFERENCES.owaspNhi,
  ],
  findings: [
    {
      key: 'high-risk-scopes',
      title: 'Granted <scopes>',
      evidence: ['clientId', 'highRiskScopes', 'why', 'userCount', 'users', 'usersComplete', 'anonymous'],
    },
  ],
  evaluate(identity, options) {
    const attrs = workspaceAttributes(identity);
    if (!attrs) return [unknown('the Workspace attributes of this identity are missing or malformed')];
    if (options.allowedApps.includes(attrs.clientId)) return [judged([])];
    const risky = attrs.scopes.map((s) => scopeRisk(s, options.extraScopes)).filter((r) => r !== undefined);
    if (risky.length === 0) return [judged([])];
    const names = risky.map((r) => r.scope);
    return [
      judged([
        {
          key: 'high-risk-scopes',
          title: `Granted ${names.join(', ')}`,
          message: `${identityLabel(identity)} (client ${attrs.clientId}) holds ${names.join(', ')}, granted by ${plural(attrs.userCount, 'user')}${attrs.usersComplete ? '' : ' (at least: some users could not be read)'}.`,
          evidence: {
            clientId: attrs.clientId,
            highRiskScopes: names,
            why: risky.map((r) => `${r.scope}: ${r.why}`),
            userCount: attrs.userCount,
            users: attrs.users.map((u) => u.email),
            usersComplete: attrs.usersComplete,
            ...(attrs.anonymous !== undefined ? { anonymous: attrs.anonymous } : {}),
          },
          // Admin-level scopes put the directory itself in a vendor's hands.
          ...(risky.some((r) => r.level === 'admin') ? { severity: 'critical' as const } : {}),
        },
      ]),
    ];
  },
};
