// Google groups expanded through Cloud Identity (providers.gcp.expandGroups): a service account in
// a group holds the group's roles (named with the group), nested groups count, a group whose
// members cannot be read is a gap and its roles leave privilege unknown (never "no members"), and
// the members of a group that can act as an account are recorded with the grant.
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createClients } from '../../../connectors/gcp/clients.js';
import { effectivePrivilegeOf } from '../../../connectors/gcp/effective.js';
import { GcpConfig } from '../../../connectors/gcp/config.js';
import { GROUPS_GRANT, createGroupDirectory } from '../../../connectors/gcp/groups.js';
import { serviceAccountAttributes } from '../../../connectors/gcp/attributes.js';
import { createCollectContext } from '../../../src/collect-context.js';
import { silentLogger } from '../../../src/log.js';
import * as estate from '../../../fixtures/gcp/estate.js';
import * as g from '../../../fixtures/gcp/groups.js';
import { api, byUid, collect, fakeAuth, mockProd, runOf } from './harness.js';

const { PROD } = estate;
const SEARCH = (name: string) => `/v1/${name}/memberships:searchTransitiveMemberships`;

/** Cloud Identity for the estate's groups; `platformDenied` refuses the platform group too. */
const mockGroups = (m: { platformDenied?: boolean } = {}): void => {
  const ci = api('cloudidentity');
  const lookup = (email: string) => ci.get('/v1/groups:lookup').query({ 'groupKey.id': email });
  if (m.platformDenied) lookup(g.PLATFORM.email).reply(403, g.groupsDenied);
  else {
    lookup(g.PLATFORM.email).reply(200, g.lookup(g.PLATFORM.name));
    ci.get(SEARCH(g.PLATFORM.name)).query({ pageSize: '1000' }).reply(200, g.platformPage1);
    ci.get(SEARCH(g.PLATFORM.name))
      .query({ pageSize: '1000', pageToken: g.platformPage1.nextPageToken })
      .reply(200, g.platformPage2);
  }
  lookup(g.DEVELOPERS.email).reply(200, g.lookup(g.DEVELOPERS.name));
  ci.get(SEARCH(g.DEVELOPERS.name)).query({ pageSize: '1000' }).reply(200, g.developersMembers);
  lookup(g.SECURITY.email).reply(403, g.groupsDenied);
};

const scan = async (m: { platformDenied?: boolean } = {}) => {
  mockProd({ projectGet: true, prodPolicy: g.groupsPolicy });
  mockGroups(m);
  const runs = await collect({ projects: [PROD.id], expandGroups: true });
  return runOf(runs, `gcp:project/${PROD.id}`);
};

const VIA_PLATFORM = `group:${g.PLATFORM.email}`;

