// The call trace (src/permissions.ts `logCall`): a middleware on each SDK client (ours, and the STS
// client the assume-role credential provider creates, through a plugin) that logs every
// command it sends as the IAM action it needs (`iam:ListAccessKeys`), paginators' pages included,
// so `--log-level debug` shows exactly what the scan asked AWS for. With `--verbose` each completed
// command also logs its HTTP status (or error code), duration and the SDK's retries
// (`$metadata.attempts`); the middleware sits at the initialize step, outside the retry loop, so
// the duration includes every attempt. Throttled attempts are reported as rate-limit waits.
import type { FromTemporaryCredentialsOptions } from '@aws-sdk/credential-providers';
import { type Logger, writesAt } from '../../src/log.js';
import { logCall, logCallDone, logRateLimitWait, msSince } from '../../src/permissions.js';
import { gapCodeOf } from './errors.js';

interface ResponseMetadata {
  httpStatusCode?: number;
  attempts?: number;
}
const metadataOf = (value: unknown): ResponseMetadata =>
  (value && typeof value === 'object' && '$metadata' in value
    ? (value as { $metadata?: ResponseMetadata }).$metadata
    : undefined) ?? {};
const retriesOf = (m: ResponseMetadata): number | undefined =>
  m.attempts === undefined ? undefined : Math.max(0, m.attempts - 1);

/** The SDK's plugin type (`Pluggable` of @smithy/types), as the credential provider takes it. */
type Pluggable = NonNullable<FromTemporaryCredentialsOptions['clientPlugins']>[number];

// The middleware stack, reduced to what the trace uses (each client's stack is typed with its own
// service's input and output types).
interface TraceStack {
  add(
    middleware: (
      next: (args: unknown) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: unknown) => Promise<unknown>,
    options: { step: 'initialize' | 'deserialize'; name: string; priority?: 'high'; override: true },
  ): void;
}

/**
 * The trace as an SDK plugin (a `Pluggable`), for clients the SDK creates itself: the STS client
 * of `fromTemporaryCredentials` (`clientPlugins`), which sends sts:AssumeRole. `service` is the IAM
 * service prefix (iam, sts, organizations). Applying it again replaces it (`override`): the
 * credential provider applies its plugins on every refresh.
 */
export const callTracePlugin = (service: string, log: Logger): Pluggable => ({
  applyToStack(sdkStack) {
    const stack = sdkStack as unknown as TraceStack;
    stack.add(
      (next, context) => (args) => {
        // Nothing would be written or counted (no --verbose, no progress display): no per-call work.
        if (log.event === undefined && !writesAt(log.level, 'debug')) return next(args);
        const call = `${service}:${(context.commandName ?? 'UnknownCommand').replace(/Command$/, '')}`;
        logCall(log, 'aws', call);
        const start = performance.now();
        return next(args).then(
          (result) => {
            const m = metadataOf((result as { output?: unknown }).output);
            logCallDone(log, 'aws', call, {
              outcome: m.httpStatusCode ?? 'ok',
              ms: msSince(start),
              retries: retriesOf(m),
            });
            return result;
          },
          (error: unknown) => {
            const m = metadataOf(error);
            const code = error instanceof Error ? error.name : 'error';
            const outcome = m.httpStatusCode === undefined ? code : `${String(m.httpStatusCode)} ${code}`;
            logCallDone(log, 'aws', call, { outcome, ms: msSince(start), retries: retriesOf(m) });
            throw error;
          },
        );
      },
      { step: 'initialize', name: 'nhiscanCallTrace', override: true },
    );
    // The deserialize step runs once per attempt, inside the retry loop: each throttled answer the
    // SDK retries is a rate-limit wait for the progress display (the SDK does not say how long).
    stack.add(
      (next) => (args) =>
        next(args).catch((error: unknown) => {
          if (gapCodeOf(error) === 'throttled') logRateLimitWait(log);
          throw error;
        }),
      { step: 'deserialize', name: 'nhiscanThrottleTrace', priority: 'high', override: true },
    );
  },
});

/** Adds the trace to a client we create. */
export const traceCalls = <C extends { middlewareStack: { use: (...args: never[]) => void } }>(
  client: C,
  service: string,
  log: Logger,
): C => {
  (client.middlewareStack.use as unknown as (p: Pluggable) => void).call(
    client.middlewareStack,
    callTracePlugin(service, log),
  );
  return client;
};
