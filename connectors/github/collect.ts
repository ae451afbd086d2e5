// The walk over one organisation: org-level listings first (members, App installations, PAT
// grants and requests, credential authorizations, org secrets and webhooks, the default workflow
// token), then every repository with bounded concurrency. A failed call becomes a coverage gap
// naming the permission that would unlock it and the walk goes on; repository-level failures of
// the same kind are folded into one gap. Only a 401 stops (the whole provider).
import type { z } from 'zod';
import { isoDay } from '../../src/clock.js';
import { mapLimit } from '../../src/concurrency.js';
import { compareCodeUnits } from '../../src/order.js';
import type { CollectContext } from '../../src/connector.js';
import type { IdentityInput } from '../../src/model.js';
import { PER_PAGE, type GithubOctokit } from './client.js';
import type { GithubConfig } from './config.js';
import {
  type GapInput,
  authFailure,
  deniedByPermission,
  githubGap,
  httpError,
  isAuthFailure,
  isSamlEnforced,
  samlFailure,
} from './errors.js';
import { patPrivilege } from './privilege.js';
import {
  type BypassAnswer,
  type BypassSubject,
  type GithubReach,
  type OwnerRepoAccess,
  type OwnerRepoAnswer,
  type RepoPermission,
  type RulesetFacts,
  bypassOf,
} from './reach.js';
import {
  AUDIT_LOG_ACTIONS,
  AUDIT_LOG_RETENTION_DAYS,
  auditLogPhrase,
  foldAuditLog,
  oauthAppIdentity,
} from './oauth-apps.js';
import {
  type OrgFacts,
  type ScanTokenFacts,
  type SecretFamily,
  type SecretScope,
  credentialAuthorizationIdentity,
  deployKeyIdentity,
  installationIdentity,
  ownerRole,
  patGrantIdentity,
  patRequestIdentity,
  scanTokenIdentity,
  secretIdentity,
  webhookIdentity,
  workflowTokenIdentity,
} from './identities.js';
import {
  AuditLogEvent,
  CollaboratorPermission,
  CredentialAuthorization,
  DeployKey,
  Environment,
  GithubApp,
  Installation,
  PatGrant,
  PatRequest,
  Repository,
  RulesetDetail,
  RulesetSummary,
  Secret,
  SimpleUser,
  Webhook,
  WorkflowPermissions,
} from './schema.js';

export interface OrgWalk {
  org: string;
  octokit: GithubOctokit;
  ctx: CollectContext;
  config: GithubConfig;
  mode: 'app' | 'token';
  /** Classic PATs get scope names in gaps instead of fine-grained permission names. */
  classicToken: boolean;
  /** Where the credentials came from, for the 401 message. */
  credentialHint: string;
  /** Apps already looked up (one GET /apps/{slug} per app per run). */
  apps: Map<string, Promise<GithubApp | undefined>>;
  /** App mode: the scanner installation's repository selection (decides what a denial says). */
  repositorySelection?: 'all' | 'selected' | undefined;
  /** Token mode: the login the token belongs to (GET /user), when known. */
  principalLogin?: string | undefined;
  /** App mode: the installation the scan runs as (marked `scanner: true` in the listing). */
  scannerInstallationId?: number | undefined;
  /** Token mode: the scan's own token, inventoried as an identity (GET /user answered). */
  scanToken?: ScanTokenFacts | undefined;
}

// Octokit's type for a route string (without importing @octokit/types, not a direct dependency).
type Route = Parameters<GithubOctokit['paginate']['iterator']>[0] & string;

interface RepoFailure {
  gap: GapInput;
  repos: string[];
  /** Repositories not tried after GitHub named a missing permission (it applies to all of them). */
  notTried: number;
}

interface WalkState extends OrgWalk {
  failures: Map<string, RepoFailure>;
  /** Calls denied for a named permission: not repeated on the other repositories. */
  uniformlyDenied: Set<string>;
  /** The organisation's repositories, listed once (effective reach needs them before the walk). */
  repos?: Promise<Repository[] | undefined>;
  /** Effective-reach answers per (repository, user), cached for the scan of this organisation. */
  ownerAnswers: Map<string, Promise<OwnerRepoAnswer>>;
  /** Effective-reach calls made, and calls not made at the limit. */
  reachCalls: { made: number; skipped: number };
  /** The default-branch rulesets of each repository, read once (effective reach: bypass). */
  rulesets: Map<string, Promise<RulesetFacts[] | { notEvaluated: string }>>;
}

interface CallOptions {
  /** Repository-level calls fold their failures per call; org-level calls record each one. */
  repo?: string;
  resource?: string;
  /**
   * A denial naming a permission here holds for every repository: the caller reaches this one
   * through its installation or token, so the permission itself is missing. Not so on a public
   * repository outside an App's or token's selection: it is listed (public) but not granted.
   */
  denialAppliesToAll?: boolean;
}

