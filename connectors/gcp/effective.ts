// A service account's effective privilege on Google Cloud: every role binding it holds (on its
// project, the folders and organization above, the other scanned projects), each role judged by
// the permissions it holds (role-permissions.ts), minus what IAM deny policies take away
// (deny.ts), with IAM conditions decided where they can be (conditions.ts). The ladder is the
// AWS one: a binding whose condition cannot be decided counts up to write (it may apply); admin
// needs certainty, so a conditional admin binding is recorded as `conditionalLevel: admin`, with
// its expression in the reasons. A binding whose condition cannot hold at scan time (an expired
// time window) grants nothing now, and the reasons say so.
import type { Grant, PrivilegeLevel } from '../../src/model.js';
import { PRIVILEGE_ORDER } from '../../src/model.js';
import { evaluateCondition } from './conditions.js';
import { applyDenies, type DenyRuleRef, type DenySubject } from './deny.js';
import type { BindingRef, GcpPrivilege } from './privilege.js';
import { roleLevel, viaText } from './privilege.js';
import { levelOfPermissions, type RoleLookup } from './role-permissions.js';

export type BindingStatus = 'active' | 'inactive' | 'conditional' | 'scoped';

/** One binding as judged: kept in the identity's attributes for the evidence. */
export interface JudgedBinding extends BindingRef {
  status: BindingStatus;
  /** By the role's permissions, or (the role could not be read) by its name. */
  judgedBy: 'permissions' | 'name';
  level: PrivilegeLevel;
  adminScope?: 'estate' | 'service';
  /** Permissions the role holds, and those that decide its level. */
  permissions?: number;
  decidedBy?: string[];
  /** Permissions removed by deny policies, with the policy. */
  denied?: { permission: string; policy: string }[];
  /** Why the binding counts as it does (condition outcome, inactive role, rule not applied). */
  notes?: string[];
}

export interface EffectiveInput {
  bindings: readonly BindingRef[];
  roles: ReadonlyMap<string, RoleLookup>;
  /** The deny rules that cover a binding on `resource` (attached there or above). */
  denyRules?: (resource: string) => readonly DenyRuleRef[];
  subject?: DenySubject;
  asOf: Date;
}

export interface EffectivePrivilege extends GcpPrivilege {
  conditionalLevel?: PrivilegeLevel;
  /** Set when the level is admin and every binding deciding it was judged by its permissions. */
  adminScope?: 'estate' | 'service';
  judged: JudgedBinding[];
}

const rank = (l: PrivilegeLevel): number => PRIVILEGE_ORDER.indexOf(l);
const max = (a: PrivilegeLevel, b: PrivilegeLevel): PrivilegeLevel => (rank(b) > rank(a) ? b : a);

