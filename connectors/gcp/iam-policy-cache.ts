// What every project target of one scan shares: each scanned project's IAM policy (and the folder
// and organization policies above it), read once for the whole scan. A service account's roles
// are not all in its own project: a CI project's deployer is often owner of every application
// project, a Shared VPC host project grants service projects' accounts, a folder grants an
// account of a project outside it. So each project's accounts are judged on every policy the
// scan reads, not only on their own project's and its ancestors'.
//
// Which projects are scanned is known once discovery is over (`projects:` from the config, the
// others registered by the organization / folder listings, which the scan finishes before it
// collects any project). Reads go through the cache's own limiter and are never recorded here:
// the project a policy belongs to records its own failures in its own coverage entry.
import type { CollectContext } from '../../src/connector.js';
import { createLimiter, mapLimit } from '../../src/concurrency.js';
import { callApi } from './calls.js';
import type { GcpClients } from './clients.js';
import type { GcpConfig } from './config.js';
import { createHierarchy, type Inherited } from './hierarchy.js';
import {
  bindingRef,
  poolOfMember,
  type AttachedPolicy,
  type BindingRef,
  type PrincipalRef,
} from './privilege.js';
import { IamPolicy, Project } from './schema.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; err: unknown };

const settle = <T>(p: Promise<T>): Promise<Outcome<T>> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (err: unknown) => ({ ok: false as const, err }),
  );

/** A project an organization / folder listing made a target (see index.ts). */
export interface Registered {
  project: Project;
  inherited?: Inherited | undefined;
  /** Its IAM policy as Cloud Asset Inventory listed it (`cloudAssetInventory`): not read again. */
  policy?: IamPolicy | undefined;
}

/** Roles granted to service accounts anywhere the scan reads, and what could not be read. */
export interface ScanGrants {
  /** By member, lower-cased ("serviceaccount:ci@acme-ops.iam.gserviceaccount.com", "group:ops@…"). */
  byMember: ReadonlyMap<string, BindingRef[]>;
  /**
   * Roles granted straight to a workload identity pool's identities ("principalSet://…/
   * workloadIdentityPools/ci/attribute.repository/acme/app"), by the pool's resource name,
   * lower-cased: federated workloads using resources with no service account between.
   */
  byPool: ReadonlyMap<string, PrincipalRef[]>;
  /** Scanned projects whose own policy could not be read (each records why in its own entry). */
  unreadable: string[];
  /** Ids and numbers of the scanned projects: an account of any other project is not inventoried. */
  projectIds: ReadonlySet<string>;
  projectNumbers: ReadonlySet<string>;
}

export interface IamPolicyCache {
  /** projects.get, once per scan. */
  project(projectId: string): Promise<Project>;
  /** projects.getIamPolicy (version 3), once per scan. */
  policy(projectId: string): Promise<Outcome<IamPolicy>>;
  /** The folder and organization policies above a `projects:` target, once per parent. */
  inherited(project: Project): Promise<Inherited>;
  /** Every scanned project's policy and those above it, indexed by member. */
  grants(): Promise<ScanGrants>;
}

const projectResource = (projectId: string): string => `projects/${projectId}`;

const push = <T>(map: Map<string, T[]>, key: string, value: T): void => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

export const createIamPolicyCache = (
  config: GcpConfig,
  registered: ReadonlyMap<string, Registered>,
  clients: GcpClients,
  ctx: CollectContext,
): IamPolicyCache => {
  // The cache's calls are shared by every target: they get a limiter of their own, not the
  // first caller's, and nothing is recorded through `ctx` (see above).
  const own: CollectContext = { ...ctx, limit: createLimiter(ctx.concurrency) };
  const hierarchy = createHierarchy(clients, own);
  const opts = clients.opts.cloudresourcemanager;
  const projects = new Map<string, Promise<Project>>();
  const policies = new Map<string, Promise<Outcome<IamPolicy>>>();
  let grants: Promise<ScanGrants> | undefined;

  const project = (projectId: string): Promise<Project> => {
    const listed = registered.get(projectId);
    if (listed) return Promise.resolve(listed.project);
    let p = projects.get(projectId);
    if (!p) {
      p = callApi(own, 'cloudresourcemanager.projects.get', Project, () =>
        clients.crm.projects.get({ name: projectResource(projectId) }, opts),
      );
      p.catch(() => undefined); // awaited by its own target, which reports the failure
      projects.set(projectId, p);
    }
    return p;
  };

  const policy = (projectId: string): Promise<Outcome<IamPolicy>> => {
    let p = policies.get(projectId);
    const listed = p ? undefined : registered.get(projectId)?.policy;
    if (!p && listed) {
      p = Promise.resolve({ ok: true as const, value: listed });
      policies.set(projectId, p);
    }
    if (!p) {
      p = settle(
        callApi(own, 'cloudresourcemanager.projects.getIamPolicy', IamPolicy, () =>
          clients.crm.projects.getIamPolicy(
            { resource: projectResource(projectId), requestBody: { options: { requestedPolicyVersion: 3 } } },
            opts,
          ),
        ),
      );
      policies.set(projectId, p);
    }
    return p;
  };

  const inherited = (p: Project): Promise<Inherited> => {
    const listed = registered.get(p.projectId);
    if (listed) return Promise.resolve(listed.inherited ?? { policies: [], gaps: [] });
    return hierarchy.policiesAbove(p.parent);
  };

  const build = async (): Promise<ScanGrants> => {
    const ids = [...new Set([...config.projects, ...registered.keys()])].sort();
    const read = await mapLimit(ids, ctx.concurrency, async (id) => {
      const found = await settle(project(id));
      // A project that cannot be read, or is pending deletion, is not scanned: nothing of it counts.
      if (!found.ok || (found.value.state ?? 'ACTIVE') !== 'ACTIVE') return undefined;
      const [own, above] = await Promise.all([
        policy(id),
        config.inheritedPolicies ? inherited(found.value) : Promise.resolve(undefined),
      ]);
      return { project: found.value, own, above: above?.policies ?? [] };
    });
    const attached = new Map<string, AttachedPolicy>();
    const unreadable: string[] = [];
    const projectIds = new Set<string>();
    const projectNumbers = new Set<string>();
    for (const r of read) {
      if (!r) continue;
      projectIds.add(r.project.projectId);
      projectNumbers.add(r.project.name.replace(/^projects\//, ''));
      if (r.own.ok) {
        const resource = projectResource(r.project.projectId);
        attached.set(resource, { resource, policy: r.own.value });
      } else unreadable.push(r.project.projectId);
      for (const a of r.above) attached.set(a.resource, a);
    }
    // One pass over every binding: an organization's worth of policies, indexed once.
    const byMember = new Map<string, BindingRef[]>();
    const byPool = new Map<string, PrincipalRef[]>();
    for (const { resource, policy: p } of attached.values()) {
      for (const b of p.bindings) {
        for (const m of new Set(b.members)) {
          const member = m.toLowerCase();
          const pool = poolOfMember(m);
          if (pool) push(byPool, pool, { principal: m, ...bindingRef(b, resource) });
          // Groups too: a service account in a group holds the group's roles (expandGroups).
          if (member.startsWith('serviceaccount:') || member.startsWith('group:'))
            push(byMember, member, bindingRef(b, resource));
        }
      }
    }
    return { byMember, byPool, unreadable, projectIds, projectNumbers };
  };

  return {
    project,
    policy,
    inherited,
    grants: () => (grants ??= build()),
  };
};