const fail = (w: WalkState, call: string, err: unknown, opts: CallOptions): void => {
  if (isAuthFailure(err)) throw authFailure(call, err, w.credentialHint);
  if (isSamlEnforced(err)) throw samlFailure(w.org, call, err);
  if (opts.repo === undefined) {
    w.ctx.gap(githubGap(call, err, opts.resource ? { resource: opts.resource } : {}, w.classicToken));
    return;
  }
  const gap = githubGap(call, err, {}, w.classicToken);
  const key = `${call}\u0000${gap.code}\u0000${gap.permission ?? ''}`;
  const entry = w.failures.get(key) ?? { gap, repos: [], notTried: 0 };
  entry.repos.push(opts.repo);
  w.failures.set(key, entry);
  if (deniedByPermission(err) && opts.denialAppliesToAll === true) w.uniformlyDenied.add(call);
};

const invalid = (
  w: WalkState,
  call: string,
  issue: z.core.$ZodIssue | undefined,
  resource?: string,
): void => {
  w.ctx.gap({
    code: 'invalid_response',
    call,
    message: `an item did not have the expected shape: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown'}`,
    ...(resource ? { resource } : {}),
  });
};

/** Skips a repository-level call GitHub already refused for a missing permission. */
const skipped = (w: WalkState, call: string, opts: CallOptions): boolean => {
  if (opts.repo === undefined || !w.uniformlyDenied.has(call)) return false;
  for (const entry of w.failures.values()) {
    if (entry.gap.call === call) {
      entry.notTried += 1;
      break;
    }
  }
  return true;
};

/**
 * Octokit's paginator turns a 409 into an empty page it makes up ({ status: 200, headers: {},
 * data: [] }, without the `url` every real response has): an empty repository, or a feature
 * switched off there. Seen as such, it is a gap, not an empty list.
 */
const swallowedConflict = (page: object): boolean =>
  !('url' in page) && 'headers' in page && Object.keys(page.headers ?? {}).length === 0;

const CONFLICT = {
  status: 409,
  message: 'Conflict (Octokit read it as an empty list)',
  response: { headers: {} },
};

/** Metadata beside the list in GitHub's `{ total_count, <items>: [...] }` answers. */
const LIST_METADATA = new Set(['total_count', 'incomplete_results', 'repository_selection', 'total_commits']);

/**
 * The items of one page. Octokit unwraps `{ total_count, secrets: [...] }` only when
 * `total_count` is there; GitHub's schema makes it optional for some listings (environments), so
 * an object with exactly one list beside that metadata is read as that list.
 */
const pageItems = (data: unknown): unknown[] | undefined => {
  if (Array.isArray(data)) return data as unknown[];
  if (!data || typeof data !== 'object') return undefined;
  const lists = Object.entries(data as Record<string, unknown>).filter(
    ([k, v]) => !LIST_METADATA.has(k) && Array.isArray(v),
  );
  const [only] = lists;
  return lists.length === 1 && only ? (only[1] as unknown[]) : undefined;
};

/** Every item of a paginated listing (per_page 100), each parsed on its own; undefined on failure. */
const listAll = async <S extends z.ZodType>(
  w: WalkState,
  call: string,
  params: Record<string, unknown>,
  schema: S,
  opts: CallOptions = {},
): Promise<z.infer<S>[] | undefined> => {
  if (skipped(w, call, opts)) return undefined;
  return w.ctx.limit(async () => {
    const items: z.infer<S>[] = [];
    try {
      const pages = w.octokit.paginate.iterator(call as Route, { ...params, per_page: PER_PAGE });
      for await (const page of pages) {
        if (swallowedConflict(page)) {
          fail(w, call, CONFLICT, opts);
          return undefined;
        }
        const data = pageItems(page.data);
        if (!data) {
          // Never a silent empty list: an unexpected page shape is a gap.
          w.ctx.gap({
            code: 'invalid_response',
            call,
            message: 'a page of the listing was not a list',
            ...((opts.resource ?? opts.repo) ? { resource: opts.resource ?? opts.repo } : {}),
          });
          return undefined;
        }
        for (const raw of data) {
          const parsed = schema.safeParse(raw);
          if (parsed.success) items.push(parsed.data);
          else invalid(w, call, parsed.error.issues[0], opts.resource ?? opts.repo);
        }
      }
    } catch (err) {
      fail(w, call, err, opts);
      return undefined;
    }
    return items;
  });
};

/** One object; undefined on failure (recorded). */
const getOne = async <S extends z.ZodType>(
  w: WalkState,
  call: string,
  params: Record<string, unknown>,
  schema: S,
  opts: CallOptions = {},
): Promise<z.infer<S> | undefined> => {
  if (skipped(w, call, opts)) return undefined;
  return w.ctx.limit(async () => {
    let data: unknown;
    try {
      const response = await w.octokit.request(call as Route, params);
      data = response.data;
    } catch (err) {
      fail(w, call, err, opts);
      return undefined;
    }
    const parsed = schema.safeParse(data);
    if (parsed.success) return parsed.data;
    invalid(w, call, parsed.error.issues[0], opts.resource ?? opts.repo);
    return undefined;
  });
};

