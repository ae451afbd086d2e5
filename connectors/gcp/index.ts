// The Google Cloud connector: service accounts (and their keys), API keys and workload identity
// federation providers, per project. A target is a listed project, or an organization / folder
// whose projects are found at scan time (targets() cannot call an API, so expansion happens in
// collect and each project's outcome is written to the target's notes and gaps).
import type { CollectContext, Connector, Target } from '../../src/connector.js';
import { mapLimit } from '../../src/concurrency.js';
import { ScanError, UsageError } from '../../src/errors.js';
import type { IdentityInput } from '../../src/model.js';
import { callApi } from './calls.js';
import { authenticate, createClients, type GcpAuthClient } from './clients.js';
import { GcpConfig } from './config.js';
import { targetError } from './errors.js';
import { createHierarchy } from './hierarchy.js';
import { loadMapping, type Mapping } from './owner.js';
import { collectProject, type ProjectResult, type ProjectRun } from './project.js';
import { Project } from './schema.js';

export { GcpConfig } from './config.js';

export type GcpTargetData =
  { kind: 'project'; projectId: string } | { kind: 'organization' | 'folder'; id: string };

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

const countNote = (identities: readonly IdentityInput[]): string => {
  const counts = new Map<string, number>();
  for (const i of identities) counts.set(i.kind, (counts.get(i.kind) ?? 0) + 1);
  const parts = [...counts].map(([kind, n]) => `${n} ${kind}`);
  return parts.length > 0 ? parts.join(', ') : 'no identities';
};

/** One line per project, so an organization target still says which project was read in full. */
const projectNote = (projectId: string, result: ProjectResult): string =>
  result.denied
    ? `projects/${projectId}: denied — the scanner may not read its IAM policy or service accounts; nothing else was tried`
    : `projects/${projectId}: ${result.gaps > 0 ? 'partial' : 'complete'} — ${countNote(result.identities)}`;

async function* collectGcp(
  target: Target<GcpTargetData>,
  config: GcpConfig,
  ctx: CollectContext,
  options: GcpConnectorOptions,
): AsyncIterable<IdentityInput> {
  const { client, principal } = await authenticate(config, options.authClient);
  if (principal) ctx.setPrincipal(principal);
  const clients = createClients(config, client, ctx.signal);
  const mappings = loadMappings(config, ctx.resolvePath);
  const hierarchy = createHierarchy(clients, ctx);
  const run: ProjectRun = { clients, config, ctx, hierarchy, mappings };
  const data = target.data;
  // Limits of what is read, stated once per target so a report never implies more.
  if (!config.policyAnalyzer) {
    ctx.note(
      'Policy Analyzer not used (providers.gcp.policyAnalyzer: false): last use of service accounts and keys is unknown',
    );
  }
  if (config.apiKeys)
    ctx.note('API keys: the API Keys API records no last use, so their staleness is not judged');

  if (data.kind === 'project') {
    ctx.setScope(data.projectId);
    let project: Project;
    try {
      project = await callApi(ctx, 'cloudresourcemanager.projects.get', Project, () =>
        clients.crm.projects.get({ name: `projects/${data.projectId}` }, clients.opts.cloudresourcemanager),
      );
    } catch (err) {
      throw targetError('cloudresourcemanager.projects.get', err, {
        resource: `projects/${data.projectId}`,
        permission: 'resourcemanager.projects.get',
      });
    }
    const result = await collectProject(project, run);
    ctx.note(projectNote(project.projectId, result));
    yield* result.identities;
    return;
  }

  const root = `${data.kind === 'organization' ? 'organizations' : 'folders'}/${data.id}`;
  ctx.setScope(root);
  const excluded = new Set([...config.excludeProjects, ...config.projects]);
  const projects = (await hierarchy.projectsUnder(root)).filter((p) => !excluded.has(p.projectId));
  ctx.note(`${root}: ${projects.length} project${projects.length === 1 ? '' : 's'} found`);
  // Projects are visited a few at a time; their identities are yielded once each is done.
  const results = await mapLimit(projects, config.projectConcurrency, async (project) => {
    const result = await collectProject(project, run);
    ctx.note(projectNote(project.projectId, result));
    return result;
  });
  for (const result of results) yield* result.identities;
}

/** Builds the connector; tests and embedders may hand it an auth client. */
export const createGcpConnector = (
  options: GcpConnectorOptions = {},
): Connector<GcpConfig, GcpTargetData> => ({
  id: 'gcp',
  title: 'Google Cloud',
  config: GcpConfig,
  targets: (config) => [
    ...config.projects.map((projectId) => ({
      id: `gcp:project/${projectId}`,
      provider: 'gcp',
      label: `GCP project ${projectId}`,
      data: { kind: 'project' as const, projectId },
    })),
    ...config.organizations.map((id) => ({
      id: `gcp:organization/${id}`,
      provider: 'gcp',
      label: `GCP organization ${id}`,
      data: { kind: 'organization' as const, id },
    })),
    ...config.folders.map((id) => ({
      id: `gcp:folder/${id}`,
      provider: 'gcp',
      label: `GCP folder ${id}`,
      data: { kind: 'folder' as const, id },
    })),
  ],
  collect: (target, config, ctx) => collectGcp(target, config, ctx, options),
});

export const gcpConnector = createGcpConnector();
