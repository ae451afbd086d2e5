// Dates are ISO 8601 or refused (issue 10): tried, `expires: 01/31/2020` was accepted and never
// expired, so the demo's findings all became "excepted".
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAsOf } from '../../src/clock.js';
import { buildConfig } from '../../src/config.js';
import { UsageError } from '../../src/errors.js';
import { applyExceptions, loadExceptions, type ExceptionRule } from '../../src/exceptions.js';
import type { Finding } from '../../src/model.js';

const NOT_ISO = [
  '01/31/2020',
  '2020/01/31',
  'January 31, 2020',
  '1',
  '2027-02-30',
  '2027-1-5',
  '20270131',
  '',
];

const exceptionsFile = (expires: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'nhiscan-dates-'));
  const path = join(dir, 'exceptions.yaml');
  writeFileSync(
    path,
    `exceptions:\n  - id: legacy\n    match: { policy: rotation-age }\n    justification: Vendor integration, migration planned\n    approver: cto@acme.io\n    expires: "${expires}"\n`,
  );
  return path;
};

const usageError = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('ISO 8601 dates only', () => {
  it.each(NOT_ISO)('an exception expiring "%s" is refused, naming the field', (value) => {
    expect(usageError(() => loadExceptions(exceptionsFile(value)))).toMatch(
      /exceptions\[0\]\.expires: expected an ISO 8601 date/,
    );
  });

  it.each(['2027-01-31', '2027-01-31T12:00:00Z', '2027-01-31T12:00:00+02:00', '2028-02-29'])(
    'an exception expiring %s is accepted',
    (value) => {
      expect(loadExceptions(exceptionsFile(value))[0]?.expires).toBe(value);
    },
  );

  it('an unquoted YAML date is read as the calendar day it names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-dates-'));
    const path = join(dir, 'e.yaml');
    writeFileSync(
      path,
      'exceptions:\n  - match: { policy: p }\n    justification: Vendor integration, planned\n    approver: a\n    expires: 2027-01-31\n',
    );
    expect(loadExceptions(path)[0]?.expires).toBe('2027-01-31');
  });

  it.each(NOT_ISO.filter((v) => v !== ''))('config asOf "%s" is refused, naming the key', (value) => {
    expect(
      usageError(() =>
        buildConfig({ asOf: value }, { connectors: {}, policies: {} }, 'nhiscan.config.yaml', '/tmp'),
      ),
    ).toMatch(/asOf: expected an ISO 8601 date/);
  });

  it.each(NOT_ISO)('--as-of "%s" is refused', (value) => {
    expect(() => parseAsOf(value)).toThrow(/expected an ISO 8601 date/);
  });

  it('--as-of outside a sane range is refused', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(() => parseAsOf('2005-12-31', now)).toThrow(/out of range/);
    expect(() => parseAsOf('2027-06-03', now)).toThrow(/out of range/);
    expect(() => parseAsOf('0001-01-01', now)).toThrow(/out of range/);
    expect(parseAsOf('2006-01-01', now).toISOString()).toBe('2006-01-01T00:00:00.000Z');
    expect(parseAsOf('2027-05-30T00:00:00Z', now).toISOString()).toBe('2027-05-30T00:00:00.000Z');
  });
});

const finding = (uid: string, identityUid: string): Finding => ({
  uid,
  policyId: 'rotation-age',
  severity: 'high',
  title: 't',
  message: 'm',
  provider: 'aws',
  identityUid,
  identityKind: 'aws.iam_user',
  identityName: identityUid.split('/').pop() ?? identityUid,
  location: { provider: 'aws', scope: '111111111111' },
  evidence: {},
  controls: [],
});

const rule = (id: string | undefined, match: ExceptionRule['match'], expires: string): ExceptionRule => ({
  ...(id ? { id } : {}),
  match,
  justification: 'Vendor integration, migration planned',
  approver: 'cto@acme.io',
  expires,
});

describe('exception warnings', () => {
  const asOf = new Date('2026-11-01T12:00:00Z');
  const findings = [
    finding('f1', 'arn:aws:iam::111111111111:user/a'),
    finding('f2', 'arn:aws:iam::111111111111:user/b'),
  ];

  it('flags a blanket match, a duplicate id and an expiry more than a year out, and nothing else', () => {
    const { outcomes } = applyExceptions(
      findings,
      [
        rule('all', { identity: '*' }, '2026-12-01'),
        rule('dup', { identity: '*/a' }, '2026-12-01'),
        rule('dup', { identity: '*/b' }, '2026-12-01'),
        rule('far', { policy: 'rotation-age' }, '2027-11-03'),
        rule('fine', { policy: 'rotation-age' }, '2027-10-30'),
      ],
      asOf,
    );
    const warnings = Object.fromEntries(outcomes.map((o, i) => [`${i}:${o.id}`, o.warnings]));
    expect(warnings['0:all']).toEqual([expect.stringMatching(/matches every identity/)]);
    expect(warnings['1:dup']).toEqual([expect.stringMatching(/the id dup is used by 2 exceptions/)]);
    expect(warnings['2:dup']).toEqual([expect.stringMatching(/the id dup is used by 2 exceptions/)]);
    expect(warnings['3:far']).toEqual([expect.stringMatching(/more than 365 days/)]);
    expect(warnings['4:fine']).toEqual([]);
  });

  it('a timestamp expiry ends at its instant, a date at the end of its day (UTC)', () => {
    const at = (expires: string) =>
      applyExceptions(findings, [rule('x', { policy: 'rotation-age' }, expires)], asOf).outcomes[0]?.status;
    expect(at('2026-11-01')).toBe('active');
    expect(at('2026-11-01T11:59:59Z')).toBe('expired');
    expect(at('2026-11-01T12:00:01Z')).toBe('active');
    expect(at('2026-10-31')).toBe('expired');
  });
});
