// gcp-wif-no-condition: a workload identity provider for a shared issuer (GitHub Actions, GitLab,
// Terraform Cloud, Google accounts) trusts tokens that issuer signs for *every* one of its users.
// Without an attribute condition, any of them can exchange a token in the pool; only the IAM
// bindings on principalSets then stand between a stranger's pipeline and your service accounts.
// An AWS provider is bound to one AWS account, but without a condition it admits every role,
// user and instance profile in that account: any workload there may enter the pool.
// GCP-SPECIFIC: reads the provider facts the Google Cloud connector records.
import { z } from 'zod';
import { type Policy, fail, notApplicable, pass, unknown } from '../src/policy.js';
import { REFERENCES, identityLabel } from './lib/common.js';
import { wifProviderAttributes } from './lib/gcp.js';

const GITHUB_ACTIONS = 'https://token.actions.githubusercontent.com';

/** Issuers shared by every tenant of a service. Per-tenant issuers (CircleCI's
 *  oidc.circleci.com/org/…, an Okta or Entra tenant) are bound to one customer and not listed. */
const MULTI_TENANT_ISSUERS = [
  GITHUB_ACTIONS,
  'https://gitlab.com',
  'https://app.terraform.io',
  'https://accounts.google.com',
  'https://agent.buildkite.com',
];

const normalise = (issuer: string): string => issuer.trim().toLowerCase().replace(/\/+$/, '');

const Options = z.strictObject({
  multiTenantIssuers: z
    .array(z.string().min(1))
    .default(MULTI_TENANT_ISSUERS)
    .describe(
      'OIDC issuer URIs shared by many tenants; a provider trusting one needs an attribute condition.',
    ),
  requireAwsCondition: z
    .boolean()
    .default(true)
    .describe(
      'Fire (medium) when an AWS provider has no attribute condition, so every principal of the AWS account is admitted.',
    ),
});
type Options = z.infer<typeof Options>;

export const gcpWifNoCondition: Policy<Options> = {
  id: 'gcp-wif-no-condition',
  title: 'Workload identity provider trusts a shared issuer without a condition',
  description:
    'Fires on an enabled workload identity provider that trusts a shared OIDC issuer (GitHub Actions, GitLab, Terraform Cloud, Google accounts, Buildkite) without an attribute condition, and (medium) on an AWS provider without one. A shared issuer signs tokens for all of its customers; without a condition anyone on that service enters the pool. An AWS provider without one admits every principal of the AWS account.',
  appliesTo: { providers: ['gcp'], kinds: ['gcp.wif_provider'] },
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
      "Add an attribute condition that pins your own organisation, e.g. assertion.repository_owner == 'acme' for GitHub, assertion.namespace_path == 'acme' for GitLab, or the AWS roles that may federate (gcloud iam workload-identity-pools providers update-oidc / update-aws --attribute-condition).",
  },
  references: [
    'https://cloud.google.com/iam/docs/best-practices-for-using-workload-identity-federation',
    'https://cloud.google.com/iam/docs/workload-identity-federation-with-deployment-pipelines',
    REFERENCES.owaspNhi,
    REFERENCES.cisControls,
  ],
  findings: [
    {
      key: 'no-condition',
      title: 'Trusts every tenant of <issuer>',
      evidence: ['issuerUri', 'attributeCondition', 'attributeMapping', 'poolId'],
    },
    {
      key: 'aws-no-condition',
      title: 'Trusts every principal of AWS account <id>',
      evidence: ['awsAccountId', 'attributeCondition', 'attributeMapping', 'poolId'],
    },
  ],
  evaluate(identity, options) {
    const attrs = wifProviderAttributes(identity);
    if (!attrs) return [unknown('the provider facts recorded by the connector could not be read')];
    if (attrs.disabled || attrs.poolDisabled) return [notApplicable('the provider or its pool is disabled')];
    const conditioned = attrs.attributeCondition !== undefined && attrs.attributeCondition.trim() !== '';
    if (attrs.protocol === 'aws') {
      if (conditioned) return [pass()];
      if (!options.requireAwsCondition) return [notApplicable('requireAwsCondition is off')];
      const account = attrs.awsAccountId ?? 'unknown';
      return [
        fail({
          key: 'aws-no-condition',
          severity: 'medium',
          title: `Trusts every principal of AWS account ${account}`,
          message: `${identityLabel(identity)} accepts credentials of any role or user in AWS account ${account}: it has no attribute condition.`,
          evidence: {
            awsAccountId: account,
            attributeCondition: null,
            attributeMapping: attrs.attributeMapping,
            ...(attrs.poolId ? { poolId: attrs.poolId } : {}),
          },
          remediation:
            "Add an attribute condition naming the AWS roles that may federate, e.g. attribute.aws_role == 'arn:aws:sts::123456789012:assumed-role/deployer'.",
        }),
      ];
    }
    if (attrs.protocol === 'unknown') return [unknown("the provider's protocol was not recorded")];
    if (attrs.protocol !== 'oidc')
      return [notApplicable(`a ${attrs.protocol} provider trusts no shared OIDC issuer`)];
    if (!attrs.issuerUri) return [unknown('the OIDC issuer was not recorded')];
    const issuer = normalise(attrs.issuerUri);
    // A per-tenant issuer, or a condition: the pool admits only your own tokens.
    if (!options.multiTenantIssuers.map(normalise).includes(issuer)) return [pass()];
    if (conditioned) return [pass()];
    return [
      fail({
        key: 'no-condition',
        // GitHub Actions: every public repository can mint a token for it in minutes.
        ...(issuer === GITHUB_ACTIONS ? { severity: 'critical' as const } : {}),
        title: `Trusts every tenant of ${attrs.issuerUri}`,
        message: `${identityLabel(identity)} accepts any token from the shared issuer ${attrs.issuerUri}: it has no attribute condition.`,
        evidence: {
          issuerUri: attrs.issuerUri,
          attributeCondition: null,
          attributeMapping: attrs.attributeMapping,
          ...(attrs.poolId ? { poolId: attrs.poolId } : {}),
        },
        remediation:
          "Add an attribute condition that pins your own organisation, e.g. assertion.repository_owner == 'acme' for GitHub or assertion.namespace_path == 'acme' for GitLab.",
      }),
    ];
  },
};
