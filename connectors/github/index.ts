// The GitHub connector: the non-human identities of each configured organisation (or of every
// organisation a GitHub App is installed on). See readme.md for what it reads and the read-only
// permissions it needs; collect.ts for the walk; identities.ts for the mapping to the model.
import { ScanError, errorMessage } from '../../src/errors.js';
import { githubLight } from './provider.js';
import type { CollectContext, Connector, DoctorReport, Target } from '../../src/connector.js';
import {
  CLASSIC_ONLY_PERMISSIONS,
  CLASSIC_SCOPES,
  ENTERPRISE_PERMISSIONS,
  classicScopeIncludes,
  githubPermissions,
  parseScopesHeader,
} from './permissions.js';
import type { IdentityInput } from '../../src/model.js';
import {
  type ClientOptions,
  type GithubOctokit,
  PER_PAGE,
  appClient,
  loadCredentials,
  tokenClient,
} from './client.js';
import { GithubConfig } from './config.js';
import { type GithubTarget, orgTarget } from './targets.js';
import { enterpriseOrgs } from './enterprise.js';

export type { GithubTarget } from './targets.js';
import { type OrgWalk, walkOrg } from './collect.js';
import { type RequestStats, describeRequestStats, newRequestStats, openEtagCache } from './etag-cache.js';
import { authFailure, githubGap, isAuthFailure } from './errors.js';
import { Installation } from './schema.js';
import { type ScanTokenFacts, isPersonalToken, scanTokenType, tokenExpiryHeader } from './identities.js';

/** Resolves the installation of the App on `org`; a missing installation ends the target. */
const installationFor = async (app: GithubOctokit, org: string, hint: string): Promise<Installation> => {
  const call = 'GET /orgs/{org}/installation';
  let data: unknown;
  try {
    ({ data } = await app.rest.apps.getOrgInstallation({ org }));
  } catch (err) {
    if (isAuthFailure(err)) throw authFailure(call, err, hint);
    const gap = githubGap(call, err, { resource: org });
    if (gap.code === 'not_found') gap.message = `the GitHub App is not installed on ${org} (${gap.message})`;
    throw new ScanError(gap, 'target', { cause: err });
  }
  const parsed = Installation.safeParse(data);
  if (!parsed.success) {
    throw new ScanError({
      code: 'invalid_response',
      call,
      resource: org,
      message: 'unexpected installation payload',
    });
  }
  // A suspended installation gets no token: every call would fail the same way.
  if (parsed.data.suspended_at) {
    const by = parsed.data.suspended_by?.login;
    throw new ScanError({
      code: 'access_denied',
      call,
      resource: org,
      message: `the GitHub App's installation ${parsed.data.id} on ${org} is suspended (since ${parsed.data.suspended_at}${by ? `, by ${by}` : ''}); an organisation owner can unsuspend it`,
    });
  }
  return parsed.data;
};

/**
 * The scan's own token as facts (never the token: only the type its prefix names), from GET
 * /user's headers: classic scopes (x-oauth-scopes) and the expiry GitHub reports.
 */
const scanTokenFacts = (
  token: string,
  login: string,
  headers: Record<string, unknown>,
  ctx: CollectContext,
): ScanTokenFacts => {
  const tokenType = scanTokenType(token);
  const scopes = headers['x-oauth-scopes'];
  const header = headers['github-authentication-token-expiration'];
  let expiresAt: string | null | undefined;
  if (typeof header === 'string') {
    expiresAt = tokenExpiryHeader(header);
    if (expiresAt === undefined)
      ctx.gap({
        code: 'invalid_response',
        call: 'GET /user',
        message: `the github-authentication-token-expiration header is not a date GitHub documents (${header.slice(0, 40)})`,
        fallback: "the scan token's expiry is unknown",
        recovered: true,
      });
  } else {
    // GitHub sends the header for a personal token that expires: none means it never does.
    expiresAt = isPersonalToken(tokenType) ? null : undefined;
  }
  return { tokenType, login, scopesHeader: typeof scopes === 'string' ? scopes : undefined, expiresAt };
};

