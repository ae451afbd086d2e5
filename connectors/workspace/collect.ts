// The walk of one Workspace account. Tokens mode: users.list (500 a page), then tokens.list for
// every user through the target's limiter — the grants as they stand now. Reports mode: the
// Reports API token activity (authorize and revoke events, 1000 a page) replayed in time order —
// the grants made inside the look-back window and not revoked since. Either way the grants are
// grouped per client id and handed to identities.ts. A refused list ends the target with a gap
// naming the scope and admin privilege; a refused user is a gap and the rest goes on.
import type { admin_directory_v1, admin_reports_v1 } from '@googleapis/admin';
import type { z } from 'zod';
import { addDays } from '../../src/clock.js';
import type { CollectContext } from '../../src/connector.js';
import { ScanError } from '../../src/errors.js';
import { logCall } from '../../src/permissions.js';
import type { IdentityInput } from '../../src/model.js';
import type { WorkspaceClients } from './client.js';
import { ADMIN_SCOPES, type WorkspaceConfig } from './config.js';
import { type AppGrants, toIdentities } from './identities.js';
import { invalidResponse, readFailure, workspaceGap } from './errors.js';
import { timeGoogleCall } from '../gcp/gaxios-failure.js';
import { Activities, Activity, Token, Tokens, User, Users } from './schema.js';

/** What unlocks each call: the OAuth scope and the admin privilege (readme.md, permissions.ts). */
export const CALL_PERMISSION: Readonly<Record<string, string>> = {
  'directory.users.list': `${ADMIN_SCOPES.users} and the admin privilege Users > Read`,
  'directory.tokens.list': `${ADMIN_SCOPES.tokens} and the admin privilege Security > User security management`,
  'reports.activities.list': `${ADMIN_SCOPES.reports} and the admin privilege Reports`,
};

/** Names each call in the debug call trace, as permissions.ts names it, and times it (`--verbose`). */
const traced = <T>(ctx: Pick<CollectContext, 'log'>, name: string, fn: () => T): T => {
  logCall(ctx.log, 'workspace', name);
  return timeGoogleCall(ctx.log, 'workspace', name, fn);
};

/** Page sizes: the maximum each list method accepts. */
export const USERS_PAGE = 500;
export const ACTIVITIES_PAGE = 1000;
const MAX_PAGES = 100_000;

/** Calls each inventory mode makes for a domain of `users` users and `events` token events. */
export const inventoryCalls = (o: {
  users: number;
  events: number;
}): { tokens: number; reports: number } => ({
  tokens: Math.max(1, Math.ceil(o.users / USERS_PAGE)) + o.users,
  reports: Math.max(1, Math.ceil(o.events / ACTIVITIES_PAGE)),
});

export interface WorkspaceWalk {
  clients: WorkspaceClients;
  ctx: CollectContext;
  config: WorkspaceConfig;
}

const call = async <S extends z.ZodType>(
  ctx: Pick<CollectContext, 'limit' | 'log'>,
  name: string,
  schema: S,
  fn: () => Promise<{ data: unknown }>,
): Promise<z.output<S>> => {
  const res = await ctx.limit(() => traced(ctx, name, fn));
  const parsed = schema.safeParse(res.data ?? {});
  if (!parsed.success) throw invalidResponse(name, parsed.error.issues[0]?.message ?? 'unknown');
  return parsed.data;
};

/** Every page of a list call; a repeated page token is a broken answer, not an endless loop. */
const pages = async <S extends z.ZodType<{ nextPageToken?: string | undefined }>>(
  ctx: Pick<CollectContext, 'limit' | 'log'>,
  name: string,
  schema: S,
  fetch: (pageToken: string | undefined) => Promise<{ data: unknown }>,
): Promise<z.output<S>[]> => {
  const out: z.output<S>[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await call(ctx, name, schema, () => fetch(token));
    out.push(page);
    token = page.nextPageToken || undefined;
    if (token !== undefined) {
      if (seen.has(token) || seen.size >= MAX_PAGES) throw invalidResponse(name, 'the page token repeats');
      seen.add(token);
    }
  } while (token !== undefined);
  return out;
};

