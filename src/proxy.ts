// The network the user has: HTTPS_PROXY / HTTP_PROXY (lower-case too), NO_PROXY, and a private CA
// (NODE_EXTRA_CA_CERTS, read by Node's TLS for every connection without an explicit `ca`; a
// connector's own CA file is added to it, never instead of it). One decision (`proxyFor`), two
// shapes of client: an undici Dispatcher for fetch-based clients (Node's built-in fetch ignores
// the proxy variables) and an http.Agent for node:http-based ones. Connectors call these when
// they build a client; the core names no provider. Both tunnel through the proxy with CONNECT.
import { readFileSync } from 'node:fs';
import type { ClientRequest, Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { connect as netConnect, isIP, type NetConnectOpts } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  type ConnectionOptions as TlsConnectionOptions,
  type PeerCertificate,
  checkServerIdentity,
  connect as tlsConnect,
  rootCertificates,
} from 'node:tls';
import { Agent as AgentBase, type AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { Agent as UndiciAgent, Dispatcher, ProxyAgent, fetch as undiciFetch } from 'undici';

type Env = Readonly<Record<string, string | undefined>>;

const read = (env: Env, name: string): string | undefined =>
  (env[name] ?? env[name.toLowerCase()])?.trim() || undefined;

/** The proxy for HTTPS (and, failing HTTP_PROXY, for HTTP) URLs, from the environment. */
export const proxySettings = (
  env: Env = process.env,
): { httpsProxy: string | undefined; httpProxy: string | undefined; noProxy: string[] } => ({
  httpsProxy: read(env, 'HTTPS_PROXY') ?? read(env, 'HTTP_PROXY'),
  httpProxy: read(env, 'HTTP_PROXY'),
  noProxy: (read(env, 'NO_PROXY') ?? '')
    .split(/[,\s]+/)
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean),
});

/** True when some proxy variable is set (clients are then built with the helpers below). */
export const proxyConfigured = (env: Env = process.env): boolean => {
  const s = proxySettings(env);
  return s.httpsProxy !== undefined || s.httpProxy !== undefined;
};

const bypassed = (url: URL, noProxy: readonly string[]): boolean => {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return noProxy.some((entry) => {
    if (entry === '*') return true;
    // host, .suffix, *.suffix, each optionally with :port (curl's rules); a bare IPv6 address has no port.
    const ipv6 = !entry.startsWith('[') && entry.split(':').length > 2;
    const m = ipv6 ? [entry, entry, undefined] : /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[|\]$/g, ''));
    const name = (m?.[1] ?? entry).replace(/^\[|\]$/g, '').replace(/^\*?\./, '.');
    if (m?.[2] && m[2] !== port) return false;
    if (name.startsWith('.')) return host.endsWith(name) || host === name.slice(1);
    return host === name || host.endsWith(`.${name}`);
  });
};

/** The proxy URL a request to `target` goes through, or undefined (none set, or NO_PROXY matches). */
export const proxyFor = (target: string | URL, env: Env = process.env): string | undefined => {
  const url = typeof target === 'string' ? new URL(target) : target;
  const s = proxySettings(env);
  const proxy = url.protocol === 'http:' ? (s.httpProxy ?? s.httpsProxy) : s.httpsProxy;
  if (!proxy || bypassed(url, s.noProxy)) return undefined;
  return proxy;
};

/**
 * Node's CAs, NODE_EXTRA_CA_CERTS and the PEM files given: for a client that must be given an
 * explicit `ca` (which replaces Node's default store, extra certificates included).
 */
export const trustedCas = (pems: readonly string[] = [], env: Env = process.env): string[] => {
  const extra = env.NODE_EXTRA_CA_CERTS;
  const extraPem = extra ? [readFileSync(extra, 'utf8')] : [];
  return [...rootCertificates, ...extraPem, ...pems];
};