const flushRepoFailures = (w: WalkState): void => {
  for (const { gap, repos, notTried } of w.failures.values()) {
    const names = repos.slice(0, 5).join(', ') + (repos.length > 5 ? ', …' : '');
    const tail =
      notTried > 0
        ? `; not tried on ${notTried} more repositories, as the permission applies to all of them`
        : '';
    w.ctx.gap({
      ...gap,
      ...(repos.length === 1 && notTried === 0
        ? { resource: `${w.org}/${repos.join('')}`, message: gap.message }
        : { message: `${gap.message} (on ${repos.length} repositories: ${names}${tail})` }),
    });
  }
  w.failures.clear();
};

const listMembers = async (w: WalkState): Promise<Map<string, string> | undefined> => {
  const call = 'GET /orgs/{org}/members';
  // Two listings give each member's role without one call per member.
  const admins = await listAll(w, call, { org: w.org, role: 'admin' }, SimpleUser, {
    resource: `${w.org} (role=admin)`,
  });
  if (!admins) return undefined;
  const members = await listAll(w, call, { org: w.org, role: 'member' }, SimpleUser, {
    resource: `${w.org} (role=member)`,
  });
  if (!members) return undefined;
  const roles = new Map<string, string>();
  for (const m of members) roles.set(m.login.toLowerCase(), 'member');
  for (const a of admins) roles.set(a.login.toLowerCase(), 'admin');
  // GitHub shows a caller outside the organisation its public members only: everyone with a
  // private membership would look departed. The token's own login tells which list this is.
  if (w.principalLogin !== undefined && !roles.has(w.principalLogin.toLowerCase())) {
    w.ctx.gap({
      code: 'partial_data',
      call,
      resource: w.org,
      message: `the token's user ${w.principalLogin} is not a member of ${w.org}, and GitHub lists only public members to non-members; whether owners have left is not judged`,
      fallback: 'owners are reported without membership',
    });
    return undefined;
  }
  return roles;
};

/**
 * Outside collaborators are not members, and have not left: a deploy key an outside
 * collaborator added is not a departed owner's. Undefined when they could not be listed.
 */
const listOutsideCollaborators = async (w: WalkState): Promise<Set<string> | undefined> => {
  const users = await listAll(w, 'GET /orgs/{org}/outside_collaborators', { org: w.org }, SimpleUser);
  return users ? new Set(users.map((u) => u.login.toLowerCase())) : undefined;
};

const appBySlug = (w: WalkState, slug: string): Promise<GithubApp | undefined> => {
  let pending = w.apps.get(slug);
  if (!pending) {
    pending = getOne(w, 'GET /apps/{app_slug}', { app_slug: slug }, GithubApp, { resource: slug });
    w.apps.set(slug, pending);
  }
  return pending;
};

const AUDIT_LOG_CALL = 'GET /orgs/{org}/audit-log';
/** A page that was not a list: never read as an empty one. */
const INVALID_PAGE = Symbol('invalid page');

interface AuditLogRead {
  events: AuditLogEvent[];
  /** Pages read (over every listing). */
  pages: number;
  /** Every listing read to its last page. */
  complete: boolean;
}

/**
 * The OAuth-app events of the organisation audit log: one listing per action (auditLogPhrase),
 * from the start of the retention window. A failed page keeps what was read (partial, with a
 * gap); a refusal (403, 404) ends the reading, as it holds for every listing.
 */
const readAuditLog = async (w: WalkState): Promise<AuditLogRead> => {
  const since = new Date(w.ctx.clock.asOf.getTime() - AUDIT_LOG_RETENTION_DAYS * 86_400_000);
  const events: AuditLogEvent[] = [];
  let pages = 0;
  for (const [i, action] of AUDIT_LOG_ACTIONS.entries()) {
    const phrase = auditLogPhrase(action, since);
    const failure = await w.ctx.limit(async (): Promise<unknown> => {
      try {
        const iterator = w.octokit.paginate.iterator(AUDIT_LOG_CALL as Route, {
          org: w.org,
          phrase,
          per_page: PER_PAGE,
        });
        for await (const page of iterator) {
          if (swallowedConflict(page)) return CONFLICT;
          const data = pageItems(page.data);
          if (!data) return INVALID_PAGE;
          pages += 1;
          for (const raw of data) {
            const parsed = AuditLogEvent.safeParse(raw);
            if (parsed.success) events.push(parsed.data);
            else invalid(w, AUDIT_LOG_CALL, parsed.error.issues[0], w.org);
          }
        }
        return undefined;
      } catch (err) {
        return err;
      }
    });
    if (failure === undefined) continue;
    if (isAuthFailure(failure)) throw authFailure(AUDIT_LOG_CALL, failure, w.credentialHint);
    if (isSamlEnforced(failure)) throw samlFailure(w.org, AUDIT_LOG_CALL, failure);
    const notTried = AUDIT_LOG_ACTIONS.length - i - 1;
    w.ctx.gap(auditLogGap(w, failure, phrase, events.length, pages, notTried));
    return { events, pages, complete: false };
  }
  return { events, pages, complete: true };
};

