// IAM deny policies (IAM v2): read where they attach (a project, folder or organization) and
// applied to a service account's allowed permissions. A deny rule on a resource covers every
// resource below it, so a binding on R is cut by the rules attached to R and to everything above
// R. listPolicies answers metadata only ("policy rules are omitted"), so each policy is read with
// policies.get. Applied when decidable: a denial condition (tags only) is not evaluated, so such
// a rule is not applied and the reasons say so. A rule naming a Google group
// (`principalSet://goog/group/…`) is decided with the group's transitive members, read through the
// scan's group directory (expandGroups): a member is denied (or, in `exceptionPrincipals`,
// exempted), a non-member is not; a group that could not be read, or groups not read at all,
// leave the rule not applied. A Cloud Identity customer (`principalSet://goog/cloudIdentityCustomerId/…`)
// is never decided: Google does not document whether service accounts belong to one. Not applying
// an undecided rule may overstate privilege, never understate it.
import type { CollectContext } from '../../src/connector.js';
import { createLimiter, mapLimit } from '../../src/concurrency.js';
import { globMatch } from '../../src/glob.js';
import { callApi, listAll } from './calls.js';
import type { GcpClients } from './clients.js';
import { DenyPolicy, ListDenyPoliciesResponse } from './schema.js';

export interface DenyRuleRef {
  /** The deny policy's resource name. */
  policy: string;
  /** Where it attaches: "projects/acme-prod", "folders/12", "organizations/34". */
  attachment: string;
  deniedPrincipals: string[];
  exceptionPrincipals: string[];
  /** As IAM v1 names permissions ("iam.roles.list"), `*` wildcards kept. */
  deniedPermissions: string[];
  exceptionPermissions: string[];
  condition?: string;
}

export type DenyLookup = { ok: true; rules: DenyRuleRef[] } | { ok: false; err: unknown; call: string };

/** "cloudresourcemanager.googleapis.com/projects.setIamPolicy" → "resourcemanager.projects.setIamPolicy". */
export const v1Permission = (permission: string): string => {
  const slash = permission.indexOf('/');
  if (slash < 0) return permission;
  let service = permission.slice(0, slash).replace(/\.googleapis\.com$/, '');
  if (service === 'cloudresourcemanager') service = 'resourcemanager';
  return `${service}.${permission.slice(slash + 1)}`;
};

/** The `parent` of listPolicies for an attachment point (URL-encoded full resource name). */
export const denyParent = (attachment: string): string =>
  `policies/${encodeURIComponent(`cloudresourcemanager.googleapis.com/${attachment}`)}/denypolicies`;

export interface DenyReader {
  at(attachment: string): Promise<DenyLookup>;
}

export const createDenyReader = (clients: GcpClients, ctx: CollectContext): DenyReader => {
  const own: Pick<CollectContext, 'limit'> = { limit: createLimiter(ctx.concurrency) };
  const opts = clients.opts.iam;
  const cache = new Map<string, Promise<DenyLookup>>();
  const read = async (attachment: string): Promise<DenyLookup> => {
    let call = 'iam.policies.listPolicies';
    try {
      const pages = await listAll(own, call, ListDenyPoliciesResponse, (pageToken) =>
        clients.iam2.policies.listPolicies(
          { parent: denyParent(attachment), ...(pageToken ? { pageToken } : {}) },
          opts,
        ),
      );
      const listed = pages.flatMap((p) => p.policies).filter((p) => !p.deleteTime && p.name);
      call = 'iam.policies.get';
      const full = await mapLimit(listed, ctx.concurrency, (p) =>
        callApi(own, 'iam.policies.get', DenyPolicy, () =>
          clients.iam2.policies.get({ name: p.name ?? '' }, opts),
        ),
      );
      const rules = full.flatMap((policy) =>
        policy.rules.flatMap((r): DenyRuleRef[] => {
          const d = r.denyRule;
          if (!d) return [];
          const condition = d.denialCondition?.expression?.trim();
          return [
            {
              policy: policy.name ?? '',
              attachment,
              deniedPrincipals: d.deniedPrincipals ?? [],
              exceptionPrincipals: d.exceptionPrincipals ?? [],
              deniedPermissions: (d.deniedPermissions ?? []).map(v1Permission),
              exceptionPermissions: (d.exceptionPermissions ?? []).map(v1Permission),
              ...(condition ? { condition } : {}),
            },
          ];
        }),
      );
      return { ok: true, rules };
    } catch (err) {
      return { ok: false, err, call };
    }
  };
  return {
    at(attachment) {
      let p = cache.get(attachment);
      if (!p) {
        p = read(attachment);
        cache.set(attachment, p);
      }
      return p;
    },
  };
};

/** The service account a deny rule is weighed for. */
export interface DenySubject {
  email: string;
  uniqueId?: string | undefined;
  /** Numbers of the project, folders and organization the account lives under ("projects/123"). */
  containers: readonly string[];
  serviceAgent: boolean;
  /**
   * Whether the account is a member (directly or through nested groups) of a group, by the
   * group's email: 'unknown' when its members could not be read. Absent: groups are not read
   * (expandGroups: false), so every group is unknown.
   */
  inGroup?: ((group: string) => boolean | 'unknown') | undefined;
}

const GROUP_SET = /^principalSet:\/\/goog\/group\/(.+)$/;
const CUSTOMER_SET = /^principalSet:\/\/goog\/cloudIdentityCustomerId\//;

