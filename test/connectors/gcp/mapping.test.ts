// The pure pieces of the Google Cloud connector, table-driven: role levels, the error reader,
// owner conventions, default and Google-managed account detection.
import { describe, expect, it } from 'vitest';
import { gapCodeOf, gcpGap, readFailure } from '../../../connectors/gcp/errors.js';
import { defaultAccountOf, isServiceAgent, issuerOf } from '../../../connectors/gcp/identities.js';
import { ownerInDescription } from '../../../connectors/gcp/owner.js';
import { privilegeOf, publicActAs, roleLevel } from '../../../connectors/gcp/privilege.js';
import { WorkloadIdentityPoolProvider, type Project } from '../../../connectors/gcp/schema.js';
import {
  callerDenied,
  iamPermissionDenied,
  serviceDisabled,
  unauthenticated,
} from '../../../fixtures/gcp/errors.js';

describe('roleLevel', () => {
  it.each([
    ['roles/owner', 'admin'],
    ['roles/resourcemanager.organizationAdmin', 'admin'],
    ['roles/iam.serviceAccountKeyAdmin', 'admin'],
    ['roles/storage.admin', 'admin'],
    ['roles/editor', 'write'],
    ['roles/iam.serviceAccountTokenCreator', 'write'],
    ['roles/logging.logWriter', 'write'],
    ['projects/acme-prod/roles/deployAdmin', 'write'], // custom: permissions unknown
    ['organizations/1/roles/auditor', 'write'],
    ['roles/viewer', 'read'],
    ['roles/browser', 'read'],
    ['roles/iam.securityReviewer', 'read'],
    ['roles/bigquery.dataViewer', 'read'],
    ['roles/cloudsql.viewer', 'read'],
  ] as const)('%s → %s', (role, level) => {
    expect(roleLevel(role)).toBe(level);
  });

  it('names the deciding bindings, conditional ones with their condition', () => {
    const p = privilegeOf([
      { role: 'roles/viewer', resource: 'projects/acme-prod' },
      { role: 'roles/owner', resource: 'folders/42', condition: 'break glass' },
    ]);
    expect(p.level).toBe('admin');
    expect(p.reasons).toEqual(['roles/owner on folders/42 (conditional: break glass)']);
    expect(p.grants.map((g) => g.conditional)).toEqual([false, true]);
  });

  it('turns allUsers able to act as an account into trust of anyone', () => {
    expect(
      publicActAs([
        {
          principal: 'allUsers',
          role: 'roles/iam.serviceAccountTokenCreator',
          resource: 'projects/p/serviceAccounts/a@p.iam.gserviceaccount.com',
        },
        { principal: 'user:bob@example.com', role: 'roles/iam.serviceAccountUser', resource: 'projects/p' },
      ]),
    ).toEqual([
      {
        principalType: 'any',
        principal: 'allUsers',
        conditions: {},
        actions: ['roles/iam.serviceAccountTokenCreator'],
        source:
          'iam-policy:projects/p/serviceAccounts/a@p.iam.gserviceaccount.com#roles/iam.serviceAccountTokenCreator',
      },
    ]);
  });
});

describe('Google error answers', () => {
  const gaxiosLike = (status: number, data: unknown) =>
    Object.assign(new Error('request failed'), { status, response: { status, data } });

  it.each([
    [
      'IAM permission denied',
      gaxiosLike(403, iamPermissionDenied('iam.serviceAccounts.list')),
      'access_denied',
      'iam.serviceAccounts.list',
    ],
    ['caller denied (no details)', gaxiosLike(403, callerDenied()), 'access_denied', 'fallback.permission'],
    [
      'service disabled',
      gaxiosLike(403, serviceDisabled('apikeys.googleapis.com', 'API Keys API', '42')),
      'not_supported',
      undefined,
    ],
    ['unauthenticated', gaxiosLike(401, unauthenticated()), 'auth_failed', undefined],
    [
      'rate limited',
      gaxiosLike(429, { error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } }),
      'throttled',
      undefined,
    ],
    ['server error with an HTML body', gaxiosLike(502, '<html>Bad Gateway</html>'), 'unavailable', undefined],
    [
      'connection refused',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      'unavailable',
      undefined,
    ],
  ])('%s', (_name, err, code, permission) => {
    expect(gapCodeOf(readFailure(err))).toBe(code);
    const gap = gcpGap('some.call', err, { permission: 'fallback.permission' });
    expect(gap.code).toBe(code);
    expect(gap.permission).toBe(permission);
  });

  it('says which service is disabled and for which consumer', () => {
    const gap = gcpGap(
      'x',
      gaxiosLike(403, serviceDisabled('policyanalyzer.googleapis.com', 'Policy Analyzer API', '42')),
    );
    expect(gap.message).toMatch(
      /^policyanalyzer\.googleapis\.com is not enabled for projects\/42 \(SERVICE_DISABLED\)/,
    );
  });
});

describe('owners and accounts', () => {
  it.each([
    ['Deploys prod. owner: alice@example.com', 'owner:', 'alice@example.com'],
    ['Nightly (Owner: bob@example.com)', 'owner:', 'bob@example.com'],
    ['owner:carol@example.com, team payments', 'owner:', 'carol@example.com'],
    ['maintained by dave', 'owner:', undefined],
    ['contact= erin@example.com.', 'contact=', 'erin@example.com'],
    [undefined, 'owner:', undefined],
  ])('%s', (description, prefix, owner) => {
    expect(ownerInDescription(description, prefix)).toBe(owner);
  });

  const project = { name: 'projects/111', projectId: 'acme-prod' } as Project;
  it.each([
    ['111-compute@developer.gserviceaccount.com', 'compute'],
    ['acme-prod@appspot.gserviceaccount.com', 'appengine'],
    ['deployer@acme-prod.iam.gserviceaccount.com', undefined],
  ])('default account %s', (email, kind) => {
    expect(defaultAccountOf(email, project)).toBe(kind);
  });

  it.each([
    ['service-111@gcp-sa-pubsub.iam.gserviceaccount.com', true],
    ['111@cloudservices.gserviceaccount.com', true],
    ['111@cloudbuild.gserviceaccount.com', true],
    ['deployer@acme-prod.iam.gserviceaccount.com', false],
  ])('service agent %s', (email, agent) => {
    expect(isServiceAgent(email)).toBe(agent);
  });

  it.each([
    [
      { name: 'p', oidc: { issuerUri: 'https://gitlab.com' } },
      { protocol: 'oidc', issuer: 'https://gitlab.com' },
    ],
    [
      { name: 'p', aws: { accountId: '123456789012' } },
      { protocol: 'aws', issuer: 'aws:123456789012' },
    ],
    [
      {
        name: 'p',
        saml: { idpMetadataXml: '<md:EntityDescriptor entityID="https://idp.acme.example/saml">' },
      },
      { protocol: 'saml', issuer: 'https://idp.acme.example/saml' },
    ],
  ])('provider issuer %#', (raw, expected) => {
    expect(issuerOf(WorkloadIdentityPoolProvider.parse(raw))).toEqual(expected);
  });
});
