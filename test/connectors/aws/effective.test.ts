import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PolicySource, computePrivilege, decideAction } from '../../../connectors/aws/privilege.js';
import { ALL, CONDITIONAL, NONE, SOME } from '../../../connectors/aws/effective.js';
import { parsePolicyDocument, toGrants } from '../../../connectors/aws/policy-document.js';
import type { PrivilegeLevel } from '../../../src/model.js';

const managed = (name: string): PolicySource => {
  const raw = JSON.parse(readFileSync(`fixtures/aws/managed-policies/${name}.json`, 'utf8')) as {
    Arn: string;
    Document: object;
  };
  return { prefix: `managed:${raw.Arn}`, arn: raw.Arn, document: raw.Document };
};
const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const inline = (document: string | object, name = 'p'): PolicySource => ({
  prefix: `user-inline:${name}`,
  document,
});
const boundary = (document: string | object, name = 'arn:aws:iam::123456789012:policy/Boundary') => ({
  kind: 'boundary' as const,
  name,
  policies: [{ prefix: `boundary:${name}`, document }],
});
const scp = (target: string, ...documents: object[]) => ({
  kind: 'scp' as const,
  name: target,
  policies: documents.map((d, i) => ({ prefix: `scp:${target}/p${i}`, document: d })),
});
const FULL = { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } };

describe('AWS managed policies rate by what their actions do (AWS action catalog)', () => {
  it.each<[string, PrivilegeLevel]>([
    ['ReadOnlyAccess', 'read'],
    ['SecurityAudit', 'read'],
    ['ViewOnlyAccess', 'read'],
    ['PowerUserAccess', 'write'],
    ['IAMFullAccess', 'admin'],
    ['AdministratorAccess', 'admin'],
  ])('%s → %s', (name, level) => {
    expect(computePrivilege([managed(name)]).level).toBe(level);
  });

  it('an admin under a read-only boundary is not admin', () => {
    const p = computePrivilege([managed('AdministratorAccess')], {
      boundary: boundary(managed('ReadOnlyAccess').document as object),
    });
    expect(p.level).toBe('read');
    expect(p.limits?.map((l) => l.kind)).toEqual(['boundary']);
    expect(
      p.reasons.some((r) => r.startsWith('permissions boundary arn:aws:iam::123456789012:policy/Boundary')),
    ).toBe(true);
  });
});

const level = (sources: PolicySource[], limits = {}) => computePrivilege(sources, limits).level;

