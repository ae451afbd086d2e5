// The store's schema, versioned: each migration runs once, in order, inside one transaction, and
// is recorded in `schema_migrations`. Same DDL on SQLite and PostgreSQL (TEXT, INTEGER), so the
// rows — and the hashes over them — read back the same on either.
import type { Db } from './db.js';

export interface Migration {
  version: number;
  description: string;
  statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'scans with their hash chain, per-scan snapshots, finding lifecycle, prune checkpoint',
    statements: [
      `CREATE TABLE scans (
        seq INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL UNIQUE,
        as_of TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        complete INTEGER NOT NULL,
        tool_version TEXT NOT NULL,
        config_hash TEXT NOT NULL,
        identities INTEGER NOT NULL,
        credentials INTEGER NOT NULL,
        findings INTEGER NOT NULL,
        manifest TEXT NOT NULL,
        manifest_hash TEXT NOT NULL UNIQUE,
        prev_hash TEXT NOT NULL UNIQUE
      )`,
      `CREATE TABLE scan_coverage (
        seq INTEGER NOT NULL REFERENCES scans(seq) ON DELETE CASCADE,
        target TEXT NOT NULL,
        provider TEXT NOT NULL,
        scope TEXT,
        status TEXT NOT NULL,
        principal TEXT,
        gaps TEXT NOT NULL,
        PRIMARY KEY (seq, target)
      )`,
      `CREATE TABLE scan_identities (
        seq INTEGER NOT NULL REFERENCES scans(seq) ON DELETE CASCADE,
        uid TEXT NOT NULL,
        provider TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        scope TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (seq, uid)
      )`,
      `CREATE TABLE scan_credentials (
        seq INTEGER NOT NULL REFERENCES scans(seq) ON DELETE CASCADE,
        identity_uid TEXT NOT NULL,
        uid TEXT NOT NULL,
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT,
        last_rotated_at TEXT,
        last_used_at TEXT,
        PRIMARY KEY (seq, identity_uid, uid)
      )`,
      `CREATE TABLE scan_findings (
        seq INTEGER NOT NULL REFERENCES scans(seq) ON DELETE CASCADE,
        uid TEXT NOT NULL,
        policy_id TEXT NOT NULL,
        severity TEXT NOT NULL,
        provider TEXT NOT NULL,
        scope TEXT NOT NULL,
        identity_uid TEXT NOT NULL,
        controls TEXT NOT NULL,
        exception_id TEXT,
        exception_status TEXT,
        data TEXT NOT NULL,
        PRIMARY KEY (seq, uid)
      )`,
      `CREATE TABLE scan_evaluations (
        seq INTEGER NOT NULL REFERENCES scans(seq) ON DELETE CASCADE,
        policy_id TEXT NOT NULL,
        identity_uid TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        findings TEXT NOT NULL
      )`,
      `CREATE TABLE scan_exceptions (
        seq INTEGER NOT NULL REFERENCES scans(seq) ON DELETE CASCADE,
        id TEXT NOT NULL,
        status TEXT NOT NULL,
        expires TEXT NOT NULL,
        approver TEXT NOT NULL,
        justification TEXT NOT NULL,
        findings TEXT NOT NULL,
        PRIMARY KEY (seq, id)
      )`,
      // Derived from the snapshots as each scan is recorded; kept when old scans are pruned.
      `CREATE TABLE finding_lifecycle (
        uid TEXT PRIMARY KEY,
        policy_id TEXT NOT NULL,
        severity TEXT NOT NULL,
        provider TEXT NOT NULL,
        scope TEXT NOT NULL,
        identity_uid TEXT NOT NULL,
        identity_name TEXT NOT NULL,
        controls TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        state TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        resolved_at TEXT,
        reopened INTEGER NOT NULL,
        not_rechecked_since TEXT
      )`,
      `CREATE TABLE finding_events (
        seq INTEGER NOT NULL,
        finding_uid TEXT NOT NULL,
        event TEXT NOT NULL,
        at TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        PRIMARY KEY (seq, finding_uid, event)
      )`,
      `CREATE TABLE chain_checkpoint (
        id INTEGER PRIMARY KEY,
        pruned_through_seq INTEGER NOT NULL,
        pruned_through_as_of TEXT NOT NULL,
        last_pruned_hash TEXT NOT NULL,
        pruned_scans INTEGER NOT NULL,
        pruned_at TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 2,
    description: 'indexes for the period report and the lifecycle (events by time, scans by date)',
    statements: [
      'CREATE INDEX scans_as_of ON scans (as_of)',
      'CREATE INDEX finding_events_at ON finding_events (at)',
      'CREATE INDEX finding_lifecycle_scope ON finding_lifecycle (provider, scope, state)',
    ],
  },
  {
    version: 3,
    description: 'shard results (`scan --shard I/N`) waiting to be merged into one scan',
    statements: [
      // One row per shard of a sharded run (same as-of, config hash and shard count); a shard run
      // again replaces its row until the merge records the scan and sets merged_seq.
      `CREATE TABLE shard_results (
        as_of TEXT NOT NULL,
        config_hash TEXT NOT NULL,
        shard_count INTEGER NOT NULL,
        shard_index INTEGER NOT NULL,
        plan_hash TEXT NOT NULL,
        run_id TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        data TEXT NOT NULL,
        merged_seq INTEGER,
        PRIMARY KEY (as_of, config_hash, shard_count, shard_index)
      )`,
    ],
  },
];

export const LATEST_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

export const schemaVersion = async (db: Db): Promise<number> => {
  const rows = await db.all<{ v: unknown }>('SELECT MAX(version) AS v FROM schema_migrations');
  return Number(rows[0]?.v ?? 0);
};

/**
 * Brings the store up to `to` (default: the latest), creating it on first use. Refuses a store a
 * newer nhiscan wrote: reading it with an older schema would misread it.
 */
export const migrate = async (db: Db, opts: { to?: number; now?: () => Date } = {}): Promise<number> => {
  const to = opts.to ?? LATEST_VERSION;
  const now = opts.now ?? (() => new Date());
  return db.write(async (tx) => {
    await tx.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const rows = await tx.all<{ v: unknown }>('SELECT MAX(version) AS v FROM schema_migrations');
    const current = Number(rows[0]?.v ?? 0);
    if (current > LATEST_VERSION) {
      throw new Error(
        `the store ${db.label} is at schema version ${current}, newer than this nhiscan knows (${LATEST_VERSION}): upgrade nhiscan`,
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current || m.version > to) continue;
      for (const statement of m.statements) await tx.run(statement);
      await tx.run('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)', [
        m.version,
        m.description,
        now().toISOString(),
      ]);
    }
    return Math.max(current, Math.min(to, LATEST_VERSION));
  });
};
