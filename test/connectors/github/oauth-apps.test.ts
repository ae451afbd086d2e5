// OAuth apps from the organisation audit log (issue 9): the real Octokit against nock, fed with
// events shaped like GitHub's `audit-log` example (fixtures/github/audit-log-oauth*.json). One
// identity per application; the OAuth gap narrowed, never closed; a refusal names the permission;
// a page failing mid-way keeps what was read and says so; nothing secret reaches the result.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { foldAuditLog } from '../../../connectors/github/oauth-apps.js';
import { AuditLogEvent } from '../../../connectors/github/schema.js';
import { ownership } from '../../../policies/ownership.js';
import type { Identity } from '../../../src/model.js';
import {
  API,
  APP_ID,
  APP_KEY_ENV,
  NO_FEATURES,
  ORG,
  TOKEN_ENV,
  appKeys,
  collect,
  fixture,
  mockAppInstallation,
  mockAuditLog,
  mockUser,
} from './harness.js';

const appConfig = (features: Record<string, boolean> = {}) => ({
  orgs: [ORG],
  auth: { type: 'app' as const, appId: Number(APP_ID), privateKeyEnv: APP_KEY_ENV },
  features: { ...NO_FEATURES, oauthApps: true, ...features },
});
const tokenConfig = (features: Record<string, boolean> = {}) => ({
  orgs: [ORG],
  auth: { type: 'token' as const, tokenEnv: TOKEN_ENV },
  features: { ...NO_FEATURES, oauthApps: true, ...features },
});

const PAGES = [
  fixture('audit-log-oauth.json') as unknown[],
  fixture('audit-log-oauth.page2.json') as unknown[],
];
const OAUTH_GAP = 'github:oauth-app-authorizations';
const CALL = 'GET /orgs/{org}/audit-log';

beforeEach(() => {
  process.env[APP_KEY_ENV] = appKeys.privateKey;
  process.env[TOKEN_ENV] = 'github_pat_11AAAAAAA0ExampleOnlyNotAToken';
  nock.disableNetConnect();
});
afterEach(() => {
  Reflect.deleteProperty(process.env, APP_KEY_ENV);
  Reflect.deleteProperty(process.env, TOKEN_ENV);
  nock.cleanAll();
  nock.enableNetConnect();
});

const attrs = (i: Identity | undefined) => i?.attributes ?? {};

