// Conditional requests between runs. GitHub answers `If-None-Match` with 304 when nothing
// changed, and a 304 does not count against the primary rate limit: tonight's rescan of an
// unchanged org costs a small fraction of the first scan. The cache keeps, per GET URL, the ETag,
// the Link header (pagination) and the JSON body, in one JSON file; the fetch wrapper below adds
// the header, counts every request, and on a 304 hands Octokit the cached body as a 200, so
// pagination and parsing run unchanged. Bodies are API listings (names, dates, permissions):
// only GETs are cached (never an access-token POST), and only the fields the connector reads are
// written (an allow-list, redactForCache): a secret value GitHub or a proxy adds is never kept.
// GitHub's ETags are specific to the access token: only token auth (the same token run after
// run) gets 304s; App scans do not use the cache (index.ts).
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { errorMessage } from '../../src/errors.js';
import {
  AuditLogEvent,
  CredentialAuthorization,
  DeployKey,
  Environment,
  GithubApp,
  Installation,
  PatGrant,
  PatRequest,
  Repository,
  Secret,
  SimpleUser,
  Webhook,
  WorkflowPermissions,
} from './schema.js';

/** Entries not used for this long are dropped when the file is written. */
const PRUNE_AFTER_MS = 30 * 86_400_000;

const Entry = z.object({
  etag: z.string().min(1),
  link: z.string().optional(),
  contentType: z.string().optional(),
  body: z.unknown(),
  /** Wall-clock time of the last run that used the entry (cache housekeeping only). */
  usedAt: z.string(),
});
export type EtagEntry = z.infer<typeof Entry>;

const CacheFile = z.object({ version: z.literal(1), entries: z.record(z.string(), Entry) });

export interface EtagCache {
  path: string;
  get(url: string): EtagEntry | undefined;
  set(url: string, entry: Omit<EtagEntry, 'usedAt'>): void;
  /** Marks an entry as used by this run (a 304 reused it). */
  touch(url: string): void;
  size(): number;
  /** Why the file could not be read, when it existed but was unusable (the run starts empty). */
  loadProblem: string | undefined;
  /** Merges this run's entries into the file on disk (other targets may have written it). */
  save(): void;
}

const readCacheFile = (path: string): { entries: Record<string, EtagEntry>; problem?: string } => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: {} };
    return { entries: {}, problem: `cannot read ETag cache ${path}: ${errorMessage(err)}` };
  }
  try {
    const parsed = CacheFile.safeParse(JSON.parse(text));
    if (parsed.success) return { entries: parsed.data.entries };
    return { entries: {}, problem: `ETag cache ${path} has an unexpected shape; starting empty` };
  } catch (err) {
    return { entries: {}, problem: `ETag cache ${path} is not JSON (${errorMessage(err)}); starting empty` };
  }
};

