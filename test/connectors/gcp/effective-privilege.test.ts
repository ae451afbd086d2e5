// Google Cloud effective privilege: roles judged by the permissions they hold (roles.get, custom
// and predefined), IAM conditions decided where they can be, deny policies (IAM v2) applied.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateCondition } from '../../../connectors/gcp/conditions.js';
import {
  applyDenies,
  principalMatches,
  v1Permission,
  type DenyRuleRef,
} from '../../../connectors/gcp/deny.js';
import { effectivePrivilegeOf } from '../../../connectors/gcp/effective.js';
import {
  classifyPermission,
  levelOfPermissions,
  type RoleLookup,
} from '../../../connectors/gcp/role-permissions.js';
import type { BindingRef } from '../../../connectors/gcp/privilege.js';
import { PRIVILEGE_ORDER } from '../../../src/model.js';
import * as estate from '../../../fixtures/gcp/estate.js';
import { iamPermissionDenied } from '../../../fixtures/gcp/errors.js';
import * as priv from '../../../fixtures/gcp/privilege.js';
import { api, collect, mockProd, runOf } from './harness.js';

const { PROD } = estate;

describe('roles judged by their permissions', () => {
  it.each([
    [['resourcemanager.projects.setIamPolicy', 'resourcemanager.projects.get'], 'admin', 'estate'],
    [['storage.objects.get'], 'read', undefined],
    [['storage.buckets.setIamPolicy', 'storage.buckets.get'], 'admin', 'service'],
    [['iam.serviceAccounts.actAs'], 'admin', 'estate'],
    [['iam.serviceAccounts.getAccessToken'], 'admin', 'estate'],
    [['iam.serviceAccountKeys.create'], 'admin', 'estate'],
    [['iam.roles.update'], 'admin', 'estate'],
    [['logging.logEntries.create', 'storage.objects.list'], 'write', undefined],
    [
      ['secretmanager.versions.access', 'bigquery.tables.getData', 'bigquery.tables.export'],
      'read',
      undefined,
    ],
    [['resourcemanager.projects.getIamPolicy', 'iam.serviceAccounts.list'], 'read', undefined],
    [[], 'none', undefined],
  ] as const)('%j → %s', (permissions, level, scope) => {
    const v = levelOfPermissions(permissions);
    expect(v.level).toBe(level);
    expect(v.adminScope).toBe(scope);
  });

  it('names the permissions that decide the level, estate administration first', () => {
    expect(
      levelOfPermissions(['storage.buckets.setIamPolicy', 'resourcemanager.projects.setIamPolicy', 'a.b.get'])
        .decidedBy,
    ).toEqual(['resourcemanager.projects.setIamPolicy']);
    expect(classifyPermission('compute.instances.getSerialPortOutput')).toBe('read');
    expect(classifyPermission('compute.instances.setMetadata')).toBe('write');
  });
});

describe('IAM conditions', () => {
  const asOf = new Date('2026-03-01T00:00:00Z');
  it.each([
    ['request.time < timestamp("2026-01-31T00:00:00Z")', 'never'],
    ['request.time > timestamp("2026-06-01T00:00:00Z")', 'never'],
    ["request.time < timestamp('2027-01-01T00:00:00Z')", 'holds'],
    [
      'request.time >= timestamp("2026-01-01T00:00:00Z") && request.time < timestamp("2027-01-01T00:00:00Z")',
      'holds',
    ],
    ['resource.name.startsWith("projects/_/buckets/acme-reports")', 'scoped'],
    [
      '(resource.name.startsWith("projects/_/buckets/a")) && request.time < timestamp("2027-01-01T00:00:00Z")',
      'scoped',
    ],
    ['resource.type == "storage.googleapis.com/Bucket"', 'undecided'],
    ['resource.name.startsWith("a") || resource.name.startsWith("b")', 'undecided'],
    ['!resource.name.startsWith("a")', 'undecided'],
    ['request.time.getHours("Europe/Berlin") < 18', 'undecided'],
    ['request.time < timestamp("next tuesday")', 'undecided'],
    ['resource.name.startsWith("a&&b")', 'scoped'],
  ] as const)('%s → %s', (expression, kind) => {
    expect(evaluateCondition(expression, asOf).kind).toBe(kind);
  });

  it('says when an expired binding stopped', () => {
    expect(evaluateCondition('request.time < timestamp("2026-01-31T00:00:00Z")', asOf)).toEqual({
      kind: 'never',
      note: 'expired 2026-01-31T00:00:00Z',
    });
  });
});

