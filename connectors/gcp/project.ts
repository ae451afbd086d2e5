// One project's non-human identities: service accounts and their keys, API keys, workload
// identity providers, with the IAM policies that say what each holds and who can act as it,
// and Policy Analyzer's last authentication. Every failed call is a coverage gap; the project
// is given up only when the scanner is refused both its IAM policy and its service accounts.
import { normalizeTimestamp } from '../../src/clock.js';
import type { CollectContext } from '../../src/connector.js';
import { mapLimit } from '../../src/concurrency.js';
import type { IdentityInput } from '../../src/model.js';
import type { IamPolicyCache, ScanGrants } from './iam-policy-cache.js';
import { callApi, listAll } from './calls.js';
import type { GcpClients } from './clients.js';
import type { GcpConfig } from './config.js';
import { gcpGap, isDenied, type GapInput } from './errors.js';
import {
  GROUPS_GRANT,
  bindingsThroughGroups,
  groupsNamed,
  readGroups,
  type GroupDirectory,
  type GroupMembership,
} from './groups.js';
import type { ProjectInventory } from './cloud-asset.js';
import type { Inherited } from './hierarchy.js';
import {
  accountBindings,
  apiKeyIdentity,
  homeProjectOf,
  isServiceAgent,
  memberBindings,
  serviceAccountIdentity,
  wifProviderIdentity,
  type LastAuthentication,
} from './identities.js';
import { resolveGcpOwner, type Mapping, type OwnerFacts } from './owner.js';
import { poolOfMember, privilegeOf, type AttachedPolicy, type BindingRef } from './privilege.js';
import { PRIVILEGE_ORDER, type PrivilegeLevel } from '../../src/model.js';
import { prepareJudge, type PrivilegeReaders, type ProjectJudge } from './project-privilege.js';
import {
  IamPolicy,
  ListApiKeysResponse,
  ListServiceAccountKeysResponse,
  ListServiceAccountsResponse,
  ListWorkloadIdentityPoolProvidersResponse,
  ListWorkloadIdentityPoolsResponse,
  QueryActivityResponse,
  type Project,
  type ServiceAccount,
  type WorkloadIdentityPool,
} from './schema.js';
import { compareCodeUnits } from '../../src/order.js';

export interface ProjectRun {
  clients: GcpClients;
  config: GcpConfig;
  ctx: CollectContext;
  /** Roles granted above the project (its folders and organization), with what could not be read. */
  inherited: (project: Project) => Promise<Inherited>;
  mappings: ReadonlyMap<string, Mapping>;
  /** The scan's IAM policies: this project's own, and every other scanned project's. */
  policies: IamPolicyCache;
  /** Role and deny policy readers (providers.gcp.rolePermissions); absent: roles judged by name. */
  readers?: PrivilegeReaders | undefined;
  /** Google group members, read once per scan (providers.gcp.expandGroups); absent: not read. */
  groups?: GroupDirectory | undefined;
  /** The project's assets from Cloud Asset Inventory: read from it instead of per project / account. */
  inventory?: ProjectInventory | undefined;
}

export interface ProjectResult {
  identities: IdentityInput[];
  /** The scanner was refused the project outright. */
  denied: boolean;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; err: unknown };

const attempt = async <T>(fn: () => Promise<T>): Promise<Outcome<T>> => {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, err };
  }
};

const ACTIVITY = {
  accounts: {
    type: 'serviceAccountLastAuthentication',
    permission: 'policyanalyzer.serviceAccountLastAuthenticationActivities.query',
  },
  keys: {
    type: 'serviceAccountKeyLastAuthentication',
    permission: 'policyanalyzer.serviceAccountKeyLastAuthenticationActivities.query',
  },
} as const;

