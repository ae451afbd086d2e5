import { describe, expect, it } from 'vitest';
import { compileGlob, globMatch } from '../../src/glob.js';
import { wildcardMatch } from '../../connectors/aws/iam-actions.js';

describe('globMatch', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything', true],
    ['?', '', false],
    ['?', 'a', true],
    ['a*b', 'ab', true],
    ['a*b', 'axxxb', true],
    ['a*b', 'axxxbc', false],
    ['a*b*c', 'abbbcbc', true],
    ['s3:Get*', 's3:GetObject', true],
    ['s3:Get*', 's3:PutObject', false],
    ['iam:*Access?ey*', 'iam:CreateAccessKey', true],
    ['**a**', 'bab', true],
    ['a.b', 'axb', false],
    ['(x)+[y]', '(x)+[y]', true],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::123456789012:role/deploy', true],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::123456789012:user/deploy', false],
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'ab', false],
  ])('%s against %s is %s', (pattern, value, expected) => {
    expect(globMatch(pattern, value)).toBe(expected);
    // Asked twice (the prepared pattern is kept), and as a compiled matcher: the same answer.
    expect(globMatch(pattern, value)).toBe(expected);
    expect(compileGlob(pattern)(value)).toBe(expected);
  });

  it('keeps the case modes of one pattern apart', () => {
    expect(globMatch('Deploy*', 'deploy-bot', true)).toBe(true);
    expect(globMatch('Deploy*', 'deploy-bot')).toBe(false);
    expect(compileGlob('Deploy*', true)('DEPLOY-bot')).toBe(true);
    expect(compileGlob('Deploy*')('deploy-bot')).toBe(false);
    expect(globMatch('Deploy', 'deploy', true)).toBe(true);
    expect(globMatch('Deploy', 'deploy')).toBe(false);
  });

  it('is case-sensitive unless asked', () => {
    expect(globMatch('S3:get*', 's3:GetObject')).toBe(false);
    expect(globMatch('S3:get*', 's3:GetObject', true)).toBe(true);
  });

  // The old regex compiler backtracked: this pattern against a long action took minutes.
  it('matches a pathological pattern in linear time', { timeout: 5_000 }, () => {
    const pattern = 'sagemaker:*?*?*?*?*?*?*?*?*?*?*Q';
    const long = 'sagemaker:' + 'a'.repeat(5_000);
    expect(globMatch(pattern, long)).toBe(false);
    expect(globMatch(pattern, long + 'Q')).toBe(true);
    expect(wildcardMatch(pattern, 'sagemaker:' + 'A'.repeat(5_000))).toBe(false);
    expect(globMatch('*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(10_000))).toBe(false);
  });
});
