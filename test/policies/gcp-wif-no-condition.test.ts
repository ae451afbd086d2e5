import { gcpWifNoCondition } from '../../policies/gcp-wif-no-condition.js';
import { gcpWifProvider } from './gcp-identities.js';
import { runCases } from './run-cases.js';

runCases(gcpWifNoCondition, {
  valid: [
    {
      name: 'GitHub Actions pinned to an organisation',
      identity: gcpWifProvider('github', { attributeCondition: "assertion.repository_owner == 'acme'" }),
    },
    {
      name: 'a per-tenant issuer without a condition',
      identity: gcpWifProvider('okta', { issuerUri: 'https://acme.okta.com/oauth2/default' }),
    },
    { name: 'a disabled provider', identity: gcpWifProvider('old', { disabled: true }) },
    { name: 'a provider in a disabled pool', identity: gcpWifProvider('paused', { poolDisabled: true }) },
    {
      name: 'an AWS provider with a condition on the role',
      identity: gcpWifProvider('aws', {
        protocol: 'aws',
        issuerUri: undefined,
        awsAccountId: '210987654321',
        attributeCondition: "attribute.aws_role == 'arn:aws:sts::210987654321:assumed-role/deployer'",
      }),
    },
    {
      name: 'an AWS provider without a condition, when not required',
      identity: gcpWifProvider('aws', {
        protocol: 'aws',
        issuerUri: undefined,
        awsAccountId: '210987654321',
      }),
      options: { requireAwsCondition: false },
    },
    {
      name: 'an X.509 provider (bound to its own trust store)',
      identity: gcpWifProvider('edge', { protocol: 'x509', issuerUri: undefined }),
    },
    {
      name: "CircleCI's per-organisation issuer",
      identity: gcpWifProvider('circleci', {
        issuerUri: 'https://oidc.circleci.com/org/8a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d',
      }),
    },
    {
      name: 'a per-tenant Entra ID issuer',
      identity: gcpWifProvider('entra', {
        issuerUri: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
      }),
    },
    {
      name: 'an issuer removed from the multi-tenant list',
      identity: gcpWifProvider('tfc', { issuerUri: 'https://app.terraform.io' }),
      options: { multiTenantIssuers: ['https://token.actions.githubusercontent.com'] },
    },
  ],
  invalid: [
    {
      name: 'GitHub Actions with no attribute condition',
      identity: gcpWifProvider('github', {}),
      expect: [
        {
          key: 'no-condition',
          severity: 'critical',
          evidence: { issuerUri: 'https://token.actions.githubusercontent.com', attributeCondition: null },
        },
      ],
    },
    {
      name: 'GitLab.com with an empty condition',
      identity: gcpWifProvider('gitlab', { issuerUri: 'https://gitlab.com/', attributeCondition: '  ' }),
      expect: [{ key: 'no-condition', evidence: { issuerUri: 'https://gitlab.com/' } }],
    },
    {
      name: 'Terraform Cloud',
      identity: gcpWifProvider('tfc', { issuerUri: 'https://app.terraform.io' }),
      expect: [{ key: 'no-condition' }],
    },
    {
      name: 'an AWS provider without a condition admits the whole AWS account',
      identity: gcpWifProvider('aws', {
        protocol: 'aws',
        issuerUri: undefined,
        awsAccountId: '210987654321',
      }),
      expect: [
        {
          key: 'aws-no-condition',
          severity: 'medium',
          evidence: { awsAccountId: '210987654321', attributeCondition: null },
        },
      ],
    },
    {
      name: 'Google accounts',
      identity: gcpWifProvider('google', { issuerUri: 'https://accounts.google.com' }),
      expect: [{ key: 'no-condition' }],
    },
  ],
});