export const collectProject = async (project: Project, run: ProjectRun): Promise<ProjectResult> => {
  const { clients, config, ctx } = run;
  const projectId = project.projectId;
  const projectResource = `projects/${projectId}`;
  const gap = (g: GapInput): void => {
    ctx.gap({ resource: projectResource, ...g });
  };

  // Both of these are needed for anything useful; refused both, the project is out of reach.
  const inventory = run.inventory;
  const [policyOutcome, accountsOutcome] = await Promise.all([
    // Read once for the scan: other projects' accounts may hold roles here (the cache serves the
    // policy Cloud Asset Inventory listed, when it did).
    run.policies.policy(projectId),
    inventory
      ? { ok: true as const, value: [{ accounts: inventory.accounts }] }
      : attempt(() =>
          listAll(ctx, 'iam.projects.serviceAccounts.list', ListServiceAccountsResponse, (pageToken) =>
            clients.iam.projects.serviceAccounts.list(
              { name: projectResource, pageSize: 100, ...(pageToken ? { pageToken } : {}) },
              clients.opts.iam,
            ),
          ),
        ),
  ]);
  if (!policyOutcome.ok) {
    gap(
      gcpGap('cloudresourcemanager.projects.getIamPolicy', policyOutcome.err, {
        permission: 'resourcemanager.projects.getIamPolicy',
        fallback: 'roles granted on the project are not included in privilege',
      }),
    );
  }
  if (!accountsOutcome.ok) {
    gap(
      gcpGap('iam.projects.serviceAccounts.list', accountsOutcome.err, {
        permission: 'iam.serviceAccounts.list',
      }),
    );
  }
  if (
    !policyOutcome.ok &&
    !accountsOutcome.ok &&
    isDenied(policyOutcome.err) &&
    isDenied(accountsOutcome.err)
  ) {
    return { identities: [], denied: true };
  }

  const inherited = config.inheritedPolicies ? await run.inherited(project) : { policies: [], gaps: [] };
  // Each names the folder or organization it concerns, not this project.
  for (const g of inherited.gaps) gap(g);
  const resourcePolicies: AttachedPolicy[] = [
    ...(policyOutcome.ok ? [{ resource: projectResource, policy: policyOutcome.value }] : []),
    ...inherited.policies,
  ];
  const accounts = accountsOutcome.ok ? accountsOutcome.value.flatMap((p) => p.accounts) : [];

  const [auth, accountData, apiKeys, providers] = await Promise.all([
    config.policyAnalyzer ? lastAuthentication(project, run, gap) : Promise.resolve(undefined),
    mapLimit(accounts, ctx.concurrency, async (account) => ({
      account,
      ...(await accountDetails(account, run, gap)),
    })),
    config.apiKeys ? listApiKeys(project, run, gap) : Promise.resolve([]),
    config.workloadIdentity ? listProviders(project, run, gap) : Promise.resolve([]),
  ]);

  // Roles this project's accounts hold in the other scanned projects (and above them).
  const grants = await run.policies.grants();
  if (accounts.length > 0 && grants.unreadable.some((id) => id !== projectId)) {
    const others = grants.unreadable.filter((id) => id !== projectId).map((id) => `projects/${id}`);
    ctx.note(
      `roles held in ${others.join(', ')} are not included in privilege: their IAM policies could not be read (see their own entries)`,
    );
  }
  if (policyOutcome.ok) noteForeignAccounts(policyOutcome.value, projectResource, grants, ctx);
  const boundKeys = new Map<string, string[]>();
  for (const key of apiKeys) {
    const email = key.serviceAccountEmail?.toLowerCase();
    if (email) boundKeys.set(email, [...(boundKeys.get(email) ?? []), key.uid]);
  }

  const elsewhereOf = (email: string) => grants.byMember.get(`serviceaccount:${email.toLowerCase()}`) ?? [];
  const groups = run.groups
    ? await expandGroups(run.groups, resourcePolicies, accountData, grants.byMember, ctx, gap)
    : undefined;
  const groupBindings = (group: string): BindingRef[] =>
    memberBindings(`group:${group}`, resourcePolicies, grants.byMember.get(`group:${group}`) ?? []);
  const throughGroups = new Map<string, BindingRef[]>();
  if (groups)
    for (const a of accounts)
      throughGroups.set(a.email, bindingsThroughGroups(`serviceAccount:${a.email}`, groups, groupBindings));
  // Roles of groups whose members could not be read: any account may hold them.
  const unreadGrants = groups
    ? groups.unread.flatMap((g) => groupBindings(g).map((b) => ({ ...b, via: `group:${g}` })))
    : [];
  let judge: ProjectJudge | undefined;
  if (run.readers) {
    judge = await prepareJudge({
      config,
      ctx,
      readers: run.readers,
      project: { resource: projectResource, numbered: project.name },
      above: inherited.policies,
      bindings: [
        ...accounts.flatMap((a) => accountBindings(a.email, resourcePolicies, elsewhereOf(a.email))),
        ...[...throughGroups.values()].flat(),
        ...unreadGrants,
        ...providers.flatMap(({ pool }) => grants.byPool.get(pool.name.toLowerCase()) ?? []),
      ],
      gap,
    });
  } else {
    ctx.note(
      'role permissions not read (providers.gcp.rolePermissions: false): roles are judged by their names, deny policies and conditions are not evaluated',
    );
  }
  if (!groups) noteGroupGrants(resourcePolicies, ctx);
  // What each unread group's roles add up to for a member: what an account may hold unseen.
  const judgeUnseen = judge ? judge.pool() : privilegeOf;
  const unseen = (groups?.unread ?? []).flatMap((group) => {
    const held = unreadGrants.filter((b) => b.via === `group:${group}`);
    return held.length > 0 ? [{ via: `group:${group}`, level: judgeUnseen(held).level }] : [];
  });

  // A project (or another scanned project) whose IAM policy could not be read: roles granted there
  // are unknown, so no account's privilege is known in full.
  const privilegeUnknown = !policyOutcome.ok || grants.unreadable.length > 0;
  const owner = (facts: OwnerFacts) => resolveGcpOwner(facts, config.ownerSources, run.mappings);
  const projectKeys = [`project:${projectId}`];
  const identities: IdentityInput[] = [];
  accountData.forEach(({ account, ...details }) => {
    const bound = boundKeys.get(account.email.toLowerCase()) ?? [];
    if (bound.length > 0 && auth) {
      ctx.note(
        `${account.email}: last use unknown — API keys bound to it (${bound.join(', ')}) authenticate as it, and Policy Analyzer does not record their requests`,
      );
    }
    const identity = serviceAccountIdentity({
      account,
      project,
      keys: details.keys,
      accountPolicy: details.policy,
      resourcePolicies,
      elsewhere: elsewhereOf(account.email),
      ...(judge
        ? {
            judge: judge.account({
              email: account.email,
              uniqueId: account.uniqueId,
              serviceAgent: isServiceAgent(account.email),
            }),
          }
        : {}),
      boundApiKeys: bound,
      ...(groups ? { groups, throughGroups: throughGroups.get(account.email) ?? [] } : {}),
      auth,
      owner: owner({
        keys: [account.email, ...projectKeys],
        description: account.description,
        projectLabels: project.labels,
      }),
      asOf: ctx.clock.asOf,
    });
    // A group whose members could not be read may hold more than the account is seen to hold.
    const seen = rank(identity.privilege?.level ?? 'none');
    const hidden = unseen.filter((u) => rank(u.level) > seen);
    for (const u of hidden)
      identity.privilege?.reasons?.push(
        `members of ${u.via} could not be read: if this account is one, the group's roles make it ${u.level}`,
      );
    identities.push(
      privilegeUnknown || hidden.length > 0 ? { ...identity, unknownFacts: ['privilege'] } : identity,
    );
  });
  for (const key of apiKeys) {
    const uid = `gcp:${projectId}/apikey/${key.uid}`;
    identities.push(
      apiKeyIdentity(
        key,
        project,
        owner({ keys: [uid, key.uid, ...projectKeys], projectLabels: project.labels }),
      ),
    );
  }
  for (const { provider, pool } of providers) {
    identities.push(
      wifProviderIdentity(
        provider,
        pool,
        project,
        owner({
          keys: [provider.name, ...projectKeys],
          description: provider.description,
          projectLabels: project.labels,
        }),
        grants.byPool.get(pool.name.toLowerCase()) ?? [],
        judge?.pool(),
      ),
    );
  }
  return { identities, denied: false };
};

