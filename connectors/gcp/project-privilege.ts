// Readies one project's privilege judgement: reads (through the scan's caches) the roles its
// accounts and pools are bound to and the deny policies that cover those bindings, records what
// could not be read as gaps of this project, and returns the judge effective.ts applies.
import type { CollectContext } from '../../src/connector.js';
import { mapLimit } from '../../src/concurrency.js';
import { evaluateCondition } from './conditions.js';
import type { GcpConfig } from './config.js';
import { denyGroupsNamed, type DenyReader, type DenyRuleRef, type DenySubject } from './deny.js';
import { effectivePrivilegeOf, type EffectivePrivilege } from './effective.js';
import { gcpGap, type GapInput } from './errors.js';
import { GROUPS_GRANT, memberTest, readGroups, type GroupDirectory, type GroupMembership } from './groups.js';
import type { AttachedPolicy, BindingRef } from './privilege.js';
import { roleCall, type RoleCatalog, type RoleLookup } from './role-permissions.js';

export interface PrivilegeReaders {
  roles: RoleCatalog;
  denies?: DenyReader | undefined;
  /**
   * Google group members (expandGroups), to decide deny rules naming groups; absent: such rules
   * are not applied (membership unknown).
   */
  groups?: GroupDirectory | undefined;
}

export interface ProjectJudge {
  /** For a service account: its bindings judged, deny policies applied to it. */
  account(subject: Omit<DenySubject, 'containers'>): (bindings: readonly BindingRef[]) => EffectivePrivilege;
  /** For a workload identity pool's direct grants (deny rules are not matched to pool identities). */
  pool(): (bindings: readonly BindingRef[]) => EffectivePrivilege;
}

export const prepareJudge = async (input: {
  config: GcpConfig;
  ctx: CollectContext;
  readers: PrivilegeReaders;
  /** "projects/<id>" and "projects/<number>". */
  project: { resource: string; numbered: string };
  /** The project's folders and organization (readable ones), nearest first. */
  above: readonly AttachedPolicy[];
  /** Every binding of the project's accounts and pools. */
  bindings: readonly BindingRef[];
  gap: (g: GapInput) => void;
}): Promise<ProjectJudge> => {
  const { ctx, readers, gap } = input;
  // A binding whose condition cannot hold at scan time grants nothing: its role is not read.
  const live = input.bindings.filter(
    (b) => !b.expression || evaluateCondition(b.expression, ctx.clock.asOf).kind !== 'never',
  );
  const roleNames = [...new Set(live.map((b) => b.role))].sort();
  const looked = await mapLimit(roleNames, ctx.concurrency, async (role) => ({
    role,
    found: await readers.roles.get(role),
  }));
  const roles = new Map<string, RoleLookup>();
  for (const { role, found } of looked) {
    roles.set(role, found);
    if (!found.ok) {
      const { permission } = roleCall(role);
      gap(
        gcpGap(found.call, found.err, {
          resource: role,
          ...(permission ? { permission } : {}),
          fallback: `${role} judged by its name, not its permissions`,
        }),
      );
    }
  }

  // Deny rules attached to a binding's resource, and (for this project's chain) above it.
  const chain = [input.project.resource, ...input.above.map((a) => a.resource)];
  const attachments = [...new Set([...chain, ...input.bindings.map((b) => b.resource)])]
    .filter((r) => /^(projects|folders|organizations)\/[^/]+$/.test(r))
    .sort();
  const denyRules = new Map<string, DenyRuleRef[]>();
  if (readers.denies) {
    const denies = readers.denies;
    const read = await mapLimit(attachments, ctx.concurrency, async (a) => ({
      a,
      found: await denies.at(a),
    }));
    for (const { a, found } of read) {
      if (found.ok) denyRules.set(a, found.rules);
      else
        gap(
          gcpGap(found.call, found.err, {
            resource: a,
            permission: found.call === 'iam.policies.get' ? 'iam.denypolicies.get' : 'iam.denypolicies.list',
            fallback: `deny policies attached to ${a} are not applied: privilege may be overstated`,
          }),
        );
    }
  } else {
    ctx.note(
      'IAM deny policies not read (providers.gcp.denyPolicies: false): privilege is what allow policies grant',
    );
  }
  // Groups the deny rules name, read through the scan's directory (each group once per scan).
  let denyGroups: GroupMembership | undefined;
  if (readers.groups) {
    const named = denyGroupsNamed([...denyRules.values()].flat());
    denyGroups = await readGroups(readers.groups, named, ctx.concurrency, (group, failed) => {
      gap(
        gcpGap(failed.call, failed.err, {
          resource: `group:${group}`,
          permission: GROUPS_GRANT,
          fallback: `deny rules naming group:${group} are not applied (whether an account is a member is unknown): privilege may be overstated`,
        }),
      );
    });
  }
  const rulesFor = (resource: string): DenyRuleRef[] => {
    const at = chain.indexOf(resource);
    const covering = at >= 0 ? chain.slice(at) : [resource];
    return covering.flatMap((r) => denyRules.get(r) ?? []);
  };
  // Containers a principalSet ".../projects/<number>/type/ServiceAccount" may name.
  const containers = [input.project.resource, input.project.numbered, ...chain.slice(1)];
  const asOf = ctx.clock.asOf;
  return {
    account: (subject) => (bindings) =>
      effectivePrivilegeOf({
        bindings,
        roles,
        ...(readers.denies ? { denyRules: rulesFor } : {}),
        subject: {
          ...subject,
          containers,
          ...(denyGroups ? { inGroup: memberTest(denyGroups, `serviceAccount:${subject.email}`) } : {}),
        },
        asOf,
      }),
    pool: () => (bindings) => effectivePrivilegeOf({ bindings, roles, asOf }),
  };
};
