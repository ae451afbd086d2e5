// One error model. A failure inside a target becomes a coverage Gap (data, with a typed code and
// the call that failed); only configuration errors and a whole provider's failed authentication
// stop work, and even those are recorded.
import type { Gap } from './model.js';

/** The user's input is wrong (config, flags, files it names). Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Raised by a connector when the call failed in a way that ends the target (or provider). */
export class ScanError extends Error {
  override readonly name = 'ScanError';
  constructor(
    readonly gap: Omit<Gap, 'recovered'> & { recovered?: boolean },
    /** 'provider': no other target of this provider can succeed either (e.g. a 401). */
    readonly reach: 'target' | 'provider' = 'target',
    options?: { cause?: unknown },
  ) {
    super(gap.message, options);
  }
}

export const errorMessage = (err: unknown): string => {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
};

/** Best-effort name of an SDK error (AWS `name`/`Code`, HTTP status). */
export const errorName = (err: unknown): string => {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; Code?: unknown; code?: unknown };
    for (const v of [e.name, e.Code, e.code]) if (typeof v === 'string' && v && v !== 'Error') return v;
  }
  return 'Error';
};

/** The reason a scan's signal carries when SIGINT / SIGTERM stopped it. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}`);
  }
}

/** The reason a target's signal carries when its deadline passed. */
export class TargetDeadline extends Error {
  override readonly name = 'TargetDeadline';
  constructor(readonly ms: number) {
    super(`the target's deadline (${formatDuration(ms)}) passed before it finished`);
  }
}

export const formatDuration = (ms: number): string =>
  ms >= 60_000 && ms % 60_000 === 0
    ? `${ms / 60_000} min`
    : ms >= 1_000
      ? `${Math.round(ms / 100) / 10} s`
      : `${ms} ms`;