describe('GitHub OAuth apps from the organisation audit log', () => {
  it('folds the events of every listing (two pages each) into one identity per application', async () => {
    const gh = nock(API);
    mockAppInstallation(gh);
    mockAuditLog(gh, PAGES);
    const run = await collect(appConfig());
    expect(gh.isDone()).toBe(true);
    expect(run.identities.map((i) => [i.uid, i.kind, i.name])).toEqual([
      [`github:${ORG}/oauth-app/1001`, 'github.oauth_app', 'Octo Deploy Dashboard'],
      [`github:${ORG}/oauth-app/1002`, 'github.oauth_app', 'Legacy Reporter'],
      [`github:${ORG}/oauth-app/1003`, 'github.oauth_app', 'Gist Sync'],
      [`github:${ORG}/oauth-app/2001`, 'github.oauth_app', 'Octo Internal Portal'],
    ]);
    const [dashboard, legacy, gist, portal] = run.identities;
    // Requested by hubot (page 2), approved by octocat (page 2): active, nobody named as owner.
    expect(dashboard).toMatchObject({ owner: null, unknownFacts: ['privilege'] });
    // The audit log says nothing of use: last use unknown, never "never used".
    expect(dashboard?.lastUsedAt).toBeUndefined();
    expect(attrs(dashboard)).toMatchObject({
      oauthApplicationId: 1001,
      access: 'approved',
      active: true,
      authorizedBy: ['octocat'],
      requestedBy: ['hubot'],
      firstSeenAt: '2025-02-03T10:05:12.655Z',
      lastSeenAt: '2025-02-04T14:25:51.300Z',
      providerRecordsOwner: false,
      auditLogWindowDays: 180,
    });
    // Approved in January, denied in April (page 1): the last decision wins, and it holds no access.
    expect(attrs(legacy)).toMatchObject({
      access: 'denied',
      active: false,
      accessRevoked: true,
      disabled: true,
      holdsNoAccess: true,
      deniedBy: ['octocat'],
      authorizedBy: ['octocat'],
    });
    // Only requested: pending, no access yet.
    expect(attrs(gist)).toMatchObject({
      access: 'requested',
      active: false,
      pending: true,
      holdsNoAccess: true,
    });
    // Owned by the org: created (its creation date), then its client secret reset.
    expect(portal).toMatchObject({ createdAt: '2025-03-01T08:00:19.870Z' });
    expect(attrs(portal)).toMatchObject({
      ownedByOrg: true,
      active: true,
      lastClientSecretChangeAt: '2025-05-01T16:40:02.118Z',
    });
    expect(attrs(portal)['access']).toBeUndefined();
  });

  it('narrows the OAuth gap (never closes it) and says how far back the log reaches', async () => {
    const gh = nock(API);
    mockAppInstallation(gh);
    mockAuditLog(gh, PAGES);
    const run = await collect(appConfig());
    expect(run.gaps).toEqual([
      expect.objectContaining({
        call: OAUTH_GAP,
        code: 'not_supported',
        closable: false,
        recovered: false,
        fallback: expect.stringMatching(
          /^narrowed by GET \/orgs\/\{org\}\/audit-log: 4 OAuth apps from events of the last 180 days \(oldest event 2025-01-10\); an app authorised earlier is not seen, so the list is a lower bound$/,
        ),
      }),
    ]);
    expect(run.notes).toContainEqual(
      `GitHub ${ORG}: 4 OAuth apps from audit log events of the last 180 days (oldest event 2025-01-10); an app authorised before the window and not requested, approved or denied since is not seen`,
    );
  });

  it('asks for the whole retention window, one action per listing', async () => {
    const phrases: string[] = [];
    const gh = nock(API);
    mockAppInstallation(gh);
    gh.get(`/orgs/${ORG}/audit-log`)
      .query((q) => {
        phrases.push(String(q.phrase));
        return q.per_page === '100';
      })
      .times(6)
      .reply(200, []);
    const run = await collect(appConfig());
    expect(phrases).toEqual([
      'action:org.oauth_app_access_requested created:>=2024-12-03',
      'action:org.oauth_app_access_approved created:>=2024-12-03',
      'action:org.oauth_app_access_denied created:>=2024-12-03',
      'action:org.oauth_app_access_blocked created:>=2024-12-03',
      'action:org.oauth_app_access_unblocked created:>=2024-12-03',
      'action:oauth_application created:>=2024-12-03',
    ]);
    // No event is not "no OAuth app": the note says the window held none, the gap stays.
    expect(run.identities).toEqual([]);
    expect(run.notes).toContainEqual(
      expect.stringContaining('0 OAuth apps from audit log events of the last 180 days (none found)'),
    );
    expect(run.gaps.map((g) => [g.call, g.closable])).toEqual([[OAUTH_GAP, false]]);
  });

  it('keeps the gap on a 403 and names the permission GitHub asks for', async () => {
    const gh = nock(API);
    mockAppInstallation(gh);
    gh.get(`/orgs/${ORG}/audit-log`).query(true).reply(403, fixture('error-403-integration.json'), {
      'x-accepted-github-permissions': 'organization_administration=read',
    });
    const run = await collect(appConfig());
    expect(gh.isDone()).toBe(true);
    expect(run.identities).toEqual([]);
    expect(
      run.gaps.map((g) => [g.call, g.code, g.permission ?? null, g.closable ?? null, g.recovered]),
    ).toEqual([
      [CALL, 'access_denied', 'organization_administration=read', null, false],
      [OAUTH_GAP, 'not_supported', null, false, false],
    ]);
    expect(run.gaps[0]?.message).toMatch(/; 5 more listings not tried$/);
    expect(run.gaps[1]?.fallback).toBe(
      `${CALL} could not be read (see its gap): OAuth apps are not listed from the audit log`,
    );
  });

  it('names the classic scope read:audit_log when a classic token is refused', async () => {
    const gh = nock(API);
    mockUser(gh, { 'x-oauth-scopes': 'repo, read:org' });
    gh.get(`/orgs/${ORG}/audit-log`).query(true).reply(403, fixture('error-403-admin-rights.json'));
    const run = await collect(tokenConfig());
    expect(run.gaps[0]).toMatchObject({
      call: CALL,
      code: 'access_denied',
      permission: 'oauth scopes: read:audit_log',
    });
  });

  it('reads a 404 as an organisation without the audit-log API (not Enterprise Cloud): not closable with an App', async () => {
    const gh = nock(API);
    mockAppInstallation(gh);
    gh.get(`/orgs/${ORG}/audit-log`).query(true).reply(404, fixture('error-404.json'));
    const run = await collect(appConfig());
    expect(run.identities).toEqual([]);
    expect(run.gaps.map((g) => [g.call, g.code, g.closable ?? null])).toEqual([
      [CALL, 'not_found', false],
      [OAUTH_GAP, 'not_supported', false],
    ]);
    expect(run.gaps[0]?.message).toMatch(
      /the audit-log API is for Enterprise Cloud organisations only; an App lacking the permission would be refused with 403/,
    );
    expect(run.gaps[0]?.permission).toBe('organization_administration=read');
  });

  it('with a token, a 404 may be the plan or the caller: it says both and stays open', async () => {
    const gh = nock(API);
    mockUser(gh);
    gh.get(`/orgs/${ORG}/audit-log`).query(true).reply(404, fixture('error-404.json'));
    const run = await collect(tokenConfig());
    expect(run.gaps[0]).toMatchObject({ call: CALL, code: 'not_found' });
    expect(run.gaps[0]?.closable).toBeUndefined();
    expect(run.gaps[0]?.message).toMatch(
      /Enterprise Cloud organisations only, and GitHub answers 404 as well to a caller who is not an organisation owner/,
    );
  });

  it('keeps what was read when a page fails mid-way: partial, never "no OAuth apps"', async () => {
    const gh = nock(API);
    mockAppInstallation(gh);
    // The approvals' second page fails (after the retries): requests and the approvals of page 1 are read.
    mockAuditLog(gh, PAGES, (action, page) =>
      action === 'org.oauth_app_access_approved' && page === 2
        ? [502, { message: 'Server Error' }]
        : undefined,
    );
    // The retry plug-in tries a 5xx twice more.
    gh.get(`/orgs/${ORG}/audit-log`)
      .query(
        (q) =>
          typeof q.after === 'string' && String(q.phrase).startsWith('action:org.oauth_app_access_approved'),
      )
      .times(2)
      .reply(502, { message: 'Server Error' });
    const run = await collect(appConfig());
    // Requests (both pages) were read before the failure: Octo Deploy Dashboard (requested) and Gist Sync.
    expect(run.identities.map((i) => [i.uid, i.attributes['access']])).toEqual([
      [`github:${ORG}/oauth-app/1001`, 'requested'],
      [`github:${ORG}/oauth-app/1003`, 'requested'],
    ]);
    const [failure, oauth] = run.gaps;
    expect(failure).toMatchObject({
      call: CALL,
      code: 'unavailable',
      recovered: false,
      fallback:
        '2 OAuth-app events from 3 pages read before the failure: OAuth apps listed from them only (partial)',
    });
    expect(failure?.message).toMatch(/; 4 more listings not tried$/);
    expect(oauth?.fallback).toBe(`${CALL} read in part (see its gap): 2 OAuth apps from the pages read`);
    expect(run.notes).toContainEqual(
      expect.stringMatching(/^GitHub octo-org: 2 OAuth apps from audit log events .*, read in part;/),
    );
  });

  it('never writes a secret the events carry (hashed tokens, IP addresses) into the result', async () => {
    const gh = nock(API);
    mockAppInstallation(gh);
    mockAuditLog(gh, PAGES);
    const run = await collect(appConfig());
    const text = JSON.stringify({ identities: run.identities, gaps: run.gaps, notes: run.notes });
    const planted = PAGES.flat() as Record<string, unknown>[];
    const secrets = planted
      .flatMap((e) => [e['hashed_token'], e['actor_ip'], e['token_id']])
      .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number');
    expect(secrets.length).toBe(4);
    // The events were read (the apps they name are there), their secrets were not kept.
    expect(run.identities).toHaveLength(4);
    for (const s of secrets) expect(text).not.toContain(String(s));
    expect(text).not.toMatch(/hashed_token|actor_ip|token_id/);
  });

  it('does not call the audit log with the feature off, and keeps the gap as before', async () => {
    const gh = nock(API);
    mockAppInstallation(gh);
    gh.get(`/orgs/${ORG}/credential-authorizations`).query(true).reply(200, []);
    const run = await collect(appConfig({ oauthApps: false, credentialAuthorizations: true }));
    expect(run.gaps.map((g) => [g.call, g.recovered, g.fallback])).toEqual([
      [
        OAUTH_GAP,
        true,
        'covered by GET /orgs/{org}/credential-authorizations: OAuth app tokens authorised for SSO',
      ],
    ]);
  });
});