const SUBJECT = {
  email: 'ci@acme-prod.iam.gserviceaccount.com',
  uniqueId: '1040',
  containers: ['projects/acme-prod', 'projects/111', 'folders/7', 'organizations/9'],
  serviceAgent: false,
};

const rule = (r: Partial<DenyRuleRef>): DenyRuleRef => ({
  policy: 'policies/x/denypolicies/p',
  attachment: 'projects/acme-prod',
  deniedPrincipals: [],
  exceptionPrincipals: [],
  deniedPermissions: [],
  exceptionPermissions: [],
  ...r,
});

describe('deny policies', () => {
  it('converts v2 permission names to v1', () => {
    expect(v1Permission('iam.googleapis.com/roles.list')).toBe('iam.roles.list');
    expect(v1Permission('cloudresourcemanager.googleapis.com/projects.setIamPolicy')).toBe(
      'resourcemanager.projects.setIamPolicy',
    );
  });

  it.each([
    ['principal://iam.googleapis.com/projects/-/serviceAccounts/CI@acme-prod.iam.gserviceaccount.com', true],
    ['principal://iam.googleapis.com/projects/-/serviceAccounts/1040', true],
    [
      'principal://iam.googleapis.com/projects/-/serviceAccounts/other@acme-prod.iam.gserviceaccount.com',
      false,
    ],
    ['principalSet://goog/public:all', true],
    ['principalSet://cloudresourcemanager.googleapis.com/projects/111/type/ServiceAccount', true],
    ['principalSet://cloudresourcemanager.googleapis.com/folders/7/type/ServiceAccount', true],
    ['principalSet://cloudresourcemanager.googleapis.com/projects/222/type/ServiceAccount', false],
    ['principalSet://cloudresourcemanager.googleapis.com/projects/111/type/ServiceAgent', false],
    ['principalSet://goog/group/ops@example.com', 'unknown'],
    ['principal://goog/subject/alice@example.com', false],
    [
      'deleted:principal://iam.googleapis.com/projects/-/serviceAccounts/ci@acme-prod.iam.gserviceaccount.com?uid=1',
      false,
    ],
  ] as const)('%s names the account: %s', (principal, expected) => {
    expect(principalMatches(principal, SUBJECT)).toBe(expected);
  });

  const perms = ['iam.serviceAccounts.actAs', 'iam.serviceAccountKeys.create', 'iam.serviceAccountKeys.list'];
  const everyone = ['principalSet://goog/public:all'];

  it('removes denied permissions, keeps exception permissions, honours exception principals', () => {
    const denied = applyDenies(
      perms,
      [
        rule({
          deniedPrincipals: everyone,
          deniedPermissions: ['iam.serviceAccountKeys.*'],
          exceptionPermissions: ['iam.serviceAccountKeys.list'],
        }),
      ],
      SUBJECT,
    );
    expect([...denied.denied.keys()]).toEqual(['iam.serviceAccountKeys.create']);
    const excepted = applyDenies(
      perms,
      [
        rule({
          deniedPrincipals: everyone,
          exceptionPrincipals: [`principal://iam.googleapis.com/projects/-/serviceAccounts/${SUBJECT.email}`],
          deniedPermissions: ['iam.*'],
        }),
      ],
      SUBJECT,
    );
    expect(excepted.denied.size).toBe(0);
  });

  it('does not apply a rule it cannot decide, and says so', () => {
    const out = applyDenies(
      perms,
      [
        rule({
          deniedPrincipals: everyone,
          deniedPermissions: ['iam.serviceAccounts.actAs'],
          condition: "resource.matchTag('9/env', 'prod')",
        }),
        rule({
          deniedPrincipals: ['principalSet://goog/group/ci@example.com'],
          deniedPermissions: ['iam.*'],
        }),
        rule({
          deniedPrincipals: everyone,
          exceptionPrincipals: ['principalSet://goog/group/break-glass@example.com'],
          deniedPermissions: ['iam.*'],
        }),
      ],
      SUBJECT,
    );
    expect(out.denied.size).toBe(0);
    expect(out.notApplied).toHaveLength(3);
    expect(out.notApplied[0]).toContain("condition not evaluated: resource.matchTag('9/env', 'prod')");
  });
});

