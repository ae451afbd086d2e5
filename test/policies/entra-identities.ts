// Entra identities as the connector emits them (attributes.entra in the connector's own
// vocabulary), for the entra-* policy tests and the status table.
import type { EntraAttributes } from '../../connectors/entra/attributes.js';
import type { IdentityInput } from '../../src/model.js';
import { type CredentialInput, credential, daysAgo, identity } from './identity-builder.js';

export const TENANT = '11111111-2222-4333-8444-555555555555';

export const entraApp = (
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

export const secret = (
  uid: string,
  startDaysAgo: number,
  endInDays: number | null,
  overrides: Partial<CredentialInput> = {},
) =>
  credential(uid, {
    type: 'secret',
    status: endInDays !== null && endInDays <= 0 ? 'expired' : 'active',
    createdAt: daysAgo(startDaysAgo),
    lastRotatedAt: daysAgo(startDaysAgo),
    expiresAt: endInDays === null ? null : daysAgo(-endInDays),
    lastUsedAt: undefined,
    ...overrides,
  });

export const perm = (permission: string) => ({
  permission,
  resource: 'Microsoft Graph',
  resourceId: 'r',
  appRoleId: `role-${permission}`,
  assignmentId: `a-${permission}`,
});

export const grant = (consentType: string, scope: string) => ({
  grantId: `g-${consentType}`,
  resource: 'Microsoft Graph',
  resourceId: 'r',
  scopes: scope.split(' '),
  consentType,
  ...(consentType === 'Principal' ? { principalId: 'u1' } : {}),
});

export const GH = 'https://token.actions.githubusercontent.com';
export const fic = (subject: string, claimsMatchingExpression?: string, issuer = GH) => ({
  id: `f-${subject || 'flex'}`,
  issuer,
  subject,
  audiences: ['api://AzureADTokenExchange'],
  ...(claimsMatchingExpression ? { claimsMatchingExpression } : {}),
});