/** Orgs the App is installed on (GET /app/installations, JWT). */
const installedOrgs = async (app: GithubOctokit, hint: string): Promise<string[]> => {
  const call = 'GET /app/installations';
  try {
    const all = await app.paginate(app.rest.apps.listInstallations, { per_page: PER_PAGE });
    return all
      .map((raw) => Installation.safeParse(raw))
      .flatMap((p) =>
        p.success && p.data.target_type === 'Organization' && p.data.account ? [p.data.account.login] : [],
      )
      .sort();
  } catch (err) {
    if (isAuthFailure(err)) throw authFailure(call, err, hint);
    throw new ScanError(githubGap(call, err), 'target', { cause: err });
  }
};

/** The API root: from the environment variable the config names, else `baseUrl`. */
const apiRoot = (config: GithubConfig, env: NodeJS.ProcessEnv = process.env): string => {
  if (config.baseUrlEnv === undefined) return config.baseUrl;
  const value = env[config.baseUrlEnv]?.trim();
  if (!value || !/^https?:\/\/[^\s]+$/.test(value)) {
    throw new ScanError(
      {
        code: 'unknown',
        call: 'github:configuration',
        message: `environment variable ${config.baseUrlEnv} (providers.github.baseUrlEnv) ${value ? 'is not an http(s) URL' : 'is not set'}`,
      },
      'provider',
    );
  }
  return value.replace(/\/+$/, '');
};

/** Client options without an ETag cache (App JWT calls, listings, doctor). */
const uncachedOptions = (config: GithubConfig, ctx: CollectContext, stats: RequestStats): ClientOptions => ({
  baseUrl: apiRoot(config),
  stats,
  cache: undefined,
  log: ctx.log,
  signal: ctx.signal,
  requestTimeoutMs: ctx.requestTimeoutMs,
  rateLimitRetries: config.rateLimitRetries,
  rateLimitMaxWaitSeconds: config.rateLimitMaxWaitSeconds,
});

async function* collectGithub(
  target: Target<GithubTarget>,
  config: GithubConfig,
  ctx: CollectContext,
): AsyncGenerator<IdentityInput> {
  const creds = loadCredentials(config.auth, process.env, ctx.resolvePath);
  const stats = newRequestStats();
  // GitHub ties an ETag to the access token that fetched it, and an App gets a new installation
  // token on every run: no conditional request of an App scan could ever be answered 304, so its
  // bodies are not kept on disk for nothing.
  const cache =
    config.etagCache && creds.type === 'token' ? openEtagCache(ctx.resolvePath(config.etagCache)) : undefined;
  if (config.etagCache && creds.type === 'app') {
    ctx.note(
      'GitHub: ETag cache not used with App auth: GitHub ties ETags to the access token, and each run gets a new installation token, so no request could be answered 304 (the cache saves rate limit with token auth)',
    );
  }
  if (cache?.loadProblem) ctx.note(cache.loadProblem);
  const options: ClientOptions = {
    baseUrl: apiRoot(config),
    stats,
    cache,
    log: ctx.log,
    signal: ctx.signal,
    requestTimeoutMs: ctx.requestTimeoutMs,
    rateLimitRetries: config.rateLimitRetries,
    rateLimitMaxWaitSeconds: config.rateLimitMaxWaitSeconds,
  };
  const apps: OrgWalk['apps'] = new Map();
  try {
    if (creds.type === 'app') {
      const app = appClient(options, creds);
      // "installed" targets are listed by `expand`; here every target is one organisation.
      const org = typeof target.data.org === 'string' ? target.data.org : '';
      ctx.setScope(org);
      const installation = await installationFor(app, org, creds.source);
      ctx.setPrincipal(`app/${installation.app_slug} (installation ${installation.id} on ${org})`);
      yield* walkOrg({
        org,
        octokit: appClient(options, creds, installation.id),
        ctx,
        config,
        mode: 'app',
        classicToken: false,
        credentialHint: creds.source,
        apps,
        repositorySelection: installation.repository_selection,
        scannerInstallationId: installation.id,
      });
      return;
    }
    // Token mode: configured orgs only (the schema refuses "installed" without an App).
    const org = typeof target.data.org === 'string' ? target.data.org : '';
    ctx.setScope(org);
    const octokit = tokenClient(options, creds.token);
    let classicToken = false;
    let principalLogin: string | undefined;
    let scanToken: ScanTokenFacts | undefined;
    try {
      const { data, headers } = await octokit.rest.users.getAuthenticated();
      principalLogin = data.login;
      scanToken = scanTokenFacts(creds.token, data.login, headers, ctx);
      // Classic tokens report their scopes; fine-grained tokens send no x-oauth-scopes header.
      classicToken = typeof headers['x-oauth-scopes'] === 'string';
      ctx.setPrincipal(
        `${data.login} (${classicToken ? `classic token, scopes: ${headers['x-oauth-scopes'] || 'none'}` : 'fine-grained token'})`,
      );
    } catch (err) {
      if (isAuthFailure(err)) throw authFailure('GET /user', err, creds.source);
      ctx.gap(githubGap('GET /user', err, { fallback: 'principal unknown; the scan goes on' }));
    }
    yield* walkOrg({
      org,
      octokit,
      ctx,
      config,
      mode: 'token',
      classicToken,
      credentialHint: creds.source,
      apps,
      principalLogin,
      scanToken,
    });
  } finally {
    if (cache) {
      try {
        cache.save();
      } catch (err) {
        ctx.gap({
          code: 'unknown',
          call: 'github:etag-cache',
          message: `could not write the ETag cache ${cache.path}: ${errorMessage(err)}`,
          fallback: 'this scan is complete; the next one will not save rate limit',
          recovered: true,
        });
      }
    }
    ctx.note(
      describeRequestStats(
        stats,
        cache !== undefined,
        // An App scan can never be answered 304: never suggest a cache setting it would ignore.
        creds.type === 'app'
          ? config.etagCache
            ? 'ETag cache not used with App auth'
            : 'no ETag cache (App auth: each run gets a new installation token, which no ETag matches)'
          : undefined,
      ),
    );
  }
}

