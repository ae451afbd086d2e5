// workspace-unverified-app: a grant to an app with an anonymous client id (Google's `anonymous`
// flag: the app is not registered with Google), so no publisher, verification or brand stands
// behind it. The Admin SDK exposes no "verified" flag beyond this; unverified apps with a
// registered client id are not visible to the API and are out of this check's reach.
// WORKSPACE-SPECIFIC: tokens.list of Google Workspace.
import { z } from 'zod';
import { workspaceAttributes } from '../connectors/workspace/attributes.js';
import { scopeRisk } from '../connectors/workspace/privilege.js';
import { type Policy, judged, unknown } from '../src/policy.js';
import { REFERENCES, identityLabel, plural } from './lib/common.js';

const Options = z.strictObject({
  allowedApps: z.array(z.string().min(1)).default([]).describe('Client ids of apps reviewed and allowed.'),
});
type Options = z.infer<typeof Options>;

export const workspaceUnverifiedApp: Policy<Options> = {
  id: 'workspace-unverified-app',
  title: 'Anonymous (unregistered) third-party app',
  description:
    "Fires on a third-party OAuth app whose tokens Google marks anonymous: the client id is not registered with Google, so no publisher, OAuth verification or brand stands behind it. High when it also holds a high-risk scope. The Admin SDK has no other verification flag; unknown when the grants came from the Reports API's token activity, which does not carry it.",
  appliesTo: { providers: ['workspace'], kinds: ['workspace.oauth_app'] },
  severity: 'medium',
  options: Options,
  controls: {
    soc2: ['CC6.1', 'CC9.2'],
    soc1: ['ITGC-LA-1'],
    owaspNhi: ['NHI3'],
    nistCsf: ['GV.SC-07', 'PR.AA-01'],
    cisControls: ['15.4'],
  },
  remediation: {
    default:
      'Revoke the tokens and block the app unless someone can name its publisher; allow only configured (Trusted or Limited) apps to request Google data.',
  },
  references: [
    'https://developers.google.com/workspace/admin/directory/reference/rest/v1/tokens',
    'https://support.google.com/a/answer/7281227',
    REFERENCES.owaspNhi,
  ],
  findings: [
    {
      key: 'anonymous',
      title: 'Anonymous app granted by <n> users',
      evidence: ['clientId', 'anonymous', 'scopes', 'highRiskScopes', 'userCount', 'users'],
    },
  ],
  evaluate(identity, options) {
    const attrs = workspaceAttributes(identity);
    if (!attrs) return [unknown('the Workspace attributes of this identity are missing or malformed')];
    if (options.allowedApps.includes(attrs.clientId)) return [judged([])];
    if (attrs.anonymous === undefined)
      return [unknown('whether the app is anonymous is not known (the token activity does not say)')];
    if (!attrs.anonymous) return [judged([])];
    const risky = attrs.scopes.filter((s) => scopeRisk(s) !== undefined);
    return [
      judged([
        {
          key: 'anonymous',
          title: `Anonymous app granted by ${plural(attrs.userCount, 'user')}`,
          message: `${identityLabel(identity)} (client ${attrs.clientId}) is not registered with Google (anonymous) and holds ${attrs.scopes.join(', ')}.`,
          evidence: {
            clientId: attrs.clientId,
            anonymous: true,
            scopes: attrs.scopes,
            highRiskScopes: risky,
            userCount: attrs.userCount,
            users: attrs.users.map((u) => u.email),
          },
          ...(risky.length > 0 ? { severity: 'high' as const } : {}),
        },
      ]),
    ];
  },
};
