// The Google Cloud connector: service accounts (and their keys), API keys and workload identity
// federation providers, per project. Every scanned project is a target of its own: a listed
// project, or one an organization / folder target lists at scan time (`expand`), so coverage,
// and a nightly diff of it, is per project. The organization / folder keeps an entry of its own
// for the listing.
import { gcpLight } from './provider.js';
import type {
  CollectContext,
  Connector,
  ConnectorSession,
  SessionContext,
  Target,
} from '../../src/connector.js';
import { ScanError, UsageError } from '../../src/errors.js';
import type { IdentityInput } from '../../src/model.js';
import { createDenyReader, type DenyReader } from './deny.js';
import { createGroupDirectory, type GroupDirectory } from './groups.js';
import { doctorGcp } from './doctor.js';
import { createRoleCatalog, type RoleCatalog } from './role-permissions.js';
import { createIamPolicyCache, type IamPolicyCache, type Registered } from './iam-policy-cache.js';
import { authenticate, createClients, type GcpAuthClient, type GcpAuthResult } from './clients.js';
import { GCP_KINDS } from './attributes.js';
import { GcpConfig } from './config.js';
import { type GcpTargetData, projectTarget } from './targets.js';

export type { GcpTargetData, ListedProject } from './targets.js';
import { targetError } from './errors.js';
import { createHierarchy, type Inherited } from './hierarchy.js';
import { loadMapping, type Mapping } from './owner.js';
import { collectProject, type ProjectResult } from './project.js';
import type { IamPolicy, Project } from './schema.js';
import { CAI_CALL, readScopeInventory, type ScopeInventory } from './cloud-asset.js';
import { gcpGap } from './errors.js';
import { compareCodeUnits } from '../../src/order.js';

export { GcpConfig } from './config.js';

export interface GcpConnectorOptions {
  /**
   * An auth client used instead of the configured credentials (tests; embedding nhiscan in a
   * program that already holds Google credentials).
   */
  authClient?: GcpAuthClient;
}

const loadMappings = (config: GcpConfig, resolvePath: (path: string) => string): Map<string, Mapping> => {
  const out = new Map<string, Mapping>();
  for (const source of config.ownerSources) {
    if (source.type !== 'mapping' || out.has(source.path)) continue;
    try {
      out.set(source.path, loadMapping(resolvePath(source.path)));
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      // Every target would fail the same way: stop the provider, say why.
      throw new ScanError({ code: 'unknown', call: 'gcp:owner-mapping', message: err.message }, 'provider', {
        cause: err,
      });
    }
  }
  return out;
};

/**
 * What every target of one scan shares, opened once per scan (Connector.session): the proven
 * credentials, the owner mapping files, the projects the listings made targets, and the cache of
 * IAM policies read for the whole scan. A thousand projects of an organization prove the
 * credentials (a token exchange) and read the mapping files once, not once each.
 */
export interface GcpSession extends ConnectorSession {
  auth: Promise<GcpAuthResult>;
  mappings?: { value: Map<string, Mapping> } | { error: unknown };
  /** By project id; filled by `expand`, which the scan finishes before it collects a project. */
  registered: Map<string, Registered>;
  policies?: IamPolicyCache;
  /** Roles' permissions and deny policies, read once per scan (providers.gcp.rolePermissions / denyPolicies). */
  roles?: RoleCatalog;
  denies?: DenyReader;
  /**
   * Google group members (Cloud Identity), read once per scan (providers.gcp.expandGroups), on
   * clients of the scan's own (see groupDirectoryOf).
   */
  groups?: GroupDirectory;
  /** The scan's signal, log and per-request timeout, for what the session reads itself. */
  scan: Pick<SessionContext, 'signal' | 'log'> & { requestTimeoutMs: number | undefined };
}

