// The demo server: a small HTTP server on loopback that plays the providers' APIs from files, so
// `nhiscan demo` runs the real SDK clients, unchanged, against a bundled estate. One route per
// connector under its own path prefix (`/<connector id>`); a route only sees
// requests under its prefix. It never verifies signatures or tokens: it is a demo, and it only
// ever answers the local machine.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface DemoRequest {
  method: string;
  /** Path below the route's prefix, always starting with "/". */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface DemoResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
  /** What the route understood the request to be, for the request log (e.g. "111111111111 ListUsers"). */
  summary?: string;
}

export interface DemoRoute {
  handle(req: DemoRequest): DemoResponse | Promise<DemoResponse>;
}

export interface RequestRecord {
  route: string;
  method: string;
  path: string;
  status: number;
  summary?: string;
}

export interface DemoServer {
  /** Providers' own servers started beside this one (ConnectorDemo.start), by connector id. */
  own?: Record<string, OwnDemoServer>;
  /** e.g. "http://127.0.0.1:54321"; a route lives at `${url}/${routeName}`. */
  url: string;
  port: number;
  /** Every request answered, in order (for tests and --verbose). */
  requests: RequestRecord[];
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

/** True for addresses of this machine's loopback interface (IPv4, IPv6, IPv4-mapped IPv6). */
export const isLoopback = (address: string | undefined): boolean => {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || address === '::1';
};

/** Host headers a browser would only send to this server when asked for it by name (DNS rebinding). */
const allowedHost = (host: string | undefined, port: number): boolean =>
  host === undefined ||
  [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host.toLowerCase());

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });

/**
 * Starts the server on 127.0.0.1 with an OS-chosen port. `routes` maps a path prefix (without
 * slashes: the connector id) to the connector's demo route that answers below it.
 */
export interface DemoServerOptions {
  /** Serve over TLS with this key and certificate (a provider whose client insists on https). */
  tls?: { key: string; cert: string };
}

export const startDemoServer = async (
  routes: Record<string, DemoRoute>,
  options: DemoServerOptions = {},
): Promise<DemoServer> => {
  const requests: RequestRecord[] = [];
  let port = 0;

  const answer = (res: ServerResponse, record: RequestRecord, reply: DemoResponse): void => {
    requests.push({ ...record, status: reply.status, ...(reply.summary ? { summary: reply.summary } : {}) });
    res.writeHead(reply.status, { 'content-length': Buffer.byteLength(reply.body), ...reply.headers });
    res.end(reply.body);
  };
  const plain = (status: number, text: string): DemoResponse => ({
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: text + '\n',
  });

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: RequestRecord = { route: '', method: req.method ?? 'GET', path: url.pathname, status: 0 };
    // Bound to 127.0.0.1 already; this also refuses anything forwarded or rebound to it.
    if (!isLoopback(req.socket.remoteAddress) || !allowedHost(req.headers.host, port)) {
      answer(res, record, plain(403, 'the nhiscan demo server only answers this machine'));
      return;
    }
    const [, head = '', ...tail] = url.pathname.split('/');
    // A route named "*" answers every path (a provider whose API lives at the root).
    const catchAll = routes[head] === undefined && routes['*'] !== undefined;
    const first = catchAll ? '*' : head;
    const rest = catchAll ? [head, ...tail] : tail;
    const route = routes[first];
    if (!route) {
      answer(
        res,
        record,
        plain(404, `no demo route for ${url.pathname} (routes: ${Object.keys(routes).join(', ')})`),
      );
      return;
    }
    record.route = first;
    readBody(req)
      .then((body) =>
        route.handle({
          method: record.method,
          path: '/' + rest.join('/'),
          query: url.searchParams,
          headers: req.headers,
          body,
        }),
      )
      .then(
        (reply) => {
          answer(res, record, reply);
        },
        (err: unknown) => {
          // A bug in the demo, not a provider answer: say so plainly.
          answer(
            res,
            record,
            plain(500, `nhiscan demo server error: ${err instanceof Error ? err.message : String(err)}`),
          );
        },
      );
  };
  const server = options.tls ? createTlsServer(options.tls, handler) : createServer(handler);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => {
          if (err) reject(err);
          else resolve();
        });
        // SDK clients keep connections alive; do not wait for them to time out.
        server.closeAllConnections();
      }),
  };
};

/** What the demo hands a connector's demo part: the estate folder and the estate's "now". */
export interface DemoEstateContext {
  /** This provider's folder in the estate, e.g. fixtures/demo/<connector id>. */
  dir: string;
  /** The estate's clock: when reports were generated (default: now). */
  asOf?: Date | undefined;
  /** Provider-specific settings a test or benchmark passes (e.g. the account the demo key reaches). */
  options: Record<string, unknown>;
}

/**
 * A connector's part of the demo: it plays the provider's API from files under the estate folder
 * named after the connector, and says how the scan reaches it. The demo server mounts every
 * registered connector's part whose folder exists; the core names no provider.
 */
export interface ConnectorDemo {
  /** The route mounted at `/<connector id>` on the demo server. */
  route: (ctx: DemoEstateContext) => DemoRoute;
  /** Environment the provider's SDK reads during the demo (endpoint, throwaway credentials). */
  env?: (serverUrl: string, ctx: DemoEstateContext) => Record<string, string>;
  /** The user's own variables this provider's SDK would read, hidden while the demo runs. */
  hidesEnv?: (name: string) => boolean;
  /** Points this provider's block of the demo config at the server (whose port is known late). */
  pointAt?: (config: unknown, serverUrl: string) => unknown;
  /** One phrase for the demo banner, e.g. "AWS accounts 111111111111, 222222222222". */
  describe: (dir: string) => string;
  /**
   * For a provider whose client needs an origin of its own (Entra: MSAL wants an https
   * authority, the Graph client follows only https nextLinks at the root): starts its own
   * server beside the shared one; the route above is then not mounted.
   */
  start?: (ctx: DemoEstateContext) => Promise<OwnDemoServer>;
  /**
   * Packages only the demo loads, besides the connector's `optionalSdks` (package name → version
   * range; optional peer dependencies too): named in the demo's install command, never in a scan's.
   */
  sdks?: Readonly<Record<string, string>>;
}

/** A provider's own demo server, and how the demo config and environment reach it. */
export interface OwnDemoServer {
  server: DemoServer;
  pointAt: (config: unknown) => unknown;
  env?: Record<string, string>;
  close(): Promise<void>;
}
