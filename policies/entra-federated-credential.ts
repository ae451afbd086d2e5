// entra-federated-credential: a federated identity credential lets tokens from another issuer
// sign in as the app. On a shared, multi-tenant issuer (GitHub Actions, Terraform Cloud, GitLab)
// the subject is all that tells the app's workflows from everyone else's: a wildcard expression
// over it, a pull_request subject (any contributor's branch), or a branch subject without a
// deployment environment (no reviewers, no protection rules) lets more workloads in than meant.
// ENTRA-SPECIFIC: federatedIdentityCredentials of app registrations (flexible ones read from beta).
import { z } from 'zod';
import { entraAttributes } from '../connectors/entra/attributes.js';
import type { FindingDraft, Policy } from '../src/policy.js';
import { identityLabel } from './lib/common.js';

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
  rationale:
    "A federated credential on a shared issuer trusts whatever workload the subject matches; a wildcard, a pull-request subject or a branch without a protected environment lets other repositories, contributors' branches or unreviewed jobs sign in as the app.",
  severity: 'high',
  options: Options,
  controls: {
    soc2: ['CC6.6'],
    soc1: ['ITGC-LA-5'],
    owaspNhi: ['NHI3', 'NHI6'],
    nistCsf: ['PR.AA-04', 'PR.AA-05'],
    cisControls: ['6.8'],
  },
  evaluate(identity, options) {
    const attrs = entraAttributes(identity);
    if (!attrs) return [];
    const shared = new Set(options.sharedIssuers.map(trimSlash));
    const drafts: FindingDraft[] = [];
    for (const f of attrs.federatedCredentials ?? []) {
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
    return drafts;
  },
};
