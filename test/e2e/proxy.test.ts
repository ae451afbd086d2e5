// Corporate networks, as a user runs it: `nhiscan demo` (the built CLI, in a child process) with
// HTTPS_PROXY pointing at a CONNECT proxy on loopback that records where each tunnel goes and the
// request lines of the plain-HTTP ones: every provider's client (AWS SDK, Octokit, the Google
// clients, @azure/identity and the Graph client, the Admin SDK) goes through it; with NO_PROXY
// covering loopback, none does.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/exit-codes.js';
import { ScanResult } from '../../src/model.js';
import { packageRoot } from '../../src/paths.js';

const run = promisify(execFile);
const CLI = join(packageRoot, 'dist', 'src', 'cli.js');

/** A CONNECT proxy on 127.0.0.1 that only tunnels to loopback, recording what it carried. */
interface Proxy {
  url: string;
  tunnels: string[];
  /** First path segment of each plain-HTTP request line seen inside a tunnel (the demo route). */
  routes: string[];
  forwarded: string[];
  close(): Promise<void>;
}

const startProxy = async (): Promise<Proxy> => {
  const tunnels: string[] = [];
  const routes: string[] = [];
  const forwarded: string[] = [];
  const server: Server = createServer((req, res) => {
    // A client that forwards instead of tunnelling would show here (and fail).
    forwarded.push(`${req.method ?? ''} ${req.url ?? ''}`);
    res.writeHead(502).end();
  });
  server.on('connect', (req, client, head) => {
    const target = req.url ?? '';
    tunnels.push(target);
    const [host, port] = [
      target.slice(0, target.lastIndexOf(':')),
      Number(target.slice(target.lastIndexOf(':') + 1)),
    ];
    if (host !== '127.0.0.1' || !Number.isInteger(port)) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      client.on('data', (chunk: Buffer) => {
        for (const m of chunk.toString('latin1').matchAll(/^(?:GET|POST|PUT|PATCH|DELETE) \/([^/?\s]*)/gm))
          routes.push(m[1]!);
      });
      client.pipe(upstream);
      upstream.pipe(client);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    routes,
    forwarded,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
};

describe('the demo estate through a CONNECT proxy', () => {
  let proxy: Proxy;
  let out: string;
  beforeAll(async () => {
    // The build a fresh `npm ci` runs (prepare).
    await run('npm', ['run', 'build', '--silent'], { cwd: packageRoot, timeout: 600_000 });
    proxy = await startProxy();
    out = mkdtempSync(join(tmpdir(), 'nhiscan-proxy-'));
  }, 600_000);
  afterAll(async () => {
    await proxy.close();
    rmSync(out, { recursive: true, force: true });
  });

  let n = 0;
  const demo = async (env: Record<string, string>): Promise<{ exitCode: number; result: ScanResult }> => {
    const dir = join(out, String(++n));
    const base = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !k.startsWith('AWS_') && !/^(https?|no)_proxy$/i.test(k) && k !== 'NODE_OPTIONS',
      ),
    );
    let exitCode = 0;
    try {
      await run(process.execPath, [CLI, 'demo', '--out', dir], {
        cwd: out,
        env: { ...base, NO_COLOR: '1', ...env },
        timeout: 90_000,
      });
    } catch (err) {
      const e = err as { code?: unknown };
      if (typeof e.code !== 'number') throw err;
      exitCode = e.code;
    }
    const result = ScanResult.parse(JSON.parse(readFileSync(join(dir, 'nhiscan-result.json'), 'utf8')));
    return { exitCode, result };
  };

  it('every provider’s calls go through HTTPS_PROXY, and the scan is the same', async () => {
    const r = await demo({ HTTPS_PROXY: proxy.url });
    expect(r.exitCode).toBe(EXIT.findings);
    expect(proxy.forwarded).toEqual([]);
    // The shared demo server (AWS, GitHub, Google Cloud, Workspace) and Entra's own TLS server.
    expect(new Set(proxy.tunnels.map((t) => t.split(':')[0]))).toEqual(new Set(['127.0.0.1']));
    expect(new Set(proxy.tunnels).size).toBe(2);
    expect(new Set(proxy.routes)).toEqual(new Set(['aws', 'github', 'gcp', 'workspace']));
    expect(r.result.coverage.filter((c) => c.provider === 'entra').flatMap((c) => c.gaps)).toEqual([]);
    expect(new Set(r.result.identities.map((i) => i.provider))).toEqual(
      new Set(['aws', 'entra', 'gcp', 'github', 'workspace']),
    );
    // Entra (over TLS, so only its tunnel is seen) was read in full through it.
    expect(r.result.coverage.find((c) => c.provider === 'entra')?.status).toBe('complete');
  }, 120_000);

  it('NO_PROXY bypasses it', async () => {
    const before = proxy.tunnels.length;
    const r = await demo({ HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' });
    expect(r.exitCode).toBe(EXIT.findings);
    expect(proxy.tunnels.length).toBe(before);
    expect(new Set(r.result.identities.map((i) => i.provider)).size).toBe(5);
  }, 120_000);
});