/** The audit log's refusal or failure, saying what it means for OAuth apps. */
const auditLogGap = (
  w: WalkState,
  err: unknown,
  phrase: string,
  read: number,
  pages: number,
  notTried: number,
): GapInput => {
  const status = httpError(err)?.status;
  const resource = `${w.org} (phrase ${phrase})`;
  const base: GapInput =
    err === INVALID_PAGE
      ? {
          code: 'invalid_response',
          call: AUDIT_LOG_CALL,
          message: 'a page of the listing was not a list',
          resource,
        }
      : githubGap(AUDIT_LOG_CALL, err, { resource }, w.classicToken);
  const rest = notTried > 0 ? `; ${notTried} more listings not tried` : '';
  if (pages > 0)
    return {
      ...base,
      message: `${base.message}${rest}`,
      fallback: `${read} OAuth-app events from ${pages} pages read before the failure: OAuth apps listed from them only (partial)`,
    };
  if (status === 404) {
    // GitHub serves the audit log to Enterprise Cloud organisations only, and to their owners.
    // An App missing its permission is refused with 403 ("Resource not accessible by
    // integration"): with App auth a 404 is the plan; with a token it may be either.
    const app = w.mode === 'app';
    return {
      ...base,
      message: `${base.message.replace(/ \(GitHub answers 404[^)]*\)$/, '')}: the audit-log API is for Enterprise Cloud organisations only${app ? '; an App lacking the permission would be refused with 403, so this organisation is not on Enterprise Cloud' : ", and GitHub answers 404 as well to a caller who is not an organisation owner (or lacks the token's read:audit_log scope): either the plan or the caller"}${rest}`,
      fallback: 'OAuth apps are not listed from the audit log',
      ...(app ? { closable: false } : {}),
    };
  }
  return {
    ...base,
    message: `${base.message}${rest}`,
    fallback: 'OAuth apps are not listed from the audit log',
  };
};

/** The organisation's repositories, listed once per walk; undefined when off or not read. */
const orgRepos = (w: WalkState): Promise<Repository[] | undefined> => {
  w.repos ??= w.config.features.repositories
    ? listAll(w, 'GET /orgs/{org}/repos', { org: w.org, type: 'all' }, Repository)
    : Promise.resolve(undefined);
  return w.repos;
};

export const OWNER_PERMISSION_CALL = 'GET /repos/{owner}/{repo}/collaborators/{username}/permission';
const REPO_PERMISSIONS: ReadonlySet<string> = new Set(['admin', 'write', 'read', 'none']);

/**
 * A user's own permission on one repository (`permission` admin|write|read|none; `role_name`
 * tells maintain, triage or a custom role). Cached per (repository, user); past the call limit,
 * or on failure, the answer says why it is missing (a gap is recorded), never "none".
 */
const askOwner = (w: WalkState, repo: string, login: string): Promise<OwnerRepoAnswer> => {
  const key = `${repo.toLowerCase()}\u0000${login.toLowerCase()}`;
  const cached = w.ownerAnswers.get(key);
  if (cached) return cached;
  const call = OWNER_PERMISSION_CALL;
  let answer: Promise<OwnerRepoAnswer>;
  if (w.reachCalls.made >= w.config.reachCallLimit) {
    w.reachCalls.skipped += 1;
    answer = Promise.resolve({
      notEvaluated: `not asked: the limit of ${w.config.reachCallLimit} effective-reach calls (providers.github.reachCallLimit) was reached`,
    });
  } else if (skipped(w, call, { repo })) {
    answer = Promise.resolve({
      notEvaluated: 'not asked: GitHub refused the call on another repository for a missing permission',
    });
  } else {
    w.reachCalls.made += 1;
    answer = w.ctx.limit(async (): Promise<OwnerRepoAnswer> => {
      let data: unknown;
      try {
        data = (await w.octokit.request(call as Route, { owner: w.org, repo, username: login })).data;
      } catch (err) {
        fail(w, call, err, { repo: `${repo} (user ${login})`, denialAppliesToAll: true });
        const gap = githubGap(call, err, {}, w.classicToken);
        return {
          notEvaluated: `not read (${gap.code}${gap.permission ? `, needs ${gap.permission}` : ''})`,
        };
      }
      const parsed = CollaboratorPermission.safeParse(data);
      if (!parsed.success || !REPO_PERMISSIONS.has(parsed.data.permission)) {
        invalid(w, call, parsed.error?.issues[0], `${w.org}/${repo}`);
        return { notEvaluated: 'GitHub answered in an unexpected shape' };
      }
      return {
        permission: parsed.data.permission as RepoPermission,
        ...(parsed.data.role_name ? { roleName: parsed.data.role_name } : {}),
      };
    });
  }
  w.ownerAnswers.set(key, answer);
  return answer;
};