/** Items that parse; the rest is one invalid_response gap (never silently dropped). */
const parseItems = <S extends z.ZodType>(
  ctx: CollectContext,
  name: string,
  schema: S,
  items: readonly unknown[],
): z.output<S>[] => {
  const out: z.output<S>[] = [];
  let bad = 0;
  for (const item of items) {
    const p = schema.safeParse(item);
    if (p.success) out.push(p.data);
    else bad++;
  }
  if (bad > 0)
    ctx.gap({
      code: 'invalid_response',
      call: name,
      message: `${bad} item(s) did not have the expected shape and were not judged`,
    });
  return out;
};

/** A list the whole target rests on: its failure ends the target, naming what would unlock it. */
const targetFailure = (name: string, err: unknown, resource: string): ScanError => {
  const gap = workspaceGap(name, err, { resource, permission: CALL_PERMISSION[name] ?? '' });
  return new ScanError(gap, gap.code === 'auth_failed' ? 'provider' : 'target', { cause: err });
};

const listUsers = async (walk: WorkspaceWalk): Promise<User[]> => {
  const { clients, ctx, config } = walk;
  const name = 'directory.users.list';
  try {
    const all = await pages(ctx, name, Users, (pageToken) =>
      clients.directory.users.list(
        {
          customer: config.customer,
          maxResults: USERS_PAGE,
          projection: 'basic',
          fields: 'nextPageToken,users(id,primaryEmail,suspended,archived)',
          ...(pageToken ? { pageToken } : {}),
        } satisfies admin_directory_v1.Params$Resource$Users$List,
        clients.opts,
      ),
    );
    return parseItems(
      ctx,
      name,
      User,
      all.flatMap((p) => p.users ?? []),
    );
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    throw targetFailure(name, err, config.customer);
  }
};

const grantsFromTokens = async (walk: WorkspaceWalk): Promise<AppGrants> => {
  const { clients, ctx } = walk;
  const users = await listUsers(walk);
  const name = 'directory.tokens.list';
  const apps: AppGrants = { apps: new Map(), complete: true, source: 'tokens' };
  const failed = new Map<string, { err: unknown; users: string[] }>();
  await Promise.all(
    users.map(async (user) => {
      let tokens: Token[];
      try {
        const res = await call(ctx, name, Tokens, () =>
          clients.directory.tokens.list(
            { userKey: user.id } satisfies admin_directory_v1.Params$Resource$Tokens$List,
            clients.opts,
          ),
        );
        tokens = parseItems(ctx, name, Token, res.items ?? []);
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        const f = readFailure(err);
        const key = `${f.httpStatus ?? ''}:${f.reason ?? f.code ?? ''}`;
        const entry = failed.get(key) ?? { err, users: [] };
        entry.users.push(user.primaryEmail);
        failed.set(key, entry);
        return;
      }
      for (const t of tokens) {
        const app = apps.apps.get(t.clientId) ?? {
          clientId: t.clientId,
          displayText: t.displayText,
          anonymous: t.anonymous,
          nativeApp: t.nativeApp,
          users: [],
        };
        app.users.push({
          email: user.primaryEmail,
          userId: user.id,
          ...(user.suspended !== undefined ? { suspended: user.suspended } : {}),
          ...(user.archived !== undefined ? { archived: user.archived } : {}),
          scopes: t.scopes ?? [],
        });
        // Google reports one verdict per client; a token that says so makes the app anonymous.
        if (t.anonymous === true) app.anonymous = true;
        if (t.nativeApp === true) app.nativeApp = true;
        apps.apps.set(t.clientId, app);
      }
    }),
  );
  for (const { err, users: who } of failed.values()) {
    apps.complete = false;
    const gap = workspaceGap(name, err, { resource: who[0] ?? '', permission: CALL_PERMISSION[name] ?? '' });
    const more = who.length > 1 ? ` (and ${who.length - 1} more users with the same error)` : '';
    ctx.gap({
      ...gap,
      message: gap.message + more,
      fallback: "those users' grants are unknown: every app's user count is a lower bound",
    });
  }
  ctx.note(
    `Workspace ${walk.config.domain}: ${users.length} users, each one's OAuth grants read with tokens.list (${users.length + Math.max(1, Math.ceil(users.length / USERS_PAGE))} Admin SDK calls)`,
  );
  return apps;
};