const ok = (name: string, permissions: string[]): [string, RoleLookup] => [
  name,
  { ok: true, role: { name, permissions } },
];
const ROLES = new Map<string, RoleLookup>([
  ok('projects/p/roles/iamAdmin', ['resourcemanager.projects.setIamPolicy']),
  ok('projects/p/roles/reader', ['storage.objects.get']),
  ok('roles/storage.objectAdmin', [
    'storage.objects.create',
    'storage.objects.delete',
    'storage.objects.get',
  ]),
  ok('roles/editor', ['iam.serviceAccounts.actAs', 'compute.instances.create', 'storage.objects.get']),
  [
    'projects/p/roles/gone',
    {
      ok: true,
      role: {
        name: 'projects/p/roles/gone',
        permissions: ['resourcemanager.projects.setIamPolicy'],
        inactive: 'deleted',
      },
    },
  ],
  ['projects/p/roles/secret', { ok: false, err: new Error('403'), call: 'iam.projects.roles.get' }],
]);
const AS_OF = new Date('2026-03-01T00:00:00Z');
const judge = (bindings: BindingRef[], denyRules?: (r: string) => DenyRuleRef[]) =>
  effectivePrivilegeOf({
    bindings,
    roles: ROLES,
    asOf: AS_OF,
    subject: SUBJECT,
    ...(denyRules ? { denyRules } : {}),
  });
const on = (role: string, extra: Partial<BindingRef> = {}): BindingRef => ({
  role,
  resource: 'projects/p',
  ...extra,
});

