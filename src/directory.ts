// The people directory: who is an active person, as exported from an identity provider (Okta,
// Google Workspace, Entra ID). Ownership policies check owners against it.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { UsageError, errorMessage } from './errors.js';
import type { Connector } from './connector.js';
import { sha256, stableStringify } from './hash.js';
import { builtins } from './registry.js';

/** Id columns every export may have, whatever the providers. */
export const CORE_ID_FIELDS: readonly string[] = ['email', 'login', 'username'];

/** The default `directory.idFields`: the core's, then each connector's own (in registry order). */
export const defaultIdFields = (connectors: Iterable<Pick<Connector, 'directoryIdFields'>>): string[] => [
  ...new Set([...CORE_ID_FIELDS, ...[...connectors].flatMap((c) => c.directoryIdFields ?? [])]),
];

export const DirectoryConfig = z.strictObject({
  /** CSV or JSON file; relative paths resolve against the config file's folder. */
  path: z.string().min(1),
  format: z.enum(['csv', 'json']).optional(),
  /** Columns that identify a person; an owner matches any of them, case-insensitively. */
  /** Default: defaultIdFields of the built-in connectors; a config's plug-ins add theirs (config.ts). */
  idFields: z
    .array(z.string().min(1))
    .min(1)
    .default(() => defaultIdFields(Object.values(builtins.connectors))),
  statusField: z.string().min(1).default('status'),
  /** Status values meaning "still here" (Okta: ACTIVE, PROVISIONED, RECOVERY, LOCKED_OUT, …). */
  activeValues: z
    .array(z.string())
    .min(1)
    .default(['active', 'provisioned', 'recovery', 'password_expired', 'locked_out', 'true', 'enabled']),
});
export type DirectoryConfig = z.infer<typeof DirectoryConfig>;

export interface Person {
  ids: string[];
  status: string;
  active: boolean;
}

export interface Directory {
  source: string;
  size: number;
  /** What an auditor would question without it failing the scan: duplicate people rows. */
  warnings: string[];
  /** SHA-256 of the people rows as read: part of the scan's configHash (they change the verdict). */
  digest: string;
  /** Looks a person up by any of their ids (case-insensitive). */
  find(id: string): Person | undefined;
}

const Rows = z.array(z.record(z.string(), z.unknown()));

export const buildDirectory = (
  rows: Record<string, unknown>[],
  config: DirectoryConfig,
  source: string,
  /** The header row, when the format has one (a header-only CSV has columns and no rows). */
  header: readonly string[] = [],
): Directory => {
  // An empty export, or one whose columns are not the configured ones, would turn every owner
  // into "not in the directory": refused, naming what the file does have.
  const columns = [...new Set([...header, ...rows.flatMap((r) => Object.keys(r))])];
  const found = columns.length > 0 ? `columns found: ${columns.join(', ')}` : 'no columns found';
  if (rows.length === 0) {
    throw new UsageError(
      `${source}: the people directory lists nobody (${found}); an empty export would mark every owner as unknown (directory.path)`,
    );
  }
  if (!columns.includes(config.statusField)) {
    throw new UsageError(`${source}: no "${config.statusField}" column (directory.statusField); ${found}`);
  }
  if (!config.idFields.some((f) => columns.includes(f))) {
    throw new UsageError(
      `${source}: none of the id fields ${config.idFields.join(', ')} as columns (directory.idFields); ${found}`,
    );
  }
  const active = new Set(config.activeValues.map((v) => v.toLowerCase()));
  const byId = new Map<string, Person>();
  const firstRow = new Map<string, number>();
  const duplicates: string[] = [];
  rows.forEach((row, i) => {
    const statusRaw = row[config.statusField];
    if (
      (typeof statusRaw !== 'string' && typeof statusRaw !== 'boolean' && typeof statusRaw !== 'number') ||
      statusRaw === ''
    ) {
      throw new UsageError(
        `${source}: row ${i + 1} has no "${config.statusField}" value (directory.statusField)`,
      );
    }
    const status = String(statusRaw);
    const ids = config.idFields
      .map((f) => row[f])
      .filter(
        (v): v is string | number => (typeof v === 'string' && v.trim() !== '') || typeof v === 'number',
      )
      .map((v) => String(v).trim());
    if (ids.length === 0) {
      throw new UsageError(
        `${source}: row ${i + 1} has none of the id fields ${config.idFields.join(', ')} (directory.idFields)`,
      );
    }
    const person: Person = { ids, status, active: active.has(status.toLowerCase()) };
    for (const id of ids) {
      const key = id.toLowerCase();
      const first = firstRow.get(key);
      if (first !== undefined) {
        duplicates.push(`"${id}" (rows ${first} and ${i + 1})`);
        // Two rows for one person: either says they are still here (the later row wins otherwise).
        const earlier = byId.get(key);
        if (earlier?.active && !person.active) continue;
      } else firstRow.set(key, i + 1);
      byId.set(key, person);
    }
  });
  const warnings =
    duplicates.length === 0
      ? []
      : [
          `${source}: ${duplicates.length} id${duplicates.length === 1 ? '' : 's'} on more than one row: ${duplicates.slice(0, 10).join(', ')}${duplicates.length > 10 ? ', …' : ''}`,
        ];
  return {
    source,
    size: rows.length,
    warnings,
    digest: sha256(stableStringify(rows)),
    find: (id) => byId.get(id.trim().toLowerCase()),
  };
};

export const loadDirectory = (path: string, config: DirectoryConfig, source = path): Directory => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`directory.path: cannot read ${path}: ${errorMessage(err)}`);
  }
  const format = config.format ?? (extname(path).toLowerCase() === '.json' ? 'json' : 'csv');
  let rows: unknown;
  let header: string[] = [];
  try {
    if (format === 'json') {
      const data: unknown = JSON.parse(text);
      // Accept a bare array or the common `{ "users": [...] }` / `{ "people": [...] }` wrappers.
      rows = Array.isArray(data)
        ? data
        : ((data as Record<string, unknown>).users ?? (data as Record<string, unknown>).people);
    } else {
      rows = parseCsv(text, {
        columns: (names: string[]) => (header = names),
        skip_empty_lines: true,
        trim: true,
        bom: true,
      });
    }
  } catch (err) {
    throw new UsageError(
      `directory.path: ${path} is not valid ${format.toUpperCase()}: ${errorMessage(err)}`,
    );
  }
  const parsed = Rows.safeParse(rows);
  if (!parsed.success) {
    throw new UsageError(
      `directory.path: ${path} must hold a list of people (objects), found ${typeof rows}`,
    );
  }
  // Nested JSON (e.g. Okta's `profile.email`) is flattened one level so idFields can name `profile.email`.
  const flat = parsed.data.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) out[`${k}.${k2}`] = v2;
      } else out[k] = v;
    }
    return out;
  });
  return buildDirectory(flat, config, source, header);
};
