import { describe, expect, it } from 'vitest';
import { type PolicySource, computePrivilege, isAdminGrant } from '../../../connectors/aws/privilege.js';
import type { PrivilegeLevel } from '../../../src/model.js';
import { mayUseCodeCommit } from '../../../connectors/aws/collect.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const inline = (document: string, name = 'p'): PolicySource => ({ prefix: `user-inline:${name}`, document });

describe('computePrivilege: level and the statements it rests on', () => {
  it.each<[string, PolicySource[], PrivilegeLevel, string[]]>([
    ['no policy at all', [], 'none', []],
    [
      'Allow * on *',
      [inline(doc({ Effect: 'Allow', Action: '*', Resource: '*' }))],
      'admin',
      ['user-inline:p#0: Allow * on * (admin: iam:'],
    ],
    [
      'Allow iam:* on *',
      [inline(doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }))],
      'admin',
      ['user-inline:p#0: Allow iam:* on * (admin: iam:'],
    ],
    // Everything but IAM cannot grant itself more (PowerUserAccess's shape): write, not admin.
    [
      'Allow NotAction iam:* on *',
      [inline(doc({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }))],
      'write',
      ['user-inline:p#0: Allow NotAction iam:*, organizations:* on * (write: '],
    ],
    [
      'Allow * on * with a condition is write, not admin',
      [
        inline(
          doc({
            Effect: 'Allow',
            Action: '*',
            Resource: '*',
            Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
          }),
        ),
      ],
      'write',
      [
        'user-inline:p#0: Allow * on * with conditions {"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]}} (write: ',
        'conditionally admin when its conditions hold (not decidable statically): user-inline:p#0',
      ],
    ],
    [
      'Allow * on one bucket is write, not admin',
      [inline(doc({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b/*' }))],
      'write',
      ['user-inline:p#0: Allow * on arn:aws:s3:::b/* (write: '],
    ],
    [
      'AdministratorAccess attached, document unknown',
      [
        {
          prefix: 'managed:arn:aws:iam::aws:policy/AdministratorAccess',
          arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
          document: undefined,
        },
      ],
      'admin',
      [
        'arn:aws:iam::aws:policy/AdministratorAccess attached',
        'managed:arn:aws:iam::aws:policy/AdministratorAccess#by-name: Allow * on * (admin: ',
        'managed:arn:aws:iam::aws:policy/AdministratorAccess: policy document unavailable (not returned); its permissions are unknown, not absent',
      ],
    ],
    [
      'a write among reads: only the writing statement is decisive',
      [
        inline(doc({ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' })),
        inline(
          doc({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:1:q' }),
          'q',
        ),
      ],
      'write',
      ['user-inline:q#0: Allow sqs:SendMessage on arn:aws:sqs:us-east-1:1:q (write: sqs:SendMessage)'],
    ],
    [
      'read-only verbs and wildcards',
      [inline(doc({ Effect: 'Allow', Action: ['ec2:Describe*', 'logs:Get*', 's3:List*'], Resource: '*' }))],
      'read',
      ['user-inline:p#0: Allow ec2:Describe*, logs:Get*, s3:List* on * (read: '],
    ],
    [
      'a service wildcard writes',
      [inline(doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }))],
      'write',
      ['user-inline:p#0: Allow s3:* on * (write: s3:'],
    ],
    ['only Deny statements', [inline(doc({ Effect: 'Deny', Action: 's3:*', Resource: '*' }))], 'none', []],
    [
      'an unconditional Deny * on * cancels everything',
      [
        inline(
          doc(
            { Effect: 'Allow', Action: '*', Resource: '*' },
            { Sid: 'Stop', Effect: 'Deny', Action: '*', Resource: '*' },
          ),
        ),
      ],
      'none',
      ['denied by user-inline:p#1 (Sid Stop): e.g. iam:'],
    ],
  ])('%s → %s', (_label, sources, level, reasons) => {
    const privilege = computePrivilege(sources);
    expect(privilege.level).toBe(level);
    // Each reason starts as expected (examples of actions follow, from AWS's catalog).
    expect(privilege.reasons).toHaveLength(reasons.length);
    reasons.forEach((r, i) => {
      expect(privilege.reasons[i]?.startsWith(r), `${privilege.reasons[i]} starts with ${r}`).toBe(true);
    });
  });

  it('records attached ARNs once, direct and via groups, with or without documents', () => {
    const arn = 'arn:aws:iam::123456789012:policy/Deploy';
    const privilege = computePrivilege([
      {
        prefix: `managed:${arn}`,
        arn,
        document: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
      },
      {
        prefix: `group-managed:ops/${arn}`,
        arn,
        document: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
      },
      {
        prefix: 'group-managed:ops/arn:aws:iam::aws:policy/ReadOnlyAccess',
        arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
        document: undefined,
      },
    ]);
    expect(privilege.attached).toEqual([arn, 'arn:aws:iam::aws:policy/ReadOnlyAccess']);
    expect(privilege.grants.map((g) => g.source)).toEqual([`managed:${arn}#0`, `group-managed:ops/${arn}#0`]);
    expect(privilege.reasons.at(-1)).toMatch(/ReadOnlyAccess: policy document unavailable/);
  });

  it('reports an unreadable document as invalid, not as no permission', () => {
    const privilege = computePrivilege([inline('%7Bnot-json')]);
    expect(privilege.invalid).toEqual([{ prefix: 'user-inline:p', message: expect.any(String) }]);
    expect(privilege.reasons[0]).toMatch(/^user-inline:p: policy document could not be read/);
  });

  it('names a permissions boundary it could not read and keeps the level as an upper bound', () => {
    const arn = 'arn:aws:iam::123456789012:policy/Boundary';
    const privilege = computePrivilege([inline(doc({ Effect: 'Allow', Action: '*', Resource: '*' }))], {
      boundary: {
        kind: 'boundary',
        name: arn,
        policies: [{ prefix: `boundary:${arn}`, arn, document: undefined }],
      },
    });
    expect(privilege).toMatchObject({ level: 'admin', boundary: arn });
    expect(privilege.limits).toBeUndefined();
    expect(privilege.reasons).toContain(
      `permissions boundary ${arn} not applied: a document is unavailable, so the level is an upper bound`,
    );
  });
});

describe('isAdminGrant', () => {
  const g = {
    effect: 'Allow' as const,
    notAction: false,
    notResource: false,
    conditional: false,
    source: 's#0',
  };
  it.each([
    [{ ...g, actions: ['*'], resources: ['*'] }, true],
    [{ ...g, actions: ['*:*'], resources: ['arn:aws:*:*:*'] }, true],
    [{ ...g, actions: ['IAM:*'], resources: ['*'] }, true],
    [{ ...g, actions: ['s3:*'], resources: ['*'] }, false],
    [{ ...g, actions: ['*'], resources: ['arn:aws:s3:::b'] }, false],
    [{ ...g, actions: ['*'], resources: ['*'], conditional: true }, false],
    [{ ...g, effect: 'Deny' as const, actions: ['*'], resources: ['*'] }, false],
    // "iam:*" on every IAM resource of the account (any partition) can grant itself the rest.
    [{ ...g, actions: ['iam:*'], resources: ['arn:aws:iam::123456789012:*'] }, true],
    [{ ...g, actions: ['iam:*'], resources: ['arn:aws-us-gov:iam::*:*'] }, true],
    [{ ...g, actions: ['iam:*'], resources: ['arn:aws:iam::123456789012:role/*'] }, true],
    [{ ...g, actions: ['iam:*'], resources: ['arn:aws:iam::123456789012:role/app/*'] }, false],
    [{ ...g, actions: ['*'], resources: ['arn:aws:iam::123456789012:*'] }, true],
    [{ ...g, actions: ['*'], resources: ['arn:aws:s3:::*'] }, false],
    [{ ...g, actions: ['iam:*'], resources: ['arn:aws:s3:::*'] }, false],
  ])('%j → %s', (grant, expected) => {
    expect(isAdminGrant(grant)).toBe(expected);
  });
});

describe('mayUseCodeCommit (whether SSH public keys are worth a call)', () => {
  const doc = (Action: string | string[], Effect = 'Allow'): string =>
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect, Action, Resource: '*' }] });
  it('is true for a git action (also through a wildcard), false without one, true when a policy is unreadable', () => {
    const of = (...documents: (string | undefined)[]) =>
      mayUseCodeCommit(
        computePrivilege(documents.map((document, i) => ({ prefix: `user-inline:p${i}`, document }))),
      );
    expect(of(doc('codecommit:GitPull'))).toBe(true);
    expect(of(doc('codecommit:*'))).toBe(true);
    expect(of(doc('*'))).toBe(true);
    expect(of(doc('s3:GetObject'))).toBe(false);
    expect(of(doc('*'), doc('codecommit:*', 'Deny'))).toBe(false);
    expect(of(doc('s3:GetObject'), undefined)).toBe(true);
  });
});
