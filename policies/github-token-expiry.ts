// github-token-expiry: a personal access token that never expires (or expires years out) stays
// valid long after the laptop, script or person that held it is gone. GitHub lets orgs require
// expiry for fine-grained tokens; classic tokens authorised for SSO may never expire.
// GITHUB-SPECIFIC: fine-grained PAT grants and SSO-authorised tokens from the GitHub connector.
import { z } from 'zod';
import { daysBetween } from '../src/clock.js';
import { type Policy, type Verdict, fail, notApplicable, pass, unknown } from '../src/policy.js';
import { REFERENCES } from './lib/common.js';
import { credentialAuthorizationAttributes, githubLabel } from './lib/github.js';

/** SSO-authorised tokens GitHub issued to an app: their holder cannot pick an expiry. */
const APP_ISSUED = new Set(['OAuth app token', 'GitHub app token']);

const Options = z.strictObject({
  maxLifetimeDays: z
    .int()
    .min(1)
    .default(90)
    .describe('Fire when a token expires further out than this many days from the scan date.'),
  kinds: z
    .array(z.string().min(1))
    .default(['github.fine_grained_pat', 'github.credential_authorization', 'github.scan_token'])
    .describe('GitHub identity kinds whose tokens are judged.'),
});
type Options = z.infer<typeof Options>;

export const githubTokenExpiry: Policy<Options> = {
  id: 'github-token-expiry',
  title: 'GitHub token without a near expiry',
  description:
    'Fires on an active GitHub token (fine-grained personal access token, SSO-authorised classic token, the token nhiscan itself scans with) that never expires (high when it can write) or expires further out than the limit. An expiry date is the rotation a token cannot skip; a token that never expires keeps working after whoever held it has moved on, and a leaked copy is useful forever. Judges the kinds in the kinds option; unknown when GitHub did not report an expiry.',
  appliesTo: { providers: ['github'] },
  severity: 'medium',
  options: Options,
  controls: {
    soc2: ['CC6.1'],
    soc1: ['ITGC-LA-4'],
    owaspNhi: ['NHI7'],
    nistCsf: ['PR.AA-01'],
  },
  remediation: {
    default:
      "Replace the token with one that expires within the limit, and require expiry in the organisation's personal access token policy.",
    byKind: {
      'github.credential_authorization':
        "Replace the classic token with a fine-grained token that expires (or a GitHub App), then revoke the old token's SSO authorisation (org settings → People → the member → SAML identity).",
    },
  },
  references: [
    REFERENCES.githubPats,
    'https://docs.github.com/en/organizations/managing-programmatic-access-to-your-organization/setting-a-personal-access-token-policy-for-your-organization',
    REFERENCES.owaspNhi,
  ],
  findings: [
    {
      key: 'never-expires',
      title: 'Token never expires',
      evidence: ['expiresAt', 'lastUsedAt', 'privilegeLevel', 'maxLifetimeDays', 'credentialType', 'asOf'],
    },
    {
      key: 'long-expiry',
      title: 'Token expires in <n> days',
      evidence: ['expiresAt', 'daysToExpiry', 'maxLifetimeDays', 'privilegeLevel', 'asOf'],
    },
  ],
  evaluate(identity, options, ctx) {
    if (identity.provider !== 'github' || !options.kinds.includes(identity.kind))
      return [notApplicable(`${identity.kind} is not among the judged kinds (option kinds)`)];
    const verdicts: Verdict[] = [];
    // Write access on top of a token that never expires is the case to fix first.
    const writes = identity.privilege.level === 'write' || identity.privilege.level === 'admin';
    const credentialType = credentialAuthorizationAttributes(identity)?.credentialType;
    const appIssued = credentialType !== undefined && APP_ISSUED.has(credentialType);
    for (const cred of identity.credentials) {
      if (cred.type !== 'token' || cred.status !== 'active') continue;
      const asOf = ctx.asOf.toISOString();
      if (cred.expiresAt === null) {
        verdicts.push(
          fail({
            key: 'never-expires',
            credentialUid: cred.uid,
            ...(writes ? { severity: 'high' as const } : {}),
            title: 'Token never expires',
            message: `${githubLabel(identity)} uses token ${cred.uid}, which never expires.`,
            evidence: {
              expiresAt: null,
              lastUsedAt: cred.lastUsedAt,
              privilegeLevel: identity.privilege.level,
              maxLifetimeDays: options.maxLifetimeDays,
              ...(credentialType ? { credentialType } : {}),
              asOf,
            },
            remediation: appIssued
              ? `The token was issued to an app, whose user cannot set an expiry: revoke the SSO authorisation if the app is no longer used, and prefer GitHub Apps with expiring user tokens.`
              : `Replace the token with one that expires within ${options.maxLifetimeDays} days, and require expiry in the organisation's personal access token policy.`,
          }),
        );
        continue;
      }
      const since = daysBetween(cred.expiresAt, ctx.asOf);
      if (since === undefined) {
        verdicts.push(unknown(`${cred.uid}: GitHub did not report when the token expires`));
        continue;
      }
      const left = -since;
      if (left <= options.maxLifetimeDays) {
        verdicts.push(pass());
        continue;
      }
      verdicts.push(
        fail({
          key: 'long-expiry',
          credentialUid: cred.uid,
          title: `Token expires in ${left} days`,
          message: `${githubLabel(identity)} uses token ${cred.uid}, valid for ${left} more days (limit ${options.maxLifetimeDays}).`,
          evidence: {
            expiresAt: cred.expiresAt,
            daysToExpiry: left,
            maxLifetimeDays: options.maxLifetimeDays,
            privilegeLevel: identity.privilege.level,
            asOf,
          },
          remediation: `Regenerate the token with an expiry within ${options.maxLifetimeDays} days.`,
        }),
      );
    }
    return verdicts.length > 0
      ? verdicts
      : [notApplicable('holds no active token (an SSH key, or a revoked token)')];
  },
};