const rank = (l: PrivilegeLevel): number => PRIVILEGE_ORDER.indexOf(l);

/**
 * Every group the scan's policies name (this project's, those above it, the accounts' own, the
 * other scanned projects'), read through the scan's directory. A group this project's policies
 * name that could not be read is a gap here; one named only elsewhere is that project's gap.
 */
const expandGroups = async (
  directory: GroupDirectory,
  resourcePolicies: readonly AttachedPolicy[],
  accountData: readonly { policy: AttachedPolicy | undefined }[],
  byMember: ReadonlyMap<string, readonly BindingRef[]>,
  ctx: CollectContext,
  gap: (g: GapInput) => void,
): Promise<GroupMembership> => {
  const own = new Set(
    groupsNamed([...resourcePolicies, ...accountData.flatMap((d) => (d.policy ? [d.policy] : []))]),
  );
  const elsewhere = [...byMember.keys()].filter((k) => k.startsWith('group:')).map((k) => k.slice(6));
  return readGroups(directory, [...own, ...elsewhere], ctx.concurrency, (group, failed) => {
    if (!own.has(group)) return;
    gap(
      gcpGap(failed.call, failed.err, {
        resource: `group:${group}`,
        permission: GROUPS_GRANT,
        fallback: `members of group:${group} unknown: its roles are not counted in any account's privilege (an account that may be a member is unknown), and who can act as accounts through it is unknown`,
      }),
    );
  });
};