const openSession = (config: GcpConfig, options: GcpConnectorOptions, ctx: SessionContext): GcpSession => {
  const { requestTimeoutMs } = ctx;
  // The token exchange gets the per-request timeout (config `timeouts.requestSeconds`).
  const auth = authenticate(config, options.authClient, requestTimeoutMs);
  auth.catch(() => undefined); // awaited by each target; never an unhandled rejection
  // Nothing to release: the state goes with the scan once the scan lets go of it.
  return {
    auth,
    registered: new Map(),
    scan: { signal: ctx.signal, log: ctx.log, requestTimeoutMs },
    close: () => Promise.resolve(),
  };
};

/**
 * The scan's group directory. Groups are read once per scan and shared by every project, so the
 * Cloud Identity calls carry the scan's signal, log and timeout, not those of whichever target
 * asked first: that target reaching its deadline must not abort (and cache as failed) a read
 * every other project waits on. The credentials are the scan's own either way (session.auth).
 */
export const groupDirectoryOf = (
  session: GcpSession,
  config: GcpConfig,
  client: GcpAuthResult['client'],
  concurrency: number,
): GroupDirectory =>
  (session.groups ??= createGroupDirectory(
    createClients(config, client, session.scan.signal, session.scan.requestTimeoutMs, session.scan.log),
    { concurrency },
  ));

const mappingsOf = (session: GcpSession, config: GcpConfig, ctx: CollectContext): Map<string, Mapping> => {
  if (!session.mappings) {
    try {
      session.mappings = { value: loadMappings(config, ctx.resolvePath) };
    } catch (error) {
      session.mappings = { error };
    }
  }
  if ('error' in session.mappings) throw session.mappings.error;
  return session.mappings.value;
};

/** The project's notes: a denial is worth a sentence; counts and status are in the coverage entry. */
const projectNote = (projectId: string, result: ProjectResult): string[] =>
  result.denied
    ? [
        `projects/${projectId}: denied — the scanner may not read its IAM policy or service accounts; nothing else was tried`,
      ]
    : [];

const rootOf = (data: { kind: 'organization' | 'folder'; id: string }): string =>
  `${data.kind === 'organization' ? 'organizations' : 'folders'}/${data.id}`;

const targetIdOf = (root: string): string =>
  root.startsWith('organizations/')
    ? `gcp:organization/${root.slice('organizations/'.length)}`
    : `gcp:folder/${root.slice('folders/'.length)}`;

