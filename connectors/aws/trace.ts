// The call trace (src/permissions.ts `logCall`): a middleware on each SDK client that logs every
// command it sends as the IAM action it needs (`iam:ListAccessKeys`), paginators' pages included,
// so `--log-level debug` shows exactly what the scan asked AWS for. With `--verbose` each completed
// command also logs its HTTP status (or error code), duration and the SDK's retries
// (`$metadata.attempts`); the middleware sits at the initialize step, outside the retry loop, so
// the duration includes every attempt. Throttled attempts are reported as rate-limit waits.
import type { Logger } from '../../src/log.js';
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

// The initialize-step middleware shape, reduced to what the trace uses (each client's stack is
// typed with its own service's input and output types).
type AddInitialize = (
  middleware: (
    next: (args: unknown) => Promise<unknown>,
    context: { commandName?: string },
  ) => (args: unknown) => Promise<unknown>,
  options: { step: 'initialize' | 'deserialize'; name: string; priority?: 'high' },
) => void;

/** Adds the trace to a client; `service` is the IAM service prefix (iam, sts, organizations). */
export const traceCalls = <C extends { middlewareStack: { add: (...args: never[]) => void } }>(
  client: C,
  service: string,
  log: Logger,
): C => {
  (client.middlewareStack.add as unknown as AddInitialize).call(
    client.middlewareStack,
    (next, context) => (args) => {
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
    { step: 'initialize', name: 'nhiscanCallTrace' },
  );
  // The deserialize step runs once per attempt, inside the retry loop: each throttled answer the
  // SDK retries is a rate-limit wait for the progress display (the SDK does not say how long).
  (client.middlewareStack.add as unknown as AddInitialize).call(
    client.middlewareStack,
    (next) => (args) =>
      next(args).catch((error: unknown) => {
        if (gapCodeOf(error) === 'throttled') logRateLimitWait(log);
        throw error;
      }),
    { step: 'deserialize', name: 'nhiscanThrottleTrace', priority: 'high' },
  );
  return client;
};
