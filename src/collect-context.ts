// The context a connector collects one target with, and the record it fills: the scan builds one
// per target, and connector tests build the same one (so tests exercise what the scan passes).
import { resolve } from 'node:path';
import type { Clock } from './clock.js';
import { createLimiter } from './concurrency.js';
import type { AnyConnector, CollectContext, ConnectorSession, SessionContext } from './connector.js';
import type { Logger } from './log.js';
import type { Gap } from './model.js';

/** What a target's collection recorded, for its coverage entry. */
export interface CollectRecord {
  gaps: Gap[];
  notes: string[];
  scope: string | undefined;
  principal: string | undefined;
}

export interface CollectContextOptions {
  clock: Clock;
  concurrency: number;
  log: Logger;
  signal: AbortSignal;
  /** The config file's folder: relative paths in the config resolve against it. */
  baseDir: string;
  /** Called for every gap as it is recorded (the scan logs it for --verbose). */
  onGap?: (gap: Gap) => void;
  /** The connector's per-scan session (openSession), handed to every target as `ctx.session`. */
  session?: unknown;
}

export const createCollectContext = <S = unknown>(
  opts: CollectContextOptions & { session?: S },
): { ctx: CollectContext<S>; record: CollectRecord } => {
  const record: CollectRecord = { gaps: [], notes: [], scope: undefined, principal: undefined };
  const ctx: CollectContext<S> = {
    clock: opts.clock,
    limit: createLimiter(opts.concurrency),
    concurrency: opts.concurrency,
    log: opts.log,
    signal: opts.signal,
    gap: (g) => {
      const gap = { ...g, recovered: g.recovered ?? false };
      record.gaps.push(gap);
      opts.onGap?.(gap);
    },
    note: (n) => record.notes.push(n),
    setScope: (s) => (record.scope = s),
    setPrincipal: (p) => (record.principal = p),
    resolvePath: (p) => resolve(opts.baseDir, p),
    session: opts.session as S,
  };
  return { ctx, record };
};

/** An opened session, or why it could not be opened (each of the provider's targets then fails with it). */
export type OpenedSession = { ok: true; session: ConnectorSession | undefined } | { ok: false; err: unknown };

/** Opens a connector's per-scan session (none for a connector without `session`). Never throws. */
export const openSession = async (
  connector: AnyConnector,
  config: unknown,
  opts: Pick<CollectContextOptions, 'clock' | 'log' | 'signal' | 'baseDir'>,
): Promise<OpenedSession> => {
  if (!connector.session) return { ok: true, session: undefined };
  const ctx: SessionContext = {
    clock: opts.clock,
    log: opts.log,
    signal: opts.signal,
    resolvePath: (p) => resolve(opts.baseDir, p),
  };
  try {
    return { ok: true, session: (await connector.session(config, ctx)) as ConnectorSession | undefined };
  } catch (err) {
    return { ok: false, err };
  }
};
