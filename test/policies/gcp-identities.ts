// GCP identities for policy tests, shaped exactly as the Google Cloud connector emits them
// (connectors/gcp/identities.ts), built through `Identity.parse` like every test identity.
import type { IdentityInput } from '../../src/model.js';
import { Identity } from '../../src/model.js';
import { credential, daysAgo } from './identity-builder.js';

export const PROJECT = 'acme-prod';
export const email = (name: string): string => `${name}@${PROJECT}.iam.gserviceaccount.com`;

export const saKey = (uid: string, ageDays: number, overrides: Parameters<typeof credential>[1] = {}) =>
  credential(uid, {
    type: 'sa_key',
    createdAt: daysAgo(ageDays),
    lastRotatedAt: daysAgo(ageDays),
    expiresAt: null,
    lastUsedDetail: { source: 'policy-analyzer' },
    ...overrides,
  });

export const gcpAccount = (
  name: string,
  attributes: Record<string, unknown> = {},
  overrides: Partial<IdentityInput> = {},
): Identity =>
  Identity.parse({
    uid: email(name),
    provider: 'gcp',
    kind: 'gcp.service_account',
    name,
    location: { provider: 'gcp', scope: PROJECT },
    lastUsedAt: daysAgo(1),
    owner: { value: 'alice@example.com', source: 'gcp:description' },
    attributes: {
      resourceName: `projects/${PROJECT}/serviceAccounts/${email(name)}`,
      projectId: PROJECT,
      disabled: false,
      bindings: [],
      canActAs: [],
      administeredBy: [],
      ...attributes,
    },
    ...overrides,
  });

export const gcpApiKey = (
  uid: string,
  attributes: Record<string, unknown>,
  overrides: Partial<IdentityInput> = {},
): Identity =>
  Identity.parse({
    uid: `gcp:${PROJECT}/apikey/${uid}`,
    provider: 'gcp',
    kind: 'gcp.api_key',
    name: uid,
    location: { provider: 'gcp', scope: PROJECT },
    createdAt: daysAgo(30),
    credentials: [
      credential(uid, {
        type: 'api_key',
        lastUsedAt: undefined,
        createdAt: daysAgo(30),
        lastRotatedAt: daysAgo(30),
      }),
    ],
    attributes: { applicationRestriction: 'none', apiTargets: [], restrictions: {}, ...attributes },
    ...overrides,
  });

export const POOL = `projects/111111111111/locations/global/workloadIdentityPools/ci`;

export const gcpWifProvider = (
  id: string,
  attributes: Record<string, unknown>,
  overrides: Partial<IdentityInput> = {},
): Identity =>
  Identity.parse({
    uid: `${POOL}/providers/${id}`,
    provider: 'gcp',
    kind: 'gcp.wif_provider',
    name: `ci/${id}`,
    location: { provider: 'gcp', scope: PROJECT, resource: POOL },
    trust: [
      {
        principalType: 'federated',
        principal:
          typeof attributes.issuerUri === 'string'
            ? attributes.issuerUri
            : 'https://token.actions.githubusercontent.com',
        conditions: attributes.attributeCondition
          ? { CEL: { attributeCondition: [attributes.attributeCondition] } }
          : {},
        source: `wif:ci/${id}`,
      },
    ],
    attributes: {
      poolId: 'ci',
      providerId: id,
      protocol: 'oidc',
      issuerUri: 'https://token.actions.githubusercontent.com',
      attributeMapping: { 'google.subject': 'assertion.sub' },
      disabled: false,
      poolDisabled: false,
      ...attributes,
    },
    ...overrides,
  });