const param = (
  event: NonNullable<Activity['events']>[number],
  key: string,
): { value?: string | undefined; multiValue?: string[] | undefined } | undefined =>
  event.parameters?.find((p) => p.name === key);

const grantsFromReports = async (walk: WorkspaceWalk): Promise<AppGrants> => {
  const { clients, ctx, config } = walk;
  const name = 'reports.activities.list';
  const start = addDays(ctx.clock.asOf, -config.lookbackDays).toISOString();
  let items: Activity[];
  try {
    const all = await pages(ctx, name, Activities, (pageToken) =>
      clients.reports.activities.list(
        {
          userKey: 'all',
          applicationName: 'token',
          customerId: config.customer === 'my_customer' ? undefined : config.customer,
          startTime: start,
          endTime: ctx.clock.asOf.toISOString(),
          maxResults: ACTIVITIES_PAGE,
          ...(pageToken ? { pageToken } : {}),
        } satisfies admin_reports_v1.Params$Resource$Activities$List,
        clients.opts,
      ),
    );
    items = parseItems(
      ctx,
      name,
      Activity,
      all.flatMap((p) => p.items ?? []),
    );
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    throw targetFailure(name, err, config.customer);
  }
  // Oldest first: a revoke after an authorize removes the grant; a later authorize restores it.
  const events = items
    .flatMap((a) => (a.events ?? []).map((e) => ({ time: a.id.time, actor: a.actor?.email, event: e })))
    .filter((e) => e.event.name === 'authorize' || e.event.name === 'revoke')
    .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  type Grant = { scopes: string[]; at: string; name?: string; native?: boolean };
  const state = new Map<string, Map<string, Grant>>();
  let unattributed = 0;
  for (const { time, actor, event } of events) {
    const clientId = param(event, 'client_id')?.value;
    if (!clientId || !actor) {
      unattributed++;
      continue;
    }
    const perUser = state.get(clientId) ?? new Map<string, Grant>();
    if (event.name === 'revoke') perUser.delete(actor);
    else {
      const type = param(event, 'client_type')?.value;
      const appName = param(event, 'app_name')?.value;
      perUser.set(actor, {
        scopes: param(event, 'scope')?.multiValue ?? [],
        at: time,
        ...(appName ? { name: appName } : {}),
        ...(type ? { native: type.startsWith('NATIVE_') } : {}),
      });
    }
    state.set(clientId, perUser);
  }
  if (unattributed > 0)
    ctx.gap({
      code: 'partial_data',
      call: name,
      message: `${unattributed} token event(s) named no client id or no user and were not counted`,
    });
  const apps: AppGrants = { apps: new Map(), complete: true, source: 'reports' };
  for (const [clientId, perUser] of state) {
    if (perUser.size === 0) continue;
    const grants = [...perUser.entries()];
    const named = grants.map(([, g]) => g.name).find((n) => n !== undefined);
    const native = grants.some(([, g]) => g.native === true);
    apps.apps.set(clientId, {
      clientId,
      displayText: named,
      anonymous: undefined, // the token events do not say
      nativeApp: native ? true : grants.every(([, g]) => g.native === false) ? false : undefined,
      users: grants.map(([email, g]) => ({ email, scopes: g.scopes, grantedAt: g.at })),
    });
  }
  ctx.note(
    `Workspace ${config.domain}: OAuth grants from the Reports API token activity since ${start} (${items.length} activities): grants older than the window are not seen; use inventory: tokens for the full picture`,
  );
  return apps;
};

export async function* walkWorkspace(walk: WorkspaceWalk): AsyncGenerator<IdentityInput> {
  const { ctx, config } = walk;
  // Said every scan: no Admin SDK method lists the clients granted domain-wide delegation.
  ctx.note(
    `Workspace ${config.domain}: service accounts with domain-wide delegation are not listable through any Google API; review them in the Admin console (Security > Access and data control > API controls > Domain-wide delegation)`,
  );
  const grants = config.inventory === 'tokens' ? await grantsFromTokens(walk) : await grantsFromReports(walk);
  let count = 0;
  for (const identity of toIdentities(grants, config)) {
    count++;
    yield identity;
  }
  ctx.note(`Workspace ${config.domain}: ${count} third-party OAuth apps authorised by users`);
}
