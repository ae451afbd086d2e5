// The context a connector collects one target with, and the record it fills: the scan builds one
// per target, and connector tests build the same one (so tests exercise what the scan passes).
import { resolve } from 'node:path';
import type { Clock } from './clock.js';
import { createLimiter } from './concurrency.js';
import type { CollectContext } from './connector.js';
import { DEFAULT_TIMEOUTS } from './timeouts.js';
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
  /** The whole scan's signal, when `signal` is a target's own. */
  scanSignal?: AbortSignal;
  /** Per-request timeout; the config's default when not given. */
  requestTimeoutMs?: number;
  /** The config file's folder: relative paths in the config resolve against it. */
  baseDir: string;
  /** Called for every gap as it is recorded (the scan logs it for --verbose). */
  onGap?: (gap: Gap) => void;
}

export const createCollectContext = (
  opts: CollectContextOptions,
): { ctx: CollectContext; record: CollectRecord } => {
  const record: CollectRecord = { gaps: [], notes: [], scope: undefined, principal: undefined };
  const ctx: CollectContext = {
    clock: opts.clock,
    limit: createLimiter(opts.concurrency),
    concurrency: opts.concurrency,
    log: opts.log,
    signal: opts.signal,
    scanSignal: opts.scanSignal ?? opts.signal,
    requestTimeoutMs: opts.requestTimeoutMs ?? DEFAULT_TIMEOUTS.requestSeconds * 1000,
    gap: (g) => {
      const gap = { ...g, recovered: g.recovered ?? false };
      record.gaps.push(gap);
      opts.onGap?.(gap);
    },
    note: (n) => record.notes.push(n),
    setScope: (s) => (record.scope = s),
    setPrincipal: (p) => (record.principal = p),
    resolvePath: (p) => resolve(opts.baseDir, p),
  };
  return { ctx, record };
};