/**
 * Roles granted to Google groups reach the groups' members, service accounts among them. With
 * `expandGroups: false` group membership is not read, so those roles are not in any account's
 * privilege: said once per project, with the groups, rather than left out silently.
 */
const noteGroupGrants = (policies: readonly AttachedPolicy[], ctx: CollectContext): void => {
  const groups = new Set<string>();
  for (const { policy } of policies)
    for (const b of policy.bindings)
      for (const m of b.members) if (/^group:/i.test(m)) groups.add(m.slice('group:'.length).toLowerCase());
  if (groups.size === 0) return;
  ctx.note(
    `roles granted to groups (${[...groups].sort().join(', ')}) are not included in service accounts' privilege: group membership is not read (providers.gcp.expandGroups: false)`,
  );
};

/**
 * Accounts of projects this scan does not cover, holding roles here: they are in no target's
 * inventory, so no policy judges them. Each is named, with its roles, in this project's notes.
 */
const noteForeignAccounts = (
  policy: IamPolicy,
  resource: string,
  grants: ScanGrants,
  ctx: CollectContext,
): void => {
  const foreign = new Map<string, { home: string; roles: Set<string> }>();
  const add = (member: string, home: string, role: string): void => {
    const entry = foreign.get(member) ?? { home, roles: new Set<string>() };
    entry.roles.add(role);
    foreign.set(member, entry);
  };
  for (const b of policy.bindings) {
    for (const m of b.members) {
      // A workload identity pool's identities, granted roles directly: the pool's providers
      // carry them, when the pool's project is scanned.
      const pool = poolOfMember(m);
      const poolProject = pool ? /^projects\/(\d+)\//.exec(pool)?.[1] : undefined;
      if (pool && poolProject && !grants.projectNumbers.has(poolProject)) {
        add(m, `a workload identity pool of project number ${poolProject}`, b.role);
        continue;
      }
      if (!/^serviceAccount:/i.test(m)) continue;
      const email = m.slice(m.indexOf(':') + 1).toLowerCase();
      const home = homeProjectOf(email);
      if (!home) continue;
      const scanned =
        'projectId' in home
          ? grants.projectIds.has(home.projectId)
          : grants.projectNumbers.has(home.projectNumber);
      if (scanned) continue;
      add(
        `serviceAccount:${email}`,
        'projectId' in home ? `projects/${home.projectId}` : `project number ${home.projectNumber}`,
        b.role,
      );
    }
  }
  for (const [member, { home, roles }] of [...foreign].sort(([a], [b]) => compareCodeUnits(a, b))) {
    ctx.note(
      `${member} holds ${[...roles].sort().join(', ')} on ${resource}; it belongs to ${home}, which this scan does not cover, so it is not in the inventory`,
    );
  }
};

