// external-trust: who outside the identity's own account can assume it. "Anyone" is judged on
// every provider; cross-account and federated (OIDC / web identity) trust are AWS-specific reads
// of IAM role trust policies. Service principals ("ec2.amazonaws.com") never fire.
import { z } from 'zod';
import type { Identity, Severity, Trust } from '../src/model.js';
import type { FindingDraft, Policy } from '../src/policy.js';
import {
  conditionsOn,
  federatedIssuer,
  isOnlyWildcard,
  isTenantWildcard,
  principalAccount,
  restricts,
} from './lib/aws-trust.js';
import { identityLabel, plural } from './lib/common.js';

const GITHUB_ACTIONS = 'token.actions.githubusercontent.com';

/** Issuers shared by every customer of a CI/CD service: without a `sub` condition, any of
 *  their users' pipelines can assume the role. Per-tenant issuers (CircleCI
 *  oidc.circleci.com/org/…, Bitbucket's per-workspace URL) are tenant-bound and not listed. */
const MULTI_TENANT_ISSUERS = [GITHUB_ACTIONS, 'gitlab.com', 'app.terraform.io', 'agent.buildkite.com'];

/** AWS-SPECIFIC: the web-identity providers STS knows natively, and the condition key that
 *  binds a role to your app or identity pool (AWS documents the Cognito one as required). */
const WEB_IDENTITY_AUDIENCE: Record<string, string> = {
  'cognito-identity.amazonaws.com': 'cognito-identity.amazonaws.com:aud',
  'accounts.google.com': 'accounts.google.com:aud',
  'graph.facebook.com': 'graph.facebook.com:app_id',
  'www.amazon.com': 'www.amazon.com:app_id',
};

