// IAM deny rules naming Google groups (`principalSet://goog/group/…`), decided with the groups'
// transitive members read through the scan's group directory (expandGroups): a member is denied,
// a non-member is not, a member of an exception group is exempted, and a group whose members
// could not be read leaves the rule not applied (never "not a member"). The group directory runs
// on the scan's own clients, so a target that reached its deadline does not fail later reads.
import fc from 'fast-check';
import nock from 'nock';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDenies, type DenyRuleRef, type DenySubject } from '../../../connectors/gcp/deny.js';
import { effectivePrivilegeOf } from '../../../connectors/gcp/effective.js';
import {
  memberTest,
  readGroups,
  type GroupDirectory,
  type GroupLookup,
  type GroupMember,
} from '../../../connectors/gcp/groups.js';
import { GcpConfig, createGcpConnector, groupDirectoryOf } from '../../../connectors/gcp/index.js';
import type { BindingRef } from '../../../connectors/gcp/privilege.js';
import type { RoleLookup } from '../../../connectors/gcp/role-permissions.js';
import { createCollectContext } from '../../../src/collect-context.js';
import { silentLogger } from '../../../src/log.js';
import { PRIVILEGE_ORDER } from '../../../src/model.js';
import * as estate from '../../../fixtures/gcp/estate.js';
import { iamPermissionDenied } from '../../../fixtures/gcp/errors.js';
import * as g from '../../../fixtures/gcp/groups.js';
import * as priv from '../../../fixtures/gcp/privilege.js';
import { api, byUid, collect, fakeAuth, mockProd, runOf } from './harness.js';

const { PROD } = estate;
const EMAIL = 'ci@acme-prod.iam.gserviceaccount.com';
const ME = `serviceAccount:${EMAIL}`;
const set = (group: string) => `principalSet://goog/group/${group}`;
const EVERYONE = 'principalSet://goog/public:all';
const DIRECT = `principal://iam.googleapis.com/projects/-/serviceAccounts/${EMAIL}`;

/** A directory answering from a table; a group missing from it is refused, as Cloud Identity does. */
const fakeDirectory = (groups: Record<string, GroupMember[]>): GroupDirectory => ({
  members: (group): Promise<GroupLookup> => {
    const members = groups[group.toLowerCase()];
    return Promise.resolve(
      members
        ? { ok: true, name: `groups/${group}`, members }
        : { ok: false, err: new Error('403'), call: 'cloudidentity.groups.lookup' },
    );
  },
});

// ops@: the account directly. platform@: the account only through the nested ci-bots@.
// break-glass@: the account. others@: a person. secret@: unreadable.
const DIRECTORY = fakeDirectory({
  'ops@example.com': [{ principal: ME, nested: false }],
  'platform@example.com': [
    { principal: 'group:ci-bots@example.com', nested: false },
    { principal: ME, nested: true },
  ],
  'break-glass@example.com': [{ principal: ME, nested: false }],
  'others@example.com': [{ principal: 'user:alice@example.com', nested: false }],
});
const GROUPS = ['ops', 'platform', 'break-glass', 'others', 'secret'].map((n) => `${n}@example.com`);

const subjectWith = async (): Promise<DenySubject> => {
  const failed: string[] = [];
  const membership = await readGroups(DIRECTORY, GROUPS, 2, (group) => failed.push(group));
  expect(failed).toEqual(['secret@example.com']);
  return { ...BASE, inGroup: memberTest(membership, ME) };
};
const BASE: DenySubject = { email: EMAIL, containers: ['projects/acme-prod'], serviceAgent: false };

const rule = (r: Partial<DenyRuleRef>): DenyRuleRef => ({
  policy: 'policies/p/denypolicies/d',
  attachment: 'projects/acme-prod',
  deniedPrincipals: [],
  exceptionPrincipals: [],
  deniedPermissions: ['iam.*'],
  exceptionPermissions: [],
  ...r,
});
const PERMS = ['iam.serviceAccounts.actAs', 'iam.serviceAccountKeys.create', 'storage.objects.get'];
const IAM_PERMS = ['iam.serviceAccountKeys.create', 'iam.serviceAccounts.actAs'];