/**
 * The owner's own permission on the repositories where a user credential's nominal reach is write
 * or above. An organisation owner administers every repository: no call is needed. Undefined when
 * nothing was asked (read-only reach, an org owner, repositories not known).
 */
const ownerRepoAccess = async (
  w: WalkState,
  facts: OrgFacts,
  login: string,
  nominal: GithubReach,
): Promise<OwnerRepoAccess | undefined> => {
  if (ownerRole(facts, login) === 'admin' || w.config.reachCallLimit === 0) return undefined;
  const wanted = new Set<string>();
  let all: string[] | undefined;
  for (const e of nominal.permissions) {
    if (e.on === 'organization' || e.on === 'account' || e.on === 'selected (not listed)') continue;
    if (e.rank === 'none' || e.rank === 'read') continue;
    if (e.on === 'all') {
      all ??= (await orgRepos(w))?.map((r) => r.name);
      for (const r of all ?? []) wanted.add(r);
    } else for (const r of e.on) wanted.add(r);
  }
  if (wanted.size === 0) return undefined;
  const names = [...wanted].sort(compareCodeUnits);
  // The first answer alone: a refusal naming a permission then spares the other calls.
  const [first, ...rest] = names;
  const answers = first === undefined ? [] : [await askOwner(w, first, login)];
  answers.push(...(await Promise.all(rest.map((r) => askOwner(w, r, login)))));
  return {
    repos: new Map(names.map((r, i) => [r, answers[i] ?? { notEvaluated: 'not asked' }])),
    ...(all ? { all } : {}),
  };
};

/** A fine-grained token's identity, its reach capped by its owner's own repository permissions. */
const patIdentity = async (
  w: WalkState,
  facts: OrgFacts,
  token: { grant: PatGrant } | { request: PatRequest },
  repos: readonly string[] | undefined,
): Promise<IdentityInput> => {
  const {
    owner: tokenOwner,
    permissions,
    repository_selection,
  } = 'grant' in token ? token.grant : token.request;
  const owner = tokenOwner.login;
  const nominal = patPrivilege(
    w.org,
    permissions,
    repository_selection,
    repos,
    owner,
    ownerRole(facts, owner),
  );
  const ownerRepos = await ownerRepoAccess(w, facts, owner, nominal.reach);
  return 'grant' in token
    ? patGrantIdentity(facts, token.grant, repos, ownerRepos)
    : patRequestIdentity(facts, token.request, ownerRepos);
};

/** One gap for the effective-reach calls not made at the call limit. */
const reportReachLimit = (w: WalkState): void => {
  if (w.reachCalls.skipped === 0) return;
  w.ctx.gap({
    code: 'partial_data',
    call: OWNER_PERMISSION_CALL,
    resource: w.org,
    message: `effective reach: ${w.reachCalls.skipped} (repository, user) pairs or rulesets not asked after ${w.reachCalls.made} calls (providers.github.reachCallLimit = ${w.config.reachCallLimit}); the identities concerned say "not evaluated" there`,
    fallback:
      "repository permissions count as granted where the owner's access was not read; bypass is not judged where rulesets were not read",
  });
  w.reachCalls.skipped = 0;
};

const RULESETS = 'GET /repos/{owner}/{repo}/rulesets';
const RULESET = 'GET /repos/{owner}/{repo}/rulesets/{ruleset_id}';

/** Takes one effective-reach call from the budget; false at the limit (counted). */
const spend = (w: WalkState): boolean => {
  if (w.reachCalls.made >= w.config.reachCallLimit) {
    w.reachCalls.skipped += 1;
    return false;
  }
  w.reachCalls.made += 1;
  return true;
};

const LIMIT_REACHED = (w: WalkState): string =>
  `not read: the limit of ${w.config.reachCallLimit} effective-reach calls (providers.github.reachCallLimit) was reached`;

/**
 * The active branch rulesets of a repository (its own and the organisation's that apply, which
 * GitHub includes by default), each with its conditions and bypass actors. Read once per repository.
 */