const accountDetails = async (
  account: ServiceAccount,
  run: ProjectRun,
  gap: (g: GapInput) => void,
): Promise<{ keys: ListKeys; policy: AttachedPolicy | undefined }> => {
  const { clients, ctx } = run;
  if (run.inventory) {
    const email = account.email.toLowerCase();
    return {
      keys: run.inventory.keys[email] ?? [],
      policy: { resource: account.name, policy: run.inventory.accountPolicies[email] ?? { bindings: [] } },
    };
  }
  const opts = clients.opts.iam;
  const [keys, policy] = await Promise.all([
    attempt(() =>
      callApi(ctx, 'iam.projects.serviceAccounts.keys.list', ListServiceAccountKeysResponse, () =>
        clients.iam.projects.serviceAccounts.keys.list({ name: account.name }, opts),
      ),
    ),
    attempt(() =>
      callApi(ctx, 'iam.projects.serviceAccounts.getIamPolicy', IamPolicy, () =>
        clients.iam.projects.serviceAccounts.getIamPolicy(
          { resource: account.name, 'options.requestedPolicyVersion': 3 },
          opts,
        ),
      ),
    ),
  ]);
  if (!keys.ok) {
    gap(
      gcpGap('iam.projects.serviceAccounts.keys.list', keys.err, {
        resource: account.email,
        permission: 'iam.serviceAccountKeys.list',
        fallback: 'keys of this account are unknown',
      }),
    );
  }
  if (!policy.ok) {
    gap(
      gcpGap('iam.projects.serviceAccounts.getIamPolicy', policy.err, {
        resource: account.email,
        permission: 'iam.serviceAccounts.getIamPolicy',
        fallback: 'principals granted roles on the account itself are not included',
      }),
    );
  }
  return {
    keys: keys.ok ? keys.value.keys : undefined,
    policy: policy.ok ? { resource: account.name, policy: policy.value } : undefined,
  };
};
type ListKeys = ReturnType<typeof ListServiceAccountKeysResponse.parse>['keys'] | undefined;

const listApiKeys = async (project: Project, run: ProjectRun, gap: (g: GapInput) => void) => {
  const { clients, ctx } = run;
  if (run.inventory) return run.inventory.apiKeys.filter((k) => !k.deleteTime);
  try {
    const pages = await listAll(
      ctx,
      'apikeys.projects.locations.keys.list',
      ListApiKeysResponse,
      (pageToken) =>
        clients.apikeys.projects.locations.keys.list(
          {
            parent: `projects/${project.projectId}/locations/global`,
            pageSize: 300,
            ...(pageToken ? { pageToken } : {}),
          },
          clients.opts.apikeys,
        ),
    );
    return pages.flatMap((p) => p.keys).filter((k) => !k.deleteTime);
  } catch (err) {
    gap(
      gcpGap('apikeys.projects.locations.keys.list', err, {
        permission: 'apikeys.keys.list',
        fallback: 'API keys of the project are unknown',
      }),
    );
    return [];
  }
};

const listProviders = async (project: Project, run: ProjectRun, gap: (g: GapInput) => void) => {
  const { clients, ctx } = run;
  const opts = clients.opts.iam;
  const inventory = run.inventory;
  if (inventory)
    return inventory.pools
      .filter((p) => (p.state ?? 'ACTIVE') === 'ACTIVE')
      .flatMap((pool) =>
        (inventory.providers[pool.name] ?? [])
          .filter((p) => (p.state ?? 'ACTIVE') === 'ACTIVE')
          .map((provider) => ({ provider, pool })),
      );
  let pools: WorkloadIdentityPool[];
  try {
    const pages = await listAll(
      ctx,
      'iam.projects.locations.workloadIdentityPools.list',
      ListWorkloadIdentityPoolsResponse,
      (pageToken) =>
        clients.iam.projects.locations.workloadIdentityPools.list(
          {
            parent: `projects/${project.projectId}/locations/global`,
            pageSize: 100,
            ...(pageToken ? { pageToken } : {}),
          },
          opts,
        ),
    );
    pools = pages.flatMap((p) => p.workloadIdentityPools).filter((p) => (p.state ?? 'ACTIVE') === 'ACTIVE');
  } catch (err) {
    gap(
      gcpGap('iam.projects.locations.workloadIdentityPools.list', err, {
        permission: 'iam.workloadIdentityPools.list',
        fallback: 'workload identity providers of the project are unknown',
      }),
    );
    return [];
  }
  const perPool = await mapLimit(pools, ctx.concurrency, async (pool) => {
    try {
      const pages = await listAll(
        ctx,
        'iam.projects.locations.workloadIdentityPools.providers.list',
        ListWorkloadIdentityPoolProvidersResponse,
        (pageToken) =>
          clients.iam.projects.locations.workloadIdentityPools.providers.list(
            { parent: pool.name, pageSize: 100, ...(pageToken ? { pageToken } : {}) },
            opts,
          ),
      );
      return pages
        .flatMap((p) => p.workloadIdentityPoolProviders)
        .filter((p) => (p.state ?? 'ACTIVE') === 'ACTIVE')
        .map((provider) => ({ provider, pool }));
    } catch (err) {
      gap(
        gcpGap('iam.projects.locations.workloadIdentityPools.providers.list', err, {
          resource: pool.name,
          permission: 'iam.workloadIdentityPoolProviders.list',
          fallback: 'providers of this pool are unknown',
        }),
      );
      return [];
    }
  });
  return perPool.flat();
};

