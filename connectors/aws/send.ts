// The per-user calls' sender (issue 14: CPU per call). On every `client.send` the SDK resolves the
// command's middleware chain (the client's stack and the command's, sorted and composed): about a
// tenth of a millisecond of CPU, close to a tenth of a ListAccessKeys call's. The SDK's own cache
// (`cacheMiddleware`) serves only sends without options, and every call of ours passes the target's
// abort signal. A client of ours serves one target, whose signal is the same for all its calls, so
// the chain resolved once per command class with that signal is the chain the SDK would resolve on
// each send: same middleware (the call trace included), same abort, same retries.

/** The SDK command's own resolution step (a public method of every command). */
interface Resolvable {
  resolveMiddleware(
    clientStack: unknown,
    configuration: unknown,
    options: { abortSignal: AbortSignal },
  ): (command: unknown) => Promise<{ output: unknown }>;
}

/** What `sender` sends with: a client's stack and resolved configuration. */
export interface SendingClient {
  middlewareStack: unknown;
  config: unknown;
}

/** Sends a command as `client.send(command, { abortSignal })` does; its output is left for the caller to parse. */
export type Send = (command: object) => Promise<unknown>;

/**
 * A sender for `client` with `signal`, resolving each command class's chain once. Add middleware to
 * the client before its first send (as the call trace does): a resolved chain does not see later
 * additions.
 */
export const sender = (client: SendingClient, signal: AbortSignal): Send => {
  const handlers = new Map<unknown, (command: unknown) => Promise<{ output: unknown }>>();
  return async (command) => {
    let handler = handlers.get(command.constructor);
    if (!handler) {
      handler = (command as Resolvable).resolveMiddleware(client.middlewareStack, client.config, {
        abortSignal: signal,
      });
      handlers.set(command.constructor, handler);
    }
    return (await handler(command)).output;
  };
};