const repoRulesets = (
  w: WalkState,
  repo: Repository,
  opts: CallOptions,
): Promise<RulesetFacts[] | { notEvaluated: string }> => {
  const cached = w.rulesets.get(repo.name);
  if (cached) return cached;
  const read = async (): Promise<RulesetFacts[] | { notEvaluated: string }> => {
    if (!spend(w)) return { notEvaluated: LIMIT_REACHED(w) };
    const params = { owner: w.org, repo: repo.name };
    const summaries = await listAll(w, RULESETS, params, RulesetSummary, opts);
    if (!summaries) return { notEvaluated: `${RULESETS} could not be read (see the coverage gaps)` };
    const out: RulesetFacts[] = [];
    for (const s of summaries) {
      // Only active branch rulesets protect a branch; the list already says which.
      if ((s.target !== undefined && s.target !== 'branch') || s.enforcement !== 'active') continue;
      if (!spend(w)) return { notEvaluated: LIMIT_REACHED(w) };
      const d = await getOne(w, RULESET, { ...params, ruleset_id: s.id }, RulesetDetail, opts);
      if (!d) return { notEvaluated: `ruleset ${s.name} could not be read (see the coverage gaps)` };
      out.push({
        name: d.name,
        target: d.target,
        enforcement: d.enforcement,
        include: d.conditions?.ref_name?.include ?? [],
        exclude: d.conditions?.ref_name?.exclude ?? [],
        bypassActors: d.bypass_actors,
      });
    }
    return out;
  };
  const pending = read();
  w.rulesets.set(repo.name, pending);
  return pending;
};

/** Which default-branch rulesets of a repository the subject may bypass; why unknown otherwise. */
const bypassFor = async (
  w: WalkState,
  repo: Repository,
  subject: BypassSubject,
  opts: CallOptions,
): Promise<BypassAnswer> => {
  if (w.config.reachCallLimit === 0)
    return { notEvaluated: 'not read (providers.github.reachCallLimit is 0)' };
  if (!repo.default_branch) return { notEvaluated: `the default branch of ${repo.name} is not known` };
  const rulesets = await repoRulesets(w, repo, opts);
  return 'notEvaluated' in rulesets ? rulesets : bypassOf(rulesets, repo.default_branch, subject);
};

async function* orgLevel(w: WalkState, facts: OrgFacts): AsyncGenerator<IdentityInput> {
  const { org, config, mode } = w;
  const f = config.features;

  if (f.appInstallations) {
    const installations = await listAll(w, 'GET /orgs/{org}/installations', { org }, Installation);
    // GitHub lists an installation's selected repositories only to that installation: the
    // scanner's own selection can be named, any other App's stays "selected (not listed)".
    const ownSelection =
      w.mode === 'app' && w.repositorySelection === 'selected' && installations?.length
        ? (await listAll(w, 'GET /installation/repositories', {}, Repository))?.map((r) => r.name)
        : undefined;
    for (const inst of installations ?? []) {
      const identity = installationIdentity(
        facts,
        inst,
        await appBySlug(w, inst.app_slug),
        inst.id === w.scannerInstallationId && inst.repository_selection === 'selected'
          ? ownSelection
          : undefined,
      );
      // The scanner's own credential is an identity like any other, marked as such (as AWS does).
      yield inst.id === w.scannerInstallationId
        ? {
            ...identity,
            attributes: {
              ...identity.attributes,
              scanner: true,
              scannerPrincipal: `app/${inst.app_slug} (installation ${inst.id} on ${org})`,
            },
          }
        : identity;
    }
  }

  // Fine-grained PAT grants and requests: GitHub lists them to GitHub Apps only.
  const patCalls = [
    ['patGrants', 'GET /orgs/{org}/personal-access-tokens', 'organization_personal_access_tokens=read'],
    [
      'patRequests',
      'GET /orgs/{org}/personal-access-token-requests',
      'organization_personal_access_token_requests=read',
    ],
  ] as const;
  for (const [feature, call, permission] of patCalls) {
    if (!f[feature]) continue;
    if (mode !== 'app') {
      w.ctx.gap({
        code: 'not_supported',
        call,
        message:
          'only a GitHub App can list fine-grained personal access tokens; scan with auth.type "app" to see them',
        permission: `${permission} (GitHub App)`,
        // No scope of a token closes it: only another kind of credential (an App) can.
        closable: false,
      });
      continue;
    }
    if (feature === 'patGrants') {
      for (const grant of (await listAll(w, call, { org }, PatGrant)) ?? []) {
        let repos: string[] | undefined;
        if (grant.repository_selection === 'subset') {
          repos = (
            await listAll(
              w,
              'GET /orgs/{org}/personal-access-tokens/{pat_id}/repositories',
              { org, pat_id: grant.id },
              Repository,
              {
                resource: `pat ${grant.id}`,
              },
            )
          )?.map((r) => r.name);
        }
        yield await patIdentity(w, facts, { grant }, repos);
      }
    } else {
      for (const req of (await listAll(w, call, { org }, PatRequest)) ?? [])
        yield await patIdentity(w, facts, { request: req }, undefined);
    }
  }

  const ssoCall = 'GET /orgs/{org}/credential-authorizations';
  let auths: CredentialAuthorization[] | undefined;
  if (f.credentialAuthorizations) {
    auths = await listAll(w, ssoCall, { org }, CredentialAuthorization);
    for (const auth of auths ?? []) yield credentialAuthorizationIdentity(facts, auth);
  }
  // The audit log narrows the OAuth gap (Enterprise Cloud); it never closes it (retention).
  let auditLog: string | undefined;
  if (f.oauthApps) {
    const read = await readAuditLog(w);
    if (read.pages > 0) {
      const fold = foldAuditLog(read.events);
      const apps = fold.apps
        .map((app) => oauthAppIdentity(org, app))
        .sort((a, b) => compareCodeUnits(a.uid, b.uid));
      yield* apps;
      const window = `events of the last ${AUDIT_LOG_RETENTION_DAYS} days${fold.oldest ? ` (oldest event ${isoDay(fold.oldest)})` : ' (none found)'}`;
      w.ctx.note(
        `GitHub ${org}: ${apps.length} OAuth apps from audit log ${window}${read.complete ? '' : ', read in part'}${fold.unattributed > 0 ? `; ${fold.unattributed} events named no application and are not attributed` : ''}; an app authorised before the window and not requested, approved or denied since is not seen`,
      );
      auditLog = read.complete
        ? `narrowed by ${AUDIT_LOG_CALL}: ${apps.length} OAuth apps from ${window}; an app authorised earlier is not seen, so the list is a lower bound`
        : `${AUDIT_LOG_CALL} read in part (see its gap): ${apps.length} OAuth apps from the pages read`;
    } else {
      auditLog = `${AUDIT_LOG_CALL} could not be read (see its gap): OAuth apps are not listed from the audit log`;
    }
  }
  if (f.credentialAuthorizations || f.oauthApps) {
    const sso = !f.credentialAuthorizations
      ? undefined
      : auths
        ? `covered by ${ssoCall}: OAuth app tokens authorised for SSO`
        : `${ssoCall} could not be read: OAuth app tokens are not inventoried`;
    w.ctx.gap({
      code: 'not_supported',
      call: 'github:oauth-app-authorizations',
      message: `GitHub has no REST endpoint listing the OAuth apps members authorised for an organisation; on Enterprise Cloud, OAuth app tokens are seen through SAML SSO credential authorizations and the organisation's decisions on OAuth apps through its audit log (${AUDIT_LOG_RETENTION_DAYS} days)`,
      closable: false, // no API: no permission closes it
      fallback: [sso, auditLog].filter((x) => x !== undefined).join('; '),
      // As before the audit log: SSO authorizations read count as the recovery.
      ...(auths ? { recovered: true } : {}),
    });
  }

  if (f.orgSecrets) {
    for (const family of ['actions', 'dependabot', 'codespaces'] as const) {
      const call = `GET /orgs/{org}/${family}/secrets`;
      for (const secret of (await listAll(w, call, { org }, Secret)) ?? []) {
        let selected: string[] | undefined;
        if (secret.visibility === 'selected') {
          selected = (
            await listAll(
              w,
              `${call}/{secret_name}/repositories`,
              { org, secret_name: secret.name },
              Repository,
              {
                resource: `${family} secret ${secret.name}`,
              },
            )
          )?.map((r) => r.name);
        }
        yield secretIdentity(facts, family, { level: 'organization' }, secret, selected);
      }
    }
  }

  if (f.orgWebhooks) {
    for (const hook of (await listAll(w, 'GET /orgs/{org}/hooks', { org }, Webhook)) ?? []) {
      yield webhookIdentity(facts, undefined, hook);
    }
  }
}

