import { describe, expect, it } from 'vitest';
import {
  PolicyDocumentError,
  parsePolicyDocument,
  toGrants,
  toTrusts,
} from '../../../connectors/aws/policy-document.js';
import type { Grant, Trust } from '../../../src/model.js';

/** URL-encoding as AWS applies it to documents (RFC 3986: also `!'()*`). */
const awsEncode = (doc: unknown): string =>
  encodeURIComponent(JSON.stringify(doc)).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

const adminDoc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

describe('parsePolicyDocument', () => {
  it.each([
    ['URL-encoded (as GetAccountAuthorizationDetails returns it)', awsEncode(adminDoc)],
    ['plain JSON (as moto and other calls return it)', JSON.stringify(adminDoc)],
    ['plain JSON with surrounding whitespace', `\n  ${JSON.stringify(adminDoc, null, 2)}\n`],
    ['already parsed', adminDoc],
    ['URL-encoded with encoded spaces', encodeURIComponent(JSON.stringify(adminDoc, null, 1))],
  ])('accepts %s', (_label, input) => {
    expect(parsePolicyDocument(input)).toMatchObject({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*' }],
    });
  });

  it('decodes as RFC 3986 (spaces are %20, a plus is %2B), so a "+" in a value stays a plus', () => {
    const doc = {
      Statement: {
        Effect: 'Allow',
        Principal: { AWS: '111122223333' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:PrincipalTag/team': 'data platform', 'sts:RoleSessionName': 'bot+ci' },
        },
      },
    };
    // As AWS returns it (aws-sdk-go#1513): "%7B%0A%20%20%20%20%22Version%22%3A%20%222012-10-17%22…".
    const encoded = awsEncode(doc);
    expect(encoded).toContain('data%20platform');
    expect(encoded).toContain('bot%2Bci');
    expect(toTrusts(parsePolicyDocument(encoded))[0]?.conditions).toEqual({
      StringEquals: { 'aws:PrincipalTag/team': ['data platform'], 'sts:RoleSessionName': ['bot+ci'] },
    });
  });

  it.each([
    ['broken percent-encoding', '%7B%22Version%'],
    ['not JSON', 'hello'],
    ['JSON without Statement', JSON.stringify({ Version: '2012-10-17' })],
    ['a statement without Effect', JSON.stringify({ Statement: [{ Action: '*' }] })],
  ])('rejects %s with a PolicyDocumentError', (_label, input) => {
    expect(() => parsePolicyDocument(input)).toThrow(PolicyDocumentError);
  });
});