/**
 * `orgs: installed`: every organisation the App is installed on becomes a target of its own;
 * `enterprise`: every organisation of the enterprise does (src: enterprise.ts).
 */
const expandGithub = async (
  target: Target<GithubTarget>,
  config: GithubConfig,
  ctx: CollectContext,
): Promise<Target<GithubTarget>[] | undefined> => {
  if (typeof target.data.org === 'string') return undefined;
  if ('enterprise' in target.data.org) {
    const stats = newRequestStats();
    const orgs = await enterpriseOrgs(config, ctx, uncachedOptions(config, ctx, stats));
    return orgs.map(orgTarget);
  }
  const creds = loadCredentials(config.auth, process.env, ctx.resolvePath);
  if (creds.type !== 'app') return undefined; // the config schema refuses "installed" without an App
  const stats = newRequestStats();
  const app = appClient(uncachedOptions(config, ctx, stats), creds);
  ctx.setPrincipal(`GitHub App ${creds.appId}`);
  const orgs = await installedOrgs(app, creds.source);
  if (orgs.length === 0) ctx.note(`GitHub App ${creds.appId} is installed on no organisation`);
  return orgs.map(orgTarget);
};

/**
 * `nhiscan doctor` for one organisation. App auth: the installation's granted permissions (GET
 * /orgs/{org}/installation, App JWT — the call every App scan makes first) against the manifest.
 * Token auth: GET /user proves the token; a classic token's scopes (x-oauth-scopes) are compared
 * with the scope each permission needs (CLASSIC_SCOPES); a fine-grained token's permissions cannot
 * be listed, so every one is unknown, never granted.
 */
