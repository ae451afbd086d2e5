import { describe, expect, it } from 'vitest';
import {
  REPORT_COLUMNS,
  parseCredentialReport,
  slotHasKey,
} from '../../../connectors/aws/credential-report.js';
import { fixture } from './harness.js';

const HEADER = REPORT_COLUMNS.join(',');
const row = (cells: Partial<Record<(typeof REPORT_COLUMNS)[number], string>>): string =>
  REPORT_COLUMNS.map((c) => cells[c] ?? 'N/A').join(',');

describe('parseCredentialReport', () => {
  it('reads the fixture the GetCredentialReport fixture carries (base64 of the CSV)', () => {
    const xml = fixture('get-credential-report.xml');
    const content = /<Content>([^<]+)<\/Content>/.exec(xml)?.[1] ?? '';
    expect(Buffer.from(content, 'base64').toString('utf8')).toBe(fixture('credential-report.csv'));
    const report = parseCredentialReport(fixture('credential-report.csv'));
    expect([...report.users.keys()]).toEqual([
      'arn:aws:iam::123456789012:user/service/deploy-bot',
      'arn:aws:iam::123456789012:user/legacy-ci',
      'arn:aws:iam::123456789012:user/jane',
      'arn:aws:iam::123456789012:user/ops-console',
      'arn:aws:iam::123456789012:user/report-bot',
    ]);
    expect(report.missingColumns).toEqual([]);
    expect(report.invalidLines).toEqual([]);
  });

  it('keeps the <root_account> row apart; its not_supported cells are no value', () => {
    const report = parseCredentialReport(fixture('credential-report.csv'));
    expect(report.root).toMatchObject({
      user: '<root_account>',
      arn: 'arn:aws:iam::123456789012:root',
      passwordEnabled: undefined,
      passwordLastUsed: '2025-04-02T08:00:00.000Z',
      passwordLastChanged: null,
      passwordNextRotation: null,
      mfaActive: true,
    });
  });

  it('parses every column of a user row', () => {
    const report = parseCredentialReport(fixture('credential-report.csv'));
    expect(report.users.get('arn:aws:iam::123456789012:user/service/deploy-bot')).toEqual({
      user: 'deploy-bot',
      arn: 'arn:aws:iam::123456789012:user/service/deploy-bot',
      userCreationTime: '2024-01-10T07:55:00.000Z',
      passwordEnabled: false,
      passwordLastUsed: null,
      passwordLastChanged: null,
      passwordNextRotation: null,
      mfaActive: false,
      accessKeys: [
        {
          slot: 1,
          active: true,
          lastRotated: '2024-01-10T08:00:00.000Z',
          lastUsedDate: '2025-06-01T10:20:00.000Z',
          lastUsedRegion: 'us-east-1',
          lastUsedService: 's3',
        },
        {
          slot: 2,
          active: true,
          lastRotated: '2025-03-01T12:30:15.000Z',
          lastUsedDate: null,
          lastUsedRegion: undefined,
          lastUsedService: undefined,
        },
      ],
      certs: [
        { slot: 1, active: false, lastRotated: null },
        { slot: 2, active: false, lastRotated: null },
      ],
    });
  });

  it.each([
    ['N/A', null],
    ['no_information', null],
    ['not_supported', null],
    ['2025-01-02T03:04:05+00:00', '2025-01-02T03:04:05.000Z'],
    ['', undefined],
    ['garbage', undefined],
  ])('a date cell %j is %j', (cell, expected) => {
    const report = parseCredentialReport(
      `${HEADER}\n${row({ user: 'u', arn: 'arn:aws:iam::1:user/u', password_last_used: cell, access_key_1_last_used_date: cell })}\n`,
    );
    const r = report.users.get('arn:aws:iam::1:user/u');
    expect(r?.passwordLastUsed).toBe(expected);
    expect(r?.accessKeys[0].lastUsedDate).toBe(expected);
  });

  it('reads moto’s variant: not_supported region/service, no root row, N/A certificate dates', () => {
    const report = parseCredentialReport(
      `${HEADER}\n${row({
        user: 'bot',
        arn: 'arn:aws:iam::123456789012:user/bot',
        user_creation_time: '2026-01-01T00:00:00+00:00',
        password_enabled: 'false',
        password_last_used: 'not_supported',
        password_last_changed: '2026-01-01T00:00:00+00:00',
        password_next_rotation: 'not_supported',
        mfa_active: 'false',
        access_key_1_active: 'true',
        access_key_1_last_rotated: '2026-01-01T00:00:01+00:00',
        access_key_1_last_used_date: '2026-01-01T00:00:02+00:00',
        access_key_1_last_used_region: 'not_supported',
        access_key_1_last_used_service: 'not_supported',
        access_key_2_active: 'false',
        cert_1_active: 'true',
        cert_1_last_rotated: 'N/A',
        cert_2_active: 'false',
      })}\n`,
    );
    const r = report.users.get('arn:aws:iam::123456789012:user/bot');
    expect(report.root).toBeUndefined();
    expect(r?.accessKeys[0]).toEqual({
      slot: 1,
      active: true,
      lastRotated: '2026-01-01T00:00:01.000Z',
      lastUsedDate: '2026-01-01T00:00:02.000Z',
      lastUsedRegion: undefined,
      lastUsedService: undefined,
    });
    expect(slotHasKey(r!.accessKeys[1])).toBe(false);
    // An active certificate without a date still counts as present.
    expect(slotHasKey(r!.certs[0])).toBe(true);
  });

  it('flags a header without expected columns and rows it cannot read', () => {
    const report = parseCredentialReport('user,arn,mfa_active\nbot,arn:aws:iam::1:user/bot,true\n,,false\n');
    expect(report.missingColumns).toContain('access_key_1_last_used_date');
    expect(report.users.get('arn:aws:iam::1:user/bot')?.mfaActive).toBe(true);
    expect(report.invalidLines).toEqual([3]);
  });

  // IAM names may hold "+=,.@-"; moto writes the commas unquoted (AWS's own quoting is undocumented).
  const BOT = 'bot+ci=x,y.z@acme-1';
  const BOT_ARN = `arn:aws:iam::123456789012:user/division/team/${BOT}`;
  const botRow = (user: string, arn: string): string =>
    row({
      user,
      arn,
      password_enabled: 'false',
      mfa_active: 'false',
      access_key_1_active: 'true',
      access_key_1_last_rotated: '2026-11-25T12:50:25+00:00',
      access_key_2_active: 'false',
      cert_1_active: 'false',
      cert_2_active: 'false',
    });
  it.each([
    ['unquoted, as moto writes it', botRow(BOT, BOT_ARN)],
    ['quoted, as RFC 4180 has it', botRow(`"${BOT}"`, `"${BOT_ARN}"`)],
  ])('reads a user whose name has commas, %s', (_, line) => {
    const report = parseCredentialReport(`${HEADER}\n${line}\n`);
    expect(report.invalidLines).toEqual([]);
    expect([...report.users.keys()]).toEqual([BOT_ARN]);
    expect(report.users.get(BOT_ARN)).toMatchObject({
      user: BOT,
      passwordEnabled: false,
      accessKeys: [{ active: true, lastRotated: '2026-11-25T12:50:25.000Z' }, { active: false }],
    });
  });

  it('refuses a row with extra cells it cannot explain, rather than misreading it', () => {
    const report = parseCredentialReport(
      `${HEADER}\n${botRow('bot', 'arn:aws:iam::123456789012:user/bot')},extra\n${botRow('x,y', 'arn:aws:iam::1:user/other,z')}\n`,
    );
    expect(report.users.size).toBe(0);
    expect(report.invalidLines).toEqual([2, 3]);
  });

  it('reads the GovCloud quirks report: unquoted commas, a deleted slot 1, an unreadable password cell', () => {
    const report = parseCredentialReport(fixture('credential-report-govcloud-quirks.csv'));
    expect(report.invalidLines).toEqual([]);
    const bot = report.users.get(`arn:aws-us-gov:iam::123456789012:user/division/team/${BOT}`);
    expect(bot?.accessKeys.map(slotHasKey)).toEqual([false, true]);
    expect(report.users.get('arn:aws-us-gov:iam::123456789012:user/svc.reader@acme')?.passwordEnabled).toBe(
      undefined,
    );
    expect(report.root?.arn).toBe('arn:aws-us-gov:iam::123456789012:root');
  });

  it('accepts the bytes the SDK hands over', () => {
    const bytes = new TextEncoder().encode(fixture('credential-report-single-user.csv'));
    expect([...parseCredentialReport(bytes).users.keys()]).toEqual([
      'arn:aws:iam::123456789012:user/solo-bot',
    ]);
  });
});