describe('the audit-log fold', () => {
  const parse = (raw: unknown[]) => raw.map((e) => AuditLogEvent.parse(e));

  it('counts an event once when two listings return it, and attributes no event by guess', () => {
    const [first] = PAGES[0] as Record<string, unknown>[];
    const fold = foldAuditLog(
      parse([
        first,
        first,
        {
          action: 'org.oauth_app_access_approved',
          actor: 'x',
          '@timestamp': 1735689600000,
          _document_id: 'n1',
        },
        { action: 'repo.create', actor: 'x', '@timestamp': 1735689600000, _document_id: 'n2' },
      ]),
    );
    expect(fold.events).toBe(2);
    expect(fold.apps.map((a) => a.key)).toEqual(['id:1003']);
    expect(fold.unattributed).toBe(1);
  });

  it('reads an application id GitHub writes as a string of digits', () => {
    const fold = foldAuditLog(
      parse([
        { action: 'org.oauth_app_access_approved', '@timestamp': 1735689600000, oauth_application_id: '77' },
      ]),
    );
    expect(fold.apps.map((a) => a.id)).toEqual([77]);
  });
});

describe('ownership judges OAuth apps by the rule for every kind the provider records no owner for', () => {
  const identity = (attributes: Record<string, unknown>): Identity => ({
    uid: `github:${ORG}/oauth-app/1001`,
    provider: 'github',
    kind: 'github.oauth_app',
    name: 'Octo Deploy Dashboard',
    location: { provider: 'github', scope: ORG },
    owner: null,
    tags: {},
    credentials: [],
    privilege: { level: 'none', grants: [], reasons: [], attached: [] },
    trust: [],
    financialScope: { inScope: false, reasons: [] },
    managedBy: 'user',
    attributes: { providerRecordsOwner: false, ...attributes },
  });
  const options = ownership.options.parse({});
  const ctx = { asOf: new Date('2025-06-01T00:00:00Z') } as Parameters<typeof ownership.evaluate>[2];

  it('an approved app with no owner in the config: no-owner, with advice naming its uid glob', () => {
    const [verdict] = ownership.evaluate(identity({ active: true }), options, ctx);
    expect(verdict).toMatchObject({ status: 'fail', findings: [{ key: 'no-owner' }] });
    expect(JSON.stringify(verdict)).toContain('github:ORG/oauth-app/ID');
  });

  it('a denied or pending app holds no access: not applicable', () => {
    const [verdict] = ownership.evaluate(identity({ active: false, holdsNoAccess: true }), options, ctx);
    expect(verdict).toMatchObject({ status: 'not-applicable' });
  });
});
