// Google groups named in IAM policies ("group:ops@example.com"), expanded to their members with the
// Cloud Identity API: `groups.lookup` (email → "groups/<id>"), then every page of
// `groups.memberships.searchTransitiveMemberships`, which lists direct members and the members of
// nested groups alike. Read once per group per scan (the directory lives on the connector session,
// with its own limiter and clients carrying the scan's signal and timeout, index.ts), with retries. A failed read is
// returned, never an empty group: the caller records the gap and treats the members as unknown.
// Google answers 403 for accounts without Workspace Enterprise / Cloud Identity Premium (the
// transitive search needs it) as for a scanner without the Groups Reader admin role.
import type { CollectContext } from '../../src/connector.js';
import { createLimiter, mapLimit } from '../../src/concurrency.js';
import { callApi, listAll } from './calls.js';
import type { GcpClients } from './clients.js';
import type { AttachedPolicy, BindingRef } from './privilege.js';
import {
  LookupGroupNameResponse,
  SearchTransitiveMembershipsResponse,
  type MemberRelation,
} from './schema.js';

/** The calls, as the call trace and the permission manifest name them. */
export const GROUP_CALLS = {
  lookup: 'cloudidentity.groups.lookup',
  members: 'cloudidentity.groups.memberships.searchTransitiveMemberships',
} as const;

/** What the scanner needs to read groups (a Workspace / Cloud Identity admin role, not an IAM one). */
export const GROUPS_GRANT = 'Groups Reader admin role (Google Workspace / Cloud Identity)';

export interface GroupMember {
  /** As IAM writes a member, lower-cased: "serviceAccount:x@…", "user:x@…", "group:x@…". */
  principal: string;
  /** A member only through a nested group (relationType INDIRECT). */
  nested: boolean;
}

export type GroupLookup =
  { ok: true; name: string; members: GroupMember[] } | { ok: false; err: unknown; call: string };

export interface GroupDirectory {
  /** The group's transitive members (by its email, any case), read once per scan. */
  members(group: string): Promise<GroupLookup>;
}

/** A member relation as an IAM member, or undefined when it names no email (nothing to match). */
export const memberOf = (r: MemberRelation): GroupMember | undefined => {
  const id = r.preferredMemberKey.find((k) => k.id)?.id?.toLowerCase();
  if (!id) return undefined;
  const kind = r.member?.startsWith('groups/')
    ? 'group'
    : /\.gserviceaccount\.com$/.test(id)
      ? 'serviceAccount'
      : 'user';
  return { principal: `${kind}:${id}`, nested: r.relationType === 'INDIRECT' };
};

export const createGroupDirectory = (
  clients: GcpClients,
  ctx: Pick<CollectContext, 'concurrency'>,
): GroupDirectory => {
  // Shared by every target of the scan (like the role catalog): a limiter of its own.
  const own: Pick<CollectContext, 'limit'> = { limit: createLimiter(ctx.concurrency) };
  const opts = clients.opts.cloudidentity;
  const cache = new Map<string, Promise<GroupLookup>>();
  const read = async (email: string): Promise<GroupLookup> => {
    let call: string = GROUP_CALLS.lookup;
    try {
      const found = await callApi(own, call, LookupGroupNameResponse, () =>
        clients.cloudidentity.groups.lookup({ 'groupKey.id': email }, opts),
      );
      if (!found.name) throw new Error(`${call} named no group for ${email}`);
      const name = found.name;
      call = GROUP_CALLS.members;
      const pages = await listAll(own, call, SearchTransitiveMembershipsResponse, (pageToken) =>
        clients.cloudidentity.groups.memberships.searchTransitiveMemberships(
          { parent: name, pageSize: 1000, ...(pageToken ? { pageToken } : {}) },
          opts,
        ),
      );
      // One entry per member: a member both direct and nested is direct.
      const members = new Map<string, GroupMember>();
      for (const r of pages.flatMap((p) => p.memberships)) {
        const m = memberOf(r);
        if (!m) continue;
        const seen = members.get(m.principal);
        members.set(m.principal, seen ? { ...seen, nested: seen.nested && m.nested } : m);
      }
      return { ok: true, name, members: [...members.values()].sort(byPrincipal) };
    } catch (err) {
      return { ok: false, err, call };
    }
  };
  return {
    members(group) {
      const key = group.toLowerCase();
      let p = cache.get(key);
      if (!p) {
        p = read(key);
        cache.set(key, p);
      }
      return p;
    },
  };
};