const Options = z.strictObject({
  trustedAccountIds: z
    .array(z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id'))
    .default([])
    .describe('AWS accounts (your own organisation, known vendors) trusted without an sts:ExternalId.'),
  multiTenantIssuers: z
    .array(z.string().min(1))
    .default(MULTI_TENANT_ISSUERS)
    .describe('OIDC issuers shared by many tenants; a role trusting one must pin the subject.'),
});
type Options = z.infer<typeof Options>;

interface Hit {
  trust: Trust;
  severity?: Severity;
  extra?: Record<string, unknown>;
}

const entry = (h: Hit): Record<string, unknown> => ({
  principalType: h.trust.principalType,
  principal: h.trust.principal,
  conditions: h.trust.conditions,
  actions: h.trust.actions,
  source: h.trust.source,
  ...(h.trust.sid === undefined ? {} : { sid: h.trust.sid }),
  ...h.extra,
});

const worst = (hits: readonly Hit[]): Severity | undefined =>
  hits.some((h) => h.severity === 'critical') ? 'critical' : hits.find((h) => h.severity)?.severity;

export const externalTrust: Policy<Options> = {
  id: 'external-trust',
  title: 'Unrestricted external trust',
  rationale:
    'A role that anyone, another account without an external id, or any pipeline of a shared CI service can assume hands its permissions to people outside the organisation.',
  severity: 'high',
  options: Options,
  controls: {
    soc2: ['CC6.6', 'CC6.1'],
    soc1: ['ITGC-LA-5'],
    owaspNhi: ['NHI3', 'NHI6'],
    cisAws: ['1.20'],
    nistCsf: ['PR.AA-04', 'PR.AA-05'],
    cisControls: ['6.8'],
  },
  evaluate(identity, options) {
    const byKey = new Map<string, Hit[]>();
    const add = (key: string, hit: Hit): void => {
      byKey.set(key, [...(byKey.get(key) ?? []), hit]);
    };
    const trusted = new Set(options.trustedAccountIds);
    const multiTenant = new Set(options.multiTenantIssuers.map((i) => i.toLowerCase()));
    const aws = identity.provider === 'aws';

    for (const trust of identity.trust) {
      // {"AWS": "*"} is "anyone" too, however a connector labels it.
      if (trust.principalType === 'any' || (trust.principalType === 'aws' && trust.principal === '*')) {
        const conditioned = Object.keys(trust.conditions).length > 0;
        add(conditioned ? 'any-principal-conditioned' : 'any-principal', {
          trust,
          severity: conditioned ? 'medium' : 'critical',
        });
        continue;
      }
      if (!aws) continue; // AWS-SPECIFIC below: IAM trust policy semantics.
      if (trust.principalType === 'aws') {
        const account = principalAccount(trust.principal);
        if (!account || account === identity.location.scope || trusted.has(account)) continue;
        const externalId = conditionsOn(trust, 'sts:ExternalId');
        if (externalId.some((c) => restricts(c, { allowIfExists: false, isBroad: isOnlyWildcard }))) continue;
        add('cross-account-no-external-id', { trust, extra: { account } });
      } else if (trust.principalType === 'federated') {
        const issuer = federatedIssuer(trust.principal);
        if (!issuer) continue;
        if (multiTenant.has(issuer)) {
          const key = `${issuer}:sub`;
          const subject = conditionsOn(trust, key);
          if (subject.some((c) => restricts(c, { allowIfExists: true, isBroad: isTenantWildcard }))) continue;
          add('oidc-no-subject', {
            trust,
            ...(issuer === GITHUB_ACTIONS ? { severity: 'critical' as const } : {}),
            extra: { issuer, conditionKey: key },
          });
        } else if (WEB_IDENTITY_AUDIENCE[issuer]) {
          const key = WEB_IDENTITY_AUDIENCE[issuer];
          const audience = conditionsOn(trust, key);
          if (audience.some((c) => restricts(c, { allowIfExists: true, isBroad: isOnlyWildcard }))) continue;
          add('web-identity-no-audience', { trust, extra: { issuer, conditionKey: key } });
        }
      }
    }

    const drafts: FindingDraft[] = [];
    for (const [key, hits] of byKey) {
      const severity = worst(hits);
      drafts.push({
        key,
        ...(severity ? { severity } : {}),
        ...describe(key, identity, hits),
        evidence: {
          ...(aws ? { account: identity.location.scope } : {}),
          trust: hits.map(entry),
        },
      });
    }
    return drafts;
  },
};

const principals = (hits: readonly Hit[]): string => hits.map((h) => h.trust.principal).join(', ');

const describe = (
  key: string,
  identity: Identity,
  hits: readonly Hit[],
): Pick<FindingDraft, 'title' | 'message' | 'remediation'> => {
  const who = identityLabel(identity);
  switch (key) {
    case 'any-principal':
      return {
        title: 'Assumable by anyone',
        message: `${who} trusts any principal ("*") with no condition.`,
        remediation: 'Replace the "*" principal with the specific accounts or roles that need this role.',
      };
    case 'any-principal-conditioned':
      return {
        title: 'Assumable by any principal, subject to conditions',
        message: `${who} trusts any principal ("*"), limited only by conditions (${hits.map((h) => h.trust.source).join(', ')}).`,
        remediation: 'Name the trusted principals explicitly instead of relying on conditions alone.',
      };
    case 'cross-account-no-external-id': {
      const accounts = [...new Set(hits.map((h) => String(h.extra?.account)))];
      return {
        title: `Assumable by ${plural(accounts.length, 'other account')} without an external id`,
        message: `${who} can be assumed from ${accounts.join(', ')} (${principals(hits)}) with no sts:ExternalId condition.`,
        remediation:
          'Add an sts:ExternalId condition agreed with the other party, or list the account in trustedAccountIds if it is yours.',
      };
    }
    case 'oidc-no-subject':
      return {
        title: 'OIDC trust without a subject condition',
        message: `${who} trusts the shared OIDC issuer ${[...new Set(hits.map((h) => String(h.extra?.issuer)))].join(', ')} without pinning the token subject, so any of its tenants' pipelines can assume it.`,
        remediation:
          'Add a StringEquals/StringLike condition on the issuer\'s ":sub" key naming your own organisation, repository and branch or environment.',
      };
    default:
      return {
        title: 'Web identity trust without an audience condition',
        message: `${who} trusts ${principals(hits)} without a condition on ${[...new Set(hits.map((h) => String(h.extra?.conditionKey)))].join(', ')}, so identities from other apps or pools can assume it.`,
        remediation:
          'Add a StringEquals condition on the audience key naming your own identity pool or app id.',
      };
  }
};
