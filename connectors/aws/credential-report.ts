// The IAM credential report (GetCredentialReport → base64 CSV), one row per IAM user plus the
// root account. Every column is parsed. AWS writes sentinels where there is no date: `N/A` (no
// such credential / never used), `no_information` (not tracked at the time), `not_supported`
// (the column does not apply, e.g. password_enabled of the root row; moto also writes it for
// last-used region/service). All three mean "no date" and become `null`.
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { normalizeTimestamp } from '../../src/clock.js';

export const SENTINELS = ['N/A', 'no_information', 'not_supported'] as const;
const isSentinel = (v: string): boolean => (SENTINELS as readonly string[]).includes(v);

export const ROOT_USER = '<root_account>';

export const REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const;

/** ISO date, null for a sentinel (no date), undefined when the cell is missing or unreadable. */
const dateCell = z
  .string()
  .optional()
  .transform((v): string | null | undefined => {
    if (v === undefined || v === '') return undefined;
    if (isSentinel(v)) return null;
    return normalizeTimestamp(v);
  });

/** true/false; undefined for a sentinel or a missing cell. */
const boolCell = z
  .string()
  .optional()
  .transform((v): boolean | undefined => {
    const lower = v?.toLowerCase();
    return lower === 'true' ? true : lower === 'false' ? false : undefined;
  });

/** Free text (region, service); undefined for a sentinel. */
const textCell = z
  .string()
  .optional()
  .transform((v): string | undefined => (v === undefined || v === '' || isSentinel(v) ? undefined : v));

const Row = z.looseObject({
  user: z.string().min(1),
  arn: z.string().min(1),
  user_creation_time: dateCell,
  password_enabled: boolCell,
  password_last_used: dateCell,
  password_last_changed: dateCell,
  password_next_rotation: dateCell,
  mfa_active: boolCell,
  access_key_1_active: boolCell,
  access_key_1_last_rotated: dateCell,
  access_key_1_last_used_date: dateCell,
  access_key_1_last_used_region: textCell,
  access_key_1_last_used_service: textCell,
  access_key_2_active: boolCell,
  access_key_2_last_rotated: dateCell,
  access_key_2_last_used_date: dateCell,
  access_key_2_last_used_region: textCell,
  access_key_2_last_used_service: textCell,
  cert_1_active: boolCell,
  cert_1_last_rotated: dateCell,
  cert_2_active: boolCell,
  cert_2_last_rotated: dateCell,
});

export interface AccessKeySlot {
  slot: 1 | 2;
  active: boolean | undefined;
  /** When the key was created (AWS: "created or last changed"); null = no key in this slot. */
  lastRotated: string | null | undefined;
  /** null = AWS says never used (or not tracked). */
  lastUsedDate: string | null | undefined;
  lastUsedRegion: string | undefined;
  lastUsedService: string | undefined;
}

export interface CertSlot {
  slot: 1 | 2;
  active: boolean | undefined;
  lastRotated: string | null | undefined;
}

export interface CredentialReportRow {
  user: string;
  arn: string;
  userCreationTime: string | null | undefined;
  /** undefined for the root row (`not_supported`). */
  passwordEnabled: boolean | undefined;
  passwordLastUsed: string | null | undefined;
  passwordLastChanged: string | null | undefined;
  passwordNextRotation: string | null | undefined;
  mfaActive: boolean | undefined;
  accessKeys: [AccessKeySlot, AccessKeySlot];
  certs: [CertSlot, CertSlot];
}

export interface CredentialReport {
  /** IAM users, keyed by ARN. */
  users: Map<string, CredentialReportRow>;
  /** The `<root_account>` row: not an IAM user, kept apart. */
  root: CredentialReportRow | undefined;
  /** Rows that could not be read (line numbers, 1 = header). */
  invalidLines: number[];
  /** Expected columns absent from the header. */
  missingColumns: string[];
}

/** A slot holds a key when the report shows it active or gives it a creation date. */
export const slotHasKey = (s: AccessKeySlot | CertSlot): boolean =>
  s.active === true || typeof s.lastRotated === 'string';

/**
 * IAM user names may contain commas, which the report may write unquoted (moto does): such a row
 * has two extra cells per comma, spread over `user` and `arn`. They are joined back when the ARN
 * then ends with the user name; otherwise the row is unreadable rather than misread.
 */
const rejoinNameCommas = (cells: string[], width: number): string[] | undefined => {
  const extra = cells.length - width;
  if (extra <= 0) return cells;
  if (extra % 2 !== 0) return undefined;
  const k = extra / 2;
  const user = cells.slice(0, k + 1).join(',');
  const arn = cells.slice(k + 1, 2 * k + 2).join(',');
  if (!arn.startsWith('arn:') || !arn.endsWith(`/${user}`)) return undefined;
  return [user, arn, ...cells.slice(2 * k + 2)];
};

export const parseCredentialReport = (csv: string | Uint8Array): CredentialReport => {
  const text = typeof csv === 'string' ? csv : Buffer.from(csv).toString('utf8');
  const lines: string[][] = parse(text, {
    skip_empty_lines: true,
    trim: true,
    bom: true,
    relax_column_count: true,
  });
  const header = lines[0] ?? [];
  const records = lines.slice(1).map((cells) => {
    const fixed =
      header[0] === 'user' && header[1] === 'arn' ? rejoinNameCommas(cells, header.length) : cells;
    return fixed && Object.fromEntries(header.map((column, i) => [column, fixed[i]]));
  });
  const missingColumns = REPORT_COLUMNS.filter((c) => !header.includes(c));
  const users = new Map<string, CredentialReportRow>();
  const invalidLines: number[] = [];
  let root: CredentialReportRow | undefined;
  records.forEach((record, i) => {
    const parsed = Row.safeParse(record);
    if (!parsed.success) {
      invalidLines.push(i + 2);
      return;
    }
    const r = parsed.data;
    const row: CredentialReportRow = {
      user: r.user,
      arn: r.arn,
      userCreationTime: r.user_creation_time,
      passwordEnabled: r.password_enabled,
      passwordLastUsed: r.password_last_used,
      passwordLastChanged: r.password_last_changed,
      passwordNextRotation: r.password_next_rotation,
      mfaActive: r.mfa_active,
      accessKeys: [
        {
          slot: 1,
          active: r.access_key_1_active,
          lastRotated: r.access_key_1_last_rotated,
          lastUsedDate: r.access_key_1_last_used_date,
          lastUsedRegion: r.access_key_1_last_used_region,
          lastUsedService: r.access_key_1_last_used_service,
        },
        {
          slot: 2,
          active: r.access_key_2_active,
          lastRotated: r.access_key_2_last_rotated,
          lastUsedDate: r.access_key_2_last_used_date,
          lastUsedRegion: r.access_key_2_last_used_region,
          lastUsedService: r.access_key_2_last_used_service,
        },
      ],
      certs: [
        { slot: 1, active: r.cert_1_active, lastRotated: r.cert_1_last_rotated },
        { slot: 2, active: r.cert_2_active, lastRotated: r.cert_2_last_rotated },
      ],
    };
    if (row.user === ROOT_USER) root = row;
    else users.set(row.arn, row);
  });
  return { users, root, invalidLines, missingColumns };
};
