// The Workspace connector end to end: the real @googleapis/admin client reads users.list,
// tokens.list and the Reports API token activity from the demo's Admin SDK route on loopback.
import { afterEach, describe, expect, it } from 'vitest';
import { workspaceAttributes } from '../../../connectors/workspace/attributes.js';
import { ACTIVITIES_PAGE, USERS_PAGE, inventoryCalls } from '../../../connectors/workspace/collect.js';
import { appUid } from '../../../connectors/workspace/identities.js';
import { APPS, REVOKED_APP, USERS } from '../../../fixtures/workspace/domain.js';
import { type Domain, collect, config, serveDomain } from './harness.js';

let domain: Domain | undefined;
afterEach(async () => {
  await domain?.close();
  domain = undefined;
});

const G = 'https://www.googleapis.com/auth/';
const adminCalls = (d: Domain) => d.server.requests.filter((r) => r.route === 'workspace');

describe('workspace connector: tokens mode', () => {
  it('groups every user’s grants per app, with the users, scopes and flags', async () => {
    domain = await serveDomain();
    const r = await collect(config(domain.endpoint));
    expect(r.error).toBeUndefined();
    expect(r.gaps).toEqual([]);
    expect(r.scope).toBe('acme.example');
    expect(r.identities.map((i) => i.uid).sort()).toEqual(
      Object.values(APPS)
        .map((a) => appUid('acme.example', a.clientId))
        .sort(),
    );
    const mail = r.identities.find((i) => i.name === 'MailMerge Studio')!;
    expect(mail.kind).toBe('workspace.oauth_app');
    expect(mail.privilege.level).toBe('write');
    const attrs = workspaceAttributes(mail)!;
    expect(attrs).toMatchObject({
      clientId: APPS.mailMerge.clientId,
      userCount: 3,
      usersComplete: true,
      anonymous: false,
      nativeApp: false,
      source: 'tokens',
      highRiskScopes: ['https://mail.google.com/'],
    });
    expect(attrs.users.map((u) => u.email)).toEqual([
      'dev.patel@acme.example',
      'maria.garcia@acme.example',
      'sam.okafor@acme.example',
    ]);
    const legacy = workspaceAttributes(r.identities.find((i) => i.name === 'Legacy Expense Sync')!)!;
    expect(legacy.users).toEqual([
      expect.objectContaining({ email: 'tom.baker@acme.example', suspended: true, archived: false }),
    ]);
    expect(workspaceAttributes(r.identities.find((i) => i.name === 'anonymous')!)!.anonymous).toBe(true);
    expect(workspaceAttributes(r.identities.find((i) => i.name === 'Acme Notes')!)!.nativeApp).toBe(true);
    const dir = r.identities.find((i) => i.name === 'Directory Helper')!;
    expect(dir.privilege.level).toBe('admin');
    expect(dir.privilege.grants[0]?.actions).toContain(`${G}admin.directory.user`);
    // Every scan says what the API cannot show.
    expect(r.notes.join('\n')).toMatch(/domain-wide delegation are not listable/);
  });

  it('pages users.list and calls tokens.list once per user: ceil(users/500) + users calls', async () => {
    domain = await serveDomain();
    await collect(config(domain.endpoint));
    const calls = adminCalls(domain);
    const users = Object.keys(USERS).length;
    // The demo pages users 4 at a time: 6 users are 2 pages.
    expect(calls.filter((c) => c.summary?.startsWith('directory users.list'))).toHaveLength(2);
    expect(calls.filter((c) => c.summary?.startsWith('directory tokens.list'))).toHaveLength(users);
    expect(calls.every((c) => c.method === 'GET')).toBe(true);
    // The formula at Google's page size.
    expect(inventoryCalls({ users, events: 0 }).tokens).toBe(Math.ceil(users / USERS_PAGE) + users);
  });

  it('a refused tokens.list is a gap naming the scope and privilege; the rest is read, counts are lower bounds', async () => {
    domain = await serveDomain((d) => {
      d.deniedTokens = [USERS.sam.id!];
    });
    const r = await collect(config(domain.endpoint));
    expect(r.error).toBeUndefined();
    expect(r.gaps).toEqual([
      expect.objectContaining({
        code: 'access_denied',
        call: 'directory.tokens.list',
        resource: 'sam.okafor@acme.example',
        permission: expect.stringContaining('admin.directory.user.security'),
        message: expect.stringContaining('Not Authorized to access this resource/api'),
      }),
    ]);
    const mail = workspaceAttributes(r.identities.find((i) => i.name === 'MailMerge Studio')!)!;
    expect(mail.userCount).toBe(2);
    expect(mail.usersComplete).toBe(false);
  });

  it('a refused users.list ends the target with a gap naming what unlocks it', async () => {
    domain = await serveDomain(undefined, (route) => ({
      handle: (req) =>
        req.path.endsWith('/users')
          ? {
              status: 403,
              headers: { 'content-type': 'application/json; charset=UTF-8' },
              body: JSON.stringify({
                error: {
                  code: 403,
                  message: 'Not Authorized to access this resource/api',
                  errors: [
                    {
                      message: 'Not Authorized to access this resource/api',
                      domain: 'global',
                      reason: 'forbidden',
                    },
                  ],
                },
              }),
            }
          : route.handle(req),
    }));
    const r = await collect(config(domain.endpoint));
    expect(r.identities).toEqual([]);
    expect(r.error?.gap).toMatchObject({
      code: 'access_denied',
      call: 'directory.users.list',
      permission: expect.stringContaining('admin.directory.user.readonly'),
    });
  });

  it('a server that never answers fails at the deadline, not never', async () => {
    domain = await serveDomain(undefined, () => ({ handle: () => new Promise(() => {}) }));
    const started = Date.now();
    const r = await collect(config(domain.endpoint), { requestTimeoutMs: 300 });
    expect(r.error?.gap.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe('workspace connector: reports mode', () => {
  // 180 days before 2026-11-01: grants made earlier are outside the Reports API's window.
  const WINDOW_START = '2026-05-05T00:00:00.000Z';
  const inWindow = Object.values(APPS).filter((a) => a.grantedAt >= WINDOW_START);

  it('replays authorize and revoke events: the same ids as tokens mode, only grants inside the window', async () => {
    domain = await serveDomain();
    const r = await collect(config(domain.endpoint, { inventory: 'reports' }));
    expect(r.error).toBeUndefined();
    expect(r.gaps).toEqual([]);
    expect(inWindow.length).toBeGreaterThan(2);
    expect(inWindow.length).toBeLessThan(Object.values(APPS).length);
    expect(r.identities.map((i) => i.uid).sort()).toEqual(
      inWindow.map((a) => appUid('acme.example', a.clientId)).sort(),
    );
    expect(r.identities.some((i) => workspaceAttributes(i)?.clientId === REVOKED_APP.clientId)).toBe(false);
    const mail = workspaceAttributes(r.identities.find((i) => i.name === 'MailMerge Studio')!)!;
    expect(mail).toMatchObject({ source: 'reports', userCount: 3, usersComplete: true });
    expect(mail.anonymous).toBeUndefined();
    expect(workspaceAttributes(r.identities.find((i) => i.name === 'Acme Notes')!)!.nativeApp).toBe(true);
    expect(r.notes.join('\n')).toMatch(/grants older than the window are not seen/);
  });

  it('a revoke after an authorize removes the grant', async () => {
    domain = await serveDomain();
    const r = await collect(config(domain.endpoint, { inventory: 'reports', lookbackDays: 180 }));
    expect(r.identities.some((i) => workspaceAttributes(i)?.clientId === REVOKED_APP.clientId)).toBe(false);
    domain.server.requests.length = 0;
    await domain.close();
    // Without the revoke event, the authorize alone lists the app.
    domain = await serveDomain((d) => {
      d.activities = d.activities.filter((a) => !a.events?.some((e) => e.name === 'revoke'));
      for (const a of d.activities)
        if (a.id) a.id.time = a.id.time! < WINDOW_START ? '2026-06-01T00:00:00.000Z' : a.id.time;
    });
    const r2 = await collect(config(domain.endpoint, { inventory: 'reports' }));
    expect(r2.identities.some((i) => workspaceAttributes(i)?.clientId === REVOKED_APP.clientId)).toBe(true);
  });

  it('reads ceil(events/page) pages, far fewer calls than tokens mode for a large domain', async () => {
    domain = await serveDomain();
    await collect(config(domain.endpoint, { inventory: 'reports' }));
    // Authorize events inside the window, and the revoke of the Old Survey Tool.
    const events = inWindow.reduce((n, a) => n + a.grantedBy.length, 0) + 1;
    // The demo pages activities 10 at a time.
    expect(adminCalls(domain)).toHaveLength(Math.ceil(events / 10));
    expect(inventoryCalls({ users: 0, events }).reports).toBe(Math.ceil(events / ACTIVITIES_PAGE));
    // A 10,000-user domain with 30,000 token events in the window.
    expect(inventoryCalls({ users: 10_000, events: 30_000 })).toEqual({ tokens: 10_020, reports: 30 });
  });
});
