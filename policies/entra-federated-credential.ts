// entra-federated-credential: a federated identity credential lets tokens from another issuer
// sign in as the app. On a shared, multi-tenant issuer (GitHub Actions, Terraform Cloud, GitLab)
// the subject is all that tells the app's workflows from everyone else's: a wildcard expression
// over it, a pull_request subject (any contributor's branch), or a branch subject without a
// deployment environment (no reviewers, no protection rules) lets more workloads in than meant.
// ENTRA-SPECIFIC: federatedIdentityCredentials of app registrations (flexible ones read from beta).
import { z } from 'zod';
import { entraAttributes } from '../connectors/entra/attributes.js';
import { type FindingDraft, type Policy, judged, notApplicable, unknown } from '../src/policy.js';
import { identityLabel, REFERENCES } from './lib/common.js';

const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

const Options = z.strictObject({
  sharedIssuers: z
    .array(z.string().min(1))
    .default([GITHUB_ISSUER, 'https://app.terraform.io', 'https://gitlab.com'])
    .describe('Issuers that sign tokens for many customers: their subjects must name your workload exactly.'),
  requireGithubEnvironment: z
    .boolean()
    .default(true)
    .describe('Flag GitHub subjects that name a branch or tag instead of a deployment environment.'),
});
type Options = z.infer<typeof Options>;

const trimSlash = (s: string): string => s.replace(/\/+$/, '');

export const entraFederatedCredential: Policy<Options> = {
  id: 'entra-federated-credential',
  title: 'Federated credential trusts too broad a subject',
  description:
    "Fires on a federated identity credential of an Entra app that trusts more workloads than meant: a wildcard claims-matching expression (high on a shared issuer such as GitHub Actions, Terraform Cloud or GitLab), a GitHub pull_request subject (any contributor's pull request), or a GitHub branch or tag subject without a deployment environment (no reviewers, no protection rules). On a shared issuer the subject is all that tells your workflows from everyone else's. Unknown when the app's federated credentials were not read.",
  appliesTo: { providers: ['entra'] },
  severity: 'high',
  options: Options,
  controls: {
    soc2: ['CC6.6'],
    soc1: ['ITGC-LA-5'],
    owaspNhi: ['NHI3', 'NHI6'],
    nistCsf: ['PR.AA-04', 'PR.AA-05'],
    cisControls: ['6.8'],
  },
  remediation: {
    default:
      'Trust exact subjects only: one federated credential per repository and deployment environment (repo:ORG/REPO:environment:NAME) protected by required reviewers.',
  },
  references: [
    'https://learn.microsoft.com/en-us/graph/api/resources/federatedidentitycredential',
    'https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation',
    'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect',
    REFERENCES.owaspNhi,
  ],
  findings: [
    {
      key: 'wildcard:<credential id>',
      title: 'Federated credential matches subjects by wildcard',
      evidence: ['issuer', 'subject', 'name', 'audiences', 'claimsMatchingExpression', 'sharedIssuer'],
    },
    {
      key: 'pull-request:<credential id>',
      title: 'Federated credential trusts pull-request workflows',
      evidence: ['issuer', 'subject', 'name', 'audiences', 'subjectKind'],
    },
    {
      key: 'no-environment:<credential id>',
      title: 'Federated credential without a deployment environment',
      evidence: ['issuer', 'subject', 'name', 'audiences', 'subjectKind'],
    },
  ],
  evaluate(identity, options) {
    const attrs = entraAttributes(identity);
    if (!attrs) return [unknown('the Entra attributes of this identity are missing or malformed')];
    if (!attrs.federatedCredentials) {
      // Only app registrations carry federated credentials the connector reads.
      return identity.kind === 'entra.application'
        ? [unknown('federated identity credentials not read')]
        : [notApplicable(`${identity.kind}: no federated identity credentials read for this kind`)];
    }
    if (attrs.federatedCredentials.length === 0)
      return [notApplicable('has no federated identity credential')];
    const shared = new Set(options.sharedIssuers.map(trimSlash));
    const drafts: FindingDraft[] = [];
    for (const f of attrs.federatedCredentials) {
      const issuer = trimSlash(f.issuer);
      const base = {
        issuer: f.issuer,
        subject: f.subject || null,
        name: f.name ?? null,
        audiences: f.audiences,
      };
      const label = `${identityLabel(identity)} federated credential ${f.name ?? f.id}`;
      if (f.claimsMatchingExpression && f.claimsMatchingExpression.includes('*')) {
        drafts.push({
          key: `wildcard:${f.id}`,
          severity: shared.has(issuer) ? 'high' : 'medium',
          title: 'Federated credential matches subjects by wildcard',
          message: `${label} trusts any token from ${f.issuer} whose claims match ${f.claimsMatchingExpression}.`,
          evidence: {
            ...base,
            claimsMatchingExpression: f.claimsMatchingExpression,
            sharedIssuer: shared.has(issuer),
          },
          remediation:
            'Replace the expression with exact subjects (one credential per repository and environment).',
        });
        continue;
      }
      if (issuer !== GITHUB_ISSUER || !f.subject) continue;
      if (/:pull_request$/.test(f.subject)) {
        drafts.push({
          key: `pull-request:${f.id}`,
          title: 'Federated credential trusts pull-request workflows',
          message: `${label} trusts ${f.subject}: a workflow run for any pull request to the repository can sign in as the app.`,
          evidence: { ...base, subjectKind: 'pull_request' },
          remediation:
            'Trust a deployment environment (repo:ORG/REPO:environment:NAME) with required reviewers instead.',
        });
      } else if (options.requireGithubEnvironment && /:ref:refs\/(heads|tags)\//.test(f.subject)) {
        drafts.push({
          key: `no-environment:${f.id}`,
          severity: 'medium',
          title: 'Federated credential without a deployment environment',
          message: `${label} trusts ${f.subject}: any workflow on that ref can sign in as the app, with no environment protection rules.`,
          evidence: { ...base, subjectKind: 'ref' },
          remediation:
            'Trust a deployment environment (repo:ORG/REPO:environment:NAME) protected by required reviewers and branch rules.',
        });
      }
    }
    return [judged(drafts)];
  },
};
