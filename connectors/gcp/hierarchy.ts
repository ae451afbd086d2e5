// The resource hierarchy above and below projects: the folders and organization whose IAM
// policies a project inherits, and the projects an organization or folder target expands to.
// Every lookup is cached for the target's run, so a folder shared by ten projects is read once
// and a denial on it is recorded once.
import type { CollectContext } from '../../src/connector.js';
import type { GcpClients } from './clients.js';
import { gcpGap } from './errors.js';
import type { AttachedPolicy } from './privilege.js';
import { callApi, listAll } from './calls.js';
import { Folder, IamPolicy, ListFoldersResponse, ListProjectsResponse, type Project } from './schema.js';

/** Folders nest at most 10 deep under an organization; the bound also stops a cycle in bad data. */
const MAX_DEPTH = 12;

export interface Hierarchy {
  /** IAM policies of `parent` and everything above it, nearest first; unreadable ones are gaps. */
  policiesAbove(parent: string | undefined): Promise<AttachedPolicy[]>;
  /** Active projects anywhere below an organization or folder ("organizations/1", "folders/2"). */
  projectsUnder(root: string): Promise<Project[]>;
}

export const createHierarchy = (clients: GcpClients, ctx: CollectContext): Hierarchy => {
  const parents = new Map<string, Promise<string | undefined>>();
  const policies = new Map<string, Promise<AttachedPolicy | undefined>>();
  const opts = clients.opts.cloudresourcemanager;

  const parentOf = (resource: string): Promise<string | undefined> => {
    if (!resource.startsWith('folders/')) return Promise.resolve(undefined);
    let p = parents.get(resource);
    if (!p) {
      p = callApi(ctx, 'cloudresourcemanager.folders.get', Folder, () =>
        clients.crm.folders.get({ name: resource }, opts),
      ).then(
        (folder) => folder.parent,
        (err: unknown) => {
          ctx.gap(
            gcpGap('cloudresourcemanager.folders.get', err, {
              resource,
              permission: 'resourcemanager.folders.get',
              fallback: `policies above ${resource} are not included in privilege`,
            }),
          );
          return undefined;
        },
      );
      parents.set(resource, p);
    }
    return p;
  };

  const policyOf = (resource: string): Promise<AttachedPolicy | undefined> => {
    let p = policies.get(resource);
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
        (policy) => ({ resource, policy }),
        (err: unknown) => {
          ctx.gap(
            gcpGap(call, err, {
              resource,
              permission: folder
                ? 'resourcemanager.folders.getIamPolicy'
                : 'resourcemanager.organizations.getIamPolicy',
              fallback: `roles granted on ${resource} are not included in privilege`,
            }),
          );
          return undefined;
        },
      );
      policies.set(resource, p);
    }
    return p;
  };

  return {
    async policiesAbove(parent) {
      const out: AttachedPolicy[] = [];
      let current = parent;
      for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
        if (!/^(folders|organizations)\/\d+$/.test(current)) break;
        const policy = await policyOf(current);
        if (policy) out.push(policy);
        current = await parentOf(current);
      }
      return out;
    },

    async projectsUnder(root) {
      const projects: Project[] = [];
      const queue: { name: string; depth: number }[] = [{ name: root, depth: 0 }];
      for (let next = queue.shift(); next; next = queue.shift()) {
        const { name, depth } = next;
        try {
          const found = await listAll(
            ctx,
            'cloudresourcemanager.projects.list',
            ListProjectsResponse,
            (pageToken) =>
              clients.crm.projects.list(
                { parent: name, pageSize: 500, ...(pageToken ? { pageToken } : {}) },
                opts,
              ),
          );
          projects.push(
            ...found.flatMap((r) => r.projects).filter((p) => (p.state ?? 'ACTIVE') === 'ACTIVE'),
          );
        } catch (err) {
          ctx.gap(
            gcpGap('cloudresourcemanager.projects.list', err, {
              resource: name,
              permission: 'resourcemanager.projects.list',
            }),
          );
        }
        if (depth + 1 >= MAX_DEPTH) continue;
        try {
          const found = await listAll(
            ctx,
            'cloudresourcemanager.folders.list',
            ListFoldersResponse,
            (pageToken) =>
              clients.crm.folders.list(
                { parent: name, pageSize: 500, ...(pageToken ? { pageToken } : {}) },
                opts,
              ),
          );
          for (const folder of found.flatMap((r) => r.folders)) {
            if ((folder.state ?? 'ACTIVE') !== 'ACTIVE') continue;
            parents.set(folder.name, Promise.resolve(folder.parent ?? name));
            queue.push({ name: folder.name, depth: depth + 1 });
          }
        } catch (err) {
          ctx.gap(
            gcpGap('cloudresourcemanager.folders.list', err, {
              resource: name,
              permission: 'resourcemanager.folders.list',
            }),
          );
        }
      }
      return projects;
    },
  };
};
