// CSV for auditors who sample from a spreadsheet: one file of findings, one of the inventory
// (a row per identity and per credential). RFC 4180 quoting; cells that a spreadsheet would run as
// a formula (= + - @, tab, carriage return first) get a leading apostrophe, since identity names
// and tags come from the cloud and anyone who can name a role can write them.
import type { Writable } from 'node:stream';
import type { Scan } from '../model.js';
import {
  controlIds,
  credentialAgeDays,
  credentialOf,
  crosswalkIds,
  daysSince,
  identityIndex,
  isOpen,
} from './common.js';
import { createSink } from './sink.js';
import type { Reporter } from './types.js';

type Cell = string | number | boolean | null | undefined;

export const csvCell = (value: Cell): string => {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export const csvRow = (cells: readonly Cell[]): string => cells.map(csvCell).join(',') + '\r\n';

export const FINDING_COLUMNS = [
  'finding_id',
  'policy',
  'severity',
  'status',
  'title',
  'provider',
  'scope',
  'resource',
  'identity_uid',
  'identity_name',
  'identity_kind',
  'credential',
  'credential_age_days',
  'last_used_at',
  'days_since_last_used',
  'owner',
  'owner_source',
  'soc2_criteria',
  'soc1_objectives',
  'crosswalks',
  'exception_id',
  'exception_status',
  'exception_approver',
  'exception_expires',
  'first_seen',
  'message',
] as const;

/** First-seen dates come from a history store; without one the column stays empty. */
export interface CsvOptions {
  firstSeen?: (findingUid: string) => string | undefined;
}

export const writeFindingsCsv = async (scan: Scan, out: Writable, opts: CsvOptions = {}): Promise<void> => {
  const sink = createSink(out);
  const asOf = new Date(scan.run.asOf);
  const identities = identityIndex(scan);
  await sink.write(csvRow(FINDING_COLUMNS));
  for (const f of scan.findings) {
    const identity = identities.get(f.identityUid);
    const credential = credentialOf(identity, f.credentialUid);
    const lastUsed = credential ? credential.lastUsedAt : identity?.lastUsedAt;
    await sink.write(
      csvRow([
        f.uid,
        f.policyId,
        f.severity,
        isOpen(f) ? 'open' : 'excepted',
        f.title,
        f.provider,
        f.location.scope,
        f.location.resource,
        f.identityUid,
        f.identityName,
        f.identityKind,
        f.credentialUid,
        credentialAgeDays(credential, asOf),
        lastUsed === null ? 'never' : lastUsed,
        daysSince(lastUsed, asOf),
        identity?.owner?.value,
        identity?.owner?.source,
        controlIds(f, 'SOC2').join(' '),
        controlIds(f, 'SOC1').join(' '),
        crosswalkIds(f).join(' '),
        f.exception?.id,
        f.exception?.status,
        f.exception?.approver,
        f.exception?.expires,
        opts.firstSeen?.(f.uid),
        f.message,
      ]),
    );
  }
  await sink.flush();
};

export const INVENTORY_COLUMNS = [
  'record',
  'identity_uid',
  'identity_name',
  'identity_kind',
  'provider',
  'scope',
  'resource',
  'managed_by',
  'owner',
  'owner_source',
  'privilege',
  'created_at',
  'last_used_at',
  'credential_uid',
  'credential_type',
  'credential_status',
  'credential_last_rotated_at',
  'credential_expires_at',
  'credential_age_days',
  'open_findings',
  'excepted_findings',
] as const;

export const writeInventoryCsv = async (scan: Scan, out: Writable): Promise<void> => {
  const sink = createSink(out);
  const asOf = new Date(scan.run.asOf);
  const open = new Map<string, number>();
  const excepted = new Map<string, number>();
  for (const f of scan.findings) {
    const m = isOpen(f) ? open : excepted;
    for (const key of [f.identityUid, `${f.identityUid}\u0000${f.credentialUid ?? ''}`])
      m.set(key, (m.get(key) ?? 0) + 1);
  }
  const date = (d: string | null | undefined): string => (d === null ? 'never' : (d ?? ''));
  await sink.write(csvRow(INVENTORY_COLUMNS));
  for (const i of scan.identities) {
    const base = [
      i.uid,
      i.name,
      i.kind,
      i.provider,
      i.location.scope,
      i.location.resource,
      i.managedBy,
      i.owner?.value,
      i.owner?.source,
      i.privilege.level,
    ];
    await sink.write(
      csvRow([
        'identity',
        ...base,
        date(i.createdAt),
        date(i.lastUsedAt),
        '',
        '',
        '',
        '',
        '',
        '',
        open.get(i.uid) ?? 0,
        excepted.get(i.uid) ?? 0,
      ]),
    );
    for (const c of i.credentials) {
      const key = `${i.uid}\u0000${c.uid}`;
      await sink.write(
        csvRow([
          'credential',
          ...base,
          date(c.createdAt),
          date(c.lastUsedAt),
          c.uid,
          c.type,
          c.status,
          date(c.lastRotatedAt),
          date(c.expiresAt),
          credentialAgeDays(c, asOf),
          open.get(key) ?? 0,
          excepted.get(key) ?? 0,
        ]),
      );
    }
  }
  await sink.flush();
};

export const csvFindingsReporter: Reporter = {
  id: 'csv',
  fileName: 'nhiscan-findings.csv',
  mediaType: 'text/csv',
  description: 'findings, one row each, with controls, owner and exception (for auditors sampling)',
  write: (scan, out, context) => {
    const history = context?.history;
    const firstSeen = history?.status === 'recorded' ? history.firstSeen : undefined;
    return writeFindingsCsv(scan, out, firstSeen ? { firstSeen: (uid) => firstSeen.get(uid) } : {});
  },
};

export const csvInventoryReporter: Reporter = {
  id: 'csv-inventory',
  fileName: 'nhiscan-inventory.csv',
  mediaType: 'text/csv',
  description: 'the population: a row per identity and per credential',
  write: writeInventoryCsv,
};