/** A Dispatcher sending each request through the proxy `proxyFor` names, or directly. */
class RoutingDispatcher extends Dispatcher {
  readonly #direct: UndiciAgent;
  readonly #proxies = new Map<string, ProxyAgent>();
  constructor(
    private readonly env: Env,
    private readonly ca: string[] | undefined,
  ) {
    super();
    this.#direct = new UndiciAgent(ca ? { connect: { ca } } : {});
  }
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    const proxy = options.origin ? proxyFor(String(options.origin), this.env) : undefined;
    if (!proxy) return this.#direct.dispatch(options, handler);
    let agent = this.#proxies.get(proxy);
    if (!agent) {
      agent = new ProxyAgent({ uri: proxy, ...(this.ca ? { requestTls: { ca: this.ca } } : {}) });
      this.#proxies.set(proxy, agent);
    }
    return agent.dispatch(options, handler);
  }
  override async close(): Promise<void> {
    await Promise.all([this.#direct.close(), ...[...this.#proxies.values()].map((a) => a.close())]);
  }
  override async destroy(): Promise<void> {
    await Promise.all([this.#direct.destroy(), ...[...this.#proxies.values()].map((a) => a.destroy())]);
  }
}

/**
 * For fetch-based clients: a Dispatcher honouring the proxy variables (and trusting `ca`, when
 * given, in place of Node's store), or undefined when neither is set (Node's fetch as it is).
 */
export const networkDispatcher = (
  o: { ca?: string[] } = {},
  env: Env = process.env,
): Dispatcher | undefined => (proxyConfigured(env) || o.ca ? new RoutingDispatcher(env, o.ca) : undefined);

/** `fetch` through `dispatcher` (undici's own fetch: Node's takes no dispatcher of another undici copy). */
export const fetchWith =
  (dispatcher: Dispatcher): typeof fetch =>
  async (input, init) => {
    // The clients that use it (Octokit, the Graph client) pass a URL and an init, never a Request.
    const url = input instanceof Request ? input.url : String(input);
    const opts: Record<string, unknown> = { ...init, dispatcher };
    // undici's Response is the class Node's fetch returns, from the package's own copy.
    const response: unknown = await undiciFetch(url, opts);
    return response as Response;
  };

/** An http.Agent sending each request through the proxy `proxyFor` names, or directly. */
class RoutingAgent extends AgentBase {
  readonly #proxies = new Map<string, HttpsProxyAgent<string>>();
  constructor(
    private readonly env: Env,
    private readonly ca: string[] | undefined,
  ) {
    super({ keepAlive: true });
  }
  override async connect(req: ClientRequest, opts: AgentConnectOpts): Promise<Duplex> {
    const url = `${opts.secureEndpoint ? 'https' : 'http'}://${opts.host}:${opts.port}/`;
    const proxy = proxyFor(url, this.env);
    const tlsOpts = this.ca && opts.secureEndpoint ? { ...opts, ca: this.ca } : opts;
    if (!proxy) {
      // The socket the request would have had without an agent of ours.
      const servername =
        opts.secureEndpoint && opts.host && !isIP(opts.host) ? { servername: opts.host } : {};
      return opts.secureEndpoint
        ? tlsConnect({ ...(tlsOpts as TlsConnectionOptions), ...servername })
        : netConnect(opts as NetConnectOpts);
    }
    let agent = this.#proxies.get(proxy);
    if (!agent) {
      agent = new HttpsProxyAgent(proxy);
      this.#proxies.set(proxy, agent);
    }
    // The tunnel, then (for https) the TLS session made from these options: the CA goes in them,
    // and the certificate is checked against the target host (the agent drops `host`, so an IP
    // target would otherwise be checked as "localhost").
    const host = opts.host ?? '';
    const tunnelled: AgentConnectOpts = {
      ...tlsOpts,
      ...(opts.secureEndpoint
        ? { checkServerIdentity: (_name: string, cert: PeerCertificate) => checkServerIdentity(host, cert) }
        : {}),
    };
    return agent.connect(req, tunnelled);
  }
  override destroy(): void {
    for (const a of this.#proxies.values()) a.destroy();
    super.destroy();
  }
}

/**
 * For node:http-based clients: an Agent honouring the proxy variables (and trusting `ca`, when
 * given), or undefined when neither is set (the client's own agent as it is).
 */
export const networkAgent = (o: { ca?: string[] } = {}, env: Env = process.env): HttpAgent | undefined => {
  if (proxyConfigured(env)) return new RoutingAgent(env, o.ca);
  // No proxy: Node's own https.Agent (the CA only), as the clients had before.
  return o.ca ? new HttpsAgent({ ca: o.ca, keepAlive: true }) : undefined;
};