export const openEtagCache = (path: string, now: () => Date = () => new Date()): EtagCache => {
  const loaded = readCacheFile(path);
  const entries = new Map(Object.entries(loaded.entries));
  const touched = new Set<string>();
  return {
    path,
    loadProblem: loaded.problem,
    get: (url) => entries.get(url),
    set: (url, entry) => {
      entries.set(url, { ...entry, usedAt: now().toISOString() });
      touched.add(url);
    },
    touch: (url) => {
      const entry = entries.get(url);
      if (!entry) return;
      entries.set(url, { ...entry, usedAt: now().toISOString() });
      touched.add(url);
    },
    size: () => entries.size,
    save: () => {
      // Synchronous read-merge-write: targets of one run share the file and run on one thread,
      // so no other write can interleave; the rename keeps a crash from leaving half a file.
      const merged = new Map(Object.entries(readCacheFile(path).entries));
      for (const url of touched) {
        const entry = entries.get(url);
        if (entry) merged.set(url, entry);
      }
      const cutoff = now().getTime() - PRUNE_AFTER_MS;
      for (const [url, entry] of merged) {
        if (Date.parse(entry.usedAt) < cutoff) merged.delete(url);
      }
      mkdirSync(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      // Flushed before the rename, as src/fs-atomic.ts does: a crash leaves the old file or the new.
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeFileSync(fd, JSON.stringify({ version: 1, entries: Object.fromEntries(merged) }));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
    },
  };
};

/** What the scan spent against GitHub's rate limits, for a coverage note. */
export interface RequestStats {
  /** HTTP requests sent (retries included). */
  requests: number;
  /** Requests GitHub answered 304 Not Modified; their bodies came from the cache. */
  notModified: number;
  /** Primary rate limit hits (x-ratelimit-remaining 0). */
  rateLimited: number;
  /** Secondary rate limit hits (403/429 with retry-after or "secondary rate limit"). */
  secondaryRateLimited: number;
  /** The last rate-limit figures GitHub reported. */
  lastRateLimit?: { limit: number; remaining: number; resource?: string };
}

export const newRequestStats = (): RequestStats => ({
  requests: 0,
  notModified: 0,
  rateLimited: 0,
  secondaryRateLimited: 0,
});

/** Requests that counted against the primary rate limit: every request but the 304s. */
export const rateLimitCost = (stats: RequestStats): number => stats.requests - stats.notModified;

/** "GitHub: 143 requests, 131 answered 304 from cache (rate-limit cost 12 of 143 = 8.4%)". */
export const describeRequestStats = (
  stats: RequestStats,
  withCache: boolean,
  /** Why no cache was used, when one was configured. */
  noCacheReason?: string,
): string => {
  const cost = rateLimitCost(stats);
  const pct = stats.requests === 0 ? 0 : (100 * cost) / stats.requests;
  const cache = withCache
    ? `${stats.notModified} answered 304 from cache`
    : (noCacheReason ?? 'no ETag cache configured (providers.github.etagCache)');
  const limits =
    stats.rateLimited + stats.secondaryRateLimited > 0
      ? `; rate limited ${stats.rateLimited} time(s), secondary rate limited ${stats.secondaryRateLimited} time(s)`
      : '';
  const remaining = stats.lastRateLimit
    ? `; ${stats.lastRateLimit.remaining} of ${stats.lastRateLimit.limit} left${stats.lastRateLimit.resource ? ` (${stats.lastRateLimit.resource})` : ''}`
    : '';
  return `GitHub: ${stats.requests} requests, ${cache} (rate-limit cost ${cost} of ${stats.requests} = ${pct.toFixed(1)}%)${limits}${remaining}`;
};

/** A webhook URL reduced to its origin: paths and queries often carry a token (Slack, Teams…). */
const originOnly = (url: unknown): string | undefined => {
  if (typeof url !== 'string') return undefined;
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? undefined : `${origin}/`;
  } catch {
    return undefined;
  }
};

/** Fields the connector reads (schema.ts), at any depth of a cached item; nothing else is kept. */
const READ_FIELDS: ReadonlySet<string> = new Set([
  ...[
    SimpleUser,
    Installation,
    GithubApp,
    PatGrant,
    PatRequest,
    Repository,
    CredentialAuthorization,
    DeployKey,
    Secret,
    Environment,
    Webhook,
    WorkflowPermissions,
    // Audit-log events: the OAuth-app fields only (a hashed_token or actor_ip never lands on disk).
    AuditLogEvent,
  ].flatMap((schema) => Object.keys(schema.shape)),
  // GET /user: the token's login (index.ts); nested account / owner objects: login, slug, type.
  'login',
  'slug',
  'type',
]);
/** Beside the list in `{ total_count, <items>: [...] }` answers. */
const LIST_FIELDS: ReadonlySet<string> = new Set(['total_count', 'incomplete_results']);
/** A deploy key's public key is never read; a token value never reaches a listing but is cut anyway. */
const NEVER = new Set(['key', 'token', 'token_last_eight']);
/** GitHub masks a set webhook secret as "********"; whatever else comes is masked the same way. */
const MASK = '********';

const stringEntries = (v: unknown): Record<string, string> =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {};

/**
 * What of a body may be written to the cache file: an allow-list, the fields the connector reads
 * (schema.ts) and nothing else, so a field GitHub adds tomorrow (or a proxy plants) never lands on
 * disk. Within those: a webhook URL keeps scheme and host only (paths carry tokens), a webhook
 * secret is kept as GitHub's mask, permission maps keep their string values.
 */
