// One query layer for both stores: plain SQL written once with `?` placeholders, run by
// better-sqlite3 (the embedded default) or by `pg` against PostgreSQL (placeholders become $1, $2…).
// Types are kept to what both dialects read the same way: TEXT, INTEGER (0/1 for booleans), and
// dates as ISO-8601 TEXT, so the hashes computed over stored rows are the same on either.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

export type Row = Record<string, unknown>;
export type Param = string | number | null;

/** The statements a transaction runs. */
export interface Tx {
  all<T = Row>(sql: string, params?: readonly Param[]): Promise<T[]>;
  run(sql: string, params?: readonly Param[]): Promise<void>;
}

export interface Db extends Tx {
  readonly dialect: 'sqlite' | 'postgres';
  /** Where it is, for messages: the file path, or the URL without its password. */
  readonly label: string;
  /**
   * A write transaction that holds the store's write lock for its whole length (SQLite: BEGIN
   * IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock), so two writers never read the
   * same chain head. Rolled back when `fn` throws: nothing of it is visible.
   */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The advisory lock key PostgreSQL writers take: any constant shared by every nhiscan writer. */
const PG_LOCK_KEY = 0x6e6869; // "nhi"

/** `?` → `$n`, outside quoted strings (our SQL never puts a `?` inside one, but be exact). */
export const toPgPlaceholders = (sql: string): string => {
  let n = 0;
  let out = '';
  let quoted = false;
  for (const ch of sql) {
    if (ch === "'") quoted = !quoted;
    out += ch === '?' && !quoted ? `$${++n}` : ch;
  }
  return out;
};

// Writers in one process queue here: better-sqlite3 blocks the thread while it waits for a lock,
// so a second in-process writer must not reach BEGIN while the first awaits between statements.
const sqliteQueues = new Map<string, Promise<unknown>>();

/**
 * Two processes opening a new store at once both hold a shared lock while switching it to WAL; SQLite
 * answers one of them SQLITE_BUSY at once, without the busy handler (waiting would deadlock). So the
 * switch is retried, briefly and synchronously (opening is synchronous), up to the busy timeout.
 */
const switchToWal = (db: Database.Database, busyMs: number): void => {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; ; waited += 25) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'SQLITE_BUSY' || waited >= busyMs) throw err;
      Atomics.wait(pause, 0, 0, 25);
    }
  }
};

export const openSqlite = (path: string, opts: { busyTimeoutMs?: number } = {}): Db => {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true });
  const busyMs = opts.busyTimeoutMs ?? 30_000;
  const db = new Database(file, { timeout: busyMs });
  db.pragma(`busy_timeout = ${busyMs}`);
  switchToWal(db, busyMs);
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = FULL');
  const tx: Tx = {
    all: <T>(sql: string, params: readonly Param[] = []) =>
      Promise.resolve(db.prepare(sql).all(...params) as T[]),
    run: (sql, params = []) => {
      if (params.length === 0 && !sql.includes('?')) db.exec(sql);
      else db.prepare(sql).run(...params);
      return Promise.resolve();
    },
  };
  return {
    dialect: 'sqlite',
    label: file,
    ...tx,
    write: <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
      const previous = sqliteQueues.get(file) ?? Promise.resolve();
      const mine = previous.then(
        () => runSqliteWrite(db, tx, fn),
        () => runSqliteWrite(db, tx, fn),
      );
      const tail = mine.catch(() => undefined);
      sqliteQueues.set(file, tail);
      void tail.then(() => {
        if (sqliteQueues.get(file) === tail) sqliteQueues.delete(file);
      });
      return mine;
    },
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
};

const runSqliteWrite = async <T>(db: Database.Database, tx: Tx, fn: (tx: Tx) => Promise<T>): Promise<T> => {
  db.exec('BEGIN IMMEDIATE');
  try {
    const value = await fn(tx);
    db.exec('COMMIT');
    return value;
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
};

/** The URL with its password replaced, for messages and logs. */
export const redactUrl = (url: string): string => {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
};

export const openPostgres = async (url: string): Promise<Db> => {
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: 15_000,
    // A deadline on every statement: a store that hangs must not hang the nightly job.
    statement_timeout: 120_000,
    query_timeout: 130_000,
  });
  // An idle client's error (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const on = (client: pg.Pool | pg.PoolClient): Tx => ({
    all: async <T>(sql: string, params: readonly Param[] = []) =>
      (await client.query(toPgPlaceholders(sql), [...params])).rows as T[],
    run: async (sql, params = []) => {
      await client.query(toPgPlaceholders(sql), [...params]);
    },
  });
  // Fail now with the server's own message rather than at the first statement.
  const probe = await pool.connect();
  probe.release();
  return {
    dialect: 'postgres',
    label: redactUrl(url),
    ...on(pool),
    write: async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [PG_LOCK_KEY]);
        const value = await fn(on(client));
        await client.query('COMMIT');
        return value;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
};
