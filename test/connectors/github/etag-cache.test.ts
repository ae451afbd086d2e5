// The ETag cache file: survives between runs, merges what concurrent targets wrote, prunes what no
// run used for 30 days, and never turns an unreadable file into a crash.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  conditionalFetch,
  describeRequestStats,
  newRequestStats,
  openEtagCache,
  rateLimitCost,
  redactForCache,
} from '../../../connectors/github/etag-cache.js';
import { PatGrant, Webhook } from '../../../connectors/github/schema.js';
import { fixture } from './harness.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nhiscan-etag-unit-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const at = (iso: string) => () => new Date(iso);

describe('openEtagCache', () => {
  it('starts empty without a file and writes one with owner-only permissions', () => {
    const path = join(dir, 'sub', 'etags.json');
    const cache = openEtagCache(path, at('2026-01-01T00:00:00Z'));
    expect(cache.size()).toBe(0);
    expect(cache.loadProblem).toBeUndefined();
    cache.set('https://api.github.com/orgs/acme/hooks', { etag: 'W/"1"', body: [] });
    cache.save();
    const reread = openEtagCache(path);
    expect(reread.get('https://api.github.com/orgs/acme/hooks')).toMatchObject({
      etag: 'W/"1"',
      body: [],
      usedAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('merges with what another target saved meanwhile, and prunes entries unused for 30 days', () => {
    const path = join(dir, 'etags.json');
    const a = openEtagCache(path, at('2026-03-01T00:00:00Z'));
    const b = openEtagCache(path, at('2026-03-01T00:00:00Z'));
    a.set('https://x/a', { etag: '"a"', body: 1 });
    b.set('https://x/b', { etag: '"b"', body: 2 });
    a.save();
    b.save();
    const onDisk = (): string[] =>
      Object.keys((JSON.parse(readFileSync(path, 'utf8')) as { entries: object }).entries).sort();
    expect(onDisk()).toEqual(['https://x/a', 'https://x/b']);
    const later = openEtagCache(path, at('2026-04-15T00:00:00Z'));
    later.touch('https://x/a');
    later.save();
    expect(onDisk()).toEqual(['https://x/a']);
  });

  it.each([
    ['not JSON', '{oops'],
    ['another shape', '{"version":2}'],
  ])('says so and starts empty when the file is %s', (_name, text) => {
    const path = join(dir, 'etags.json');
    writeFileSync(path, text);
    const cache = openEtagCache(path);
    expect(cache.size()).toBe(0);
    expect(cache.loadProblem).toContain(path);
  });
});

describe('conditionalFetch', () => {
  const stub = (responses: Response[]) => {
    const seen: Headers[] = [];
    const fetchStub = ((_input: unknown, init?: RequestInit) => {
      seen.push(new Headers(init?.headers));
      const next = responses.shift();
      return next ? Promise.resolve(next) : Promise.reject(new Error('no more responses'));
    }) as typeof fetch;
    return { seen, base: () => fetchStub };
  };

  it('stores ETagged JSON, sends If-None-Match, and replays the body and Link on a 304', async () => {
    const stats = newRequestStats();
    const cache = openEtagCache(join(dir, 'etags.json'));
    const url = 'https://api.github.com/orgs/acme/repos?per_page=100';
    const link = '<https://api.github.com/orgs/acme/repos?per_page=100&page=2>; rel="next"';
    const { seen, base } = stub([
      new Response('[{"id":1}]', {
        status: 200,
        headers: { etag: 'W/"v1"', link, 'content-type': 'application/json; charset=utf-8' },
      }),
      new Response(null, {
        status: 304,
        headers: { etag: 'W/"v1"', 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4321' },
      }),
    ]);
    const f = conditionalFetch(stats, cache, base);
    expect(await (await f(url, { method: 'GET', headers: {} })).json()).toEqual([{ id: 1 }]);
    const replay = await f(url, { method: 'GET', headers: {} });
    expect(seen[1]!.get('if-none-match')).toBe('W/"v1"');
    expect(replay.status).toBe(200);
    expect(replay.headers.get('link')).toBe(link);
    expect(await replay.json()).toEqual([{ id: 1 }]);
    expect(stats).toMatchObject({
      requests: 2,
      notModified: 1,
      lastRateLimit: { limit: 5000, remaining: 4321 },
    });
    expect(rateLimitCost(stats)).toBe(1);
  });

  it("prefers the Link header of GitHub's 304 to the cached one (a list that grew a page)", async () => {
    const stats = newRequestStats();
    const cache = openEtagCache(join(dir, 'etags.json'));
    const url = 'https://api.github.com/orgs/acme/repos?per_page=100';
    const next = '<https://api.github.com/orgs/acme/repos?per_page=100&page=2>; rel="next"';
    const { base } = stub([
      new Response('[{"id":1}]', {
        status: 200,
        headers: { etag: 'W/"v1"', 'content-type': 'application/json; charset=utf-8' },
      }),
      new Response(null, { status: 304, headers: { etag: 'W/"v1"', link: next } }),
    ]);
    const f = conditionalFetch(stats, cache, base);
    await f(url, { method: 'GET', headers: {} });
    const replay = await f(url, { method: 'GET', headers: {} });
    expect(replay.headers.get('link')).toBe(next);
    expect(await replay.json()).toEqual([{ id: 1 }]);
  });

  it('writes no webhook URL path, token ending or public key to the file, and replays what parses', async () => {
    const path = join(dir, 'etags.json');
    const stats = newRequestStats();
    const cache = openEtagCache(path);
    const hooksUrl = 'https://api.github.com/repos/acme/api/hooks?per_page=100';
    const hook = {
      ...(fixture('repo-hooks.json') as Record<string, unknown>[])[0],
      config: {
        content_type: 'json',
        insecure_ssl: '0',
        secret: '********',
        url: 'https://hooks.slack.com/services/T0000/B0000/XXXXSLACKWEBHOOKSECRET?token=abc',
      },
    };
    const { base } = stub([
      new Response(JSON.stringify([hook]), {
        status: 200,
        headers: { etag: '"h1"', 'content-type': 'application/json; charset=utf-8' },
      }),
      new Response(JSON.stringify(fixture('credential-authorizations.json')), {
        status: 200,
        headers: { etag: '"c1"', 'content-type': 'application/json; charset=utf-8' },
      }),
      new Response(JSON.stringify(fixture('deploy-keys.json')), {
        status: 200,
        headers: { etag: '"k1"', 'content-type': 'application/json; charset=utf-8' },
      }),
      new Response(null, { status: 304, headers: { etag: '"h1"' } }),
    ]);
    const f = conditionalFetch(stats, cache, base);
    // The caller still gets GitHub's answer as sent.
    const first = (await (await f(hooksUrl, { method: 'GET' })).json()) as { config: { url: string } }[];
    expect(first[0]!.config.url).toContain('XXXXSLACKWEBHOOKSECRET');
    await f('https://api.github.com/orgs/acme/credential-authorizations?per_page=100', { method: 'GET' });
    await f('https://api.github.com/repos/acme/deploy-tools/keys?per_page=100', { method: 'GET' });
    cache.save();
    const onDisk = readFileSync(path, 'utf8');
    for (const secret of [
      'XXXXSLACKWEBHOOKSECRET',
      'token=abc',
      '0f3e9d2a',
      'token_last_eight',
      'AAAAC3NzaC1',
    ]) {
      expect(onDisk).not.toContain(secret);
    }
    const replayed = (await (await f(hooksUrl, { method: 'GET' })).json()) as {
      config: Record<string, unknown>;
    }[];
    expect(replayed[0]!.config).toEqual({
      content_type: 'json',
      insecure_ssl: '0',
      secret: '********',
      url: 'https://hooks.slack.com/',
    });
  });

  it('never caches non-GET requests (installation tokens)', async () => {
    const stats = newRequestStats();
    const cache = openEtagCache(join(dir, 'etags.json'));
    const { base } = stub([
      new Response('{"token":"x"}', {
        status: 201,
        headers: { etag: '"t"', 'content-type': 'application/json' },
      }),
    ]);
    await conditionalFetch(
      stats,
      cache,
      base,
    )('https://api.github.com/app/installations/1/access_tokens', { method: 'POST' });
    expect(cache.size()).toBe(0);
  });
});

describe('redactForCache', () => {
  it('keeps what the connector reads: a replay parses as the original did', () => {
    const grants = fixture('pat-grants.json') as unknown[];
    const redacted = redactForCache(
      'https://api.github.com/orgs/acme/personal-access-tokens?per_page=100',
      grants,
    ) as unknown[];
    // The fields the connector reads (loose schemas keep extras, which the cache drops).
    const read = (g: unknown): Record<string, unknown> => {
      const p = PatGrant.parse(g) as Record<string, unknown> & {
        owner: { login: string; id?: number; type?: string };
      };
      return Object.fromEntries(
        Object.keys(PatGrant.shape).map((k) => [
          k,
          k === 'owner' ? { login: p.owner.login, id: p.owner.id, type: p.owner.type } : p[k],
        ]),
      );
    };
    expect(redacted.map(read)).toEqual(grants.map(read));
    expect(
      redactForCache('https://api.github.com/orgs/acme/hooks', [{ id: 1, config: { url: 'not a url' } }]),
    ).toEqual([{ id: 1, config: {} }]);
  });

  // Tried: an unmasked webhook config.secret and a planted `value` field were kept on disk.
  it('stores only allow-listed fields: planted secrets never reach the file', () => {
    const MARK = 'PLANTED-ETAG-SECRET-7f3a';
    const hooks = [
      {
        id: 7,
        name: 'web',
        active: true,
        events: ['push'],
        config: {
          url: `https://hooks.example.com/x/${MARK}`,
          content_type: 'json',
          secret: MARK,
          token: MARK,
        },
        value: MARK,
        private_key: MARK,
      },
    ];
    const out = redactForCache('https://api.github.com/orgs/acme/hooks', hooks);
    expect(JSON.stringify(out)).not.toContain(MARK);
    expect(out).toEqual([
      {
        id: 7,
        name: 'web',
        active: true,
        events: ['push'],
        config: { url: 'https://hooks.example.com/', content_type: 'json', secret: '********' },
      },
    ]);
    expect(Webhook.parse((out as unknown[])[0]).config.secret).toBe('********');
    const listing = redactForCache('https://api.github.com/repos/acme/a/actions/secrets', {
      total_count: 1,
      secrets: [{ name: 'DEPLOY', created_at: '2024-01-01T00:00:00Z', value: MARK, encrypted_value: MARK }],
    });
    expect(JSON.stringify(listing)).not.toContain(MARK);
    expect(listing).toEqual({
      total_count: 1,
      secrets: [{ name: 'DEPLOY', created_at: '2024-01-01T00:00:00Z' }],
    });
  });
});

describe('describeRequestStats', () => {
  it('reads like the issue asks', () => {
    expect(
      describeRequestStats(
        { requests: 143, notModified: 131, rateLimited: 0, secondaryRateLimited: 0 },
        true,
      ),
    ).toBe('GitHub: 143 requests, 131 answered 304 from cache (rate-limit cost 12 of 143 = 8.4%)');
    expect(
      describeRequestStats({ requests: 10, notModified: 0, rateLimited: 1, secondaryRateLimited: 2 }, false),
    ).toBe(
      'GitHub: 10 requests, no ETag cache configured (providers.github.etagCache) (rate-limit cost 10 of 10 = 100.0%); rate limited 1 time(s), secondary rate limited 2 time(s)',
    );
  });
});
