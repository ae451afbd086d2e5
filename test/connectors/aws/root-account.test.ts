import { describe, expect, it } from 'vitest';
import { REPORT_COLUMNS, parseCredentialReport } from '../../../connectors/aws/credential-report.js';
import { buildRootAccount } from '../../../connectors/aws/root-account.js';
import { Identity } from '../../../src/model.js';
import { fixture } from './harness.js';

const HEADER = REPORT_COLUMNS.join(',');
const row = (cells: Partial<Record<(typeof REPORT_COLUMNS)[number], string>>): string =>
  REPORT_COLUMNS.map((c) => cells[c] ?? 'N/A').join(',');
const ROOT = 'arn:aws:iam::123456789012:root';

describe('the root user from the credential report row <root_account>', () => {
  it('is not inventoried when it holds no key or certificate (the fixture, as AWS writes it)', () => {
    const report = parseCredentialReport(fixture('credential-report.csv'));
    expect(buildRootAccount(report.root!, '123456789012')).toBeUndefined();
  });

  it('is an identity of kind aws.root_account carrying its keys, with stable ids from the slot', () => {
    const csv = `${HEADER}\n${row({
      user: '<root_account>',
      arn: ROOT,
      user_creation_time: '2019-03-01T09:00:00+00:00',
      password_enabled: 'not_supported',
      password_last_changed: 'not_supported',
      password_next_rotation: 'not_supported',
      mfa_active: 'false',
      access_key_1_active: 'false',
      access_key_2_active: 'true',
      access_key_2_last_rotated: '2024-05-06T07:08:09+00:00',
      access_key_2_last_used_date: '2025-06-30T12:00:00+00:00',
      access_key_2_last_used_region: 'us-east-1',
      access_key_2_last_used_service: 'sts',
      cert_1_active: 'false',
      cert_2_active: 'false',
    })}\n`;
    const report = parseCredentialReport(csv);
    const root = Identity.parse(buildRootAccount(report.root!, '123456789012'));
    expect(root).toMatchObject({
      uid: ROOT,
      kind: 'aws.root_account',
      name: 'root account',
      location: { provider: 'aws', scope: '123456789012' },
      createdAt: '2019-03-01T09:00:00.000Z',
      privilege: { level: 'admin' },
      attributes: { mfaActive: false, source: 'credential-report' },
    });
    expect(root.credentials).toEqual([
      expect.objectContaining({
        uid: `${ROOT}#access_key_2`,
        type: 'access_key',
        status: 'active',
        createdAt: '2024-05-06T07:08:09.000Z',
        lastUsedAt: '2025-06-30T12:00:00.000Z',
      }),
    ]);
  });
});
