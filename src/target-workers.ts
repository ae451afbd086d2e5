// `--workers N`: a pool of worker threads that collect targets, so many accounts are not bound by
// one JavaScript thread's CPU (issue 14). The scan's per-target function (src/scan.ts
// collectTarget) stays in the main thread and is the same for both executors: it builds the
// target's context, deadline and coverage; only the connector's `collect` loop runs in a worker,
// which streams back, in order, what that loop would have done to the context (identities, gaps,
// notes, scope, principal, log lines, progress events). The main thread validates and judges.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import type { CollectContext, Target } from './connector.js';
import { Interrupted, ScanError, TargetDeadline, UsageError, errorMessage, errorName } from './errors.js';
import type { Gap } from './model.js';
import type { LogLevel, Logger, ScanEvent } from './log.js';
import { packageRoot } from './paths.js';

/** `--workers` / config `workers`: a count, or `auto` (one per core but one, at most one per target). */
export type WorkersSetting = number | 'auto';

export const MAX_WORKERS = 64;

/** Parses `--workers N|auto`. */
export const parseWorkers = (text: string): WorkersSetting => {
  if (text === 'auto') return 'auto';
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS)
    throw new UsageError(
      `--workers: expected a whole number from 1 to ${MAX_WORKERS} or auto, found "${text}"`,
    );
  return n;
};

/**
 * How many worker threads collect `targets` targets: 1 means none (the main thread collects, as
 * before workers existed). `auto` leaves one core to the main thread, which validates and judges.
 */
export const workerCount = (
  setting: WorkersSetting | undefined,
  targets: number,
  cores: number = availableParallelism(),
): number => {
  const wanted = setting === 'auto' ? cores - 1 : (setting ?? 1);
  return Math.max(1, Math.min(wanted, targets));
};

/** One target's collection as a worker receives it: plain data only (structured clone). */
export interface WorkerJob {
  id: number;
  /** The connector by id; a plug-in's is found by loading the config's plug-in modules. */
  connectorId: string;
  plugins: string[];
  baseDir: string;
  /** Index of the provider block: each worker opens that block's session once. */
  block: number;
  providerConfig: unknown;
  target: Target;
  concurrency: number;
  requestTimeoutMs: number;
  asOf: string;
  /** Forward progress events (only when the scan has a progress display). */
  events: boolean;
  /** The scan log's level: lines below it are not sent (the call trace logs two per call). */
  logLevel?: LogLevel | undefined;
}

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

/** What the connector did to its context, in the order it did it. */
export type WorkerOp =
  | ['identity', unknown]
  | ['gap', Omit<Gap, 'recovered'> & { recovered?: boolean }]
  | ['note', string]
  | ['scope', string]
  | ['principal', string]
  | ['log', LogLevelName, string]
  | ['event', ScanEvent];

/** A thrown error as data: a ScanError keeps its gap and reach; anything else its name and message. */
export type WorkerError =
  | { scan: { gap: Omit<Gap, 'recovered'> & { recovered?: boolean }; reach: 'target' | 'provider' } }
  | { name: string; message: string };

export type AbortReason =
  | { kind: 'interrupted'; signal: string }
  | { kind: 'deadline'; ms: number }
  | { kind: 'other'; message: string };

export type ToWorker =
  | { type: 'collect'; job: WorkerJob }
  | { type: 'abort'; id: number; reason: AbortReason }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ops'; id: number; ops: WorkerOp[] }
  | { type: 'done'; id: number }
  | { type: 'failed'; id: number; error: WorkerError }
  | { type: 'log'; level: LogLevelName; message: string }
  /** An uncaught exception in one target's code: no new target for this thread. */
  | { type: 'retired' }
  /** An uncaught exception no target owns: the thread exits, failing every target in it. */
  | { type: 'fatal'; message: string }
  /** The thread is ending with this code (process.exit), called by this target's code when one owns it. */
  | { type: 'exiting'; code: number; id?: number | undefined };

