// workspace-departed-grantor: a third-party OAuth app still holding grants of people who have
// left (suspended or archived in Workspace, or inactive in the people directory). Nobody still
// here answers for that app, and its refresh tokens outlive the person.
// WORKSPACE-SPECIFIC: tokens.list / token activity of Google Workspace.
import { z } from 'zod';
import { type WorkspaceGrantor, workspaceAttributes } from '../connectors/workspace/attributes.js';
import type { PolicyContext } from '../src/policy.js';
import { type Policy, judged, unknown } from '../src/policy.js';
import { REFERENCES, identityLabel, plural } from './lib/common.js';

const Options = z.strictObject({
  suspendedIsDeparted: z
    .boolean()
    .default(true)
    .describe('Count a user Workspace reports as suspended or archived as departed.'),
});
type Options = z.infer<typeof Options>;

interface Departure {
  email: string;
  why: string[];
}

const departure = (u: WorkspaceGrantor, options: Options, ctx: PolicyContext): Departure | undefined => {
  const why: string[] = [];
  if (options.suspendedIsDeparted && u.suspended === true) why.push('suspended in Workspace');
  if (options.suspendedIsDeparted && u.archived === true) why.push('archived in Workspace');
  const person = ctx.directory?.find(u.email);
  if (person && !person.active) why.push(`directory status "${person.status}"`);
  return why.length > 0 ? { email: u.email, why } : undefined;
};

export const workspaceDepartedGrantor: Policy<Options> = {
  id: 'workspace-departed-grantor',
  title: 'Third-party app granted by people who have left',
  description:
    "Fires on a third-party OAuth app that people who have left still have grants to: users Workspace reports as suspended or archived, or people the directory lists as inactive (DEPROVISIONED, SUSPENDED…). The app's refresh tokens outlive the person; an app only departed people granted has nobody left to answer for it (high). Unknown when neither Workspace's user status nor a people directory says anything about the granting users.",
  appliesTo: { providers: ['workspace'], kinds: ['workspace.oauth_app'] },
  severity: 'medium',
  options: Options,
  controls: {
    soc2: ['CC6.2', 'CC6.3'],
    soc1: ['ITGC-LA-2'],
    owaspNhi: ['NHI1'],
    nistCsf: ['PR.AA-01', 'ID.AM-08'],
    cisControls: ['6.2', '5.5'],
  },
  remediation: {
    default:
      "Revoke the departed users' tokens for this app (tokens.delete, or reset the user's sign-in cookies and app access when offboarding), and make token revocation part of offboarding.",
  },
  references: [
    'https://developers.google.com/workspace/admin/directory/reference/rest/v1/tokens/delete',
    'https://support.google.com/a/answer/7281227',
    REFERENCES.owaspNhi,
  ],
  findings: [
    {
      key: 'departed-grantors',
      title: 'Granted by <n> departed users',
      evidence: ['clientId', 'departed', 'userCount', 'onlyDeparted', 'scopes', 'directorySource'],
    },
  ],
  evaluate(identity, options, ctx) {
    const attrs = workspaceAttributes(identity);
    if (!attrs) return [unknown('the Workspace attributes of this identity are missing or malformed')];
    const departed = attrs.users.map((u) => departure(u, options, ctx)).filter((d) => d !== undefined);
    if (departed.length === 0) {
      // Nothing said "left" — but only if something could have said it.
      const witnessed = attrs.users.every((u) => u.suspended !== undefined || ctx.directory !== undefined);
      return witnessed
        ? [judged([])]
        : [unknown('neither Workspace user status nor a people directory covers the granting users')];
    }
    const only = departed.length === attrs.users.length && attrs.usersComplete;
    return [
      judged([
        {
          key: 'departed-grantors',
          title: `Granted by ${plural(departed.length, 'departed user')}`,
          message: `${identityLabel(identity)} (client ${attrs.clientId}) is still granted by ${departed.map((d) => `${d.email} (${d.why.join('; ')})`).join(', ')}${only ? ': nobody who is still here granted it' : ''}.`,
          evidence: {
            clientId: attrs.clientId,
            departed: departed.map((d) => ({ email: d.email, why: d.why })),
            userCount: attrs.userCount,
            onlyDeparted: only,
            scopes: attrs.scopes,
            ...(ctx.directory ? { directorySource: ctx.directory.source } : {}),
          },
          ...(only ? { severity: 'high' as const } : {}),
        },
      ]),
    ];
  },
};
