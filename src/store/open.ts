// Where the store is: `--store PATH|URL|env:NAME`, else `store:` in the config, else (when asked
// for with a bare `--store` or `store: {}`) nhiscan.sqlite beside the output. A PostgreSQL URL
// comes from an environment variable; one carrying a password is refused anywhere it would be
// written down or visible to other users (config file, command line).
import { join, resolve } from 'node:path';
import { type StoreSettings, resolveFromConfig } from '../config.js';
import { UsageError, errorMessage } from '../errors.js';
import { type Db, openPostgres, openSqlite, redactUrl } from './db.js';
import { migrate } from './schema.js';

export type StoreSpec = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; source: string };

export const DEFAULT_STORE_FILE = 'nhiscan.sqlite';

const isPgUrl = (s: string): boolean => /^postgres(ql)?:\/\//i.test(s);

const fromEnv = (name: string, what: string): StoreSpec => {
  const url = process.env[name];
  if (!url)
    throw new UsageError(
      `${what}: the environment variable ${name} is not set (it should hold the PostgreSQL URL)`,
    );
  if (!isPgUrl(url))
    throw new UsageError(`${what}: ${name} does not hold a postgres:// or postgresql:// URL`);
  return { kind: 'postgres', url, source: `$${name}` };
};

/**
 * @param cli the `--store` value: a path, a postgres:// URL without a password, `env:NAME`, or
 *   `true` for the default file beside the output.
 */
export const resolveStoreSpec = (opts: {
  cli?: string | boolean | undefined;
  config?: StoreSettings | undefined;
  outDir?: string | undefined;
}): StoreSpec | undefined => {
  const besideOutput = (): StoreSpec => {
    const dir =
      opts.outDir ?? (opts.config ? resolveFromConfig(opts.config, opts.config.file.output.dir) : undefined);
    if (!dir)
      throw new UsageError('--store: give a path or URL (there is no output folder to put it beside)');
    return { kind: 'sqlite', path: join(dir, DEFAULT_STORE_FILE) };
  };
  const { cli } = opts;
  if (typeof cli === 'string') {
    if (cli.startsWith('env:')) return fromEnv(cli.slice(4), '--store');
    if (isPgUrl(cli)) {
      let u: URL;
      try {
        u = new URL(cli);
      } catch {
        throw new UsageError('--store: the PostgreSQL URL does not parse');
      }
      if (u.password) {
        throw new UsageError(
          '--store: the URL carries a password, which other users can read in the process list: put the URL in an environment variable and pass --store env:NAME (or use PGPASSWORD / ~/.pgpass)',
        );
      }
      return { kind: 'postgres', url: cli, source: '--store' };
    }
    return { kind: 'sqlite', path: resolve(cli) };
  }
  if (cli === true) return besideOutput();
  const configured = opts.config?.file.store;
  if (configured === undefined || opts.config === undefined) return undefined;
  if (typeof configured === 'string')
    return { kind: 'sqlite', path: resolveFromConfig(opts.config, configured) };
  if (configured.url) return fromEnv(configured.url.env, 'store.url');
  if (configured.path) return { kind: 'sqlite', path: resolveFromConfig(opts.config, configured.path) };
  return besideOutput();
};

export const storeLabel = (spec: StoreSpec): string =>
  spec.kind === 'sqlite' ? spec.path : `${redactUrl(spec.url)} (from ${spec.source})`;

/** Opens the store, creating it and bringing its schema up to date on first use. */
export const openStore = async (spec: StoreSpec): Promise<Db> => {
  let db: Db;
  try {
    db = spec.kind === 'sqlite' ? openSqlite(spec.path) : await openPostgres(spec.url);
  } catch (err) {
    throw new UsageError(`store ${storeLabel(spec)}: cannot open: ${errorMessage(err)}`);
  }
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw new UsageError(`store ${storeLabel(spec)}: ${errorMessage(err)}`);
  }
  return db;
};

/** Opens the store for a command that only reads or maintains it: it must exist already. */
export const withStore = async <T>(spec: StoreSpec, fn: (db: Db) => Promise<T>): Promise<T> => {
  const db = await openStore(spec);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
};
