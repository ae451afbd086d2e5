// `providers.github.enterprise`: every organisation of a GitHub Enterprise account, listed at scan
// time so each becomes a target of its own (as `orgs: installed` and Google Cloud's organisation
// listing do). App auth: the App's installation on the enterprise (found with GET
// /app/installations, App JWT) lists the enterprise's organisations through GET
// /enterprises/{enterprise}/apps/installable_organizations (enterprise permission "Enterprise
// organization installations", read). Token auth: GraphQL `enterprise(slug).organizations` (a
// classic token needs `read:enterprise`). A listing that fails is the discovery target's gap,
// never an empty enterprise.
import { globMatch } from '../../src/glob.js';
import type { CollectContext } from '../../src/connector.js';
import { ScanError, errorMessage } from '../../src/errors.js';
import {
  type ClientOptions,
  type GithubOctokit,
  PER_PAGE,
  appClient,
  loadCredentials,
  tokenClient,
} from './client.js';
import type { GithubConfig, GithubEnterprise } from './config.js';
import { authFailure, githubGap, isAuthFailure } from './errors.js';
import { EnterpriseInstallation, InstallableOrganization } from './schema.js';

export const INSTALLABLE_ORGS_CALL = 'GET /enterprises/{enterprise}/apps/installable_organizations';
export const GRAPHQL_CALL = 'POST /graphql';

/** The organisations of one enterprise, one page at a time (GitHub's GraphQL maximum: 100). */
export const ENTERPRISE_ORGS_QUERY = `query ($slug: String!, $cursor: String) {
  enterprise(slug: $slug) {
    organizations(first: 100, after: $cursor) {
      nodes { login }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

/** At most this many GraphQL pages (100 organisations each). */
const MAX_PAGES = 1000;

interface GraphqlError {
  type?: string;
  message?: string;
}

/** A GraphQL answer's errors (HTTP 200): a slug not found, a token without the scope. */
const graphqlGap = (slug: string, err: unknown): ScanError | undefined => {
  const errors = (err as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const [first] = errors as GraphqlError[];
  const type = first?.type ?? '';
  const code =
    type === 'NOT_FOUND'
      ? 'not_found'
      : type === 'FORBIDDEN' || type === 'INSUFFICIENT_SCOPES'
        ? 'access_denied'
        : 'unknown';
  return new ScanError({
    code,
    call: GRAPHQL_CALL,
    resource: slug,
    message: `the organisations of enterprise ${slug} could not be listed: ${type || 'error'}: ${first?.message ?? errorMessage(err)}`,
    ...(code === 'access_denied' || code === 'not_found'
      ? { permission: 'read:enterprise (classic token scope; the token must belong to an enterprise member)' }
      : {}),
  });
};

const listWithToken = async (octokit: GithubOctokit, slug: string): Promise<string[]> => {
  const logins: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    let data: unknown;
    try {
      data = await octokit.graphql(ENTERPRISE_ORGS_QUERY, { slug, cursor });
    } catch (err) {
      throw graphqlGap(slug, err) ?? listingError(GRAPHQL_CALL, slug, err);
    }
    const orgs = (data as { enterprise?: { organizations?: unknown } | null } | null)?.enterprise
      ?.organizations as
      { nodes?: unknown; pageInfo?: { hasNextPage?: unknown; endCursor?: unknown } } | undefined;
    if (!orgs || !Array.isArray(orgs.nodes))
      throw new ScanError({
        code: 'invalid_response',
        call: GRAPHQL_CALL,
        resource: slug,
        message: `the GraphQL answer for enterprise ${slug} has no organizations.nodes`,
      });
    for (const node of orgs.nodes) {
      const login = (node as { login?: unknown } | null)?.login;
      if (typeof login === 'string') logins.push(login);
    }
    const next = orgs.pageInfo?.endCursor;
    if (orgs.pageInfo?.hasNextPage !== true || typeof next !== 'string') return logins;
    cursor = next;
  }
  throw new ScanError({
    code: 'invalid_response',
    call: GRAPHQL_CALL,
    resource: slug,
    message: `enterprise ${slug}: more than ${MAX_PAGES} pages of organisations`,
  });
};

const listingError = (call: string, slug: string, err: unknown): ScanError =>
  new ScanError(githubGap(call, err, { resource: slug }), 'target', { cause: err });

/** The App's installation on the enterprise, from GET /app/installations (JWT). */
const enterpriseInstallation = async (app: GithubOctokit, slug: string, hint: string): Promise<number> => {
  const call = 'GET /app/installations';
  let all: unknown[];
  try {
    all = await app.paginate(app.rest.apps.listInstallations, { per_page: PER_PAGE });
  } catch (err) {
    if (isAuthFailure(err)) throw authFailure(call, err, hint);
    throw listingError(call, slug, err);
  }
  const found = all
    .map((raw) => EnterpriseInstallation.safeParse(raw))
    .find((p) => p.success && p.data.account.slug.toLowerCase() === slug.toLowerCase());
  if (!found?.data)
    throw new ScanError({
      code: 'not_found',
      call,
      resource: slug,
      message: `the GitHub App is not installed on enterprise ${slug}: install it on the enterprise (Enterprise settings → GitHub Apps) with "Enterprise organization installations" read, or list the organisations under providers.github.orgs`,
      permission: 'enterprise_organization_installations=read',
    });
  if (found.data.suspended_at)
    throw new ScanError({
      code: 'access_denied',
      call,
      resource: slug,
      message: `the GitHub App's installation ${found.data.id} on enterprise ${slug} is suspended (since ${found.data.suspended_at})`,
    });
  return found.data.id;
};

