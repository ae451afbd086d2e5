import { describe, expect, it } from 'vitest';
import { externalTrust } from '../../policies/external-trust.js';
import { isTenantWildcard } from '../../policies/lib/aws-trust.js';
import { ACCOUNT, OTHER_ACCOUNT, awsRole, gcpServiceAccount, trust } from './identity-builder.js';
import { runCases } from './run-cases.js';

const GH = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const GH_KEY = 'token.actions.githubusercontent.com:sub';
const GH_AUD = { StringEquals: { 'token.actions.githubusercontent.com:aud': ['sts.amazonaws.com'] } };
const role = (name: string, ...t: ReturnType<typeof trust>[]) => awsRole(name, { trust: t });

runCases(externalTrust, {
  valid: [
    {
      name: 'a role whose trust policy could not be read: unknown',
      identity: awsRole('trust-unread', { trust: [], unknownFacts: ['trust'] }),
      status: 'unknown',
    },
    { name: 'no trust entries', identity: awsRole('plain') },
    { name: 'service principal', identity: role('ec2-role', trust('service', 'ec2.amazonaws.com')) },
    {
      name: 'same-account principal',
      identity: role('same', trust('aws', `arn:aws:iam::${ACCOUNT}:root`), trust('aws', ACCOUNT)),
    },
    {
      name: 'cross-account with sts:ExternalId (key case-insensitive)',
      identity: role(
        'vendor',
        trust('aws', `arn:aws:iam::${OTHER_ACCOUNT}:root`, {
          StringEquals: { 'sts:externalid': ['a1b2c3'] },
        }),
      ),
    },
    {
      name: 'cross-account to a trusted account id',
      identity: role('org', trust('aws', `arn:aws:iam::${OTHER_ACCOUNT}:role/ci`)),
      options: { trustedAccountIds: [OTHER_ACCOUNT] },
    },
    {
      name: 'principal by unique id (deleted principal): account unknown',
      identity: role('orphan-trust', trust('aws', 'AROAEXAMPLEID1234567')),
    },
    {
      name: 'GitHub OIDC pinned to a repository and branch',
      identity: role(
        'gh-deploy',
        trust('federated', GH, {
          StringEquals: {
            'token.actions.githubusercontent.com:aud': ['sts.amazonaws.com'],
            [GH_KEY]: ['repo:acme/app:ref:refs/heads/main'],
          },
        }),
      ),
    },
    {
      name: 'GitHub OIDC pinned to an organisation with StringLike',
      identity: role('gh-org', trust('federated', GH, { StringLike: { [GH_KEY]: ['repo:acme/*'] } })),
    },
    {
      name: 'GitHub OIDC pinned under ForAllValues: (every token carries sub)',
      identity: role(
        'gh-forall',
        trust('federated', GH, { 'ForAllValues:StringLike': { [GH_KEY]: ['repo:acme/app:*'] } }),
      ),
    },
    {
      name: 'GitHub OIDC: StringEquals "*" matches only the literal string "*"',
      identity: role('gh-literal', trust('federated', GH, { StringEquals: { [GH_KEY]: ['*'] } })),
    },
    {
      name: 'GitLab OIDC pinned to a project path',
      identity: role(
        'gl-deploy',
        trust('federated', `arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com`, {
          StringLike: { 'gitlab.com:sub': ['project_path:acme/app:ref_type:branch:ref:main'] },
        }),
      ),
    },
    {
      name: 'per-tenant OIDC issuer (CircleCI org) without sub',
      identity: role(
        'circle',
        trust('federated', `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.circleci.com/org/0f8e1c2a`),
      ),
    },
    {
      name: 'SAML provider',
      identity: role(
        'sso',
        trust('federated', `arn:aws:iam::${ACCOUNT}:saml-provider/Okta`, {
          StringEquals: { 'SAML:aud': ['https://signin.aws.amazon.com/saml'] },
        }),
      ),
    },
    {
      name: 'Cognito identity pool with an aud condition',
      identity: role(
        'cognito-auth',
        trust('federated', 'cognito-identity.amazonaws.com', {
          StringEquals: {
            'cognito-identity.amazonaws.com:aud': ['us-east-1:12345678-abcd-1234-abcd-123456789012'],
          },
        }),
      ),
    },
    {
      name: 'GitHub issuer removed from multiTenantIssuers',
      identity: role('gh-unchecked', trust('federated', GH)),
      options: { multiTenantIssuers: ['gitlab.com'] },
    },
    {
      name: 'non-AWS identity with federated trust: AWS semantics not applied',
      identity: gcpServiceAccount('wif', {
        trust: [trust('federated', 'token.actions.githubusercontent.com')],
      }),
    },
  ],
  invalid: [
    {
      name: 'any principal, no condition',
      identity: role('open', trust('any', '*', {}, { source: 'trust#0', sid: 'Everyone' })),
      expect: [
        {
          key: 'any-principal',
          severity: 'critical',
          evidence: {
            account: ACCOUNT,
            trust: [
              { principalType: 'any', principal: '*', conditions: {}, source: 'trust#0', sid: 'Everyone' },
            ],
          },
        },
      ],
    },
    {
      name: 'any principal with a condition',
      identity: role('org-open', trust('any', '*', { StringEquals: { 'aws:PrincipalOrgID': ['o-abc123'] } })),
      expect: [
        {
          key: 'any-principal-conditioned',
          severity: 'medium',
          evidence: { trust: [{ conditions: { StringEquals: { 'aws:PrincipalOrgID': ['o-abc123'] } } }] },
        },
      ],
    },
    {
      name: '{"AWS": "*"} labelled as an aws principal is still anyone',
      identity: role('aws-star', trust('aws', '*')),
      expect: [{ key: 'any-principal', severity: 'critical' }],
    },
    {
      name: 'any principal on a non-AWS identity (provider-neutral part)',
      identity: gcpServiceAccount('public', { trust: [trust('any', 'allUsers')] }),
      expect: [
        { key: 'any-principal', severity: 'critical', evidence: { trust: [{ principal: 'allUsers' }] } },
      ],
    },
    {
      name: 'cross-account root without external id',
      identity: role(
        'vendor-open',
        trust('aws', `arn:aws:iam::${OTHER_ACCOUNT}:root`, {}, { source: 'trust#1', sid: 'Vendor' }),
      ),
      expect: [
        {
          key: 'cross-account-no-external-id',
          evidence: {
            account: ACCOUNT,
            trust: [
              {
                principal: `arn:aws:iam::${OTHER_ACCOUNT}:root`,
                account: OTHER_ACCOUNT,
                source: 'trust#1',
                sid: 'Vendor',
              },
            ],
          },
        },
      ],
    },
    {
      name: 'cross-account by bare account id, two entries aggregated into one finding',
      identity: role(
        'two-vendors',
        trust('aws', OTHER_ACCOUNT),
        trust('aws', 'arn:aws:iam::777788889999:role/ci', {}, { source: 'trust#1' }),
      ),
      expect: [
        {
          key: 'cross-account-no-external-id',
          evidence: { trust: [{ account: OTHER_ACCOUNT }, { account: '777788889999' }] },
        },
      ],
    },
    {
      name: 'external id only under IfExists (caller may omit it)',
      identity: role(
        'ifexists',
        trust('aws', `arn:aws:iam::${OTHER_ACCOUNT}:root`, {
          StringEqualsIfExists: { 'sts:ExternalId': ['x'] },
        }),
      ),
      expect: [{ key: 'cross-account-no-external-id' }],
    },
    {
      name: 'external id under ForAllValues: (true when the caller sends none)',
      identity: role(
        'forall',
        trust('aws', `arn:aws:iam::${OTHER_ACCOUNT}:root`, {
          'ForAllValues:StringEquals': { 'sts:ExternalId': ['x-1'] },
        }),
      ),
      expect: [{ key: 'cross-account-no-external-id' }],
    },
    {
      name: 'external id only checked for presence (Null) or as "*"',
      identity: role(
        'null-check',
        trust('aws', `arn:aws:iam::${OTHER_ACCOUNT}:root`, {
          Null: { 'sts:ExternalId': ['false'] },
          StringLike: { 'sts:ExternalId': ['*'] },
        }),
      ),
      expect: [{ key: 'cross-account-no-external-id' }],
    },
    {
      name: 'GitHub OIDC without a sub condition (aud only)',
      identity: role('gh-open', trust('federated', GH, GH_AUD)),
      expect: [
        {
          key: 'oidc-no-subject',
          severity: 'critical',
          evidence: {
            trust: [
              {
                principal: GH,
                issuer: 'token.actions.githubusercontent.com',
                conditionKey: GH_KEY,
                conditions: GH_AUD,
              },
            ],
          },
        },
      ],
    },
    {
      name: 'GitHub OIDC with sub "repo:*"',
      identity: role('gh-any-repo', trust('federated', GH, { StringLike: { [GH_KEY]: ['repo:*'] } })),
      expect: [{ key: 'oidc-no-subject', severity: 'critical' }],
    },
    {
      name: 'GitHub OIDC with an organisation prefix that is not terminated ("repo:acme*")',
      identity: role(
        'gh-prefix',
        trust('federated', GH, { StringLike: { [GH_KEY]: ['repo:acme/app:*', 'repo:acme*'] } }),
      ),
      expect: [{ key: 'oidc-no-subject', severity: 'critical' }],
    },
    {
      name: 'GitHub OIDC with a negated sub condition',
      identity: role('gh-not', trust('federated', GH, { StringNotLike: { [GH_KEY]: ['repo:evil/*'] } })),
      expect: [{ key: 'oidc-no-subject', severity: 'critical' }],
    },
    {
      name: 'Terraform Cloud OIDC without sub: high',
      identity: role(
        'tfc',
        trust('federated', `arn:aws:iam::${ACCOUNT}:oidc-provider/app.terraform.io`, {
          StringEquals: { 'app.terraform.io:aud': ['aws.workload.identity'] },
        }),
      ),
      expect: [
        {
          key: 'oidc-no-subject',
          evidence: { trust: [{ issuer: 'app.terraform.io', conditionKey: 'app.terraform.io:sub' }] },
        },
      ],
    },
    {
      name: 'Cognito identity pool without an aud condition',
      identity: role(
        'cognito-open',
        trust('federated', 'cognito-identity.amazonaws.com', {
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': ['authenticated'] },
        }),
      ),
      expect: [
        {
          key: 'web-identity-no-audience',
          evidence: {
            trust: [
              {
                issuer: 'cognito-identity.amazonaws.com',
                conditionKey: 'cognito-identity.amazonaws.com:aud',
              },
            ],
          },
        },
      ],
    },
    {
      name: 'several problems on one role: one finding per key',
      identity: role(
        'everything',
        trust('any', '*', {}, { source: 'trust#0' }),
        trust('aws', `arn:aws:iam::${OTHER_ACCOUNT}:root`, {}, { source: 'trust#1' }),
        trust('federated', GH, {}, { source: 'trust#2' }),
        trust('service', 'lambda.amazonaws.com', {}, { source: 'trust#3' }),
      ),
      expect: [
        { key: 'any-principal', severity: 'critical' },
        { key: 'cross-account-no-external-id', evidence: { trust: [{ source: 'trust#1' }] } },
        { key: 'oidc-no-subject', severity: 'critical', evidence: { trust: [{ source: 'trust#2' }] } },
      ],
    },
  ],
});

describe('external-trust: tenant wildcards in OIDC subjects', () => {
  it.each([
    ['*', true],
    ['repo:*', true],
    ['repo:acme*', true],
    ['repo:*/app:*', true],
    ['organization:acme*', true],
    ['repo:acme/*', false],
    ['repo:acme/app:ref:refs/heads/*', false],
    ['organization:acme:project:*', false],
    ['project_path:acme/app:*', false],
    ['repo:acme/app:environment:prod', false],
  ])('%s → %s', (value, broad) => {
    expect(isTenantWildcard(value)).toBe(broad);
  });
});
