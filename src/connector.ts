// The connector contract: enumerate identities of one provider, target by target. Connectors
// know nothing of policies; they report what they could not see through `ctx.gap`.
import type { z } from 'zod';
import type { Clock } from './clock.js';
import type { Limiter } from './concurrency.js';
import type { Logger } from './log.js';
import type { Gap, IdentityInput } from './model.js';

export interface Target<T = unknown> {
  /** Stable id, e.g. "aws:profile/prod", "aws:assume/123456789012". */
  id: string;
  provider: string;
  /** What the user would call it. */
  label: string;
  data: T;
}

export interface CollectContext {
  clock: Clock;
  /** Bounds this target's concurrent API calls. */
  limit: Limiter;
  concurrency: number;
  log: Logger;
  /** Aborts at the target's deadline or when the scan is interrupted: pass it to every call. */
  signal: AbortSignal;
  /** The whole scan's signal (aborts on SIGINT / SIGTERM only): a key for per-scan state. */
  scanSignal?: AbortSignal;
  /** Per-request timeout (config `timeouts.requestSeconds`): set it on every client the target builds. */
  requestTimeoutMs: number;
  /** Records something not seen; the scan goes on. */
  gap(gap: Omit<Gap, 'recovered'> & { recovered?: boolean }): void;
  /** A fact about the collection worth keeping (e.g. when a report was generated). */
  note(text: string): void;
  /** The account / project / org the target resolved to. */
  setScope(scope: string): void;
  /** Who the scanner ran as on this target. */
  setPrincipal(principal: string): void;
  /** Resolves a path from the config file against the config's folder, as every config path is. */
  resolvePath: (path: string) => string;
}

export interface Connector<C = unknown, T = unknown> {
  id: string;
  title: string;
  /** Strict schema of this provider's block under `providers:` in the config. */
  config: z.ZodType<C>;
  targets(config: C): Target<T>[];
  /**
   * For a target that stands for many (an organisation's projects, every org an App is installed
   * on): lists them, so each is scanned and reported as a target of its own. The parent keeps a
   * coverage entry for the discovery itself; its gaps say what could not be listed.
   */
  expand?(target: Target<T>, config: C, ctx: CollectContext): Promise<Target<T>[] | undefined>;
  collect(target: Target<T>, config: C, ctx: CollectContext): AsyncIterable<IdentityInput>;
}

/** Lets a registry hold connectors of different config types. */
export type AnyConnector = Connector<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
