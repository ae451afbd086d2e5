import { describe, expect, it } from 'vitest';
import { excessPrivilege } from '../../policies/excess-privilege.js';
import {
  MAX_EVALUATORS,
  MAX_PATH_DEPTH,
  escalationSets,
  evaluatorOf,
  pathsToAdmin,
} from '../../policies/lib/aws-paths.js';
import type { Grant, Identity, Trust } from '../../src/model.js';
import { awsRole, awsUser, grant } from './identity-builder.js';

const ACCOUNT = '111122223333';
const roleArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const privilege = (
  level: 'none' | 'read' | 'write' | 'admin',
  grants: Grant[],
  limits?: Identity['privilege']['limits'],
) => ({
  privilege: { level, grants, reasons: [], attached: [], ...(limits ? { limits } : {}) },
});
const trusts = (...t: Partial<Trust>[]) => ({
  trust: t.map((x, i) => ({
    principalType: 'aws' as const,
    principal: '',
    conditions: {},
    actions: ['sts:AssumeRole'],
    source: `trust#${i}`,
    ...x,
  })),
});
const admin = (name: string, ...t: Partial<Trust>[]) =>
  awsRole(name, { ...privilege('admin', [grant('*')]), ...trusts(...t) });
const drafts = (identity: Identity, inventory: Identity[] = [identity]) =>
  excessPrivilege
    .evaluate(identity, excessPrivilege.options.parse({}), ctx(inventory))
    .flatMap((v) => (v.status === 'fail' ? v.findings : []));
const ctx = (inventory: Identity[]) => ({
  asOf: new Date('2026-11-01T00:00:00Z'),
  directory: undefined,
  inventory,
});
const scpOnly = (actions: string[]) => [
  {
    kind: 'scp' as const,
    source: 'ou-ab12-workloads',
    grants: [grant(actions, '*', { source: 'scp:ou-ab12-workloads/Workloads#0' })],
  },
];

describe('escalation re-checked against effective access', () => {
  it('an escalation an SCP blocks is not reported as open, and the blocker is named', () => {
    const user = awsUser(
      'ci',
      privilege('write', [grant('iam:AttachUserPolicy')], scpOnly(['s3:*', 'ec2:*'])),
    );
    const { open, blocked } = escalationSets(user, () => false);
    expect(open).toEqual([]);
    expect(blocked).toEqual([
      {
        id: 'AttachUserPolicy',
        actions: ['iam:AttachUserPolicy'],
        action: 'iam:AttachUserPolicy',
        blockedBy: 'SCP ou-ab12-workloads does not allow it',
      },
    ]);
    expect(drafts(user).filter((f) => f.key === 'escalation')).toEqual([]);
  });
  it('the same escalation without the SCP is open', () => {
    const user = awsUser('ci', privilege('write', [grant('iam:AttachUserPolicy')]));
    expect(escalationSets(user, () => false).open.map((s) => s.id)).toEqual(['AttachUserPolicy']);
  });
  it('a boundary that allows only S3 closes a PassRole path', () => {
    const user = awsUser(
      'deploy',
      privilege(
        'write',
        [grant(['iam:PassRole', 'ec2:RunInstances'])],
        [{ kind: 'boundary', source: 'b', grants: [grant('s3:*')] }],
      ),
    );
    const { open, blocked } = escalationSets(user, () => false);
    expect(open).toEqual([]);
    expect(blocked.map((b) => b.blockedBy)).toContain('permissions boundary b does not allow it');
  });
});

