// The entra-* policies, table-driven through the real evaluation path, on identities built as
// the Entra connector emits them (attributes.entra parsed by the connector's own schema).
import { describe } from 'vitest';
import type { EntraAttributes } from '../../connectors/entra/attributes.js';
import { entraAppCredentials } from '../../policies/entra-app-credentials.js';
import { entraAppPermissions } from '../../policies/entra-app-permissions.js';
import { entraFederatedCredential } from '../../policies/entra-federated-credential.js';
import { entraTenantWideConsent } from '../../policies/entra-tenant-wide-consent.js';
import type { IdentityInput } from '../../src/model.js';
import { credential, daysAgo, identity } from './identity-builder.js';
import { runCases } from './run-cases.js';

const TENANT = '11111111-2222-4333-8444-555555555555';

const entraApp = (
  name: string,
  entra: Partial<EntraAttributes> = {},
  overrides: Partial<IdentityInput> = {},
) =>
  identity({
    uid: `entra:${TENANT}/applications/${name}`,
    provider: 'entra',
    kind: 'entra.application',
    name,
    location: { provider: 'entra', scope: TENANT, resource: `applications/${name}` },
    owner: { value: 'alice@example.com', source: 'entra:owners' },
    tags: {},
    ...overrides,
    attributes: { entra: { tenantId: TENANT, thirdParty: false, ...entra } },
  });

const secret = (uid: string, startDaysAgo: number, endInDays: number | null) =>
  credential(uid, {
    type: 'secret',
    status: endInDays !== null && endInDays <= 0 ? 'expired' : 'active',
    createdAt: daysAgo(startDaysAgo),
    lastRotatedAt: daysAgo(startDaysAgo),
    expiresAt: endInDays === null ? null : daysAgo(-endInDays),
    lastUsedAt: undefined,
  });

describe('entra-app-credentials', () => {
  runCases(entraAppCredentials, {
    valid: [
      {
        name: 'one secret valid 180 days',
        identity: entraApp('ok', {}, { credentials: [secret('s1', 10, 170)] }),
      },
      { name: 'not an Entra identity', identity: identity({ credentials: [secret('s1', 10, null)] }) },
      {
        name: 'an expiring secret with its successor in place',
        identity: entraApp('ok', {}, { credentials: [secret('old', 170, 10), secret('new', 1, 179)] }),
        options: { maxActiveSecrets: 2 },
      },
    ],
    invalid: [
      {
        name: 'no end date',
        identity: entraApp('a', {}, { credentials: [secret('s1', 10, null)] }),
        expect: [{ key: 'no-expiry', credentialUid: 's1' }],
      },
      {
        name: 'valid for years',
        identity: entraApp('a', {}, { credentials: [secret('s1', 10, 3000)] }),
        expect: [
          { key: 'no-expiry', credentialUid: 's1', severity: 'low', evidence: { lifetimeDays: 3010 } },
        ],
      },
      {
        name: 'expired secret still present',
        identity: entraApp('a', {}, { credentials: [secret('old', 400, -20), secret('new', 5, 175)] }),
        expect: [
          { key: 'expired-present', credentialUid: 'old', severity: 'low', evidence: { daysExpired: 20 } },
        ],
      },
      {
        name: 'two active secrets',
        identity: entraApp('a', {}, { credentials: [secret('s1', 50, 130), secret('s2', 5, 175)] }),
        expect: [{ key: 'multiple-active-secrets', evidence: { activeCount: 2 } }],
      },
      {
        name: 'the last secret expires within 30 days',
        identity: entraApp('a', {}, { credentials: [secret('s1', 160, 20)] }),
        expect: [
          { key: 'expiring-secret', credentialUid: 's1', severity: 'low', evidence: { daysToExpiry: 20 } },
        ],
      },
    ],
  });
});

const perm = (permission: string) => ({
  permission,
  resource: 'Microsoft Graph',
  resourceId: 'r',
  appRoleId: `role-${permission}`,
  assignmentId: `a-${permission}`,
});