/** Policy Analyzer's last authentication of the project's accounts and keys; undefined (a gap) when unreadable. */
const lastAuthentication = async (
  project: Project,
  run: ProjectRun,
  gap: (g: GapInput) => void,
): Promise<LastAuthentication | undefined> => {
  const { clients, ctx } = run;
  const query = (type: string) =>
    listAll(
      ctx,
      'policyanalyzer.projects.locations.activityTypes.activities.query',
      QueryActivityResponse,
      (pageToken) =>
        clients.policyanalyzer.projects.locations.activityTypes.activities.query(
          {
            parent: `projects/${project.projectId}/locations/global/activityTypes/${type}`,
            pageSize: 1000,
            ...(pageToken ? { pageToken } : {}),
          },
          clients.opts.policyanalyzer,
        ),
    );
  const [accounts, keys] = await Promise.all([
    attempt(() => query(ACTIVITY.accounts.type)),
    attempt(() => query(ACTIVITY.keys.type)),
  ]);
  for (const [outcome, which] of [
    [accounts, ACTIVITY.accounts],
    [keys, ACTIVITY.keys],
  ] as const) {
    if (!outcome.ok) {
      gap(
        gcpGap('policyanalyzer.projects.locations.activityTypes.activities.query', outcome.err, {
          resource: `projects/${project.projectId}/locations/global/activityTypes/${which.type}`,
          permission: which.permission,
          fallback: 'last use of service accounts and keys left unknown',
        }),
      );
    }
  }
  // Half an answer would make unlisted keys (or accounts) look unused: all or nothing.
  if (!accounts.ok || !keys.ok) return undefined;
  const result: LastAuthentication = { accounts: new Map(), keys: new Map() };
  const widen = (start?: string, end?: string): void => {
    if (start && (!result.observationStart || start < result.observationStart))
      result.observationStart = start;
    if (end && (!result.observationEnd || end > result.observationEnd)) result.observationEnd = end;
  };
  for (const a of accounts.value.flatMap((p) => p.activities)) {
    const when = normalizeTimestamp(a.activity?.lastAuthenticatedTime);
    if (!when) continue;
    widen(
      normalizeTimestamp(a.observationPeriod?.startTime),
      normalizeTimestamp(a.observationPeriod?.endTime),
    );
    const subject = a.activity?.serviceAccount;
    const fullName = subject?.fullResourceName ?? a.fullResourceName ?? '';
    // ".../serviceAccounts/<email>" or ".../serviceAccounts/<unique id>": both name the account.
    const last = fullName.slice(fullName.lastIndexOf('/') + 1).toLowerCase();
    const ids = new Set([
      ...(last.includes('@') || /^\d+$/.test(last) ? [last] : []),
      ...(subject?.serviceAccountId ? [subject.serviceAccountId] : []),
    ]);
    for (const id of ids) result.accounts.set(id, latest(result.accounts.get(id), when));
  }
  for (const a of keys.value.flatMap((p) => p.activities)) {
    const when = normalizeTimestamp(a.activity?.lastAuthenticatedTime);
    if (!when) continue;
    widen(
      normalizeTimestamp(a.observationPeriod?.startTime),
      normalizeTimestamp(a.observationPeriod?.endTime),
    );
    const fullName = a.activity?.serviceAccountKey?.fullResourceName ?? a.fullResourceName ?? '';
    const keyId = /\/keys\/([^/]+)$/.exec(fullName)?.[1];
    if (keyId) result.keys.set(keyId, latest(result.keys.get(keyId), when));
  }
  return result;
};

const latest = (a: string | undefined, b: string): string => (a && a > b ? a : b);