describe('toGrants', () => {
  const base = { notAction: false, notResource: false, conditional: false };
  it.each<[string, object, Grant[]]>([
    [
      'a single statement object with string Action and Resource',
      { Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' } },
      [
        {
          ...base,
          effect: 'Allow',
          actions: ['s3:GetObject'],
          resources: ['arn:aws:s3:::b/*'],
          source: 'p#0',
        },
      ],
    ],
    [
      'lists, Sid and conditions',
      {
        Statement: [
          { Sid: 'One', Effect: 'Allow', Action: ['a:B', 'c:D'], Resource: ['r1', 'r2'] },
          {
            Effect: 'Deny',
            Action: '*',
            Resource: '*',
            Condition: { Bool: { 'aws:MultiFactorAuthPresent': false } },
          },
        ],
      },
      [
        {
          ...base,
          effect: 'Allow',
          actions: ['a:B', 'c:D'],
          resources: ['r1', 'r2'],
          source: 'p#0',
          sid: 'One',
        },
        {
          ...base,
          effect: 'Deny',
          actions: ['*'],
          resources: ['*'],
          conditional: true,
          conditions: { Bool: { 'aws:MultiFactorAuthPresent': ['false'] } },
          source: 'p#1',
        },
      ],
    ],
    [
      'NotAction and NotResource',
      { Statement: [{ Effect: 'Allow', NotAction: ['iam:*'], NotResource: 'arn:aws:s3:::secret/*' }] },
      [
        {
          ...base,
          effect: 'Allow',
          actions: ['iam:*'],
          notAction: true,
          resources: ['arn:aws:s3:::secret/*'],
          notResource: true,
          source: 'p#0',
        },
      ],
    ],
    [
      'an empty Condition block is not a condition',
      { Statement: [{ Effect: 'Allow', Action: 'a:B', Resource: '*', Condition: {} }] },
      [{ ...base, effect: 'Allow', actions: ['a:B'], resources: ['*'], source: 'p#0' }],
    ],
  ])('%s', (_label, doc, expected) => {
    expect(toGrants(parsePolicyDocument(doc), 'p')).toEqual(expected);
  });
});

describe('toTrusts', () => {
  const t = (
    principalType: Trust['principalType'],
    principal: string,
    extra: Partial<Trust> = {},
  ): Trust => ({
    principalType,
    principal,
    conditions: {},
    actions: ['sts:AssumeRole'],
    source: 'trust#0',
    ...extra,
  });
  it.each<[string, object, Trust[]]>([
    [
      'bare "*"',
      { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }] },
      [t('any', '*')],
    ],
    [
      '{"AWS": "*"}',
      { Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] },
      [t('any', '*')],
    ],
    [
      'cross-account ARN and bare account id',
      {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: ['arn:aws:iam::999988887777:root', '444455556666'] },
            Action: 'sts:AssumeRole',
          },
        ],
      },
      [t('aws', 'arn:aws:iam::999988887777:root'), t('aws', '444455556666')],
    ],
    [
      'service principals as a list',
      {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: ['ec2.amazonaws.com', 'lambda.amazonaws.com'] },
            Action: ['sts:AssumeRole'],
          },
        ],
      },
      [t('service', 'ec2.amazonaws.com'), t('service', 'lambda.amazonaws.com')],
    ],
    [
      'GitHub OIDC with conditions kept as written, values as string arrays',
      {
        Statement: [
          {
            Sid: 'GitHub',
            Effect: 'Allow',
            Principal: {
              Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
            },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
              StringLike: {
                'token.actions.githubusercontent.com:sub': ['repo:acme/api:*', 'repo:acme/web:*'],
              },
            },
          },
        ],
      },
      [
        t('federated', 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com', {
          actions: ['sts:AssumeRoleWithWebIdentity'],
          sid: 'GitHub',
          conditions: {
            StringEquals: { 'token.actions.githubusercontent.com:aud': ['sts.amazonaws.com'] },
            StringLike: { 'token.actions.githubusercontent.com:sub': ['repo:acme/api:*', 'repo:acme/web:*'] },
          },
        }),
      ],
    ],
    [
      'non-string condition values become strings',
      {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: '111122223333' },
            Action: 'sts:AssumeRole',
            Condition: {
              Bool: { 'aws:MultiFactorAuthPresent': true },
              NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 },
              'ForAnyValue:StringEquals': { 'aws:PrincipalOrgPaths': ['o-a/r-b/ou-c/', 'o-a/r-b/ou-d/'] },
            },
          },
        ],
      },
      [
        t('aws', '111122223333', {
          conditions: {
            Bool: { 'aws:MultiFactorAuthPresent': ['true'] },
            NumericLessThan: { 'aws:MultiFactorAuthAge': ['3600'] },
            'ForAnyValue:StringEquals': { 'aws:PrincipalOrgPaths': ['o-a/r-b/ou-c/', 'o-a/r-b/ou-d/'] },
          },
        }),
      ],
    ],
    [
      'SAML and Cognito federation',
      {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: 'arn:aws:iam::123456789012:saml-provider/Okta' },
            Action: 'sts:AssumeRoleWithSAML',
          },
          {
            Effect: 'Allow',
            Principal: { Federated: 'cognito-identity.amazonaws.com' },
            Action: 'sts:AssumeRoleWithWebIdentity',
          },
        ],
      },
      [
        t('federated', 'arn:aws:iam::123456789012:saml-provider/Okta', {
          actions: ['sts:AssumeRoleWithSAML'],
        }),
        t('federated', 'cognito-identity.amazonaws.com', {
          actions: ['sts:AssumeRoleWithWebIdentity'],
          source: 'trust#1',
        }),
      ],
    ],
    [
      'Deny statements grant no trust; other principal types are kept as "other"',
      {
        Statement: [
          { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' },
          {
            Effect: 'Allow',
            Principal: { CanonicalUser: '79a59df900b949e55d96a1e698fbaced' },
            Action: 'sts:AssumeRole',
          },
        ],
      },
      [t('other', '79a59df900b949e55d96a1e698fbaced', { source: 'trust#1' })],
    ],
    [
      'an Allow with NotPrincipal trusts everyone else',
      {
        Statement: [
          { Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::1:root' }, Action: 'sts:AssumeRole' },
        ],
      },
      [t('any', 'NotPrincipal AWS:arn:aws:iam::1:root')],
    ],
  ])('%s', (_label, doc, expected) => {
    expect(toTrusts(parsePolicyDocument(awsEncode(doc)))).toEqual(expected);
  });
});