describe('deny rules naming groups × membership', () => {
  it.each<[string, Partial<DenyRuleRef>, string[], { applied?: string; notApplied?: string }]>([
    [
      'a direct member is denied',
      { deniedPrincipals: [set('ops@example.com')] },
      IAM_PERMS,
      { applied: `applies: the account is a member of ${set('ops@example.com')}` },
    ],
    ['a non-member is not', { deniedPrincipals: [set('others@example.com')] }, [], {}],
    [
      'a member through a nested group is denied',
      { deniedPrincipals: [set('platform@example.com')] },
      IAM_PERMS,
      { applied: `the account is a member of ${set('platform@example.com')}` },
    ],
    [
      'the group email matches whatever its case',
      { deniedPrincipals: [set('OPS@Example.com')] },
      IAM_PERMS,
      { applied: 'the account is a member of' },
    ],
    [
      'a member of an exception group is exempted',
      { deniedPrincipals: [EVERYONE], exceptionPrincipals: [set('break-glass@example.com')] },
      [],
      { applied: `does not apply: the account is a member of ${set('break-glass@example.com')}` },
    ],
    [
      'an exception group the account is not in exempts nothing',
      { deniedPrincipals: [EVERYONE], exceptionPrincipals: [set('others@example.com')] },
      IAM_PERMS,
      { applied: `it is in none of ${set('others@example.com')}, its exceptions` },
    ],
    [
      'a denied group whose members could not be read is not applied',
      { deniedPrincipals: [set('secret@example.com')] },
      [],
      { notApplied: `membership undecided — ${set('secret@example.com')}: its members could not be read` },
    ],
    [
      'an unreadable exception group leaves a rule naming the account not applied',
      { deniedPrincipals: [DIRECT], exceptionPrincipals: [set('secret@example.com')] },
      [],
      { notApplied: `${set('secret@example.com')}: its members could not be read` },
    ],
    [
      'a member of a named group, with an unreadable exception group, is not decided',
      { deniedPrincipals: [set('ops@example.com')], exceptionPrincipals: [set('secret@example.com')] },
      [],
      { notApplied: `${set('secret@example.com')}: its members could not be read` },
    ],
    [
      'a known member wins over an unreadable group among the denied principals',
      { deniedPrincipals: [set('secret@example.com'), set('ops@example.com')] },
      IAM_PERMS,
      { applied: `the account is a member of ${set('ops@example.com')}` },
    ],
    [
      'a deleted group names no one',
      { deniedPrincipals: [`deleted:${set('ops@example.com')}?uid=1`] },
      [],
      {},
    ],
    [
      'a Cloud Identity customer is never decided',
      { deniedPrincipals: ['principalSet://goog/cloudIdentityCustomerId/C01Abc35'] },
      [],
      { notApplied: 'whether a service account belongs to a Cloud Identity customer is not known' },
    ],
  ])('%s', async (_, r, denied, says) => {
    const out = applyDenies(PERMS, [rule(r)], await subjectWith());
    expect([...out.denied.keys()].sort()).toEqual(denied);
    if (says.applied) expect(out.throughGroups).toEqual([expect.stringContaining(says.applied)]);
    else expect(out.throughGroups).toEqual([]);
    if (says.notApplied) expect(out.notApplied).toEqual([expect.stringContaining(says.notApplied)]);
    else expect(out.notApplied).toEqual([]);
  });

  it('leaves every group rule not applied when group members are not read (expandGroups: false)', () => {
    const out = applyDenies(PERMS, [rule({ deniedPrincipals: [set('ops@example.com')] })], BASE);
    expect(out.denied.size).toBe(0);
    expect(out.notApplied).toEqual([
      `deny rule of policies/p/denypolicies/d not applied (membership undecided — ${set('ops@example.com')}: group members not read (providers.gcp.expandGroups: false))`,
    ]);
  });
});