describe('paths through other principals', () => {
  it('sts:AssumeRole chain to an admin role: user → hop (trusts the user) → admin (trusts hop)', () => {
    const user = awsUser('ci', privilege('read', [grant('s3:GetObject')]));
    const hop = awsRole('hop', {
      ...privilege('read', [grant('sts:AssumeRole', roleArn('break-glass'))]),
      ...trusts({ principal: user.uid }),
    });
    const target = admin('break-glass', { principal: hop.uid });
    const inventory = [user, hop, target];
    const paths = pathsToAdmin(user, inventory);
    expect(paths).toHaveLength(1);
    expect(paths[0]?.map((s) => [s.via, s.to])).toEqual([
      ['sts:AssumeRole', hop.uid],
      ['sts:AssumeRole', target.uid],
    ]);
    const [finding] = drafts(user, inventory).filter((f) => f.key === 'escalation-path');
    expect(finding?.evidence).toMatchObject({ admins: [target.uid] });
    expect(finding?.message).toContain(`sts:AssumeRole ${hop.uid} → sts:AssumeRole ${target.uid}`);
  });
  it('trust of the account root needs the caller’s own sts:AssumeRole', () => {
    const target = admin('ops-admin', { principal: `arn:aws:iam::${ACCOUNT}:root` });
    const without = awsUser('a', privilege('read', [grant('s3:GetObject')]));
    const withGrant = awsUser('b', privilege('write', [grant('sts:AssumeRole', roleArn('ops-*'))]));
    expect(pathsToAdmin(without, [without, target])).toEqual([]);
    expect(pathsToAdmin(withGrant, [withGrant, target])[0]?.[0]).toMatchObject({
      via: 'sts:AssumeRole',
      to: target.uid,
    });
  });
  it('an SCP Deny on sts:AssumeRole closes the path', () => {
    const target = admin('ops-admin', { principal: `arn:aws:iam::${ACCOUNT}:root` });
    const user = awsUser(
      'b',
      privilege(
        'write',
        [grant('sts:AssumeRole')],
        [
          {
            kind: 'scp',
            source: 'r-root',
            grants: [grant('*'), grant('sts:AssumeRole', '*', { effect: 'Deny' })],
          },
        ],
      ),
    );
    expect(pathsToAdmin(user, [user, target])).toEqual([]);
  });
  it('iam:PassRole of an admin role to a service the caller can start', () => {
    const target = admin('lambda-admin', { principalType: 'service', principal: 'lambda.amazonaws.com' });
    const user = awsUser(
      'dev',
      privilege('write', [
        grant('iam:PassRole', roleArn('lambda-*')),
        grant(['lambda:CreateFunction', 'lambda:InvokeFunction']),
      ]),
    );
    const paths = pathsToAdmin(user, [user, target]);
    expect(paths[0]).toEqual([
      expect.objectContaining({
        via: 'iam:PassRole',
        to: target.uid,
        detail: expect.stringContaining('PassExistingRoleToNewLambdaThenInvoke'),
      }),
    ]);
    // The role trusts Lambda, not EC2: RunInstances alone opens nothing.
    const ec2 = awsUser('ec2', privilege('write', [grant('iam:PassRole'), grant('ec2:RunInstances')]));
    expect(pathsToAdmin(ec2, [ec2, target])).toEqual([]);
  });
  it('handles cycles and stops at the depth bound', () => {
    const user = awsUser('ci', privilege('read', [grant('s3:GetObject')]));
    const a = awsRole('a', {
      ...privilege('read', []),
      ...trusts({ principal: user.uid }, { principal: roleArn('b') }),
    });
    const b = awsRole('b', { ...privilege('read', []), ...trusts({ principal: a.uid }) });
    // a ⇄ b, and a chain longer than the bound to an admin.
    const chain = Array.from({ length: MAX_PATH_DEPTH + 1 }, (_, i) =>
      awsRole(`c${i}`, {
        ...privilege('read', []),
        ...trusts({ principal: i === 0 ? b.uid : roleArn(`c${i - 1}`) }),
      }),
    );
    const target = admin('far-admin', { principal: roleArn(`c${MAX_PATH_DEPTH}`) });
    expect(pathsToAdmin(user, [user, a, b, ...chain, target])).toEqual([]);
    const near = admin('near-admin', { principal: b.uid });
    expect(pathsToAdmin(user, [user, a, b, near])[0]?.map((s) => s.to)).toEqual([a.uid, b.uid, near.uid]);
  });
});

