// The call trace (src/permissions.ts `logCall`): a middleware on each SDK client that logs every
// command it sends as the IAM action it needs (`iam:ListAccessKeys`), paginators' pages included,
// so `--log-level debug` shows exactly what the scan asked AWS for.
import type { Logger } from '../../src/log.js';
import { logCall } from '../../src/permissions.js';

// The initialize-step middleware shape, reduced to what the trace uses (each client's stack is
// typed with its own service's input and output types).
type AddInitialize = (
  middleware: (
    next: (args: unknown) => Promise<unknown>,
    context: { commandName?: string },
  ) => (args: unknown) => Promise<unknown>,
  options: { step: 'initialize'; name: string },
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
      logCall(log, 'aws', `${service}:${(context.commandName ?? 'UnknownCommand').replace(/Command$/, '')}`);
      return next(args);
    },
    { step: 'initialize', name: 'nhiscanCallTrace' },
  );
  return client;
};