// Properties, in the style of effective-privilege.test.ts: bindings and rules drawn at random,
// memberships drawn per group (member, not a member, unreadable).
const ok = (name: string, permissions: string[]): [string, RoleLookup] => [
  name,
  { ok: true, role: { name, permissions } },
];
const ROLES = new Map<string, RoleLookup>([
  ok('roles/owner', [
    'resourcemanager.projects.setIamPolicy',
    'iam.serviceAccounts.actAs',
    'storage.objects.get',
  ]),
  ok('roles/editor', ['iam.serviceAccounts.actAs', 'compute.instances.create', 'storage.objects.get']),
  ok('projects/p/roles/reader', ['storage.objects.get']),
]);
const AS_OF = new Date(estate.AS_OF);
const binding: fc.Arbitrary<BindingRef> = fc.record({
  role: fc.constantFrom(...ROLES.keys()),
  resource: fc.constant('projects/p'),
});
const NAMES = ['a@example.com', 'b@example.com', 'c@example.com'];
type State = 'member' | 'not' | 'unread';
const memberships: fc.Arbitrary<State[]> = fc.array(fc.constantFrom<State>('member', 'not', 'unread'), {
  minLength: NAMES.length,
  maxLength: NAMES.length,
});
const subjectOf = (states: readonly State[]): DenySubject => ({
  ...BASE,
  inGroup: (group) => {
    const s = states[NAMES.indexOf(group)];
    return s === 'unread' || s === undefined ? 'unknown' : s === 'member';
  },
});
const denyRule = fc
  .record({
    deniedPrincipals: fc.subarray([EVERYONE, DIRECT, ...NAMES.map(set)], { minLength: 1 }),
    exceptionPrincipals: fc.subarray([DIRECT, ...NAMES.map(set)]),
    deniedPermissions: fc.subarray(['iam.*', 'resourcemanager.projects.setIamPolicy', '*'], { minLength: 1 }),
    exceptionPermissions: fc.subarray(['storage.objects.get', 'iam.serviceAccounts.actAs']),
  })
  .map((r) => rule(r));
const judge = (bs: BindingRef[], rules: DenyRuleRef[], subject: DenySubject) =>
  effectivePrivilegeOf({ bindings: bs, roles: ROLES, asOf: AS_OF, subject, denyRules: () => rules });
const rank = (l: string) => PRIVILEGE_ORDER.indexOf(l as (typeof PRIVILEGE_ORDER)[number]);
const deniedOf = (p: ReturnType<typeof judge>) => p.judged.map((j) => j.denied ?? []);

describe('deny rules naming groups (properties)', () => {
  it('never widens access when a deny rule naming groups is added, whatever the memberships', () => {
    fc.assert(
      fc.property(
        fc.array(binding, { maxLength: 5 }),
        fc.array(denyRule, { maxLength: 3 }),
        denyRule,
        memberships,
        (bs, rules, extra, states) => {
          const before = judge(bs, rules, subjectOf(states));
          const after = judge(bs, [...rules, extra], subjectOf(states));
          expect(rank(after.level)).toBeLessThanOrEqual(rank(before.level));
          expect(rank(after.conditionalLevel ?? after.level)).toBeLessThanOrEqual(
            rank(before.conditionalLevel ?? before.level),
          );
        },
      ),
    );
  });

  it('never widens access by reading group members (an undecided rule is only ever left out)', () => {
    fc.assert(
      fc.property(
        fc.array(binding, { maxLength: 5 }),
        fc.array(denyRule, { maxLength: 3 }),
        memberships,
        (bs, rules, states) => {
          const unread = judge(bs, rules, BASE);
          const read = judge(bs, rules, subjectOf(states));
          expect(rank(read.level)).toBeLessThanOrEqual(rank(unread.level));
        },
      ),
    );
  });

  it('judges a group the account is in as the account itself, and a group it is not in as no one', () => {
    fc.assert(
      fc.property(
        fc.array(binding, { minLength: 1, maxLength: 5 }),
        fc.subarray(['iam.*', 'resourcemanager.projects.setIamPolicy', '*'], { minLength: 1 }),
        fc.constantFrom(...NAMES),
        memberships.filter((s) => !s.includes('unread')),
        (bs, deniedPermissions, group, states) => {
          const viaGroup = judge(
            bs,
            [rule({ deniedPrincipals: [set(group)], deniedPermissions })],
            subjectOf(states),
          );
          const member = states[NAMES.indexOf(group)] === 'member';
          const same = judge(
            bs,
            member ? [rule({ deniedPrincipals: [DIRECT], deniedPermissions })] : [],
            subjectOf(states),
          );
          expect(viaGroup.level).toBe(same.level);
          expect(deniedOf(viaGroup)).toEqual(deniedOf(same));
        },
      ),
    );
  });
});