/** The group emails (lower-cased) deny rules name, denied or excepted; deleted groups act as no one. */
export const denyGroupsNamed = (rules: readonly DenyRuleRef[]): string[] => {
  const out = new Set<string>();
  for (const r of rules)
    for (const p of [...r.deniedPrincipals, ...r.exceptionPrincipals]) {
      const g = GROUP_SET.exec(p.trim())?.[1];
      if (g) out.add(g.toLowerCase());
    }
  return [...out].sort();
};

/** Whether a v2 principal identifier names the subject: yes, no, or unknown (an unread group, a customer). */
export const principalMatches = (principal: string, s: DenySubject): boolean | 'unknown' => {
  const p = principal.trim();
  if (p.startsWith('deleted:')) return false;
  if (p === 'principalSet://goog/public:all') return true;
  const sa = /^principal:\/\/iam\.googleapis\.com\/projects\/-\/serviceAccounts\/(.+)$/.exec(p);
  if (sa) {
    const id = (sa[1] ?? '').toLowerCase();
    return id === s.email.toLowerCase() || (s.uniqueId !== undefined && id === s.uniqueId);
  }
  const set =
    /^principalSet:\/\/cloudresourcemanager\.googleapis\.com\/((?:projects|folders|organizations)\/[^/]+)\/type\/(ServiceAccount|ServiceAgent)$/.exec(
      p,
    );
  if (set) {
    if (set[2] === 'ServiceAgent' && !s.serviceAgent) return false;
    return s.containers.includes(set[1] ?? '');
  }
  const group = GROUP_SET.exec(p)?.[1];
  if (group !== undefined) return s.inGroup ? s.inGroup(group.toLowerCase()) : 'unknown';
  if (CUSTOMER_SET.test(p)) return 'unknown';
  return false; // users, workforce and workload identities: not a service account
};

/** Why a principal that may name the subject could not be decided. */
const undecided = (principal: string, s: DenySubject): string => {
  const p = principal.trim();
  if (GROUP_SET.test(p))
    return s.inGroup
      ? `${p}: its members could not be read`
      : `${p}: group members not read (providers.gcp.expandGroups: false)`;
  return `${p}: whether a service account belongs to a Cloud Identity customer is not known`;
};

export interface DenyOutcome {
  /** Permissions removed, each with the policy that removes it. */
  denied: Map<string, string>;
  /** Rules that might apply but were not (a condition, an unread group): said in the reasons. */
  notApplied: string[];
  /** Rules decided through group membership: said in the reasons. */
  throughGroups: string[];
}

/** Removes from `permissions` what `rules` deny the subject. */
export const applyDenies = (
  permissions: readonly string[],
  rules: readonly DenyRuleRef[],
  subject: DenySubject,
): DenyOutcome => {
  const denied = new Map<string, string>();
  const notApplied: string[] = [];
  const throughGroups: string[] = [];
  const isGroup = (p: string): boolean => GROUP_SET.test(p.trim());
  for (const rule of rules) {
    const named = rule.deniedPrincipals.map((p) => principalMatches(p, subject));
    if (!named.some((m) => m !== false)) continue;
    const hits = permissions.filter(
      (perm) =>
        rule.deniedPermissions.some((d) => globMatch(d, perm)) &&
        !rule.exceptionPermissions.some((e) => globMatch(e, perm)),
    );
    if (hits.length === 0) continue;
    const excepted = rule.exceptionPrincipals.map((p) => principalMatches(p, subject));
    const exemptedBy = rule.exceptionPrincipals.filter((_, i) => excepted[i] === true);
    if (exemptedBy.length > 0) {
      // An exception naming the account (or a group it is in) wins over any denied principal.
      if (exemptedBy.every(isGroup))
        throughGroups.push(
          `deny rule of ${rule.policy} does not apply: the account is a member of ${exemptedBy.join(', ')}, its exceptions`,
        );
      continue;
    }
    const unknown = !named.includes(true) || excepted.includes('unknown');
    if (rule.condition || unknown) {
      const open = [
        ...(named.includes(true) ? [] : rule.deniedPrincipals.filter((_, i) => named[i] === 'unknown')),
        ...rule.exceptionPrincipals.filter((_, i) => excepted[i] === 'unknown'),
      ];
      notApplied.push(
        `deny rule of ${rule.policy} not applied (${rule.condition ? `condition not evaluated: ${rule.condition}` : `membership undecided — ${open.map((p) => undecided(p, subject)).join('; ')}`})`,
      );
      continue;
    }
    // Decided through a group: name it, so the reasons say why the rule reaches the account.
    const namedBy = rule.deniedPrincipals.filter((_, i) => named[i] === true);
    const notExempt = rule.exceptionPrincipals.filter((p, i) => excepted[i] === false && isGroup(p));
    if (namedBy.every(isGroup) || notExempt.length > 0)
      throughGroups.push(
        `deny rule of ${rule.policy} applies: ${[
          ...(namedBy.every(isGroup) ? [`the account is a member of ${namedBy.join(', ')}`] : []),
          ...(notExempt.length > 0 ? [`it is in none of ${notExempt.join(', ')}, its exceptions`] : []),
        ].join('; ')}`,
      );
    for (const perm of hits) if (!denied.has(perm)) denied.set(perm, rule.policy);
  }
  return { denied, notApplied, throughGroups };
};
