// The pure pieces of the Google Cloud connector, table-driven: role levels, the error reader,
// owner conventions, default and Google-managed account detection.
import { describe, expect, it } from 'vitest';
import { gapCodeOf, gcpGap, readFailure } from '../../../connectors/gcp/errors.js';
import {
  defaultAccountOf,
  homeProjectOf,
  isServiceAgent,
  issuerOf,
} from '../../../connectors/gcp/identities.js';
import { ownerInDescription } from '../../../connectors/gcp/owner.js';
import {
  ACT_AS_ROLES,
  SA_ADMIN_ROLES,
  federatedActAs,
  principalsWith,
  privilegeOf,
  publicActAs,
  roleLevel,
} from '../../../connectors/gcp/privilege.js';
import { IamPolicy, WorkloadIdentityPoolProvider, type Project } from '../../../connectors/gcp/schema.js';
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
    ['roles/iam.securityAdmin', 'admin'],
    ['roles/resourcemanager.projectIamAdmin', 'admin'],
    ['roles/compute.instanceAdmin.v1', 'admin'], // a version suffix, not the role's last word
    ['roles/compute.instanceAdmin', 'admin'],
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

  it('counts Key Admins and ID-token creators as able to act as, Security Admins as administrators', () => {
    expect(ACT_AS_ROLES).toEqual(
      expect.arrayContaining([
        'roles/iam.serviceAccountKeyAdmin',
        'roles/iam.serviceAccountOpenIdTokenCreator',
      ]),
    );
    expect(SA_ADMIN_ROLES).toContain('roles/iam.securityAdmin');
  });

  it('leaves deleted principals out of who can act as an account', () => {
    const policy = IamPolicy.parse({
      bindings: [
        {
          role: 'roles/iam.serviceAccountUser',
          members: [
            'deleted:user:old@example.com?uid=123456789012345678901',
            'deleted:serviceAccount:gone@p.iam.gserviceaccount.com?uid=1',
            'deleted:group:ops@example.com?uid=2',
            'group:devs@example.com',
          ],
        },
      ],
    });
    expect(
      principalsWith(ACT_AS_ROLES, [{ resource: 'projects/p', policy }]).map((p) => p.principal),
    ).toEqual(['group:devs@example.com']);
  });

  it('turns workload and workforce identity principals able to act as an account into federated trust', () => {
    const pool = 'principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/ci';
    const trust = federatedActAs([
      {
        principal: `${pool}/*`,
        role: 'roles/iam.workloadIdentityUser',
        resource: 'projects/p/serviceAccounts/a',
      },
      {
        principal: 'principal://iam.googleapis.com/locations/global/workforcePools/staff/subject/alice',
        role: 'roles/iam.serviceAccountTokenCreator',
        resource: 'projects/p',
        condition: 'office hours',
        expression: 'request.time.getHours("Europe/Berlin") < 18',
      },
      {
        principal: 'serviceAccount:p.svc.id.goog[ns/ksa]',
        role: 'roles/iam.workloadIdentityUser',
        resource: 'x',
      },
      { principal: 'user:bob@example.com', role: 'roles/iam.serviceAccountUser', resource: 'projects/p' },
    ]);
    expect(trust.map((t) => [t.principalType, t.principal, t.conditions])).toEqual([
      ['federated', `${pool}/*`, {}],
      [
        'federated',
        'principal://iam.googleapis.com/locations/global/workforcePools/staff/subject/alice',
        { CEL: { expression: ['request.time.getHours("Europe/Berlin") < 18'] } },
      ],
    ]);
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
      'a project deleted since it was listed',
      gaxiosLike(404, {
        error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' },
      }),
      'not_found',
      undefined,
    ],
    [
      'backend unavailable',
      gaxiosLike(503, {
        error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' },
      }),
      'unavailable',
      undefined,
    ],
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
    ['ci@acme-ops.iam.gserviceaccount.com', { projectId: 'acme-ops' }],
    ['444-compute@developer.gserviceaccount.com', { projectNumber: '444' }],
    ['acme-web@appspot.gserviceaccount.com', { projectId: 'acme-web' }],
    ['service-444@gcp-sa-pubsub.iam.gserviceaccount.com', undefined],
    ['444@cloudservices.gserviceaccount.com', undefined],
    ['acme-ops.svc.id.goog[ns/ksa]', undefined],
  ])('home project of %s', (email, home) => {
    expect(homeProjectOf(email)).toEqual(home);
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
    [
      {
        name: 'p',
        saml: {
          idpMetadataXml:
            "<?xml version='1.0'?><EntityDescriptor xmlns='urn:oasis:names:tc:SAML:2.0:metadata' entityID='https://sts.windows.net/72f988bf/'>",
        },
      },
      { protocol: 'saml', issuer: 'https://sts.windows.net/72f988bf/' },
    ],
    [
      {
        name: 'p',
        x509: { trustStore: { trustAnchors: [{ pemCertificate: '-----BEGIN CERTIFICATE-----' }] } },
      },
      { protocol: 'x509', issuer: 'x509' },
    ],
  ])('provider issuer %#', (raw, expected) => {
    expect(issuerOf(WorkloadIdentityPoolProvider.parse(raw))).toEqual(expected);
  });
});