const repoIdentities = async (
  w: WalkState,
  facts: OrgFacts,
  repo: Repository,
  orgWorkflow: WorkflowPermissions | undefined,
  /** Repositories that keep the org's workflow-token default (filled here). */
  inherits: string[],
): Promise<IdentityInput[]> => {
  const { org, config } = w;
  const f = config.features;
  const params = { owner: org, repo: repo.name };
  const publicRepo =
    repo.visibility === 'public' || (repo.visibility === undefined && repo.private === false);
  const denialAppliesToAll = !publicRepo || w.repositorySelection === 'all';
  const opts: CallOptions = { repo: repo.name, denialAppliesToAll };
  const out: IdentityInput[] = [];

  const keys = f.deployKeys
    ? ((await listAll(w, 'GET /repos/{owner}/{repo}/keys', params, DeployKey, opts)) ?? [])
    : [];
  const secretLists: [boolean, SecretFamily][] = [
    [f.actionsSecrets, 'actions'],
    [f.dependabotSecrets, 'dependabot'],
    [f.codespacesSecrets, 'codespaces'],
  ];
  for (const [on, family] of secretLists) {
    if (!on) continue;
    const scope: SecretScope = { level: 'repository', repo };
    for (const s of (await listAll(w, `GET /repos/{owner}/{repo}/${family}/secrets`, params, Secret, opts)) ??
      []) {
      out.push(secretIdentity(facts, family, scope, s));
    }
  }
  if (f.environmentSecrets) {
    const envs = await listAll(w, 'GET /repos/{owner}/{repo}/environments', params, Environment, opts);
    for (const env of envs ?? []) {
      const call = 'GET /repos/{owner}/{repo}/environments/{environment_name}/secrets';
      const secrets = await listAll(w, call, { ...params, environment_name: env.name }, Secret, {
        repo: `${repo.name} (environment ${env.name})`,
        denialAppliesToAll,
      });
      for (const s of secrets ?? []) {
        out.push(secretIdentity(facts, 'actions', { level: 'environment', repo, environment: env.name }, s));
      }
    }
  }
  if (f.webhooks) {
    for (const hook of (await listAll(w, 'GET /repos/{owner}/{repo}/hooks', params, Webhook, opts)) ?? []) {
      out.push(webhookIdentity(facts, repo, hook));
    }
  }
  if (f.workflowPermissions) {
    const perms = await getOne(
      w,
      'GET /repos/{owner}/{repo}/actions/permissions/workflow',
      params,
      WorkflowPermissions,
      opts,
    );
    // One problem, one identity: a repository that keeps the org's default is the org's token,
    // inventoried (and judged) once there; only an override is an identity of its own.
    if (perms && orgWorkflow && sameWorkflowSetting(perms, orgWorkflow)) inherits.push(repo.name);
    else if (perms) out.push(workflowTokenIdentity(facts, repo, perms, orgWorkflow));
  }
  // Effective reach last, after the repository's own listings: only a key that can push makes
  // the bypass question worth its calls. Deploy keys stay first among the repository's identities.
  const bypass = keys.some((k) => k.read_only !== true)
    ? await bypassFor(w, repo, { deployKey: true }, opts)
    : undefined;
  out.unshift(...keys.map((key) => deployKeyIdentity(facts, repo, key, bypass)));
  return out;
};

