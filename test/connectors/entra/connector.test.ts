// The Entra connector end to end: the real ClientSecretCredential signs in at the token endpoint,
// the real Graph client reads applications, service principals, owners, federated credentials,
// app role assignments, grants, directory roles and sign-ins, all served by nock.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entraAttributes } from '../../../connectors/entra/attributes.js';
import { countsText } from '../../../connectors/entra/collect.js';
import { GRAPH, LOGIN, TENANT, collect, demoBatchItem, graphError, mockTenant } from './harness.js';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const byName = <T extends { name: string }>(ids: T[], name: string): T | undefined =>
  ids.find((i) => i.name === name);

describe('entra connector: a readable tenant', () => {
  it('inventories apps, third-party apps and managed identities with their facts', async () => {
    const served = mockTenant();
    const r = await collect();
    expect(r.error).toBeUndefined();
    expect(r.gaps).toEqual([]);
    expect(r.scope).toBe(TENANT.id);
    expect(r.principal).toContain('5f2b7c1e-3d4a-4b6c-8e9f-0a1b2c3d4e5f');
    const kinds = r.identities.map((i) => i.kind);
    expect(kinds.filter((k) => k === 'entra.application')).toHaveLength(9);
    expect(kinds.filter((k) => k === 'entra.service_principal')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'entra.managed_identity')).toHaveLength(1);

    // Credentials: ids and dates only, status judged against asOf.
    const legacy = byName(r.identities, 'legacy-reporting')!;
    expect(legacy.credentials.map((c) => [c.type, c.status, c.expiresAt])).toEqual([
      ['secret', 'expired', '2026-06-01T00:00:00.000Z'],
      ['secret', 'active', '2027-03-01T00:00:00.000Z'],
    ]);
    expect(JSON.stringify(r.identities)).not.toMatch(/secretText|"key"/);

    // Application permissions resolved to names through Microsoft Graph's appRoles.
    const dir = byName(r.identities, 'directory-automation')!;
    expect(dir.privilege.level).toBe('admin');
    expect(entraAttributes(dir)?.applicationPermissions).toMatchObject([
      { permission: 'RoleManagement.ReadWrite.Directory', resource: 'Microsoft Graph' },
    ]);

    // Owners resolved to users; third-party app and its tenant-wide grant.
    expect(byName(r.identities, 'vendor-sync')!.owner).toEqual({
      value: 'tom.baker@acme.example',
      source: 'entra:owners',
    });
    const mail = entraAttributes(byName(r.identities, 'MailMerge Pro')!)!;
    expect(mail.thirdParty).toBe(true);
    expect(mail.delegatedGrants).toMatchObject([
      { consentType: 'AllPrincipals', scopes: ['openid', 'profile', 'offline_access', 'Mail.ReadWrite'] },
    ]);

    // Managed identity: its Azure-managed certificate, a read-level directory role.
    const mi = byName(r.identities, 'orders-func')!;
    expect(mi.credentials.every((c) => c.managedBy === 'provider')).toBe(true);
    expect(entraAttributes(mi)?.directoryRoles).toMatchObject([{ displayName: 'Directory Readers' }]);
    expect(mi.privilege.level).toBe('read');

    // Microsoft's own service principal: inventoried, not the user's to judge.
    expect(byName(r.identities, 'Microsoft Graph')!.managedBy).toBe('provider');

    // Sign-in activity from the beta report.
    expect(byName(r.identities, 'old-dashboard')!.lastUsedAt).toBe('2025-10-20T11:00:00.000Z');

    // Flexible federated credential read from beta, with its expression.
    expect(entraAttributes(byName(r.identities, 'infra-deployer')!)?.federatedCredentials).toMatchObject([
      { claimsMatchingExpression: "claims['sub'] matches 'repo:acme/*'" },
    ]);

    // Graph as Microsoft recommends: $select, nextLink paging, $batch of at most 20.
    const lists = served.filter((s) => s.method === 'GET' && s.url.includes('/v1.0/applications?'));
    expect(lists.length).toBeGreaterThan(1); // nine apps, pages of five
    expect(new URL(lists[0]!.url).searchParams.get('$select')).toMatch(/^id,appId,displayName,/);
    const batches = served.filter((s) => s.method === 'POST' && s.url.endsWith('/$batch'));
    expect(batches.length).toBeGreaterThan(0);
    for (const b of batches)
      expect((JSON.parse(b.body) as { requests: unknown[] }).requests.length).toBeLessThanOrEqual(20);
    expect(served.some((s) => s.url.startsWith(`${GRAPH}/beta/$batch`))).toBe(true);
    expect(served.some((s) => s.url.startsWith(`${LOGIN}/${TENANT.id}/oauth2/v2.0/token`))).toBe(true);
  });
});