describe('entra-app-permissions', () => {
  runCases(entraAppPermissions, {
    valid: [
      {
        name: 'read-only permission',
        identity: entraApp('a', { applicationPermissions: [perm('User.Read.All')] }),
      },
      {
        name: 'admin level is left to excess-privilege',
        identity: entraApp(
          'a',
          { applicationPermissions: [perm('RoleManagement.ReadWrite.Directory')] },
          { privilege: { level: 'admin' } },
        ),
      },
      {
        name: 'allowed by option',
        identity: entraApp('a', { applicationPermissions: [perm('Mail.Send')] }),
        options: { allowedPermissions: ['Mail.Send'] },
      },
      { name: 'permissions unknown (a gap)', identity: entraApp('a') },
    ],
    invalid: [
      {
        name: 'Mail.ReadWrite',
        identity: entraApp(
          'a',
          { applicationPermissions: [perm('Mail.ReadWrite'), perm('User.Read.All')] },
          { privilege: { level: 'write' } },
        ),
        expect: [
          {
            key: 'high-risk',
            evidence: {
              permissions: [{ permission: 'Mail.ReadWrite', resource: 'Microsoft Graph', grantedAt: null }],
            },
          },
        ],
      },
      {
        name: 'privileged directory role',
        identity: entraApp('a', {
          directoryRoles: [
            {
              roleId: 'x',
              displayName: 'User Administrator',
              roleTemplateId: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
            },
          ],
        }),
        expect: [{ key: 'high-risk', evidence: { directoryRoles: ['User Administrator'] } }],
      },
    ],
  });
});

const grant = (consentType: string, scope: string) => ({
  grantId: `g-${consentType}`,
  resource: 'Microsoft Graph',
  resourceId: 'r',
  scopes: scope.split(' '),
  consentType,
  ...(consentType === 'Principal' ? { principalId: 'u1' } : {}),
});

describe('entra-tenant-wide-consent', () => {
  runCases(entraTenantWideConsent, {
    valid: [
      {
        name: 'per-user consent to mail',
        identity: entraApp('a', { delegatedGrants: [grant('Principal', 'Mail.ReadWrite')] }),
      },
      {
        name: 'tenant-wide sign-in only',
        identity: entraApp('a', { delegatedGrants: [grant('AllPrincipals', 'openid profile User.Read')] }),
      },
    ],
    invalid: [
      {
        name: 'tenant-wide Mail.ReadWrite',
        identity: entraApp('a', {
          thirdParty: true,
          delegatedGrants: [grant('AllPrincipals', 'openid Mail.ReadWrite')],
        }),
        expect: [
          {
            key: 'grant:g-AllPrincipals',
            evidence: { highRiskScopes: ['Mail.ReadWrite'], thirdParty: true },
          },
        ],
      },
    ],
  });
});

const GH = 'https://token.actions.githubusercontent.com';
const fic = (subject: string, claimsMatchingExpression?: string, issuer = GH) => ({
  id: `f-${subject || 'flex'}`,
  issuer,
  subject,
  audiences: ['api://AzureADTokenExchange'],
  ...(claimsMatchingExpression ? { claimsMatchingExpression } : {}),
});

describe('entra-federated-credential', () => {
  runCases(entraFederatedCredential, {
    valid: [
      {
        name: 'environment subject',
        identity: entraApp('a', { federatedCredentials: [fic('repo:acme/app:environment:prod')] }),
      },
      {
        name: 'branch subject when environments are not required',
        identity: entraApp('a', { federatedCredentials: [fic('repo:acme/app:ref:refs/heads/main')] }),
        options: { requireGithubEnvironment: false },
      },
      {
        name: 'a Kubernetes issuer with an exact subject',
        identity: entraApp('a', {
          federatedCredentials: [fic('system:serviceaccount:ns:sa', undefined, 'https://oidc.example/k8s')],
        }),
      },
    ],
    invalid: [
      {
        name: 'wildcard expression on GitHub',
        identity: entraApp('a', { federatedCredentials: [fic('', "claims['sub'] matches 'repo:acme/*'")] }),
        expect: [{ key: 'wildcard:f-flex', severity: 'high', evidence: { sharedIssuer: true } }],
      },
      {
        name: 'pull_request subject',
        identity: entraApp('a', { federatedCredentials: [fic('repo:acme/app:pull_request')] }),
        expect: [{ key: 'pull-request:f-repo:acme/app:pull_request' }],
      },
      {
        name: 'branch without environment',
        identity: entraApp('a', { federatedCredentials: [fic('repo:acme/app:ref:refs/heads/main')] }),
        expect: [{ key: 'no-environment:f-repo:acme/app:ref:refs/heads/main', severity: 'medium' }],
      },
    ],
  });
});
