// OAuth apps from the organisation audit log (Enterprise Cloud): GitHub has no endpoint listing
// the OAuth apps an organisation's members authorised, but the audit log records the
// organisation's decisions on them (access requested, approved, denied, blocked) and the life of
// the OAuth apps the organisation owns. Events are folded into one identity per application
// (pure functions; the call is in collect.ts). Event names: GitHub's "Audit log events for your
// organization" (readme.md, "OAuth apps").
import { isoDay } from '../../src/clock.js';
import type { IdentityInput } from '../../src/model.js';
import { GITHUB_KINDS, OAuthAppAttributes, type Written } from './attributes.js';
import type { AuditLogEvent } from './schema.js';

/** GitHub keeps an organisation's audit-log events this long (Git events: 7 days, not read). */
export const AUDIT_LOG_RETENTION_DAYS = 180;

/** The organisation's decisions on an OAuth app's access to its data. */
const ACCESS_ACTIONS = {
  'org.oauth_app_access_requested': 'requested',
  'org.oauth_app_access_approved': 'approved',
  'org.oauth_app_access_denied': 'denied',
  'org.oauth_app_access_blocked': 'blocked',
  'org.oauth_app_access_unblocked': 'unblocked',
} as const;

/** The `oauth_application` category: OAuth apps the organisation owns. */
const OWNED_CATEGORY = 'oauth_application';

/**
 * One `phrase` per call: the search syntax documents one `action:` qualifier (an action, or a
 * whole category) and says nothing of several; six small listings are certain to mean what they say.
 */
export const AUDIT_LOG_ACTIONS: readonly string[] = [...Object.keys(ACCESS_ACTIONS), OWNED_CATEGORY];

/**
 * The search phrase for one action or category, from `since` on: without a `created` qualifier
 * GitHub returns only the last three months, with it the whole retention window.
 */
export const auditLogPhrase = (action: string, since: Date): string =>
  `action:${action} created:>=${isoDay(since)}`;

/** An event this module folds (the phrase filters server-side; this keeps the fold honest). */
export const isOAuthAppEvent = (action: string): boolean =>
  action in ACCESS_ACTIONS || action.startsWith(`${OWNED_CATEGORY}.`);

export interface OAuthAppFacts {
  key: string;
  id?: number;
  name?: string;
  access?: (typeof ACCESS_ACTIONS)[keyof typeof ACCESS_ACTIONS];
  ownedByOrg: boolean;
  destroyed: boolean;
  createdAt?: string;
  firstSeenAt: string;
  lastSeenAt: string;
  authorizedBy: Set<string>;
  requestedBy: Set<string>;
  deniedBy: Set<string>;
  lastSecretChangeAt?: string;
  tokensRevokedAt?: string;
  actions: Map<string, number>;
}

export interface AuditLogFold {
  apps: OAuthAppFacts[];
  /** Events naming no application (neither id nor name): counted, never attributed by guess. */
  unattributed: number;
  /** Oldest and newest event read (ISO), when any was. */
  oldest?: string;
  newest?: string;
  events: number;
}

const eventTime = (e: AuditLogEvent): string | undefined => {
  const ms = e['@timestamp'] ?? e.created_at;
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
};

/**
 * Folds audit-log events into one record per OAuth application (by id, else by name), in time
 * order, so the last decision wins. Duplicates (the same `_document_id` from two listings) count once.
 */