// The connector end to end: acme-prod with the platform group as owner (groups.test.ts's estate)
// and a deny policy naming groups.
const GROUP_DENY = `${priv.PROD_DENY_PARENT}/platform-no-iam`;
const groupDenyPolicy = {
  name: GROUP_DENY,
  uid: '7a6b5c4d-3e2f-1a0b-9c8d-7e6f5a4b3c2d',
  kind: 'DenyPolicy',
  displayName: 'platform@ may not change IAM; ci-bots@ excepted',
  etag: 'MTY5ODc2NTQzMw==',
  createTime: '2026-02-01T10:00:00Z',
  updateTime: '2026-02-01T10:00:00Z',
  rules: [
    {
      description: 'platform members do not change IAM or act as accounts, except the ci-bots',
      denyRule: {
        deniedPrincipals: [set(g.PLATFORM.email)],
        exceptionPrincipals: [set(g.CI_BOTS.email)],
        deniedPermissions: [
          'cloudresourcemanager.googleapis.com/projects.setIamPolicy',
          'iam.googleapis.com/serviceAccounts.actAs',
        ],
      },
    },
    {
      description: 'the security reviewers never create keys',
      denyRule: {
        deniedPrincipals: [set(g.SECURITY.email)],
        deniedPermissions: ['iam.googleapis.com/serviceAccountKeys.create'],
      },
    },
  ],
};
const OWNER = {
  name: 'roles/owner',
  title: 'Owner',
  description: 'Owner (excerpt of the published permission list)',
  includedPermissions: [
    'compute.instances.create',
    'iam.serviceAccounts.actAs',
    'resourcemanager.projects.get',
    'resourcemanager.projects.setIamPolicy',
  ],
  stage: 'GA',
  etag: 'AA==',
};
const SEARCH = (name: string) => `/v1/${name}/memberships:searchTransitiveMemberships`;
const ciBotsMembers = {
  memberships: [
    {
      member: 'users/118000000000000000002',
      preferredMemberKey: [{ id: estate.REPORTING }],
      relationType: 'DIRECT',
      roles: [{ role: 'MEMBER' }],
    },
  ],
};

const mockEstate = (m: { ciBotsDenied?: boolean } = {}): void => {
  mockProd({ projectGet: true, prodPolicy: g.groupsPolicy });
  const ci = api('cloudidentity');
  const lookup = (email: string) => ci.get('/v1/groups:lookup').query({ 'groupKey.id': email });
  lookup(g.PLATFORM.email).reply(200, g.lookup(g.PLATFORM.name));
  ci.get(SEARCH(g.PLATFORM.name)).query({ pageSize: '1000' }).reply(200, g.platformPage1);
  ci.get(SEARCH(g.PLATFORM.name))
    .query({ pageSize: '1000', pageToken: g.platformPage1.nextPageToken })
    .reply(200, g.platformPage2);
  lookup(g.DEVELOPERS.email).reply(200, g.lookup(g.DEVELOPERS.name));
  ci.get(SEARCH(g.DEVELOPERS.name)).query({ pageSize: '1000' }).reply(200, g.developersMembers);
  // Refused once: the deny rule naming it is decided from the same (cached) answer.
  lookup(g.SECURITY.email).reply(403, g.groupsDenied);
  if (m.ciBotsDenied) lookup(g.CI_BOTS.email).reply(403, g.groupsDenied);
  else {
    lookup(g.CI_BOTS.email).reply(200, g.lookup(g.CI_BOTS.name));
    ci.get(SEARCH(g.CI_BOTS.name)).query({ pageSize: '1000' }).reply(200, ciBotsMembers);
  }
  const iam = api('iam');
  iam.get('/v1/roles/owner').reply(200, OWNER);
  for (const [name, role] of Object.entries(priv.roles)) iam.get(`/v1/${name}`).optionally().reply(200, role);
  iam
    .get(`/v2/${priv.PROD_DENY_PARENT}`)
    .reply(200, { policies: [{ ...groupDenyPolicy, rules: undefined }] });
  iam.get(`/v2/${GROUP_DENY}`).reply(200, groupDenyPolicy);
  iam.get(`/v2/${priv.ORG_DENY_PARENT}`).reply(403, iamPermissionDenied('iam.denypolicies.list'));
};

type Judged = { role: string; via?: string; denied?: { permission: string }[]; notes?: string[] };
const bindingsOf = (i: { attributes: Record<string, unknown> }) => i.attributes.bindings as Judged[];