describe('effective privilege', () => {
  it('a custom role holding resourcemanager.projects.setIamPolicy is admin; one holding only storage.objects.get is read', () => {
    expect(judge([on('projects/p/roles/iamAdmin')])).toMatchObject({
      level: 'admin',
      adminScope: 'estate',
      reasons: [
        'projects/p/roles/iamAdmin on projects/p: admin by its permissions (resourcemanager.projects.setIamPolicy)',
      ],
    });
    expect(judge([on('projects/p/roles/reader')])).toMatchObject({
      level: 'read',
      reasons: ['projects/p/roles/reader on projects/p: read by its permissions (storage.objects.get)'],
    });
  });

  it('keeps an undecidable condition as conditional: up to write, admin as conditionalLevel, expression shown', () => {
    const p = judge([
      on('projects/p/roles/iamAdmin', { condition: 'tagged', expression: 'resource.matchTag("x", "y")' }),
    ]);
    expect(p.level).toBe('write');
    expect(p.conditionalLevel).toBe('admin');
    expect(p.reasons).toContain(
      'conditionally admin when its condition holds (not decidable statically): projects/p/roles/iamAdmin on projects/p (condition: resource.matchTag("x", "y"))',
    );
    expect(p.grants[0]?.conditional).toBe(true);
  });

  it('counts nothing for an expired binding or a deleted role, and says why', () => {
    const p = judge([
      on('roles/editor', {
        condition: 'window',
        expression: 'request.time < timestamp("2026-01-01T00:00:00Z")',
      }),
      on('projects/p/roles/gone'),
      on('projects/p/roles/reader'),
    ]);
    expect(p.level).toBe('read');
    expect(p.attached).toEqual(['projects/p/roles/reader']);
    expect(p.reasons).toEqual([
      'projects/p/roles/reader on projects/p: read by its permissions (storage.objects.get)',
      'roles/editor on projects/p (condition: request.time < timestamp("2026-01-01T00:00:00Z")): not counted — condition cannot hold at scan time (expired 2026-01-01T00:00:00Z): grants nothing now',
      'projects/p/roles/gone on projects/p: not counted — the role is deleted: its bindings grant nothing',
    ]);
  });

  it('falls back to the role name when the role could not be read, and leaves the admin scope unknown', () => {
    const p = judge([on('projects/p/roles/secret'), on('roles/owner')]);
    expect(p.level).toBe('admin');
    expect(p.adminScope).toBeUndefined();
    expect(p.judged.map((j) => j.judgedBy)).toEqual(['name', 'name']);
  });

  it('removes what a deny policy covering the binding denies', () => {
    const deny = rule({
      deniedPrincipals: [`principal://iam.googleapis.com/projects/-/serviceAccounts/${SUBJECT.email}`],
      deniedPermissions: ['iam.serviceAccounts.actAs'],
    });
    const p = judge([on('roles/editor')], () => [deny]);
    expect(p.level).toBe('write');
    expect(p.judged[0]?.denied).toEqual([{ permission: 'iam.serviceAccounts.actAs', policy: deny.policy }]);
  });

  const roleNames = [...ROLES.keys(), 'roles/owner', 'roles/viewer'];
  const binding = fc
    .record({
      role: fc.constantFrom(...roleNames),
      resource: fc.constantFrom('projects/p', 'folders/7'),
      expression: fc.option(
        fc.constantFrom(
          'request.time < timestamp("2026-01-01T00:00:00Z")',
          'request.time < timestamp("2027-01-01T00:00:00Z")',
          'resource.name.startsWith("projects/_/buckets/a")',
          'resource.type == "x"',
        ),
        { nil: undefined },
      ),
    })
    .map((b): BindingRef =>
      b.expression
        ? { ...b, condition: 't', expression: b.expression }
        : { role: b.role, resource: b.resource },
    );
  const denyRule = fc
    .record({
      deniedPermissions: fc.subarray([
        'iam.*',
        'resourcemanager.projects.setIamPolicy',
        'storage.objects.*',
        '*',
      ]),
      exceptionPermissions: fc.subarray(['storage.objects.get', 'iam.serviceAccounts.actAs']),
    })
    .map((r) => rule({ ...r, deniedPrincipals: ['principalSet://goog/public:all'] }));
  const rank = (l: string) => PRIVILEGE_ORDER.indexOf(l as (typeof PRIVILEGE_ORDER)[number]);

  it('never widens access when a deny rule is added (property)', () => {
    fc.assert(
      fc.property(
        fc.array(binding, { maxLength: 6 }),
        fc.array(denyRule, { maxLength: 3 }),
        denyRule,
        (bs, rules, extra) => {
          const before = judge(bs, () => rules);
          const after = judge(bs, () => [...rules, extra]);
          expect(rank(after.level)).toBeLessThanOrEqual(rank(before.level));
          expect(rank(after.conditionalLevel ?? after.level)).toBeLessThanOrEqual(
            rank(before.conditionalLevel ?? before.level),
          );
        },
      ),
    );
  });

  it('gives the same level whatever the order of the bindings (property)', () => {
    fc.assert(
      fc.property(
        fc
          .array(binding, { maxLength: 6 })
          .chain((bs) => fc.tuple(fc.constant(bs), fc.shuffledSubarray(bs, { minLength: bs.length }))),
        ([bs, shuffled]) => {
          const a = judge(bs);
          const b = judge(shuffled);
          expect([b.level, b.conditionalLevel, b.adminScope]).toEqual([
            a.level,
            a.conditionalLevel,
            a.adminScope,
          ]);
        },
      ),
    );
  });
});

