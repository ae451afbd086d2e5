// The resource hierarchy above and below projects: the folders and organization whose IAM
// policies a project inherits, and the projects an organization or folder target expands to.
// Every lookup is cached for the hierarchy's life (one target, or one expansion), so a folder
// shared by ten projects is read once. Lookups above a project return their failures as gaps
// instead of recording them: an expansion reads them once and hands them to every project they
// concern, whose own coverage entry then says what it lacks.
import type { CollectContext } from '../../src/connector.js';
import type { GcpClients } from './clients.js';
import { gcpGap, targetError, type GapInput } from './errors.js';
import type { AttachedPolicy } from './privilege.js';
import { callApi, listAll } from './calls.js';
import { Folder, IamPolicy, ListFoldersResponse, ListProjectsResponse, type Project } from './schema.js';

/** Folders nest at most 10 deep under an organization; the bound also stops a cycle in bad data. */
const MAX_DEPTH = 12;

/** Roles granted above a project, and what could not be read there. */
export interface Inherited {
  /** Nearest first. */
  policies: AttachedPolicy[];
  gaps: GapInput[];
}

/** The resource names above a folder (nearest first), and what could not be read on the way. */
export interface Ancestry {
  names: string[];
  gaps: GapInput[];
}

export interface Listing {
  /** Active projects anywhere below the root. */
  projects: Project[];
  /** Projects listed but not active (DELETE_REQUESTED): never scanned. */
  inactive: Project[];
  /** Active folders anywhere below the root. */
  folders: string[];
}

export interface Hierarchy {
  /** IAM policies of `parent` and everything above it; unreadable ones are gaps. */
  policiesAbove(parent: string | undefined): Promise<Inherited>;
  /** The folders and organization above `resource` (a folder), nearest first. */
  ancestors(resource: string): Promise<Ancestry>;
  /**
   * Projects anywhere below an organization or folder ("organizations/1", "folders/2"). The
   * root's own project listing failing ends the expansion (thrown); a sub-folder's is a gap.
   */
  projectsUnder(root: string): Promise<Listing>;
}

type Looked<T> = { value: T; gap?: undefined } | { value: undefined; gap: GapInput };

const isContainer = (name: string | undefined): name is string =>
  name !== undefined && /^(folders|organizations)\/\d+$/.test(name);

/**
 * `known`: the IAM policy of a folder or organization already read (Cloud Asset Inventory), so
 * it is not read again; undefined means "read it".
 */