const listWithApp = async (app: GithubOctokit, slug: string): Promise<string[]> => {
  try {
    const items = await app.paginate('GET /enterprises/{enterprise}/apps/installable_organizations', {
      enterprise: slug,
      per_page: PER_PAGE,
    });
    return items.flatMap((raw) => {
      const p = InstallableOrganization.safeParse(raw);
      return p.success ? [p.data.login] : [];
    });
  } catch (err) {
    throw listingError(INSTALLABLE_ORGS_CALL, slug, err);
  }
};

/** Logins kept by `include` / `exclude` (globs, case-insensitive; exclude wins). */
export const selectOrgs = (
  logins: readonly string[],
  filter: Pick<GithubEnterprise, 'include' | 'exclude'>,
): { kept: string[]; left: string[] } => {
  const kept: string[] = [];
  const left: string[] = [];
  for (const login of logins) {
    const included = !filter.include || filter.include.some((g) => globMatch(g, login, true));
    const excluded = filter.exclude.some((g) => globMatch(g, login, true));
    (included && !excluded ? kept : left).push(login);
  }
  return { kept, left };
};

/**
 * The enterprise's organisations to scan, sorted: listed, filtered, and without those already
 * configured under `orgs` (each is scanned once).
 */
export const enterpriseOrgs = async (
  config: GithubConfig,
  ctx: CollectContext,
  options: ClientOptions,
): Promise<string[]> => {
  const enterprise = config.enterprise;
  if (!enterprise) return [];
  const { slug } = enterprise;
  ctx.setScope(`enterprise/${slug}`);
  const creds = loadCredentials(config.auth, process.env, ctx.resolvePath);
  let listed: string[];
  if (creds.type === 'app') {
    const app = appClient(options, creds);
    const installation = await enterpriseInstallation(app, slug, creds.source);
    ctx.setPrincipal(`GitHub App ${creds.appId} (installation ${installation} on enterprise ${slug})`);
    listed = await listWithApp(appClient(options, creds, installation), slug);
  } else {
    ctx.setPrincipal(`token from ${creds.source}`);
    try {
      listed = await listWithToken(tokenClient(options, creds.token), slug);
    } catch (err) {
      if (isAuthFailure(err)) throw authFailure(GRAPHQL_CALL, err, creds.source);
      throw err;
    }
  }
  const unique = [...new Set(listed)].sort();
  const { kept, left } = selectOrgs(unique, enterprise);
  if (left.length > 0)
    ctx.note(
      `${left.length} organisation(s) of enterprise ${slug} left out by providers.github.enterprise include/exclude: ${left.join(', ')}`,
    );
  const configured = new Set(Array.isArray(config.orgs) ? config.orgs.map((o) => o.toLowerCase()) : []);
  const already = kept.filter((o) => configured.has(o.toLowerCase()));
  if (already.length > 0)
    ctx.note(`already configured under providers.github.orgs (scanned once): ${already.join(', ')}`);
  if (unique.length === 0) ctx.note(`enterprise ${slug} lists no organisation`);
  return kept.filter((o) => !configured.has(o.toLowerCase()));
};