export const toWorkerError = (err: unknown): WorkerError =>
  err instanceof ScanError
    ? { scan: { gap: err.gap, reach: err.reach } }
    : { name: errorName(err), message: errorMessage(err) };

/** Rebuilt so the scan records it exactly as it records the error thrown in its own thread. */
export const fromWorkerError = (e: WorkerError): Error => {
  if ('scan' in e) return new ScanError(e.scan.gap, e.scan.reach);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
};

export const toAbortReason = (reason: unknown): AbortReason =>
  reason instanceof Interrupted
    ? { kind: 'interrupted', signal: reason.signal }
    : reason instanceof TargetDeadline
      ? { kind: 'deadline', ms: reason.ms }
      : { kind: 'other', message: errorMessage(reason) };

export const fromAbortReason = (r: AbortReason): Error =>
  r.kind === 'interrupted'
    ? new Interrupted(r.signal)
    : r.kind === 'deadline'
      ? new TargetDeadline(r.ms)
      : new Error(r.message);

/**
 * The worker's entry: the built file beside this one; run from source (vitest), the built copy in
 * dist/ (a worker thread cannot load TypeScript).
 */
const workerEntry = (): string => {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts')
    ? join(packageRoot, 'dist', 'src', 'target-worker.js')
    : join(here, '..', 'target-worker.js');
};

interface Pending {
  job: WorkerJob;
  ctx: CollectContext;
  emit: (raw: unknown) => void;
  /** Set once the target's signal aborted: what the worker still sends is dropped. */
  stopped: boolean;
  resolve: () => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  index: number;
  pending: Map<number, Pending>;
  dead: boolean;
  /** Why it is stopping, when it said so before it exited. */
  fatal?: string;
  /** process.exit(code) in the thread, and the target whose code called it (when one did). */
  exiting?: { code: number; id?: number | undefined };
}

export interface TargetPool {
  /** Runs the connector's collect loop for one target in a worker, applying what it does to `ctx`. */
  collect(
    job: Omit<WorkerJob, 'id' | 'events'>,
    ctx: CollectContext,
    emit: (raw: unknown) => void,
  ): Promise<void>;
  /** Asks every worker to close its sessions and exit; terminates those still running after `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

export const createTargetPool = (size: number, log: Logger, entry: string = workerEntry()): TargetPool => {
  const slots: (Slot | undefined)[] = Array.from({ length: size }, () => undefined);
  /** Every live worker, retired ones included (they finish their targets, then exit). */
  const all = new Set<Slot>();
  let nextId = 1;
  let closing = false;

  /** Its place goes to a fresh worker for the next target; it keeps serving the targets it has. */
  const retire = (slot: Slot): void => {
    if (slots[slot.index] === slot) slots[slot.index] = undefined;
  };
  const fail = (slot: Slot, why: string): void => {
    if (slot.dead) return;
    slot.dead = true;
    retire(slot);
    // process.exit in one target's code: that target is named as the cause, the others as collateral.
    const exit = slot.fatal === undefined ? slot.exiting : undefined;
    const culprit = exit?.id === undefined ? undefined : slot.pending.get(exit.id)?.job.target.id;
    for (const p of slot.pending.values())
      p.reject(
        new ScanError({
          code: 'unknown',
          call: `${p.job.target.provider}:worker`,
          resource: p.job.target.id,
          message:
            exit && p.job.id === exit.id
              ? `process.exit(${exit.code}) was called while collecting this target: its worker thread ended before the target finished`
              : exit && culprit !== undefined
                ? `the worker thread collecting this target ended: process.exit(${exit.code}) in the code collecting ${culprit}`
                : `the worker thread collecting this target stopped: ${why}`,
        }),
      );
    slot.pending.clear();
  };

