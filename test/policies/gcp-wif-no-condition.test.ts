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
      name: 'an AWS provider (no issuer URI)',
      identity: gcpWifProvider('aws', { protocol: 'aws', issuerUri: undefined }),
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
      name: 'Google accounts',
      identity: gcpWifProvider('google', { issuerUri: 'https://accounts.google.com' }),
      expect: [{ key: 'no-condition' }],
    },
  ],
});