export const redactForCache = (_url: string, body: unknown): unknown => {
  const item = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(item);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (NEVER.has(k) || !READ_FIELDS.has(k)) continue;
      if (k === 'permissions') {
        // Installation: { contents: 'write' }; fine-grained PAT: { repository: { contents: 'write' } }.
        const map = v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
        out[k] = Object.values(map).some((x) => x && typeof x === 'object')
          ? Object.fromEntries(Object.entries(map).map(([scope, m]) => [scope, stringEntries(m)]))
          : stringEntries(v);
      } else if (k === 'config' && v && typeof v === 'object' && !Array.isArray(v)) {
        const c = v as Record<string, unknown>;
        const origin = originOnly(c.url);
        out[k] = {
          ...(origin ? { url: origin } : {}),
          ...(typeof c.content_type === 'string' ? { content_type: c.content_type } : {}),
          ...(typeof c.insecure_ssl === 'string' || typeof c.insecure_ssl === 'number'
            ? { insecure_ssl: c.insecure_ssl }
            : {}),
          ...(typeof c.secret === 'string' && c.secret !== '' ? { secret: MASK } : {}),
        };
      } else out[k] = item(v);
    }
    return out;
  };
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    // A listing wrapper keeps its count and its lists; a single object is an item.
    const entries = Object.entries(body);
    if (entries.some(([k]) => LIST_FIELDS.has(k))) {
      return Object.fromEntries(
        entries.flatMap(([k, v]): [string, unknown][] =>
          LIST_FIELDS.has(k) ? [[k, v]] : Array.isArray(v) ? [[k, item(v)]] : [],
        ),
      );
    }
  }
  return item(body);
};

const urlOf = (input: string | URL | Request): string =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;

const recordRateLimit = (stats: RequestStats, headers: Headers): void => {
  const limit = Number(headers.get('x-ratelimit-limit'));
  const remaining = Number(headers.get('x-ratelimit-remaining'));
  if (headers.has('x-ratelimit-limit') && Number.isFinite(limit) && Number.isFinite(remaining)) {
    stats.lastRateLimit = { limit, remaining, resource: headers.get('x-ratelimit-resource') ?? undefined };
  }
};

/**
 * A `fetch` for Octokit's `request.fetch` option: counts every request, sends `If-None-Match`
 * for cached GETs, turns a 304 into the cached 200, and stores new ETagged JSON bodies. The
 * underlying fetch is looked up at call time (so test interceptors and the demo see the calls).
 */
export const conditionalFetch =
  (
    stats: RequestStats,
    cache: EtagCache | undefined,
    base: () => typeof fetch = () => globalThis.fetch,
  ): typeof fetch =>
  async (input, init) => {
    const url = urlOf(input);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const cached = method === 'GET' ? cache?.get(url) : undefined;
    const headers = new Headers(init?.headers);
    if (cached) headers.set('if-none-match', cached.etag);
    stats.requests += 1;
    const response = await base()(input, { ...init, headers });
    recordRateLimit(stats, response.headers);
    if (response.status === 304 && cached) {
      stats.notModified += 1;
      cache?.touch(url);
      const replay = new Headers(response.headers);
      replay.set('content-type', cached.contentType ?? 'application/json; charset=utf-8');
      replay.delete('content-length');
      // GitHub's 304 may carry the current Link (a list that grew a page); else the cached one.
      const link = response.headers.get('link') ?? cached.link;
      if (link) replay.set('link', link);
      else replay.delete('link');
      replay.set('etag', response.headers.get('etag') ?? cached.etag);
      const body = new Response(JSON.stringify(cached.body), {
        status: 200,
        statusText: 'OK',
        headers: replay,
      });
      Object.defineProperty(body, 'url', { value: response.url || url });
      return body;
    }
    const etag = response.headers.get('etag');
    const contentType = response.headers.get('content-type') ?? '';
    if (cache && method === 'GET' && response.status === 200 && etag && contentType.includes('json')) {
      try {
        const body: unknown = await response.clone().json();
        cache.set(url, {
          etag,
          link: response.headers.get('link') ?? undefined,
          contentType,
          body: redactForCache(url, body),
        });
      } catch {
        // Not JSON after all: leave it uncached; Octokit reports the parse problem itself.
      }
    }
    return response;
  };