describe('entra connector: failures are gaps naming the permission', () => {
  it('a refused owners read (403 Authorization_RequestDenied) is a gap, and those owners stay unknown', async () => {
    // Owners are denied item by item inside the batches; everything else is answered.
    nock(GRAPH)
      .persist()
      .post('/v1.0/$batch')
      .reply(200, async (_uri, body) => {
        const { requests } = body as { requests: { id: string; method: string; url: string }[] };
        return {
          responses: await Promise.all(
            requests.map(async (r) =>
              r.url.includes('/owners')
                ? {
                    id: r.id,
                    status: 403,
                    headers: { 'Content-Type': 'application/json' },
                    body: graphError(
                      'Authorization_RequestDenied',
                      'Insufficient privileges to complete the operation.',
                    ),
                  }
                : demoBatchItem('v1.0', r),
            ),
          ),
        };
      });
    mockTenant();
    const r = await collect();
    const denied = r.gaps.filter((g) => g.code === 'access_denied');
    expect(denied.map((g) => g.call).sort()).toEqual([
      'GET /applications/{id}/owners',
      'GET /servicePrincipals/{id}/owners',
    ]);
    expect(denied[0]).toMatchObject({ permission: 'Application.Read.All' });
    expect(denied[0]!.message).toContain('Authorization_RequestDenied');
    // Owners not read: unknown, not "no owner".
    const apps = r.identities.filter((i) => i.kind === 'entra.application');
    expect(apps).toHaveLength(9);
    for (const app of apps) {
      expect(app.owner).toBeNull();
      expect(app.unknownFacts).toEqual(['owner']);
      expect(entraAttributes(app)?.owners).toBeUndefined();
    }
  });

  it('a refused grants list names DelegatedPermissionGrant.Read.All and leaves grants unknown', async () => {
    nock(GRAPH)
      .get('/v1.0/oauth2PermissionGrants')
      .query(true)
      .reply(
        403,
        graphError('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
      );
    mockTenant();
    const r = await collect();
    expect(r.gaps).toMatchObject([
      {
        code: 'access_denied',
        call: 'GET /oauth2PermissionGrants',
        permission: 'DelegatedPermissionGrant.Read.All',
      },
    ]);
    expect(entraAttributes(byName(r.identities, 'MailMerge Pro')!)?.delegatedGrants).toBeUndefined();
  });

  it('no P1/P2 licence for the sign-in report: a not_supported gap, last use unknown (not "never used")', async () => {
    nock(GRAPH)
      .get('/beta/reports/servicePrincipalSignInActivities')
      .reply(
        403,
        graphError(
          'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
          "Neither tenant is B2C or tenant doesn't have premium license",
        ),
      );
    mockTenant();
    const r = await collect();
    expect(r.gaps).toMatchObject([
      { code: 'not_supported', call: 'GET /beta/reports/servicePrincipalSignInActivities' },
    ]);
    expect(r.gaps[0]!.message).toContain('P1 or P2');
    const old = byName(r.identities, 'old-dashboard')!;
    expect(old.lastUsedAt).toBeUndefined();
    expect(entraAttributes(old)?.signInUnavailable).toBeDefined();
  });

  it('throttling: a 429 with Retry-After is retried after the wait, and the scan completes', async () => {
    let first = 0;
    nock(GRAPH)
      .get('/v1.0/servicePrincipals')
      .query(true)
      .reply(() => {
        first = Date.now();
        return [429, graphError('TooManyRequests', 'Too many requests'), { 'Retry-After': '1' }];
      });
    const served = mockTenant();
    const r = await collect();
    const retried = served.find((s) => s.url.includes('/v1.0/servicePrincipals?'));
    expect(retried).toBeDefined();
    expect(r.gaps).toEqual([]);
    expect(r.notes.some((n) => n.includes('throttled 1 request'))).toBe(true);
    expect(first).toBeGreaterThan(0);
  });

  it('throttling beyond maxRetryAfterSeconds becomes a throttled gap, not a long wait', async () => {
    nock(GRAPH)
      .get('/v1.0/oauth2PermissionGrants')
      .query(true)
      .reply(429, graphError('TooManyRequests', 'Too many requests'), { 'Retry-After': '120' });
    mockTenant();
    const r = await collect();
    expect(r.gaps).toMatchObject([{ code: 'throttled', call: 'GET /oauth2PermissionGrants' }]);
  });

  it('a $batch item throttled with Retry-After is retried in a later batch', async () => {
    nock(GRAPH)
      .post('/v1.0/$batch')
      .reply(200, (_uri, body) => {
        const { requests } = body as { requests: { id: string }[] };
        return {
          responses: requests.map((r) => ({
            id: r.id,
            status: 429,
            headers: { 'Retry-After': '1', 'Content-Type': 'application/json' },
            body: graphError('TooManyRequests', 'Too many requests'),
          })),
        };
      });
    const served = mockTenant();
    const r = await collect();
    expect(r.gaps).toEqual([]);
    expect(served.filter((s) => s.url.endsWith('/v1.0/$batch')).length).toBeGreaterThan(1);
    expect(byName(r.identities, 'vendor-sync')!.owner?.value).toBe('tom.baker@acme.example');
  });

  it('a refused sign-in ends the tenant with one auth_failed gap', async () => {
    nock(LOGIN)
      .post(`/${TENANT.id}/oauth2/v2.0/token`)
      .query(true)
      .reply(401, {
        error: 'invalid_client',
        error_description: 'AADSTS7000215: Invalid client secret provided.',
        error_codes: [7000215],
      });
    mockTenant();
    const r = await collect();
    expect(r.error?.gap).toMatchObject({ code: 'auth_failed', call: 'entra:getToken' });
    expect(r.error?.gap.message).not.toContain('not-a-real-secret');
    expect(r.identities).toEqual([]);
  });
});

describe('entra connector: the tenant count note', () => {
  it('reads as English for one and for many ("1 managed identity", not "1 managed identities")', () => {
    expect(countsText({ applications: 1, servicePrincipals: 3, managedIdentities: 1 })).toBe(
      '1 app registration, 3 other service principals, 1 managed identity',
    );
    expect(countsText({ applications: 0, servicePrincipals: 1, managedIdentities: 2 })).toBe(
      '0 app registrations, 1 other service principal, 2 managed identities',
    );
  });
});