describe('Google groups expanded through Cloud Identity', () => {
  it('gives a service account in a group the group’s roles, naming the group, once', async () => {
    const run = await scan();
    const legacy = byUid(run.identities, estate.LEGACY);
    expect(legacy.privilege.level).toBe('admin');
    expect(legacy.privilege.reasons).toContain(`roles/owner on projects/${PROD.id} via ${VIA_PLATFORM}`);
    const attrs = serviceAccountAttributes(legacy);
    // Listed on both pages (DIRECT, then DIRECT_AND_INDIRECT): one binding, direct.
    expect(attrs?.bindings.filter((b) => b.via === VIA_PLATFORM)).toEqual([
      { role: 'roles/owner', resource: `projects/${PROD.id}`, via: VIA_PLATFORM },
    ]);
    expect(legacy.unknownFacts).toBeUndefined();
    // Group grants are counted, not merely noted.
    expect(run.notes.filter((n) => n.includes('roles granted to groups'))).toEqual([]);
  });

  it('follows nested groups: a member of a member group holds the roles too', async () => {
    const run = await scan();
    const reporting = byUid(run.identities, estate.REPORTING);
    expect(reporting.privilege.level).toBe('admin');
    expect(reporting.privilege.reasons).toContain(
      `roles/owner on projects/${PROD.id} via ${VIA_PLATFORM} (through a nested group)`,
    );
    expect(serviceAccountAttributes(reporting)?.bindings.filter((b) => b.via)).toEqual([
      { role: 'roles/owner', resource: `projects/${PROD.id}`, via: VIA_PLATFORM, nested: true },
    ]);
    // Not a member: nothing added.
    const deployer = byUid(run.identities, estate.DEPLOYER);
    expect(serviceAccountAttributes(deployer)?.bindings.some((b) => b.via)).toBe(false);
    expect(deployer.privilege.level).toBe('write');
  });

  it('records a refused group as a gap and never as "no members"', async () => {
    const run = await scan({ platformDenied: true });
    expect(run.gaps).toContainEqual(
      expect.objectContaining({
        code: 'access_denied',
        call: 'cloudidentity.groups.lookup',
        resource: VIA_PLATFORM,
        permission: GROUPS_GRANT,
      }),
    );
    expect(run.gaps).toContainEqual(
      expect.objectContaining({ call: 'cloudidentity.groups.lookup', resource: `group:${g.SECURITY.email}` }),
    );
    // The platform group is owner: any account below admin may be a member, so its level is unknown.
    const legacy = byUid(run.identities, estate.LEGACY);
    expect(legacy.privilege.level).toBe('write');
    expect(legacy.unknownFacts).toEqual(['privilege']);
    expect(legacy.privilege.reasons).toContain(
      `members of ${VIA_PLATFORM} could not be read: if this account is one, the group's roles make it admin`,
    );
    // The security group only reviews (read): accounts already above read are known in full.
    mockProd({ projectGet: true });
    const api2 = api('cloudidentity');
    api2
      .get('/v1/groups:lookup')
      .query({ 'groupKey.id': g.DEVELOPERS.email })
      .reply(200, g.lookup(g.DEVELOPERS.name));
    api2.get(SEARCH(g.DEVELOPERS.name)).query({ pageSize: '1000' }).reply(200, g.developersMembers);
    api2.get('/v1/groups:lookup').query({ 'groupKey.id': g.SECURITY.email }).reply(403, g.groupsDenied);
    const plain = runOf(await collect({ projects: [PROD.id], expandGroups: true }), `gcp:project/${PROD.id}`);
    expect(byUid(plain.identities, estate.DEPLOYER).unknownFacts).toBeUndefined();
  });

  it('records the members of a group that can act as an account, with the grant', async () => {
    const run = await scan();
    const attrs = serviceAccountAttributes(byUid(run.identities, estate.DEPLOYER));
    expect(attrs?.canActAsThroughGroups).toContainEqual({
      principal: `user:${g.EXTERNAL}`,
      role: 'roles/iam.serviceAccountUser',
      resource: `projects/${PROD.id}`,
      via: `group:${g.DEVELOPERS.email}`,
    });
    expect(attrs?.actAsGroupsUnread).toEqual([]);
    // The group itself stays in canActAs: the project-level finding is about the group's grant.
    expect(attrs?.canActAs.map((p) => p.principal)).toContain(`group:${g.DEVELOPERS.email}`);
  });

  it('records the members of a group that administers an account, with the grant, and those unread', async () => {
    const run = await scan();
    const attrs = serviceAccountAttributes(byUid(run.identities, estate.DEPLOYER));
    const grant = { role: 'roles/iam.serviceAccountAdmin', resource: `projects/${PROD.id}` };
    expect(attrs?.administeredByThroughGroups).toEqual([
      { principal: `user:${g.EXTERNAL}`, ...grant, via: `group:${g.DEVELOPERS.email}` },
      { principal: 'user:dev@example.com', ...grant, via: `group:${g.DEVELOPERS.email}` },
    ]);
    expect(attrs?.adminGroupsUnread).toEqual([]);
    // The group stays in administeredBy: a finding on the group's binding stays one finding.
    expect(attrs?.administeredBy.map((p) => p.principal)).toContain(`group:${g.DEVELOPERS.email}`);

    // A Security Admin group whose members cannot be read is listed as unread, not as "no one".
    mockProd({
      projectGet: true,
      prodPolicy: {
        ...g.groupsPolicy,
        bindings: [
          ...g.groupsPolicy.bindings,
          { role: 'roles/iam.securityAdmin', members: [`group:${g.SECURITY.email}`] },
        ],
      },
    });
    mockGroups();
    const unread = runOf(
      await collect({ projects: [PROD.id], expandGroups: true }),
      `gcp:project/${PROD.id}`,
    );
    const deployer = serviceAccountAttributes(byUid(unread.identities, estate.DEPLOYER));
    expect(deployer?.adminGroupsUnread).toEqual([`group:${g.SECURITY.email}`]);
    expect(deployer?.administeredBy.map((p) => p.principal)).toContain(`group:${g.SECURITY.email}`);
  });

  it('leaves groups unread, with the note, when expandGroups is false', async () => {
    mockProd({ projectGet: true, prodPolicy: g.groupsPolicy });
    const run = runOf(await collect({ projects: [PROD.id] }), `gcp:project/${PROD.id}`);
    expect(byUid(run.identities, estate.LEGACY).privilege.level).toBe('write');
    expect(run.notes.some((n) => n.includes('providers.gcp.expandGroups: false'))).toBe(true);
  });
});

describe('the group directory', () => {
  it('reads each group once per scan, whatever the case of its email', async () => {
    const ci = api('cloudidentity');
    ci.get('/v1/groups:lookup')
      .query({ 'groupKey.id': g.DEVELOPERS.email })
      .reply(200, g.lookup(g.DEVELOPERS.name));
    ci.get(SEARCH(g.DEVELOPERS.name)).query({ pageSize: '1000' }).reply(200, g.developersMembers);
    const config = GcpConfig.parse({ projects: [PROD.id] });
    const clients = createClients(config, fakeAuth(), new AbortController().signal);
    const { ctx } = createCollectContext({
      clock: { asOf: new Date(estate.AS_OF), now: () => new Date() },
      concurrency: 2,
      log: silentLogger,
      signal: new AbortController().signal,
      baseDir: process.cwd(),
    });
    const directory = createGroupDirectory(clients, ctx);
    const [a, b] = await Promise.all([
      directory.members(g.DEVELOPERS.email),
      directory.members(g.DEVELOPERS.email.toUpperCase()),
    ]);
    expect(a).toEqual(b);
    expect(a.ok && a.members).toEqual([
      { principal: `user:${g.EXTERNAL}`, nested: false },
      { principal: 'user:dev@example.com', nested: false },
    ]);
    expect(nock.isDone()).toBe(true);
  });

  it('names the group in the judged evidence when roles are read by their permissions', () => {
    const p = effectivePrivilegeOf({
      bindings: [{ role: 'roles/x', resource: 'projects/p', via: 'group:ops@example.com', nested: true }],
      roles: new Map([
        [
          'roles/x',
          { ok: true, role: { name: 'roles/x', permissions: ['resourcemanager.projects.setIamPolicy'] } },
        ],
      ]),
      asOf: new Date(estate.AS_OF),
    });
    expect(p.reasons).toEqual([
      'roles/x on projects/p via group:ops@example.com (through a nested group): admin by its permissions (resourcemanager.projects.setIamPolicy)',
    ]);
    expect(p.judged[0]?.via).toBe('group:ops@example.com');
  });
});