describe('the connector applies deny rules naming groups', () => {
  it('denies a member, exempts an exception group’s member, leaves others alone and an unread group not applied', async () => {
    mockEstate();
    const runs = await collect({ projects: [PROD.id], rolePermissions: true, expandGroups: true });
    const run = runOf(runs, `gcp:project/${PROD.id}`);
    const via = `group:${g.PLATFORM.email}`;

    // legacy-batch@ is in platform@ (not in ci-bots@): owner through the group loses setIamPolicy
    // and actAs, so it is write, not admin.
    const legacy = byUid(run.identities, estate.LEGACY);
    expect(legacy.privilege.level).toBe('write');
    const owner = bindingsOf(legacy).find((b) => b.role === 'roles/owner' && b.via === via);
    expect(owner?.denied?.map((d) => d.permission)).toEqual([
      'iam.serviceAccounts.actAs',
      'resourcemanager.projects.setIamPolicy',
    ]);
    expect(owner?.notes).toContain(
      `deny rule of ${GROUP_DENY} applies: the account is a member of ${set(g.PLATFORM.email)}; it is in none of ${set(g.CI_BOTS.email)}, its exceptions`,
    );

    // reporting@ is in platform@ through ci-bots@, the rule's exception: still admin, and said so.
    const reporting = byUid(run.identities, estate.REPORTING);
    expect(reporting.privilege.level).toBe('admin');
    expect(bindingsOf(reporting).find((b) => b.via === via)?.notes).toContain(
      `deny rule of ${GROUP_DENY} does not apply: the account is a member of ${set(g.CI_BOTS.email)}, its exceptions`,
    );

    // deployer@ is in neither: editor keeps actAs (admin); only the unread security@ rule is open.
    const deployer = byUid(run.identities, estate.DEPLOYER);
    expect(deployer.privilege.level).toBe('admin');
    const editor = bindingsOf(deployer).find((b) => b.role === 'roles/editor');
    expect(editor?.denied).toBeUndefined();
    expect(editor?.notes).toEqual([
      `deny rule of ${GROUP_DENY} not applied (membership undecided — ${set(g.SECURITY.email)}: its members could not be read)`,
    ]);
    expect(run.gaps).toContainEqual(
      expect.objectContaining({
        call: 'cloudidentity.groups.lookup',
        resource: `group:${g.SECURITY.email}`,
        fallback: `deny rules naming group:${g.SECURITY.email} are not applied (whether an account is a member is unknown): privilege may be overstated`,
      }),
    );
    // Each group read once for the scan: the allow side and the deny side share the directory.
    expect(nock.isDone()).toBe(true);
  });

  it('leaves a rule not applied when its exception group cannot be read, and records the gap', async () => {
    mockEstate({ ciBotsDenied: true });
    const runs = await collect({ projects: [PROD.id], rolePermissions: true, expandGroups: true });
    const run = runOf(runs, `gcp:project/${PROD.id}`);
    const legacy = byUid(run.identities, estate.LEGACY);
    // Whether legacy-batch@ is exempt is unknown: the rule is not applied, owner stays admin.
    expect(legacy.privilege.level).toBe('admin');
    expect(bindingsOf(legacy).find((b) => b.role === 'roles/owner')?.notes).toContain(
      `deny rule of ${GROUP_DENY} not applied (membership undecided — ${set(g.CI_BOTS.email)}: its members could not be read)`,
    );
    expect(run.gaps).toContainEqual(
      expect.objectContaining({ call: 'cloudidentity.groups.lookup', resource: `group:${g.CI_BOTS.email}` }),
    );
  });
});