export const createHierarchy = (
  clients: GcpClients,
  ctx: CollectContext,
  known: (resource: string) => IamPolicy | undefined = () => undefined,
): Hierarchy => {
  const parents = new Map<string, Promise<Looked<string | undefined>>>();
  const policies = new Map<string, Promise<Looked<AttachedPolicy>>>();
  const opts = clients.opts.cloudresourcemanager;

  const parentOf = (resource: string): Promise<Looked<string | undefined>> => {
    if (!resource.startsWith('folders/')) return Promise.resolve({ value: undefined });
    let p = parents.get(resource);
    if (!p) {
      p = callApi(ctx, 'cloudresourcemanager.folders.get', Folder, () =>
        clients.crm.folders.get({ name: resource }, opts),
      ).then(
        (folder) => ({ value: folder.parent }),
        (err: unknown) => ({
          value: undefined,
          gap: gcpGap('cloudresourcemanager.folders.get', err, {
            resource,
            permission: 'resourcemanager.folders.get',
            fallback: `policies above ${resource} are not included in privilege`,
          }),
        }),
      );
      parents.set(resource, p);
    }
    return p;
  };

  const policyOf = (resource: string): Promise<Looked<AttachedPolicy>> => {
    let p = policies.get(resource);
    const read = p ? undefined : known(resource);
    if (!p && read) {
      p = Promise.resolve({ value: { resource, policy: read } });
      policies.set(resource, p);
    }
    if (!p) {
      const folder = resource.startsWith('folders/');
      const call = folder
        ? 'cloudresourcemanager.folders.getIamPolicy'
        : 'cloudresourcemanager.organizations.getIamPolicy';
      const request = { resource, requestBody: { options: { requestedPolicyVersion: 3 } } };
      p = callApi(ctx, call, IamPolicy, () =>
        folder
          ? clients.crm.folders.getIamPolicy(request, opts)
          : clients.crm.organizations.getIamPolicy(request, opts),
      ).then(
        (policy) => ({ value: { resource, policy } }),
        (err: unknown) => ({
          value: undefined,
          gap: gcpGap(call, err, {
            resource,
            permission: folder
              ? 'resourcemanager.folders.getIamPolicy'
              : 'resourcemanager.organizations.getIamPolicy',
            fallback: `roles granted on ${resource} are not included in privilege`,
          }),
        }),
      );
      policies.set(resource, p);
    }
    return p;
  };

  /** `start` and what lies above it, nearest first. */
  const chain = async (start: string | undefined): Promise<Ancestry> => {
    const names: string[] = [];
    const gaps: GapInput[] = [];
    let current = start;
    for (let depth = 0; isContainer(current) && depth < MAX_DEPTH; depth++) {
      names.push(current);
      const up = await parentOf(current);
      if (up.gap) gaps.push(up.gap);
      current = up.value;
    }
    return { names, gaps };
  };

  const page = (pageToken: string | undefined) => (pageToken ? { pageToken } : {});
  const listProjects = async (parent: string): Promise<Project[]> =>
    (
      await listAll(ctx, 'cloudresourcemanager.projects.list', ListProjectsResponse, (pageToken) =>
        clients.crm.projects.list({ parent, pageSize: 500, ...page(pageToken) }, opts),
      )
    ).flatMap((r) => r.projects);
  const listFolders = async (parent: string): Promise<Folder[]> =>
    (
      await listAll(ctx, 'cloudresourcemanager.folders.list', ListFoldersResponse, (pageToken) =>
        clients.crm.folders.list({ parent, pageSize: 500, ...page(pageToken) }, opts),
      )
    ).flatMap((r) => r.folders);

  return {
    async policiesAbove(parent) {
      const { names, gaps } = await chain(parent);
      const read = await Promise.all(names.map(policyOf));
      return {
        policies: read.flatMap((r) => (r.value ? [r.value] : [])),
        gaps: [...read.flatMap((r) => (r.gap ? [r.gap] : [])), ...gaps],
      };
    },

    async ancestors(resource) {
      const { names, gaps } = await chain(resource);
      return { names: names.slice(1), gaps };
    },

    async projectsUnder(root) {
      const out: Listing = { projects: [], inactive: [], folders: [] };
      const queue: { name: string; depth: number }[] = [{ name: root, depth: 0 }];
      for (let next = queue.shift(); next; next = queue.shift()) {
        const { name, depth } = next;
        try {
          const found = await listProjects(name);
          for (const p of found) ((p.state ?? 'ACTIVE') === 'ACTIVE' ? out.projects : out.inactive).push(p);
        } catch (err) {
          const extra = { resource: name, permission: 'resourcemanager.projects.list' };
          // Without the root's own listing there is nothing to say about the target.
          if (depth === 0) throw targetError('cloudresourcemanager.projects.list', err, extra);
          ctx.gap(
            gcpGap('cloudresourcemanager.projects.list', err, {
              ...extra,
              fallback: `projects directly in ${name} are not scanned`,
            }),
          );
        }
        if (depth + 1 >= MAX_DEPTH) continue;
        try {
          const found = await listFolders(name);
          for (const folder of found) {
            if ((folder.state ?? 'ACTIVE') !== 'ACTIVE') continue;
            parents.set(folder.name, Promise.resolve({ value: folder.parent ?? name }));
            out.folders.push(folder.name);
            queue.push({ name: folder.name, depth: depth + 1 });
          }
        } catch (err) {
          ctx.gap(
            gcpGap('cloudresourcemanager.folders.list', err, {
              resource: name,
              permission: 'resourcemanager.folders.list',
              fallback: `projects in folders below ${name} are not scanned`,
            }),
          );
        }
      }
      return out;
    },
  };
};
