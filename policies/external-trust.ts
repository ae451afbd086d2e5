// external-trust: who outside the identity's own account can assume it. "Anyone" is judged on
// every provider; cross-account and federated (OIDC / web identity) trust are AWS-specific reads
// of IAM role trust policies. Service principals ("ec2.amazonaws.com") never fire.
import { z } from 'zod';
import { type Identity, type Severity, TRUST_PRINCIPAL, type Trust } from '../src/model.js';
import { type FindingDraft, type Policy, judged, notApplicable, unknown } from '../src/policy.js';
import {
  conditionsOn,
  federatedIssuer,
  isOnlyWildcard,
  isTenantWildcard,
  principalAccount,
  restricts,
} from './lib/aws-trust.js';
import { REFERENCES, identityLabel, plural } from './lib/common.js';
import { AWS_KINDS, AWS_TRUST_PRINCIPAL } from '../connectors/aws/attributes.js';

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
  description:
    'Fires when any principal ("*") can assume an identity, and on AWS roles when another account (outside its AWS Organization, when an organization target listed it) can assume it without an sts:ExternalId, when a shared OIDC issuer (GitHub Actions, GitLab, Terraform Cloud, Buildkite) is trusted without a subject condition, or a web-identity provider without an audience condition. Such a role hands its permissions to people outside the organisation. Unknown for an AWS role whose trust policy could not be read.',
  appliesTo: {},
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
  remediation: {
    default:
      'Name the trusted principals explicitly and add conditions that bind the trust to your own callers.',
    byKind: {
      'aws.iam_role':
        'Edit the role\'s trust policy: replace "*" with named principals, require sts:ExternalId for other accounts (aws iam update-assume-role-policy), and pin token.actions.githubusercontent.com:sub (or the issuer\'s subject key) to your repositories.',
      'gcp.wif_provider':
        'Add an attribute condition to the workload identity provider that pins your own organisation or repositories.',
    },
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
    'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services',
    REFERENCES.owaspNhi,
    REFERENCES.cisAws,
  ],
  findings: [
    { key: 'any-principal', title: 'Assumable by anyone', evidence: ['account', 'trust'] },
    {
      key: 'any-principal-conditioned',
      title: 'Assumable by any principal, subject to conditions',
      evidence: ['account', 'trust'],
    },
    {
      key: 'cross-account-no-external-id',
      title: 'Assumable by <n> other accounts without an external id',
      evidence: ['account', 'trust'],
    },
    {
      key: 'oidc-no-subject',
      title: 'OIDC trust without a subject condition',
      evidence: ['account', 'trust'],
    },
    {
      key: 'web-identity-no-audience',
      title: 'Web identity trust without an audience condition',
      evidence: ['account', 'trust'],
    },
  ],
  evaluate(identity, options) {
    if (identity.trust.length === 0 && identity.unknownFacts?.includes('trust'))
      return [unknown("the identity's trust policy was not read")];
    if (identity.trust.length === 0) {
      // AWS-SPECIFIC: every role has a trust policy; none recorded means it was not read.
      return identity.kind === AWS_KINDS.iamRole
        ? [unknown("the role's trust policy was not read")]
        : [notApplicable('nobody outside the identity can assume it (no trust relationship recorded)')];
    }
    const byKey = new Map<string, Hit[]>();
    const add = (key: string, hit: Hit): void => {
      byKey.set(key, [...(byKey.get(key) ?? []), hit]);
    };
    const trusted = new Set(options.trustedAccountIds);
    const multiTenant = new Set(options.multiTenantIssuers.map((i) => i.toLowerCase()));
    const aws = identity.provider === 'aws';

    for (const trust of identity.trust) {
      // {"AWS": "*"} is "anyone" too, however a connector labels it.
      if (
        trust.principalType === TRUST_PRINCIPAL.any ||
        (trust.principalType === AWS_TRUST_PRINCIPAL.aws && trust.principal === '*')
      ) {
        const conditioned = Object.keys(trust.conditions).length > 0;
        add(conditioned ? 'any-principal-conditioned' : 'any-principal', {
          trust,
          severity: conditioned ? 'medium' : 'critical',
        });
        continue;
      }
      if (!aws) continue; // AWS-SPECIFIC below: IAM trust policy semantics.
      if (trust.principalType === AWS_TRUST_PRINCIPAL.aws) {
        const account = principalAccount(trust.principal);
        if (!account || account === identity.location.scope || trusted.has(account)) continue;
        // Another account of the identity's own organisation (the connector's zone of trust).
        if (trust.organization !== undefined) continue;
        const externalId = conditionsOn(trust, 'sts:ExternalId');
        if (externalId.some((c) => restricts(c, { allowIfExists: false, isBroad: isOnlyWildcard }))) continue;
        add('cross-account-no-external-id', { trust, extra: { account } });
      } else if (trust.principalType === AWS_TRUST_PRINCIPAL.federated) {
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
    return [judged(drafts)];
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