  const start = (index: number): Slot => {
    // SHARE_ENV: a connector reads the same environment in a worker as in the main thread.
    const worker = new Worker(entry, { env: SHARE_ENV });
    const slot: Slot = { worker, index, pending: new Map(), dead: false };
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'log') {
        log[m.level](m.message);
        return;
      }
      if (m.type === 'retired') {
        retire(slot);
        return;
      }
      if (m.type === 'fatal') {
        slot.fatal = m.message;
        return;
      }
      if (m.type === 'exiting') {
        slot.exiting = { code: m.code, id: m.id };
        return;
      }
      const p = slot.pending.get(m.id);
      if (!p) return;
      if (m.type === 'ops') {
        if (p.stopped) return;
        for (const op of m.ops) apply(p, op);
        return;
      }
      slot.pending.delete(m.id);
      if (m.type === 'done') p.resolve();
      else p.reject(fromWorkerError(m.error));
    });
    worker.on('error', (err) => {
      fail(slot, `${errorName(err)}: ${errorMessage(err)}`);
    });
    worker.on('exit', (code) => {
      if (!closing || slot.pending.size > 0) fail(slot, slot.fatal ?? `it exited with code ${code}`);
      slot.dead = true;
    });
    slots[index] = slot;
    all.add(slot);
    worker.once('exit', () => all.delete(slot));
    return slot;
  };

  /** The least busy worker (ties: the first), started when its place is empty. */
  const pick = (): Slot => {
    let best: { index: number; load: number } | undefined;
    for (let i = 0; i < size; i++) {
      const load = slots[i]?.pending.size ?? 0;
      if (!best || load < best.load) best = { index: i, load };
    }
    const index = best?.index ?? 0;
    return slots[index] ?? start(index);
  };

  return {
    collect: (partial, ctx, emit) =>
      new Promise<void>((resolve, reject) => {
        if (closing) {
          reject(new Error('the worker pool is closed'));
          return;
        }
        const job: WorkerJob = {
          ...partial,
          id: nextId++,
          events: ctx.log.event !== undefined,
          logLevel: ctx.log.level,
        };
        const slot = pick();
        const p: Pending = { job, ctx, emit, stopped: false, resolve, reject };
        const onAbort = (): void => {
          p.stopped = true;
          if (!slot.dead)
            slot.worker.postMessage({
              type: 'abort',
              id: job.id,
              reason: toAbortReason(ctx.signal.reason),
            } satisfies ToWorker);
        };
        slot.pending.set(job.id, p);
        slot.worker.postMessage({ type: 'collect', job } satisfies ToWorker);
        if (ctx.signal.aborted) onAbort();
        else ctx.signal.addEventListener('abort', onAbort, { once: true });
        const off = (): void => {
          ctx.signal.removeEventListener('abort', onAbort);
        };
        p.resolve = () => {
          off();
          resolve();
        };
        p.reject = (err: Error) => {
          off();
          reject(err);
        };
      }),
    close: async (graceMs = 10_000) => {
      closing = true;
      await Promise.all(
        [...all].map(async (slot) => {
          if (!slot || slot.dead) return;
          const exited = new Promise<void>((resolve) => {
            slot.worker.once('exit', () => {
              resolve();
            });
          });
          slot.worker.postMessage({ type: 'close' } satisfies ToWorker);
          // A worker still in a connector call that ignores its signal is not waited for.
          const timer = setTimeout(() => void slot.worker.terminate(), graceMs);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
};

/** Does to the main thread's context what the connector did to the worker's. */
const apply = (p: Pending, op: WorkerOp): void => {
  const { ctx } = p;
  switch (op[0]) {
    case 'identity':
      p.emit(op[1]);
      return;
    case 'gap':
      ctx.gap(op[1]);
      return;
    case 'note':
      ctx.note(op[1]);
      return;
    case 'scope':
      ctx.setScope(op[1]);
      return;
    case 'principal':
      ctx.setPrincipal(op[1]);
      return;
    case 'log':
      ctx.log[op[1]](op[2]);
      return;
    case 'event':
      ctx.log.event?.(op[1]);
      return;
  }
};