/** An organization or folder lists its projects (through every sub-folder): one target each. */
const expandGcp = async (
  target: Target<GcpTargetData>,
  config: GcpConfig,
  ctx: CollectContext<GcpSession>,
): Promise<Target<GcpTargetData>[] | undefined> => {
  const data = target.data;
  if (data.kind === 'project') return undefined;
  const root = rootOf(data);
  ctx.setScope(root);
  if (config.projectConcurrency !== undefined)
    ctx.log.warn(
      'providers.gcp.projectConcurrency is no longer used: each project is a target, scanned targetConcurrency at a time',
    );
  const session = ctx.session;
  const { client, principal } = await session.auth;
  if (principal) ctx.setPrincipal(principal);
  const clients = createClients(config, client, ctx.signal, ctx.requestTimeoutMs, ctx.log);
  // With Cloud Asset Inventory, the folders and organization in scope have their policies from it.
  let known: (resource: string) => IamPolicy | undefined = () => undefined;
  const hierarchy = createHierarchy(clients, ctx, (resource) => known(resource));

  // A folder inside another configured organization / folder is scanned through that one, so no
  // project gets two coverage entries. Only asked when there is another root to be inside.
  const others = new Set(
    [
      ...config.organizations.map((id) => `organizations/${id}`),
      ...config.folders.map((id) => `folders/${id}`),
    ].filter((r) => r !== root),
  );
  if (data.kind === 'folder' && others.size > 0) {
    const above = await hierarchy.ancestors(root);
    for (const g of above.gaps)
      ctx.gap({
        ...g,
        fallback: `not known whether ${root} lies inside another configured organization or folder; its projects may be scanned twice`,
      });
    const outer = above.names.find((n) => others.has(n));
    if (outer) {
      ctx.note(
        `${root} lies inside ${outer}, also configured: its projects are listed by ${targetIdOf(outer)}`,
      );
      return [];
    }
  }

  const listing = await hierarchy.projectsUnder(root);
  const excluded = new Set(config.excludeProjects);
  const explicit = new Set(config.projects);
  const projects: Project[] = [];
  const seen = new Set<string>();
  for (const p of listing.projects) {
    if (seen.has(p.projectId)) continue; // listed twice, it would be two entries under one id
    seen.add(p.projectId);
    if (excluded.has(p.projectId)) ctx.note(`projects/${p.projectId}: left out (excludeProjects)`);
    else if (explicit.has(p.projectId))
      ctx.note(`projects/${p.projectId}: scanned by its own target (listed under projects)`);
    else projects.push(p);
  }
  for (const p of listing.inactive)
    ctx.note(`projects/${p.projectId}: not scanned (${p.state ?? 'inactive'})`);
  projects.sort((a, b) => compareCodeUnits(a.projectId, b.projectId));

  const inventory = config.cloudAssetInventory
    ? await readInventory(config, client, root, projects, ctx)
    : undefined;
  if (inventory) {
    const inScope = new Set([root, ...listing.folders]);
    known = (resource) =>
      inScope.has(resource) ? (inventory.containers.get(resource) ?? { bindings: [] }) : undefined;
  }

  // Folder and organization policies are read here, once, for every project below them.
  const inherited = new Map<string | undefined, Promise<Inherited>>();
  if (config.inheritedPolicies) {
    for (const p of projects)
      if (!inherited.has(p.parent)) inherited.set(p.parent, hierarchy.policiesAbove(p.parent));
  }
  return Promise.all(
    projects.map(async (project) => {
      const above = await inherited.get(project.parent);
      const assets = inventory?.projects.get(project.name.replace(/^projects\//, ''));
      session.registered.set(project.projectId, {
        project,
        inherited: above,
        ...(assets ? { policy: assets.policy } : {}),
      });
      return projectTarget(project.projectId, {
        root,
        project,
        ...(above ? { inherited: above } : {}),
        ...(assets ? { inventory: assets } : {}),
      });
    }),
  );
};

async function* collectGcp(
  target: Target<GcpTargetData>,
  config: GcpConfig,
  ctx: CollectContext<GcpSession>,
): AsyncIterable<IdentityInput> {
  const data = target.data;
  if (data.kind !== 'project') {
    // The scan lists these through `expand` and collects the projects they hold.
    throw new ScanError({
      code: 'unknown',
      call: 'gcp:collect',
      message: `${target.id} stands for its projects; it is expanded into them, not collected`,
    });
  }
  ctx.setScope(data.projectId);
  const session = ctx.session;
  const { client, principal } = await session.auth;
  if (principal) ctx.setPrincipal(principal);
  const clients = createClients(config, client, ctx.signal, ctx.requestTimeoutMs, ctx.log);
  const mappings = mappingsOf(session, config, ctx);
  // Limits of what is read, stated on every target so a report never implies more.
  if (!config.policyAnalyzer) {
    ctx.note(
      'Policy Analyzer not used (providers.gcp.policyAnalyzer: false): last use of service accounts and keys is unknown',
    );
  }
  if (config.apiKeys)
    ctx.note('API keys: the API Keys API records no last use, so their staleness is not judged');

  // Created by the first project collected; every project's policies are read through it.
  const policies = (session.policies ??= createIamPolicyCache(config, session.registered, clients, ctx));

  let project: Project;
  let inherited: (p: Project) => Promise<Inherited>;
  if (data.listed) {
    ctx.note(`listed by ${targetIdOf(data.listed.root)}`);
    if (data.listed.inventory) ctx.note(caiNote(data.listed.inventory.readTime));
    project = data.listed.project;
    const above = data.listed.inherited ?? { policies: [], gaps: [] };
    inherited = () => Promise.resolve(above);
  } else {
    const resource = `projects/${data.projectId}`;
    try {
      project = await policies.project(data.projectId);
    } catch (err) {
      throw targetError('cloudresourcemanager.projects.get', err, {
        resource,
        permission: 'resourcemanager.projects.get',
      });
    }
    // projects.get still answers for a project pending deletion (DELETE_REQUESTED) for 30 days.
    if ((project.state ?? 'ACTIVE') !== 'ACTIVE') {
      throw new ScanError({
        code: 'not_found',
        call: 'cloudresourcemanager.projects.get',
        resource,
        message: `${resource} is ${project.state} (pending deletion): not scanned`,
      });
    }
    inherited = (p) => policies.inherited(p);
  }
  const groups = config.expandGroups ? groupDirectoryOf(session, config, client, ctx.concurrency) : undefined;
  const readers = config.rolePermissions
    ? {
        roles: (session.roles ??= createRoleCatalog(clients, ctx)),
        denies: config.denyPolicies ? (session.denies ??= createDenyReader(clients, ctx)) : undefined,
        groups,
      }
    : undefined;
  const result = await collectProject(project, {
    clients,
    config,
    ctx,
    inherited,
    mappings,
    policies,
    readers,
    groups,
    inventory: data.listed?.inventory,
  });
  for (const note of projectNote(project.projectId, result)) ctx.note(note);
  for (const identity of result.identities) yield principal ? markScanner(identity, principal) : identity;
}

/** Cloud Asset Inventory is eventually consistent: every target read through it says so (a note, not a gap). */
const caiNote = (readTime: string | undefined): string =>
  `service accounts, their keys and IAM policies, API keys, workload identity providers and the IAM policies of projects, folders and the organization come from Cloud Asset Inventory (providers.gcp.cloudAssetInventory${readTime ? `, snapshot of ${readTime}` : ''}); it is eventually consistent, so a change made in the last minutes may not be seen yet`;

/**
 * The scope's assets through Cloud Asset Inventory. A failed listing (permission denied, quota,
 * the client not installed) is a gap for the scope, and every project is then read per project:
 * the scan loses nothing but the saving, and says so.
 */
const readInventory = async (
  config: GcpConfig,
  auth: GcpAuthResult['client'],
  root: string,
  projects: readonly Project[],
  ctx: CollectContext<GcpSession>,
): Promise<ScopeInventory | undefined> => {
  try {
    const inventory = await readScopeInventory(
      { config, auth, ctx },
      root,
      new Set(projects.map((p) => p.name.replace(/^projects\//, ''))),
    );
    ctx.note(caiNote(inventory.readTime));
    return inventory;
  } catch (err) {
    const fallback =
      'Cloud Asset Inventory not used for this scope: every project, service account and policy is read per project instead (the calls providers.gcp.cloudAssetInventory would save are made)';
    if (err instanceof ScanError) ctx.gap({ ...err.gap, resource: root, fallback, recovered: true });
    else
      ctx.gap({
        ...gcpGap(CAI_CALL, err, {
          resource: root,
          permission: 'cloudasset.assets.listResource',
          fallback,
        }),
        recovered: true,
      });
    return undefined;
  }
};

/** The service account the scan runs as is an identity like any other, marked as such (as AWS and GitHub do). */
export const markScanner = (identity: IdentityInput, principal: string): IdentityInput =>
  identity.kind === GCP_KINDS.serviceAccount && identity.uid.toLowerCase() === principal.toLowerCase()
    ? { ...identity, attributes: { ...identity.attributes, scanner: true, scannerPrincipal: principal } }
    : identity;

/** Builds the connector; tests and embedders may hand it an auth client. */
export const createGcpConnector = (
  options: GcpConnectorOptions = {},
): Connector<GcpConfig, GcpTargetData, GcpSession> => {
  return {
    ...gcpLight,
    session: (config, ctx) => openSession(config, options, ctx),
    expand: expandGcp,
    collect: collectGcp,
    doctor: doctorGcp,
  };
};

export const gcpConnector = createGcpConnector();