const doctorGithub = async (
  target: Target<GithubTarget>,
  config: GithubConfig,
  ctx: CollectContext,
): Promise<DoctorReport> => {
  const creds = loadCredentials(config.auth, process.env, ctx.resolvePath);
  const options = uncachedOptions(config, ctx, newRequestStats());
  const entries = githubPermissions.entries.filter((e) => !e.implicit);
  const org = typeof target.data.org === 'string' ? target.data.org : undefined;
  const unknown = (method: string, detail: string, principal?: string): DoctorReport => ({
    ...(principal ? { principal } : {}),
    method,
    checks: entries.map((e) => ({
      permission: e.permission,
      status: 'unknown',
      reads: e.reads,
      required: e.required,
      detail,
    })),
  });
  if (creds.type === 'app') {
    const app = appClient(options, creds);
    if (org === undefined) {
      const orgs = await installedOrgs(app, creds.source);
      return unknown(
        'GET /app/installations',
        `checked per organisation: name them under providers.github.orgs (installed on ${orgs.join(', ') || 'none'})`,
      );
    }
    const installation = await installationFor(app, org, creds.source);
    const granted = installation.permissions;
    return {
      principal: `app/${installation.app_slug} (installation ${installation.id} on ${org})`,
      method: "the App installation's granted permissions (GET /orgs/{org}/installation)",
      checks: entries.map((e) => {
        const notNeeded = (detail: string) =>
          ({
            permission: e.permission,
            status: 'not-needed',
            reads: e.reads,
            required: e.required,
            detail,
          }) as const;
        // The enterprise listing's permission is the enterprise installation's, not this one's.
        if (ENTERPRISE_PERMISSIONS.has(e.permission))
          return notNeeded("granted on the App's installation on the enterprise, not on an organisation's");
        if (CLASSIC_ONLY_PERMISSIONS.has(e.permission))
          return notNeeded(
            'a classic token scope: an App reads the audit log with organization_administration=read',
          );
        const [name = e.permission] = e.permission.split('=');
        const level = granted[name];
        return {
          permission: e.permission,
          status:
            level === 'read' || level === 'write' || level === 'admin'
              ? ('granted' as const)
              : ('missing' as const),
          reads: e.reads,
          required: e.required,
          ...(level ? { detail: `granted: ${level}` } : {}),
        };
      }),
    };
  }
  const octokit = tokenClient(options, creds.token);
  let login: string;
  let scopesHeader: unknown;
  try {
    const { data, headers } = await octokit.rest.users.getAuthenticated();
    login = data.login;
    scopesHeader = headers['x-oauth-scopes'];
  } catch (err) {
    if (isAuthFailure(err)) throw authFailure('GET /user', err, creds.source);
    throw new ScanError(githubGap('GET /user', err), 'target', { cause: err });
  }
  // Fine-grained tokens send no x-oauth-scopes header, and GitHub has no call that lists a
  // token's own fine-grained permissions: unknown, never granted.
  if (typeof scopesHeader !== 'string')
    return unknown(
      'GET /user (token proven; a fine-grained token sends no x-oauth-scopes header)',
      "fine-grained token: GitHub lists its permissions to no API call, so they cannot be checked (a scan names each denied call); compare the token's settings with the permissions above",
      `${login} (fine-grained token)`,
    );
  const held = parseScopesHeader(scopesHeader);
  return {
    principal: `${login} (classic token, scopes: ${scopesHeader || 'none'})`,
    method:
      "the classic token's scopes (x-oauth-scopes on GET /user) against the scopes each permission needs",
    checks: entries.map((e) => {
      const needs = CLASSIC_SCOPES[e.permission];
      const base = { permission: e.permission, reads: e.reads, required: e.required };
      // The enterprise listing is checked by listing it (a scan's discovery), not per organisation.
      if (ENTERPRISE_PERMISSIONS.has(e.permission))
        return {
          ...base,
          status: 'not-needed' as const,
          detail: 'for the enterprise listing, not per organisation',
        };
      if (needs === undefined)
        return { ...base, status: 'unknown' as const, detail: 'no classic scope is known for it' };
      if (needs === null)
        return {
          ...base,
          status: 'not-needed' as const,
          detail:
            'GitHub serves these to Apps only: no token scope grants them (a scan lists the gap as a note)',
        };
      const has = needs.find((scope) => classicScopeIncludes(held, scope));
      return has !== undefined
        ? { ...base, status: 'granted' as const, detail: `scope ${has}` }
        : { ...base, status: 'missing' as const, detail: `needs scope ${needs.join(' or ')}` };
    }),
  };
};

export const githubConnector: Connector<GithubConfig, GithubTarget> = {
  ...githubLight,

  expand: expandGithub,
  collect: collectGithub,
  doctor: doctorGithub,
};
