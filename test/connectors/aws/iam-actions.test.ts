import { describe, expect, it } from 'vitest';
import {
  allows,
  describeGrant,
  isReadOnlyAction,
  isServiceWildcard,
  isUnconstrainedResource,
  wildcardMatch,
} from '../../../connectors/aws/iam-actions.js';
import { Grant } from '../../../src/model.js';

const g = (over: Partial<Grant> & { actions: string[] }): Grant =>
  Grant.parse({ effect: 'Allow', resources: ['*'], source: 'user-inline:p#0', ...over });

describe('wildcardMatch', () => {
  it.each([
    ['iam:*', 'iam:PassRole', true],
    ['iam:Pass*', 'iam:passrole', true], // IAM action names are case-insensitive
    ['*', 'ec2:RunInstances', true],
    ['ec2:?unInstances', 'ec2:RunInstances', true],
    ['iam:Get*', 'iam:PassRole', false],
    ['s3:Get.bject', 's3:GetObject', false], // "." is literal, not a regex
  ])('%s ~ %s → %s', (pattern, action, expected) => {
    expect(wildcardMatch(pattern, action)).toBe(expected);
  });
});

describe('isReadOnlyAction', () => {
  it.each([
    ['s3:GetObject', true],
    ['s3:getobject', true],
    ['EC2:DESCRIBEINSTANCES', true],
    ['ec2:Describe*', true],
    ['s3:List*', true],
    ['s3:PutObject', false],
    ['s3:*', false],
    ['*', false],
    ['iam:PassRole', false],
  ])('%s → %s', (action, expected) => {
    expect(isReadOnlyAction(action)).toBe(expected);
  });
});

describe('isServiceWildcard / isUnconstrainedResource', () => {
  it('recognises service wildcards only', () => {
    expect(isServiceWildcard('s3:*')).toBe(true);
    expect(isServiceWildcard('ec2-instance-connect:*')).toBe(true);
    expect(isServiceWildcard('*')).toBe(false);
    expect(isServiceWildcard('s3:Get*')).toBe(false);
  });
  it('treats "*", spelled-out ARN wildcards and NotResource as unconstrained', () => {
    expect(isUnconstrainedResource(['*'])).toBe(true);
    expect(isUnconstrainedResource(['arn:aws:*:*:*:*'])).toBe(true);
    expect(isUnconstrainedResource(['arn:aws:s3:::bucket/*'])).toBe(false);
    expect(isUnconstrainedResource(['arn:aws:s3:::bucket'], true)).toBe(true);
  });
});

describe('allows', () => {
  it('finds the granting statement, through wildcards and NotAction', () => {
    const wild = g({ actions: ['iam:*'] });
    expect(allows([wild], 'iam:PassRole')).toBe(wild);
    const notAction = g({ actions: ['iam:*'], notAction: true });
    expect(allows([notAction], 'ec2:RunInstances')).toBe(notAction);
    expect(allows([notAction], 'iam:PassRole')).toBeUndefined();
  });

  it('unconstrainedOnly ignores grants on specific resources', () => {
    const scoped = g({ actions: ['iam:PassRole'], resources: ['arn:aws:iam::111122223333:role/app'] });
    expect(allows([scoped], 'iam:PassRole')).toBe(scoped);
    expect(allows([scoped], 'iam:PassRole', { unconstrainedOnly: true })).toBeUndefined();
  });

  it('an unconditional Deny on * removes the action; a conditional one does not', () => {
    const allow = g({ actions: ['iam:*'] });
    expect(allows([allow, g({ effect: 'Deny', actions: ['iam:PassRole'] })], 'iam:PassRole')).toBeUndefined();
    expect(
      allows([allow, g({ effect: 'Deny', actions: ['iam:PassRole'], conditional: true })], 'iam:PassRole'),
    ).toBe(allow);
  });

  it('a Deny with NotResource leaves the action allowed on the excluded resources, but not on everything', () => {
    const allow = g({ actions: ['s3:GetObject'] });
    const denyElsewhere = g({
      effect: 'Deny',
      actions: ['s3:*'],
      resources: ['arn:aws:s3:::public/*'],
      notResource: true,
    });
    expect(allows([allow, denyElsewhere], 's3:GetObject')).toBe(allow);
    expect(allows([allow, denyElsewhere], 's3:GetObject', { unconstrainedOnly: true })).toBeUndefined();
  });

  it('unconditionalOnly ignores conditioned grants', () => {
    const conditioned = g({ actions: ['sts:AssumeRole'], conditional: true });
    expect(allows([conditioned], 'sts:AssumeRole')).toBe(conditioned);
    expect(allows([conditioned], 'sts:AssumeRole', { unconditionalOnly: true })).toBeUndefined();
  });
});

describe('describeGrant', () => {
  it('names the source, sid, effect, actions, resources and conditions', () => {
    expect(
      describeGrant(
        g({
          actions: ['iam:PassRole'],
          sid: 'Pass',
          conditional: true,
          source: 'managed:arn:aws:iam::1:policy/x#2',
        }),
      ),
    ).toBe('managed:arn:aws:iam::1:policy/x#2 (Sid Pass): Allow iam:PassRole on * with conditions');
  });
});