describe('the connector reads roles and deny policies (IAM v1 roles.get, IAM v2 policies)', () => {
  it('judges acme-prod by permissions, applies its deny policy and records what it could not read', async () => {
    mockProd({ projectGet: true, prodPolicy: priv.prodPolicyWithCustomRoles });
    const iam = api('iam');
    for (const [name, role] of Object.entries(priv.roles)) iam.get(`/v1/${name}`).reply(200, role);
    iam.get(`/v1/${priv.UNREADABLE}`).reply(403, iamPermissionDenied('iam.roles.get'));
    iam.get(`/v2/${priv.PROD_DENY_PARENT}`).reply(200, priv.prodDenyList);
    iam.get(`/v2/${priv.PROD_DENY}`).reply(200, priv.prodDenyPolicy);
    iam.get(`/v2/${priv.ORG_DENY_PARENT}`).reply(403, iamPermissionDenied('iam.denypolicies.list'));

    const runs = await collect({ projects: [PROD.id], rolePermissions: true });
    const run = runOf(runs, `gcp:project/${PROD.id}`);
    const sa = (email: string) => run.identities.find((i) => i.uid === email)!;

    // Custom role with setIamPolicy: admin of the project, whatever its name.
    expect(sa(estate.LEGACY).privilege).toMatchObject({ level: 'admin' });
    expect(sa(estate.LEGACY).attributes.adminScope).toBe('estate');
    expect(sa(estate.LEGACY).privilege.reasons).toEqual([
      `${priv.RELEASE_ADMIN} on projects/${PROD.id}: admin by its permissions (resourcemanager.projects.setIamPolicy)`,
    ]);
    // deployer@'s editor role loses actAs and key creation to the deny policy: write.
    expect(sa(estate.DEPLOYER).privilege.level).toBe('write');
    const editor = (
      sa(estate.DEPLOYER).attributes.bindings as { role: string; denied?: unknown; notes?: string[] }[]
    )[0];
    expect(editor?.denied).toEqual([
      { permission: 'iam.serviceAccountKeys.create', policy: priv.PROD_DENY },
      { permission: 'iam.serviceAccounts.actAs', policy: priv.PROD_DENY },
    ]);
    // The compute default account keeps editor's actAs (the rule names deployer@ only); its owner
    // binding expired in January.
    expect(sa(estate.COMPUTE_DEFAULT).privilege.level).toBe('admin');
    expect(sa(estate.COMPUTE_DEFAULT).privilege.attached).toEqual(['roles/editor']);
    // reporting@: reads, writes a snapshot (BigQuery), and is Security Admin only in office hours.
    expect(sa(estate.REPORTING).privilege).toMatchObject({ level: 'write', conditionalLevel: 'admin' });
    const reporting = (
      sa(estate.REPORTING).attributes.bindings as { role: string; level: string; status: string }[]
    ).map((b) => [b.role, b.level, b.status]);
    expect(reporting).toEqual([
      ['roles/storage.objectViewer', 'read', 'scoped'],
      [priv.BUCKET_READER, 'read', 'active'],
      ['roles/iam.securityAdmin', 'admin', 'conditional'],
      ['roles/bigquery.dataViewer', 'write', 'active'],
    ]);
    // The tag-conditioned rule on setIamPolicy is not applied to Security Admin, and the binding says so.
    const securityAdmin = (
      sa(estate.REPORTING).attributes.bindings as { role: string; notes?: string[] }[]
    ).find((b) => b.role === 'roles/iam.securityAdmin');
    expect(securityAdmin?.notes).toEqual([
      `deny rule of ${priv.PROD_DENY} not applied (condition not evaluated: resource.matchTag('123456789012/env', 'prod'))`,
    ]);
    expect(run.gaps.map((g) => [g.code, g.call, g.resource, g.permission])).toEqual([
      ['access_denied', 'iam.projects.roles.get', priv.UNREADABLE, 'iam.roles.get'],
      [
        'access_denied',
        'iam.policies.listPolicies',
        `organizations/${estate.ORG_ID}`,
        'iam.denypolicies.list',
      ],
    ]);
    expect(run.notes).toContain(
      "roles granted to groups (developers@example.com, security@example.com) are not included in service accounts' privilege: group membership is not read (providers.gcp.expandGroups: false)",
    );
  });
});