const judge = (b: BindingRef, input: EffectiveInput): JudgedBinding => {
  const notes: string[] = [];
  const verdict = b.expression ? evaluateCondition(b.expression, input.asOf) : undefined;
  let status: BindingStatus = 'active';
  if (verdict?.kind === 'never') {
    return {
      ...b,
      status: 'inactive',
      judgedBy: 'permissions',
      level: 'none',
      notes: [`condition cannot hold at scan time (${verdict.note}): grants nothing now`],
    };
  }
  if (verdict?.kind === 'undecided') status = 'conditional';
  if (verdict?.kind === 'scoped') status = 'scoped';
  if (verdict && verdict.kind !== 'undecided' && verdict.note)
    notes.push(`condition decided: ${verdict.note}`);

  const found = input.roles.get(b.role);
  if (!found?.ok) {
    return {
      ...b,
      status,
      judgedBy: 'name',
      level: roleLevel(b.role),
      notes: [...notes, 'permissions not read: judged by the role name'],
    };
  }
  if (found.role.inactive) {
    return {
      ...b,
      status: 'inactive',
      judgedBy: 'permissions',
      level: 'none',
      permissions: found.role.permissions.length,
      notes: [...notes, `the role is ${found.role.inactive}: its bindings grant nothing`],
    };
  }
  let permissions = [...found.role.permissions];
  let denied: JudgedBinding['denied'];
  if (input.subject && input.denyRules) {
    const outcome = applyDenies(permissions, input.denyRules(b.resource), input.subject);
    notes.push(...outcome.throughGroups, ...outcome.notApplied);
    if (outcome.denied.size > 0) {
      denied = [...outcome.denied]
        .map(([permission, policy]) => ({ permission, policy }))
        .sort((x, y) => (x.permission < y.permission ? -1 : x.permission > y.permission ? 1 : 0));
      permissions = permissions.filter((p) => !outcome.denied.has(p));
    }
  }
  const v = levelOfPermissions(permissions);
  return {
    ...b,
    status,
    judgedBy: 'permissions',
    level: v.level,
    ...(v.adminScope ? { adminScope: v.adminScope } : {}),
    permissions: found.role.permissions.length,
    decidedBy: v.decidedBy,
    ...(denied ? { denied } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
};

const where = (j: JudgedBinding): string =>
  `${j.role} on ${j.resource}${viaText(j)}${j.condition ? ` (condition: ${j.expression ?? j.condition})` : ''}`;

const why = (j: JudgedBinding): string => {
  if (j.judgedBy === 'name') return 'judged by its name — the role could not be read';
  const by = j.decidedBy && j.decidedBy.length > 0 ? ` (${j.decidedBy.join(', ')})` : '';
  const denied = j.denied ? `; ${j.denied.length} permission(s) removed by deny policies` : '';
  return `${j.level} by its permissions${by}${denied}`;
};

/** Level, reasons and grants from the judged bindings. */
export const effectivePrivilegeOf = (input: EffectiveInput): EffectivePrivilege => {
  const judged = input.bindings.map((b) => judge(b, input));
  let level: PrivilegeLevel = 'none';
  let conditionalTop: PrivilegeLevel = 'none';
  for (const j of judged) {
    if (j.status === 'inactive') continue;
    if (j.status === 'conditional') {
      level = max(level, rank(j.level) > rank('write') ? 'write' : j.level);
      conditionalTop = max(conditionalTop, j.level);
    } else level = max(level, j.level);
  }
  const conditionalLevel = rank(conditionalTop) > rank(level) ? conditionalTop : undefined;
  const counted = (j: JudgedBinding): PrivilegeLevel =>
    j.status === 'inactive'
      ? 'none'
      : j.status === 'conditional' && rank(j.level) > rank('write')
        ? 'write'
        : j.level;
  const reasons: string[] = [];
  if (level !== 'none')
    for (const j of judged) if (counted(j) === level) reasons.push(`${where(j)}: ${why(j)}`);
  if (conditionalLevel) {
    for (const j of judged)
      if (j.status === 'conditional' && j.level === conditionalLevel)
        reasons.push(
          `conditionally ${conditionalLevel} when its condition holds (not decidable statically): ${where(j)}`,
        );
  }
  for (const j of judged)
    if (j.status === 'inactive') reasons.push(`${where(j)}: not counted — ${(j.notes ?? []).join('; ')}`);
  const deciding = judged.filter((j) => j.status !== 'inactive' && counted(j) === 'admin');
  const adminScope =
    level === 'admin' && deciding.every((j) => j.judgedBy === 'permissions')
      ? deciding.some((j) => j.adminScope === 'estate')
        ? ('estate' as const)
        : ('service' as const)
      : undefined;
  const grants: Grant[] = judged
    .filter((j) => j.status !== 'inactive')
    .map((j) => ({
      effect: 'Allow',
      actions: [j.role],
      notAction: false,
      resources: [j.resource],
      notResource: false,
      conditional: j.status === 'conditional',
      source: `iam-policy:${j.resource}#${j.role}`,
    }));
  return {
    level,
    ...(conditionalLevel ? { conditionalLevel } : {}),
    ...(adminScope ? { adminScope } : {}),
    grants,
    reasons,
    attached: [...new Set(judged.filter((j) => j.status !== 'inactive').map((j) => j.role))].sort(),
    judged,
  };
};
