// A loopback proxy in front of the demo server that injects faults into chosen requests: a hang
// (the connection is accepted and never answered), a reset (the socket destroyed), or a canned
// error answer (a 5xx burst, a 429 with Retry-After) for the first N matches. Everything else is
// forwarded unchanged, so the scan runs the real SDKs against the real demo estate.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  body: string;
}

export type Fault =
  | { type: 'hang' }
  | { type: 'reset' }
  | { type: 'answer'; status: number; headers?: Record<string, string>; body?: string }
  /** Forwarded, and the answer's body rewritten (planting values in real answers). */
  | { type: 'rewrite'; body: (text: string) => string };

export interface FaultRule {
  match: (req: ProxiedRequest) => boolean;
  fault: Fault;
  /** How many matching requests get the fault (default: all). */
  times?: number;
  /** Rewrites a matching request's URL before forwarding (e.g. a smaller page size). */
  rewrite?: (url: string) => string;
}

export interface FaultProxy {
  url: string;
  /** Requests that got a fault, per rule index. */
  hits: number[];
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });

export const startFaultProxy = async (target: string, rules: FaultRule[]): Promise<FaultProxy> => {
  const upstream = new URL(target);
  const hits = rules.map(() => 0);
  const sockets = new Set<Socket>();
  let self = '';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readBody(req);
      let url = req.url ?? '/';
      const seen: ProxiedRequest = { method: req.method ?? 'GET', url, body };
      let rewriteBody: ((text: string) => string) | undefined;
      for (const [i, rule] of rules.entries()) {
        if (!rule.match(seen)) continue;
        if (rule.rewrite) url = rule.rewrite(url);
        if (rule.times !== undefined && (hits[i] ?? 0) >= rule.times) continue;
        hits[i] = (hits[i] ?? 0) + 1;
        const { fault } = rule;
        if (fault.type === 'rewrite') {
          rewriteBody = fault.body;
          break;
        }
        if (fault.type === 'hang') return; // accepted, never answered
        if (fault.type === 'reset') {
          req.socket.destroy();
          return;
        }
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(fault.body ?? '{}');
        return;
      }
      const headers = { ...req.headers, host: upstream.host };
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: url, headers },
        (answer) => {
          const out = { ...answer.headers };
          // The demo's GitHub links the next page at its own address: keep pages on the proxy.
          if (typeof out.link === 'string') out.link = out.link.split(upstream.host).join(self);
          const rewrite = rewriteBody;
          if (!rewrite) {
            res.writeHead(answer.statusCode ?? 502, out);
            answer.pipe(res);
            return;
          }
          void readBody(answer).then((text) => {
            const changed = rewrite(text);
            delete out['content-length'];
            delete out.etag; // a changed body is a new version
            res.writeHead(answer.statusCode ?? 502, out);
            res.end(changed);
          });
        },
      );
      forward.on('error', () => {
        res.destroy();
      });
      forward.end(body);
    })();
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  self = `127.0.0.1:${port}`;
  return {
    url: `http://${self}`,
    hits,
    close: async () => {
      for (const s of sockets) s.destroy(); // hung requests too
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
};
