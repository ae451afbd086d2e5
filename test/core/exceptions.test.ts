import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyExceptions, loadExceptions, type ExceptionRule } from '../../src/exceptions.js';
import type { Finding } from '../../src/model.js';

const finding = (uid: string, policyId: string, identityUid: string, credentialUid?: string): Finding => ({
  uid,
  policyId,
  severity: 'high',
  title: 't',
  message: 'm',
  provider: 'aws',
  identityUid,
  identityKind: 'aws.iam_user',
  identityName: identityUid.split('/').pop()!,
  location: { provider: 'aws', scope: '111111111111' },
  credentialUid,
  evidence: {},
  controls: [],
});

const rule = (match: ExceptionRule['match'], expires: string, id?: string): ExceptionRule => ({
  ...(id ? { id } : {}),
  match,
  justification: 'Vendor integration, migration planned',
  approver: 'cto@acme.io',
  expires,
});

describe('exceptions', () => {
  const findings = [
    finding('nhi-1', 'rotation-age', 'arn:aws:iam::111111111111:user/legacy-ftp', 'AKIAEXAMPLE1'),
    finding('nhi-2', 'staleness', 'arn:aws:iam::111111111111:user/legacy-ftp', 'AKIAEXAMPLE1'),
    finding('nhi-3', 'rotation-age', 'arn:aws:iam::111111111111:user/ci'),
  ];
  const asOf = new Date('2026-11-01T12:00:00Z');

  it('marks matched findings, keeps them, re-opens expired ones and reports stale exceptions', () => {
    const { findings: out, outcomes } = applyExceptions(
      findings,
      [
        rule({ policy: 'rotation-age', identity: '*user/legacy-*' }, '2027-01-31', 'EX-1'),
        rule({ finding: 'nhi-2' }, '2026-10-31', 'EX-2'),
        rule({ finding: 'nhi-3' }, '2026-11-01', 'EX-3'),
        rule({ identity: 'arn:aws:iam::999999999999:*' }, '2027-01-01', 'EX-4'),
      ],
      asOf,
    );
    expect(out).toHaveLength(3);
    expect(out.map((f) => [f.uid, f.exception?.id, f.exception?.status])).toEqual([
      ['nhi-1', 'EX-1', 'active'],
      ['nhi-2', 'EX-2', 'expired'],
      ['nhi-3', 'EX-3', 'active'], // in force through the end of its expiry day
    ]);
    expect(outcomes.map((o) => [o.id, o.status, o.findings])).toEqual([
      ['EX-1', 'active', ['nhi-1']],
      ['EX-2', 'expired', ['nhi-2']],
      ['EX-3', 'active', ['nhi-3']],
      ['EX-4', 'unmatched', []],
    ]);
  });

  it('refuses an exception without approver, expiry, reason or match, naming the key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-exc-'));
    const write = (text: string): string => {
      const p = join(dir, `${Math.random()}.yaml`);
      writeFileSync(p, text);
      return p;
    };
    expect(() =>
      loadExceptions(
        write(
          'exceptions:\n  - match: { policy: staleness }\n    justification: long enough reason\n    expires: 2027-01-01\n',
        ),
      ),
    ).toThrow(/exceptions\[0\]\.approver/);
    expect(() =>
      loadExceptions(
        write(
          'exceptions:\n  - match: { policy: staleness }\n    justification: long enough reason\n    approver: a\n',
        ),
      ),
    ).toThrow(/exceptions\[0\]\.expires/);
    expect(() =>
      loadExceptions(
        write(
          'exceptions:\n  - match: {}\n    justification: long enough reason\n    approver: a\n    expires: 2027-01-01\n',
        ),
      ),
    ).toThrow(/exceptions\[0\]\.match: an exception must match/);
    expect(() =>
      loadExceptions(
        write(
          'exceptions:\n  - match: { policy: x }\n    justification: ok\n    approver: a\n    expires: 2027-01-01\n',
        ),
      ),
    ).toThrow(/justification/);
    expect(() =>
      loadExceptions(
        write(
          'exceptions:\n  - match: { policy: x }\n    justification: long enough reason\n    approver: a\n    expires: soon\n',
        ),
      ),
    ).toThrow(/expires/);
    const ok = loadExceptions(
      write(
        'exceptions:\n  - match: { policy: x }\n    justification: long enough reason\n    approver: a\n    expires: 2027-01-01\n',
      ),
    );
    expect(ok[0]!.expires).toBe('2027-01-01');
  });
});