describe('policy documents in all their legal shapes', () => {
  it.each<[string, object, PrivilegeLevel]>([
    [
      'a single statement object',
      { Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' } },
      'read',
    ],
    [
      'a statement array, string Action',
      { Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] },
      'write',
    ],
    [
      'Action and Resource lists',
      {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 'sqs:SendMessage'],
            Resource: ['arn:aws:s3:::b/*', 'arn:aws:sqs:us-east-1:1:q'],
          },
        ],
      },
      'write',
    ],
    [
      'a read wildcard is read (s3:Get*)',
      { Statement: { Effect: 'Allow', Action: 's3:Get*', Resource: '*' } },
      'read',
    ],
    [
      'case does not matter (IAM matches actions case-insensitively)',
      { Statement: { Effect: 'Allow', Action: 'IAM:attachrolepolicy', Resource: '*' } },
      'admin',
    ],
    [
      'iam:* is admin (permissions management)',
      { Statement: { Effect: 'Allow', Action: 'iam:*', Resource: '*' } },
      'admin',
    ],
    [
      'iam:* on one role path is write',
      { Statement: { Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::123456789012:role/app/*' } },
      'write',
    ],
    [
      'iam:Delete*Policy only narrows: write',
      {
        Statement: {
          Effect: 'Allow',
          Action: ['iam:DeleteRolePolicy', 'iam:DetachRolePolicy'],
          Resource: '*',
        },
      },
      'write',
    ],
    [
      'iam:List* and iam:Get* read',
      { Statement: { Effect: 'Allow', Action: ['iam:List*', 'iam:Get*'], Resource: '*' } },
      'read',
    ],
    [
      'NotAction everything but IAM is write',
      { Statement: { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' } },
      'write',
    ],
    [
      'NotAction of writes is still not admin when IAM is excluded',
      { Statement: { Effect: 'Allow', NotAction: ['iam:*', 's3:*'], Resource: '*' } },
      'write',
    ],
    [
      'NotResource counts as every resource (upper bound)',
      {
        Statement: { Effect: 'Allow', Action: 'iam:PutRolePolicy', NotResource: 'arn:aws:iam::1:role/admin' },
      },
      'admin',
    ],
    [
      'Deny overrides Allow (same statement set)',
      {
        Statement: [
          { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
          { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
        ],
      },
      'none',
    ],
    [
      'Deny of writes leaves reads',
      {
        Statement: [
          { Effect: 'Allow', Action: 's3:*', Resource: '*' },
          { Effect: 'Deny', NotAction: ['s3:Get*', 's3:List*'], Resource: '*' },
        ],
      },
      'read',
    ],
    [
      'Deny on some resources keeps the action elsewhere, but not admin',
      {
        Statement: [
          { Effect: 'Allow', Action: '*', Resource: '*' },
          { Effect: 'Deny', Action: 'iam:*', Resource: 'arn:aws:iam::1:role/break-glass' },
        ],
      },
      'write',
    ],
    [
      'a conditional Deny is an upper bound: it does not lower the level',
      {
        Statement: [
          { Effect: 'Allow', Action: 's3:PutObject', Resource: '*' },
          {
            Effect: 'Deny',
            Action: '*',
            Resource: '*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
      'write',
    ],
    ['only a Deny grants nothing', { Statement: { Effect: 'Deny', Action: '*', Resource: '*' } }, 'none'],
    [
      'conditional admin is write, with its conditional level',
      {
        Statement: {
          Effect: 'Allow',
          Action: '*',
          Resource: '*',
          Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
        },
      },
      'write',
    ],
    [
      'a read-only S3 Express session is read',
      {
        Statement: {
          Effect: 'Allow',
          Action: 's3express:CreateSession',
          Resource: '*',
          Condition: { StringEquals: { 's3express:SessionMode': 'ReadOnly' } },
        },
      },
      'read',
    ],
  ])('%s → %s', (_label, document, expected) => {
    expect(level([inline(document)])).toBe(expected);
  });

  it('shows the condition of a conditional admin and records the conditional level', () => {
    const p = computePrivilege([
      inline({
        Statement: {
          Effect: 'Allow',
          Action: '*',
          Resource: '*',
          Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
        },
      }),
    ]);
    expect(p.conditionalLevel).toBe('admin');
    expect(
      p.reasons.some(
        (r) => r.startsWith('conditionally admin') && r.includes('"aws:SourceIp":["10.0.0.0/8"]'),
      ),
    ).toBe(true);
  });
});

describe('limits: permissions boundary and SCPs', () => {
  const admin = inline(doc({ Effect: 'Allow', Action: '*', Resource: '*' }));
  it('a boundary intersects: admin under an S3-only boundary writes S3 only', () => {
    const p = computePrivilege([admin], {
      boundary: boundary(doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' })),
    });
    expect(p.level).toBe('write');
    expect(p.reasons.join('\n')).toMatch(
      /permissions boundary arn:aws:iam::123456789012:policy\/Boundary does not allow it: e\.g\. iam:/,
    );
  });
  it('a boundary never grants what the identity lacks', () => {
    expect(
      level([inline(doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }))], {
        boundary: boundary(FULL),
      }),
    ).toBe('read');
  });
  it('each SCP level must allow: an OU that allows only reads caps an admin at read', () => {
    const p = computePrivilege([admin], {
      scps: [
        scp('r-root', FULL),
        scp('ou-ab12-ops', {
          Statement: { Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' },
        }),
        scp('123456789012', FULL),
      ],
    });
    expect(p.level).toBe('read');
    expect(p.limits?.map((l) => `${l.kind}:${l.source}`)).toEqual([
      'scp:r-root',
      'scp:ou-ab12-ops',
      'scp:123456789012',
    ]);
  });
  it('an SCP Deny beats the identity Allow', () => {
    const p = computePrivilege([admin], {
      scps: [
        scp('r-root', FULL, { Statement: { Sid: 'NoIam', Effect: 'Deny', Action: 'iam:*', Resource: '*' } }),
      ],
    });
    expect(p.level).toBe('write');
    expect(p.reasons.join('\n')).toMatch(/denied by scp:r-root\/p1#0 \(Sid NoIam\): e\.g\. iam:/);
  });
  it('an SCP with an unreadable document is not applied, and says so', () => {
    const p = computePrivilege([admin], {
      scps: [{ kind: 'scp', name: 'r-root', policies: [{ prefix: 'scp:r-root/x', document: undefined }] }],
    });
    expect(p.level).toBe('admin');
    expect(p.reasons).toContain(
      'SCP r-root not applied: a document is unavailable, so the level is an upper bound',
    );
  });
  it('decides one action with the blocker named', () => {
    const grants = toGrants(
      { Statement: { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' } },
      'user-inline:p',
    );
    const limits = [
      {
        kind: 'scp' as const,
        source: 'ou-x',
        grants: toGrants({ Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } }, 'scp:ou-x'),
      },
    ];
    expect(decideAction(grants, [], 'iam:PassRole').state).toBe(ALL);
    expect(decideAction(grants, limits, 'iam:PassRole')).toMatchObject({
      state: NONE,
      blockedBy: 'SCP ou-x does not allow it',
    });
    const some = toGrants(
      { Statement: { Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::1:role/x' } },
      'p',
    );
    expect(decideAction(some, [], 'iam:PassRole').state).toBe(SOME);
    const cond = toGrants(
      {
        Statement: {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: '*',
          Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
        },
      },
      'p',
    );
    expect(decideAction(cond, [], 'iam:PassRole').state).toBe(CONDITIONAL);
  });
});

// Property-based: statements drawn from a small vocabulary so that they interact.
const ACTIONS = [
  '*',
  'iam:*',
  'iam:PassRole',
  'iam:AttachRolePolicy',
  'iam:Get*',
  's3:*',
  's3:GetObject',
  's3:Put*',
  'sqs:SendMessage',
  'ec2:Describe*',
];
const RESOURCES = [
  '*',
  'arn:aws:s3:::b/*',
  'arn:aws:iam::123456789012:role/*',
  'arn:aws:iam::123456789012:role/app/x',
];
const statement = fc
  .record({
    Effect: fc.constantFrom('Allow', 'Deny'),
    actions: fc.array(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 3 }),
    not: fc.boolean(),
    Resource: fc.constantFrom(...RESOURCES),
    conditional: fc.boolean(),
  })
  .map(({ Effect, actions, not, Resource, conditional }) => ({
    Effect,
    [not ? 'NotAction' : 'Action']: actions,
    Resource,
    ...(conditional ? { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } } : {}),
  }));
const rank = (l: PrivilegeLevel): number => ['none', 'read', 'write', 'admin'].indexOf(l);
const PROBES = [
  'iam:PassRole',
  'iam:AttachRolePolicy',
  'iam:GetRole',
  's3:GetObject',
  's3:PutObject',
  'sqs:SendMessage',
  'ec2:DescribeInstances',
  'lambda:InvokeFunction',
];
const states = (statements: object[], limitStatements?: object[]): number[] => {
  const grants = toGrants(parsePolicyDocument({ Statement: statements }), 'p');
  const limits = limitStatements
    ? [
        {
          kind: 'boundary' as const,
          source: 'b',
          grants: toGrants(parsePolicyDocument({ Statement: limitStatements }), 'b'),
        },
      ]
    : [];
  return PROBES.map((a) => decideAction(grants, limits, a).state);
};

describe('properties of the evaluation', () => {
  const runs = { numRuns: 30 };
  it('adding a Deny never widens access', () => {
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 4 }), statement, (statements, extra) => {
        const deny = { ...extra, Effect: 'Deny' };
        const before = states(statements);
        const after = states([...statements, deny]);
        expect(after.every((s, i) => s <= (before[i] ?? 0))).toBe(true);
        expect(rank(level([inline({ Statement: [...statements, deny] })]))).toBeLessThanOrEqual(
          rank(level([inline({ Statement: statements })])),
        );
      }),
      runs,
    );
  });
  it('adding a boundary never widens access', () => {
    fc.assert(
      fc.property(
        fc.array(statement, { minLength: 1, maxLength: 4 }),
        fc.array(statement, { minLength: 1, maxLength: 3 }),
        (statements, limit) => {
          const before = states(statements);
          const after = states(statements, limit);
          expect(after.every((s, i) => s <= (before[i] ?? 0))).toBe(true);
          expect(
            rank(level([inline({ Statement: statements })], { boundary: boundary({ Statement: limit }) })),
          ).toBeLessThanOrEqual(rank(level([inline({ Statement: statements })])));
        },
      ),
      runs,
    );
  });
  it('reordering statements never changes the verdict', () => {
    fc.assert(
      fc.property(
        fc
          .array(statement, { minLength: 1, maxLength: 5 })
          .chain((s) =>
            fc.tuple(fc.constant(s), fc.shuffledSubarray(s, { minLength: s.length, maxLength: s.length })),
          ),
        ([statements, shuffled]) => {
          expect(states(shuffled)).toEqual(states(statements));
          expect(level([inline({ Statement: shuffled })])).toBe(level([inline({ Statement: statements })]));
        },
      ),
      runs,
    );
  });
  it('a Deny of everything on everything leaves nothing', () => {
    fc.assert(
      fc.property(fc.array(statement, { maxLength: 4 }), (statements) => {
        expect(
          states([...statements, { Effect: 'Deny', Action: '*', Resource: '*' }]).every((s) => s === 0),
        ).toBe(true);
      }),
      runs,
    );
  });
});

// The policy layer's evaluators remember answers (issue 14): action lists compiled once per
// distinct list, shared by principals, keeping the answers they gave. Same answers either way.
describe('remembered answers', () => {
  it('an evaluator that remembers decides as one that does not, asked once or again', async () => {
    const { evaluator } = await import('../../../connectors/aws/effective.js');
    const { Grant } = await import('../../../src/model.js');
    const g = (o: object) =>
      Grant.parse({ effect: 'Allow', resources: ['*'], source: 'user-inline:p#0', ...o });
    const grants = [
      g({ actions: ['iam:Pass*', 's3:*', 'ec2:RunInstances'] }),
      g({ actions: ['lambda:*'], resources: ['arn:aws:lambda:*:*:function:app-*'] }),
      g({ effect: 'Deny', actions: ['s3:DeleteBucket'], source: 'user-inline:deny#0' }),
      g({ actions: ['iam:*'], notAction: true, conditional: true, source: 'user-inline:n#0' }),
    ];
    const limits = [{ kind: 'boundary' as const, source: 'b', grants: [g({ actions: ['iam:*', 's3:*'] })] }];
    const actions = [
      'iam:PassRole',
      'IAM:passrole',
      's3:DeleteBucket',
      's3:GetObject',
      'ec2:RunInstances',
      'lambda:InvokeFunction',
      'sqs:SendMessage',
      'iam:CreateUser',
    ];
    const plain = evaluator(grants, limits);
    const remembering = evaluator(grants, limits, { remember: true });
    // Another principal with the same lists but other resources: the coverage is its own.
    const scoped = evaluator(
      grants.map((x) => ({ ...x, resources: ['arn:aws:s3:::one'] })),
      limits,
      { remember: true },
    );
    for (const a of [...actions, ...actions]) {
      expect(remembering.decide(a)).toEqual(plain.decide(a));
      expect(remembering.decideOn(a, 'arn:aws:s3:::one')).toEqual(plain.decideOn(a, 'arn:aws:s3:::one'));
    }
    expect(plain.decide('s3:GetObject').state).toBe(ALL);
    expect(scoped.decide('s3:GetObject').state).toBe(SOME);
    expect(remembering.decide('s3:DeleteBucket').state).toBe(NONE);
  });
});