// Two project targets in one session, each with a signal of its own, as the scan runs them.
const DATA_SA = estate.sa('etl', estate.DATA);
const DATA_ENG = 'data-eng@example.com';
const mockData = (whileInFlight: () => void): void => {
  const crm = api('cloudresourcemanager');
  crm.get(`/v3/projects/${estate.DATA.id}`).reply(200, estate.dataProject);
  crm
    .post(`/v3/projects/${estate.DATA.id}:getIamPolicy`, { options: { requestedPolicyVersion: 3 } })
    .reply(200, { version: 3, etag: 'BwX2', bindings: [] });
  const iam = api('iam');
  iam
    .get(`/v1/projects/${estate.DATA.id}/serviceAccounts`)
    .query({ pageSize: '100' })
    .reply(200, {
      accounts: [
        {
          name: `projects/${estate.DATA.id}/serviceAccounts/${DATA_SA}`,
          projectId: estate.DATA.id,
          uniqueId: '104857600000000000091',
          email: DATA_SA,
          etag: 'MDEwMjE5MjA=',
          oauth2ClientId: '104857600000000000091',
        },
      ],
    });
  iam.get(`/v1/projects/${estate.DATA.id}/serviceAccounts/${DATA_SA}/keys`).reply(200, {});
  iam
    .get(`/v1/projects/${estate.DATA.id}/locations/global/workloadIdentityPools`)
    .query({ pageSize: '100' })
    .reply(200, {});
  api('apikeys')
    .get(`/v2/projects/${estate.DATA.id}/locations/global/keys`)
    .query({ pageSize: '300' })
    .reply(200, {});
  for (const type of ['serviceAccountLastAuthentication', 'serviceAccountKeyLastAuthentication'])
    api('policyanalyzer')
      .get(`/v1/projects/${estate.DATA.id}/locations/global/activityTypes/${type}/activities:query`)
      .query({ pageSize: '1000' })
      .reply(200, {});
  // Only the account's own policy names the group: it is read while acme-data is collected.
  iam
    .post(`/v1/projects/${estate.DATA.id}/serviceAccounts/${DATA_SA}:getIamPolicy`)
    .query({ 'options.requestedPolicyVersion': '3' })
    .reply(200, {
      version: 1,
      etag: 'BwX3',
      bindings: [{ role: 'roles/iam.serviceAccountUser', members: [`group:${DATA_ENG}`] }],
    });
  const ci = api('cloudidentity');
  // The first target's deadline passes while this read is in flight.
  ci.on('request', (req: { path: string }) => {
    if (req.path.includes(encodeURIComponent(DATA_ENG))) whileInFlight();
  });
  ci.get('/v1/groups:lookup')
    .query({ 'groupKey.id': DATA_ENG })
    .delay(400)
    .reply(200, g.lookup('groups/04dataeng'));
  ci.get(SEARCH('groups/04dataeng'))
    .query({ pageSize: '1000' })
    .reply(200, {
      memberships: [
        {
          member: 'users/100000000000000000031',
          preferredMemberKey: [{ id: 'ana@example.com' }],
          relationType: 'DIRECT',
          roles: [{ role: 'MEMBER' }],
        },
      ],
    });
};

describe('the scan’s group directory', () => {
  it('reads groups with the scan’s signal: a first target past its deadline does not fail the next target’s reads', async () => {
    mockProd({ projectGet: true });
    const ci = api('cloudidentity');
    ci.get('/v1/groups:lookup')
      .query({ 'groupKey.id': g.DEVELOPERS.email })
      .reply(200, g.lookup(g.DEVELOPERS.name));
    ci.get(SEARCH(g.DEVELOPERS.name)).query({ pageSize: '1000' }).reply(200, g.developersMembers);
    ci.get('/v1/groups:lookup').query({ 'groupKey.id': g.SECURITY.email }).reply(403, g.groupsDenied);
    const first = new AbortController();
    mockData(() => {
      first.abort(new Error('target deadline'));
    });

    const config = GcpConfig.parse({
      projects: [PROD.id, estate.DATA.id],
      rolePermissions: false,
      expandGroups: true,
    });
    const connector = createGcpConnector({ authClient: fakeAuth() });
    const clock = { asOf: AS_OF, now: () => new Date() };
    const session = await connector.session!(config, {
      clock,
      log: silentLogger,
      signal: new AbortController().signal,
      resolvePath: (p) => resolve(process.cwd(), p),
    });
    const run = async (target: (typeof targets)[number], signal: AbortSignal) => {
      const { ctx, record } = createCollectContext({
        session,
        clock,
        concurrency: 2,
        log: silentLogger,
        signal,
        baseDir: process.cwd(),
      });
      const identities = [];
      for await (const i of connector.collect(target, config, ctx)) identities.push(i);
      return { identities, gaps: record.gaps };
    };
    const targets = connector.targets(config);
    const prod = await run(targets[0]!, first.signal);
    expect(prod.identities.length).toBeGreaterThan(0);
    // acme-prod reaches its deadline while acme-data's group read is in flight (a slow target
    // running beside the others, as with targetConcurrency > 1).
    const done = await run(targets[1]!, new AbortController().signal);
    expect(first.signal.aborted).toBe(true);
    expect(done.gaps.filter((x) => x.resource === `group:${DATA_ENG}`)).toEqual([]);
    const etl = done.identities.find((i) => i.uid === DATA_SA);
    expect(etl?.attributes?.canActAsThroughGroups).toEqual([
      {
        principal: 'user:ana@example.com',
        role: 'roles/iam.serviceAccountUser',
        resource: `projects/${estate.DATA.id}/serviceAccounts/${DATA_SA}`,
        via: `group:${DATA_ENG}`,
      },
    ]);
    expect(groupDirectoryOf(session, config, fakeAuth(), 2)).toBe(session.groups); // one per scan
    await session.close();
  });
});