/** Enumerates one organisation's non-human identities. */
export async function* walkOrg(walk: OrgWalk): AsyncGenerator<IdentityInput> {
  const w: WalkState = {
    ...walk,
    failures: new Map(),
    uniformlyDenied: new Set(),
    ownerAnswers: new Map(),
    reachCalls: { made: 0, skipped: 0 },
    rulesets: new Map(),
  };
  const { org, config } = w;
  const f = config.features;

  const members = f.members ? await listMembers(w) : undefined;
  const outsideCollaborators = members ? await listOutsideCollaborators(w) : undefined;
  const facts: OrgFacts = {
    org,
    members,
    ...(outsideCollaborators ? { outsideCollaborators } : {}),
    appOwners: config.appOwners,
    asOf: w.ctx.clock.asOf,
  };
  if (members)
    w.ctx.note(
      outsideCollaborators
        ? `GitHub ${org}: ${members.size} members and ${outsideCollaborators.size} outside collaborators listed; owners who are neither count as departed`
        : `GitHub ${org}: ${members.size} members listed; owners who are not members count as departed (outside collaborators were not listed)`,
    );
  // Not a gap (nothing failed), but a limit of what GitHub records, worth stating once.
  w.ctx.note(
    `GitHub ${org}: GitHub does not record when secrets, webhooks or App installations were last used; use is judged for tokens, SSO-authorised credentials and deploy keys`,
  );

  if (w.scanToken) yield scanTokenIdentity(facts, w.scanToken);
  yield* orgLevel(w, facts);

  let orgWorkflow: WorkflowPermissions | undefined;
  if (f.workflowPermissions) {
    orgWorkflow = await getOne(
      w,
      'GET /orgs/{org}/actions/permissions/workflow',
      { org },
      WorkflowPermissions,
    );
  }
  // The org default is yielded after the repositories, with those that inherit it.
  const inherits: string[] = [];
  const orgToken = (): IdentityInput | undefined =>
    orgWorkflow
      ? workflowTokenIdentity(facts, undefined, orgWorkflow, undefined, [...inherits].sort(compareCodeUnits))
      : undefined;

  const repos = await orgRepos(w);
  reportReachLimit(w);
  if (!repos) {
    // Effective-reach calls fold their failures per call, like the repository walk's.
    flushRepoFailures(w);
    const token = orgToken();
    if (token) yield token;
    return;
  }
  w.ctx.note(`GitHub ${org}: ${repos.length} repositories visited`);
  // Repositories run concurrently; each call inside also takes a slot of ctx.limit.
  const perRepo = await mapLimit(repos, w.ctx.concurrency, (repo) =>
    repoIdentities(w, facts, repo, orgWorkflow, inherits),
  );
  flushRepoFailures(w);
  reportReachLimit(w);
  const token = orgToken();
  if (token) yield token;
  if (inherits.length > 0)
    w.ctx.note(
      `GitHub ${org}: ${inherits.length} repositories keep the organisation's workflow-token default: inventoried once, as the organisation's (attribute inheritedBy)`,
    );
  for (const identities of perRepo) yield* identities;
}

/** Same default permissions and the same pull-request approval setting as the organisation. */
const sameWorkflowSetting = (a: WorkflowPermissions, b: WorkflowPermissions): boolean =>
  a.default_workflow_permissions === b.default_workflow_permissions &&
  a.can_approve_pull_request_reviews === b.can_approve_pull_request_reviews;