export const foldAuditLog = (events: readonly AuditLogEvent[]): AuditLogFold => {
  const seen = new Set<string>();
  const timed: { e: AuditLogEvent; at: string }[] = [];
  let unattributed = 0;
  for (const e of events) {
    if (!isOAuthAppEvent(e.action)) continue;
    if (e._document_id !== undefined) {
      if (seen.has(e._document_id)) continue;
      seen.add(e._document_id);
    }
    const at = eventTime(e);
    // An event without a time cannot be ordered: counted with the unattributed, not guessed.
    if (at === undefined) {
      unattributed += 1;
      continue;
    }
    timed.push({ e, at });
  }
  timed.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const apps = new Map<string, OAuthAppFacts>();
  for (const { e, at } of timed) {
    // The app's own events (create, destroy, …) are about the application: its name may be `name`.
    const name = e.oauth_application ?? (e.action.startsWith(`${OWNED_CATEGORY}.`) ? e.name : undefined);
    const id = e.oauth_application_id;
    const key = id !== undefined ? `id:${id}` : name !== undefined ? `name:${name}` : undefined;
    if (key === undefined) {
      unattributed += 1;
      continue;
    }
    const app = apps.get(key) ?? {
      key,
      ownedByOrg: false,
      destroyed: false,
      firstSeenAt: at,
      lastSeenAt: at,
      authorizedBy: new Set<string>(),
      requestedBy: new Set<string>(),
      deniedBy: new Set<string>(),
      actions: new Map<string, number>(),
    };
    apps.set(key, app);
    if (id !== undefined) app.id = id;
    if (name !== undefined) app.name = name;
    app.lastSeenAt = at;
    app.actions.set(e.action, (app.actions.get(e.action) ?? 0) + 1);
    const actor = e.actor;
    const access = ACCESS_ACTIONS[e.action as keyof typeof ACCESS_ACTIONS] as OAuthAppFacts['access'];
    if (access !== undefined) {
      app.access = access;
      if (actor !== undefined) {
        if (access === 'approved' || access === 'unblocked') app.authorizedBy.add(actor);
        if (access === 'requested') app.requestedBy.add(actor);
        if (access === 'denied' || access === 'blocked') app.deniedBy.add(actor);
      }
      continue;
    }
    app.ownedByOrg = true;
    const op = e.action.slice(OWNED_CATEGORY.length + 1);
    if (op === 'create') {
      app.createdAt = at;
      app.destroyed = false;
    } else if (op === 'destroy') app.destroyed = true;
    else if (op === 'generate_client_secret' || op === 'reset_secret') app.lastSecretChangeAt = at;
    else if (op === 'revoke_all_tokens' || op === 'revoke_tokens') app.tokensRevokedAt = at;
  }
  return {
    apps: [...apps.values()],
    unattributed,
    events: timed.length,
    ...(timed.length > 0 ? { oldest: timed[0]?.at, newest: timed.at(-1)?.at } : {}),
  };
};

/** What the last events say: denied, blocked, deleted → no access; requested → pending. */
const activeOf = (app: OAuthAppFacts): boolean =>
  !app.destroyed && app.access !== 'denied' && app.access !== 'blocked' && app.access !== 'requested';

const sorted = (s: ReadonlySet<string>): string[] => [...s].sort();

export const oauthAppUid = (org: string, app: Pick<OAuthAppFacts, 'id' | 'name'>): string =>
  `github:${org}/oauth-app/${app.id !== undefined ? String(app.id) : `name:${app.name ?? ''}`}`;

export const oauthAppIdentity = (org: string, app: OAuthAppFacts): IdentityInput => {
  const active = activeOf(app);
  const revoked = app.destroyed || app.access === 'denied' || app.access === 'blocked';
  return {
    uid: oauthAppUid(org, app),
    provider: 'github',
    kind: GITHUB_KINDS.oauthApp,
    name: app.name ?? `OAuth app ${app.id ?? ''}`.trim(),
    location: { provider: 'github', scope: org },
    // Only an oauth_application.create event dates the app; an approval is not a creation.
    ...(app.createdAt ? { createdAt: app.createdAt } : {}),
    // GitHub records no owner for an OAuth app's access to the organisation: config names one.
    owner: null,
    // The scopes members granted are in no organisation event: privilege is not known.
    unknownFacts: ['privilege'],
    attributes: {
      providerRecordsOwner: false,
      ...(app.id !== undefined ? { oauthApplicationId: app.id } : {}),
      ...(app.name !== undefined ? { appName: app.name } : {}),
      ...(app.access !== undefined ? { access: app.access } : {}),
      ownedByOrg: app.ownedByOrg,
      active,
      // Denied, blocked or deleted: switched off, as a suspended installation is.
      ...(revoked ? { accessRevoked: true, disabled: true } : {}),
      ...(app.access === 'requested' ? { pending: true } : {}),
      // Nothing to own or retire while it holds no access (ownership: not applicable).
      ...(active ? {} : { holdsNoAccess: true }),
      ...(app.destroyed ? { deleted: true } : {}),
      firstSeenAt: app.firstSeenAt,
      lastSeenAt: app.lastSeenAt,
      authorizedBy: sorted(app.authorizedBy),
      requestedBy: sorted(app.requestedBy),
      ...(app.deniedBy.size > 0 ? { deniedBy: sorted(app.deniedBy) } : {}),
      ...(app.lastSecretChangeAt ? { lastClientSecretChangeAt: app.lastSecretChangeAt } : {}),
      ...(app.tokensRevokedAt ? { tokensRevokedAt: app.tokensRevokedAt } : {}),
      auditLogActions: Object.fromEntries([...app.actions.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
      auditLogWindowDays: AUDIT_LOG_RETENTION_DAYS,
      // GitHub's audit log says nothing of when an OAuth app last used its tokens.
      source: 'GET /orgs/{org}/audit-log',
    } satisfies Written<typeof OAuthAppAttributes>,
  };
};