const byPrincipal = (a: GroupMember, b: GroupMember): number =>
  a.principal < b.principal ? -1 : a.principal > b.principal ? 1 : 0;

/** The groups (emails, lower-cased) policies name as members; deleted groups act as no one. */
export const groupsNamed = (policies: readonly AttachedPolicy[]): string[] => {
  const out = new Set<string>();
  for (const { policy } of policies)
    for (const b of policy.bindings)
      for (const m of b.members) if (/^group:/i.test(m)) out.add(m.slice('group:'.length).toLowerCase());
  return [...out];
};

/** What one project knows of the scan's groups once they are read. */
export interface GroupMembership {
  /** The group's members, or undefined when they could not be read. */
  membersOf(group: string): readonly GroupMember[] | undefined;
  /** The groups `principal` belongs to (directly or through nested groups), with how. */
  groupsOf(principal: string): readonly { group: string; nested: boolean }[];
  /** Groups whose members could not be read. */
  unread: readonly string[];
}

/** Reads `groups` through the directory; failures are handed to `failed` (the caller's gap). */
export const readGroups = async (
  directory: GroupDirectory,
  groups: readonly string[],
  concurrency: number,
  failed: (group: string, lookup: Extract<GroupLookup, { ok: false }>) => void,
): Promise<GroupMembership> => {
  const sorted = [...new Set(groups.map((g) => g.toLowerCase()))].sort();
  const read = await mapLimit(sorted, concurrency, async (group) => ({
    group,
    found: await directory.members(group),
  }));
  const members = new Map<string, readonly GroupMember[]>();
  const reverse = new Map<string, { group: string; nested: boolean }[]>();
  const unread: string[] = [];
  for (const { group, found } of read) {
    if (!found.ok) {
      unread.push(group);
      failed(group, found);
      continue;
    }
    members.set(group, found.members);
    for (const m of found.members) {
      const key = m.principal.toLowerCase();
      const list = reverse.get(key) ?? [];
      list.push({ group, nested: m.nested });
      reverse.set(key, list);
    }
  }
  return {
    membersOf: (group) => members.get(group.toLowerCase()),
    groupsOf: (principal) => reverse.get(principal.toLowerCase()) ?? [],
    unread,
  };
};

/**
 * Whether `principal` ("serviceAccount:x@…") is a member of a group, directly or through nested
 * groups, by the group's email: 'unknown' when the group's members were not read.
 */
export const memberTest =
  (membership: GroupMembership, principal: string) =>
  (group: string): boolean | 'unknown' => {
    const g = group.toLowerCase();
    if (membership.membersOf(g) === undefined) return 'unknown';
    return membership.groupsOf(principal).some((m) => m.group === g);
  };

/**
 * The roles a principal holds through its groups: each group's bindings (`bindingsOfGroup`), named
 * with the group (`via`) for the evidence. One binding per group, role, resource and condition,
 * however often the group or the member is listed.
 */
export const bindingsThroughGroups = (
  principal: string,
  membership: GroupMembership,
  bindingsOfGroup: (group: string) => readonly BindingRef[],
): BindingRef[] => {
  const out = new Map<string, BindingRef>();
  for (const { group, nested } of membership.groupsOf(principal)) {
    for (const b of bindingsOfGroup(group)) {
      const via = `group:${group}`;
      const key = [b.role, b.resource, b.expression ?? b.condition ?? '', via].join('\u0000');
      if (!out.has(key)) out.set(key, { ...b, via, ...(nested ? { nested: true } : {}) });
    }
  }
  return [...out.values()];
};