// The escalation and wildcard answers are kept per privilege content (issue 14): principals with
// the same policies share one answer; anything the answer rests on makes another.
describe('answers kept per privilege content', () => {
  const managed = (sid?: string) =>
    grant(['iam:PassRole', 'ec2:RunInstances', 's3:*'], '*', {
      source: 'managed:arn:aws:iam::111122223333:policy/deploy#0',
      ...(sid ? { sid } : {}),
    });
  const findingsOf = (identity: Identity, options: Record<string, unknown> = {}) =>
    excessPrivilege
      .evaluate(identity, excessPrivilege.options.parse(options), ctx([identity]))
      .flatMap((v) => (v.status === 'fail' ? v.findings : []));

  it('two principals sharing a managed policy each get their own findings, naming themselves', () => {
    const a = awsUser('deploy-a', privilege('write', [managed()]));
    const b = awsRole('deploy-b', privilege('write', [managed()]));
    const fa = findingsOf(a);
    const fb = findingsOf(b);
    expect(fa.map((f) => f.key)).toEqual(['service-wildcard', 'escalation']);
    expect(fb.map((f) => f.key)).toEqual(['service-wildcard', 'escalation']);
    for (const f of fa) expect(f.message).toContain('deploy-a');
    for (const f of fb) expect(f.message).toContain('deploy-b');
    expect(fb.map((f) => f.evidence)).toEqual(fa.map((f) => f.evidence));
  });

  it('what the evidence names (source, Sid) or a limit makes another answer', () => {
    const plain = awsUser('one', privilege('write', [managed()]));
    const withSid = awsUser('two', privilege('write', [managed('Launch')]));
    const limited = awsUser(
      'three',
      privilege('write', [managed()], [{ kind: 'boundary', source: 'b', grants: [grant('s3:*')] }]),
    );
    // One ignore list for all, as one scan's config: every answer comes from the same table.
    const ignore: string[] = [];
    const statement = (i: Identity) => escalationSets(i, () => false, ignore).open[0]?.grants[0]?.statement;
    expect(escalationSets(plain, () => false, ignore).open.length).toBeGreaterThan(0);
    expect(statement(withSid)).toContain('(Sid Launch)');
    expect(statement(plain)).not.toContain('Sid');
    expect(escalationSets(limited, () => false, ignore).open).toEqual([]);
    // The boundary allows s3:* only: the wildcard stays, the escalation is closed.
    expect(findingsOf(limited).map((f) => f.key)).toEqual(['service-wildcard']);
  });

  it('never crosses ignore lists (one scan config to the next)', () => {
    const a = awsUser('a', privilege('write', [managed()]));
    const b = awsUser('b', privilege('write', [managed()]));
    expect(findingsOf(a).map((f) => f.key)).toEqual(['service-wildcard', 'escalation']);
    // Same content, another config: its ignore list decides, not the answer kept for the first.
    expect(findingsOf(b, { ignoreActions: ['iam:PassRole', 's3:*'] }).map((f) => f.key)).toEqual([]);
    expect(findingsOf(b).map((f) => f.key)).toEqual(['service-wildcard', 'escalation']);
  });
});

describe('evaluators are not held to the end of the scan (issue 14)', () => {
  it("a principal's evaluator is reused while recent and let go after many others", () => {
    const first = awsUser('first', privilege('write', [grant('iam:PassRole')]));
    const ev = evaluatorOf(first);
    expect(evaluatorOf(first)).toBe(ev);
    // Weakly keyed by identity, it lived as long as the scan held the identity: to the end.
    for (let i = 0; i <= MAX_EVALUATORS; i++)
      evaluatorOf(awsUser(`u${i}`, privilege('write', [grant('s3:GetObject')])));
    const again = evaluatorOf(first);
    expect(again).not.toBe(ev);
    expect(again.decide('iam:PassRole').state).toBe(ev.decide('iam:PassRole').state);
  });
});
