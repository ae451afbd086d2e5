// gcp-impersonation: whoever holds Service Account User or Token Creator can act as a service
// account and use all of its access. Granted on the project (or above), the role reaches every
// service account there, present and future; held together with Service Account Admin by one
// principal, it lets that principal grant itself any account's access (no separation of duties).
// GCP-SPECIFIC: reads `canActAs` and `administeredBy`, and the members of groups in them
// (`canActAsThroughGroups`, `administeredByThroughGroups`), recorded by the Google Cloud connector.
import { z } from 'zod';
import { type FindingDraft, type Policy, judged, notApplicable, unknown } from '../src/policy.js';
import {
  PROVIDER_MANAGED,
  REFERENCES,
  identityLabel,
  includeProviderManagedOption,
  plural,
  skipIdentity,
} from './lib/common.js';
import {
  describeBinding,
  isContainerResource,
  isServiceAgentMember,
  serviceAccountAttributes,
  type PrincipalRef,
} from './lib/gcp.js';
import { compareCodeUnits } from '../src/order.js';

const Options = z.strictObject({
  projectLevel: z
    .boolean()
    .default(true)
    .describe('Fire when impersonation roles are granted on a project, folder or organization.'),
  domainWide: z
    .boolean()
    .default(true)
    .describe(
      'Fire when a whole Google Workspace / Cloud Identity domain ("domain:…") can act as the account.',
    ),
  adminAndUser: z
    .boolean()
    .default(true)
    .describe('Fire when one principal is both Service Account Admin and able to act as the account.'),
  externalMembers: z
    .boolean()
    .default(true)
    .describe(
      'Fire when a member of a group that can act as the account is a user or group outside your domains (group members read by the connector: providers.gcp.expandGroups).',
    ),
  internalDomains: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'Your domains (subdomains included) for externalMembers; the domain of the group itself always counts as yours. Service account members are never judged external.',
    ),
  allowedPrincipals: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'Members (as IAM writes them, e.g. "serviceAccount:terraform@…") allowed project-level impersonation.',
    ),
  ignoreServiceAgents: z
    .boolean()
    .default(true)
    .describe(
      "Leave out Google's service agents (service-<number>@gcp-sa-….iam.gserviceaccount.com) granted impersonation roles on a project, as Google documents for e.g. Pub/Sub push authentication.",
    ),
  includeProviderManaged: includeProviderManagedOption,
});
type Options = z.infer<typeof Options>;

const grantFacts = (p: PrincipalRef): Record<string, string> => ({
  principal: p.principal,
  role: p.role,
  resource: p.resource,
  ...(p.condition ? { condition: p.condition } : {}),
  ...(p.via ? { via: p.via } : {}),
});

/** " (through group:a@…, group:b@…)" when some of `who`'s grants come through groups. */
const throughText = (who: readonly string[], ...grants: (readonly PrincipalRef[])[]): string => {
  const via = [
    ...new Set(grants.flat().flatMap((g) => (who.includes(g.principal) && g.via ? [g.via] : []))),
  ].sort();
  return via.length > 0 ? ` (through ${via.join(', ')})` : '';
};

export const gcpImpersonation: Policy<Options> = {
  id: 'gcp-impersonation',
  title: 'Broad service account impersonation',
  description:
    'Fires when Service Account User or Token Creator (or another role that can act as the account) is granted on a project, folder or organisation rather than on the account itself, when a whole domain can act as the account, when a member of a group that can act as it is outside your domains, and when one principal both administers the account and can act as it (members of groups granted either role count, read by the connector: providers.gcp.expandGroups; unknown when such a group cannot be read). Acting as a service account hands over everything it can do; granted that broadly, or without separation of duties, that power is neither scoped nor separated.',
  appliesTo: { providers: ['gcp'], kinds: ['gcp.service_account'] },
  severity: 'medium',
  options: Options,
  controls: {
    soc2: ['CC6.3'],
    soc1: ['ITGC-LA-3', 'ITGC-SD-1'],
    owaspNhi: ['NHI5', 'NHI10'],
    cisGcp: ['1.6', '1.8'],
    nistCsf: ['PR.AA-05'],
    cisControls: ['6.8'],
  },
  remediation: {
    default:
      'Grant Service Account User / Token Creator on the service account itself, to the principals that use it (not on the project or to a domain), and give Service Account Admin to different principals.',
  },
  references: [
    'https://cloud.google.com/iam/docs/service-account-permissions',
    'https://cloud.google.com/iam/docs/best-practices-service-accounts#project-folder-grants',
    REFERENCES.owaspNhi,
    REFERENCES.cisGcp,
  ],
  findings: [
    {
      key: 'project-level',
      title: '<principal> can impersonate every service account of <resource> (<role>)',
      evidence: ['grants', 'principals', 'reaches'],
    },
    {
      key: 'domain-wide',
      title: 'Every user of <domain> can impersonate it',
      evidence: ['grants', 'principals'],
    },
    {
      key: 'external-member',
      title: '<n> members outside your domains can impersonate it through <groups>',
      evidence: ['members', 'grants'],
    },
    {
      key: 'admin-and-user',
      title:
        '<n> principals both administer and can act as it (one finding per principal when both grants are on the project or above)',
      evidence: ['principals', 'adminGrants', 'userGrants', 'reaches'],
    },
  ],
  evaluate(identity, options) {
    if (skipIdentity(identity, options.includeProviderManaged)) return [notApplicable(PROVIDER_MANAGED)];
    const attrs = serviceAccountAttributes(identity);
    if (!attrs) return [unknown('the service account facts recorded by the connector could not be read')];
    if (attrs.disabled) return [notApplicable('the service account is disabled')];
    if (!options.projectLevel && !options.domainWide && !options.adminAndUser && !options.externalMembers)
      return [
        notApplicable(
          'every check is switched off (projectLevel, domainWide, adminAndUser, externalMembers)',
        ),
      ];
    const allowed = new Set(options.allowedPrincipals.map((p) => p.toLowerCase()));
    const drafts: FindingDraft[] = [];

    if (options.projectLevel) {
      const broad = attrs.canActAs.filter(
        (p) =>
          isContainerResource(p.resource) &&
          !allowed.has(p.principal.toLowerCase()) &&
          !(options.ignoreServiceAgents && isServiceAgentMember(p.principal)),
      );
      // One finding per binding (resource, role, principal, condition), however many accounts
      // it reaches: the core lists them in `reaches`. The id derives from the binding alone.
      const bindings = new Map<string, PrincipalRef>();
      for (const p of broad)
        bindings.set([p.resource, p.role, p.principal.toLowerCase(), p.condition ?? ''].join('\u0000'), p);
      for (const [bindingKey, p] of [...bindings].sort(([a], [b]) => compareCodeUnits(a, b))) {
        drafts.push({
          key: 'project-level',
          shared: { uid: bindingKey },
          title: `${p.principal} can impersonate every service account of ${p.resource} (${p.role})`,
          message: `${p.principal} holds ${describeBinding(p)}, so it can act as every service account of ${p.resource}, ${identityLabel(identity)} among them (the accounts reached are listed in the evidence).`,
          evidence: { grants: [grantFacts(p)], principals: [p.principal] },
          remediation:
            'Grant Service Account User / Token Creator on the service account itself, to the principals that use it, instead of on the project.',
        });
      }
    }

    // "domain:example.com" is every user of the domain. Granted on a project or above it is
    // already a project-level finding; on the account itself it is this one.
    if (options.domainWide) {
      const domains = attrs.canActAs.filter(
        (p) =>
          /^domain:/i.test(p.principal) &&
          !allowed.has(p.principal.toLowerCase()) &&
          !(options.projectLevel && isContainerResource(p.resource)),
      );
      if (domains.length > 0) {
        const principals = [...new Set(domains.map((p) => p.principal))].sort();
        drafts.push({
          key: 'domain-wide',
          title: `Every user of ${principals.map((p) => p.slice('domain:'.length)).join(', ')} can impersonate it`,
          message: `${identityLabel(identity)} can be impersonated by every account of ${principals.join(', ')} through ${domains.map(describeBinding).join('; ')}.`,
          evidence: { grants: domains.map(grantFacts), principals },
          remediation:
            'Grant the impersonation role to the group or the accounts that use the service account, not to the whole domain.',
        });
      }
    }

    // Who administers and who can act as it: the principals granted, and the members of groups
    // granted (expandGroups), each member with its group's grant (`via`).
    const adminRefs = [...attrs.administeredBy, ...(attrs.administeredByThroughGroups ?? [])];
    const actorRefs = [...attrs.canActAs, ...(attrs.canActAsThroughGroups ?? [])];
    if (options.adminAndUser) {
      const admins = new Map<string, PrincipalRef[]>();
      for (const a of adminRefs) {
        const k = a.principal.toLowerCase();
        admins.set(k, [...(admins.get(k) ?? []), a]);
      }
      // A member holding both only through one group that itself holds both is that group's
      // finding, not one more of its own.
      const sameGroupOnly = (p: PrincipalRef): boolean =>
        p.via !== undefined &&
        (admins.get(p.principal.toLowerCase()) ?? []).every(
          (a) => a.via?.toLowerCase() === p.via?.toLowerCase(),
        );
      const candidates = actorRefs.filter((p) => admins.has(p.principal.toLowerCase()));
      const both = candidates.filter(
        (p) =>
          !(
            sameGroupOnly(p) &&
            candidates
              .filter((q) => q.principal.toLowerCase() === p.principal.toLowerCase())
              .every(sameGroupOnly)
          ),
      );
      const adminsOf = (principal: string): PrincipalRef[] => admins.get(principal.toLowerCase()) ?? [];
      // A principal holding both roles on the project (or above) is one problem on the project,
      // reported once whatever the number of accounts; any grant on the account itself is this
      // account's own problem.
      const onContainers = (principal: string): boolean =>
        [...adminsOf(principal), ...both.filter((p) => p.principal === principal)].every((g) =>
          isContainerResource(g.resource),
        );
      const principals = [...new Set(both.map((p) => p.principal))].sort();
      const shared = principals.filter(onContainers);
      const own = principals.filter((p) => !onContainers(p));
      const draft = (who: string[]): FindingDraft => ({
        key: 'admin-and-user',
        severity: 'high',
        title: `${plural(who.length, 'principal')} both administers and can act as it`,
        message: `${identityLabel(identity)} is administered by and can be impersonated by ${who.join(', ')}${throughText(who, adminRefs, both)}.`,
        evidence: {
          principals: who,
          adminGrants: adminRefs.filter((a) => who.includes(a.principal)).map(grantFacts),
          userGrants: both.filter((p) => who.includes(p.principal)).map(grantFacts),
        },
        remediation:
          'Give Service Account Admin and Service Account User / Token Creator to different principals.',
      });
      if (own.length > 0) drafts.push(draft(own));
      for (const principal of shared) {
        const d = draft([principal]);
        // The id derives from the principal and its bindings (resource, role, and the group a
        // member holds it through), sorted.
        const bindings = [...adminsOf(principal), ...both.filter((p) => p.principal === principal)].map(
          (g) =>
            `${g.resource} ${g.role}${g.condition ? ` ${g.condition}` : ''}${g.via ? ` via ${g.via}` : ''}`,
        );
        drafts.push({
          ...d,
          shared: {
            uid: ['admin-and-user', principal.toLowerCase(), ...[...new Set(bindings)].sort()].join('\u0000'),
          },
          title: `${principal} both administers and can act as every service account of ${[...new Set(both.filter((p) => p.principal === principal).map((p) => p.resource))].join(', ')}`,
          message: `${principal} holds both Service Account Admin and an impersonation role on the project (or above)${throughText([principal], adminRefs, both)}: it can grant itself any account's access there, ${identityLabel(identity)} among them (the accounts reached are listed in the evidence).`,
        });
      }
    }
    if (options.externalMembers) {
      const draft = externalMemberDraft(identity, attrs.canActAsThroughGroups ?? [], options, allowed);
      if (draft) drafts.push(draft);
      // A group whose members could not be read may hold anyone: not a pass.
      const unread = attrs.actAsGroupsUnread ?? [];
      if (drafts.length === 0 && unread.length > 0)
        return [
          unknown(
            `the members of ${unread.join(', ')}, which can act as the account, could not be read (see the coverage gaps)`,
          ),
        ];
    }
    if (options.adminAndUser && drafts.length === 0) {
      // A member of a group whose members could not be read may hold the other role too.
      const unread = [
        ...(actorRefs.length > 0 ? (attrs.adminGroupsUnread ?? []) : []),
        ...(adminRefs.length > 0 ? (attrs.actAsGroupsUnread ?? []) : []),
      ];
      if (unread.length > 0)
        return [
          unknown(
            `whether one principal both administers and can act as the account is unknown: the members of ${[...new Set(unread)].sort().join(', ')} could not be read (see the coverage gaps)`,
          ),
        ];
    }
    return [judged(drafts)];
  },
};

const domainOf = (principal: string): string => principal.slice(principal.lastIndexOf('@') + 1).toLowerCase();

/** Users and groups, reached through a group that can act as the account, outside the domains. */
const externalMemberDraft = (
  identity: Parameters<typeof identityLabel>[0],
  through: readonly PrincipalRef[],
  options: Options,
  allowed: ReadonlySet<string>,
): FindingDraft | undefined => {
  const internal = options.internalDomains.map((d) => d.toLowerCase().replace(/^@/, ''));
  const inside = (domain: string, extra: string): boolean =>
    [...internal, extra].some((d) => domain === d || domain.endsWith(`.${d}`));
  const hits = through.filter(
    (p) =>
      /^(user|group):/i.test(p.principal) &&
      !allowed.has(p.principal.toLowerCase()) &&
      !inside(domainOf(p.principal), p.via ? domainOf(p.via) : ''),
  );
  if (hits.length === 0) return undefined;
  const members = [...new Set(hits.map((p) => p.principal))].sort();
  const groups = [...new Set(hits.flatMap((p) => (p.via ? [p.via] : [])))].sort();
  return {
    key: 'external-member',
    severity: 'high',
    title: `${plural(members.length, 'member')} outside your domains can impersonate it through ${groups.join(', ')}`,
    message: `${identityLabel(identity)} can be impersonated by ${members.join(', ')}, outside your domains, as members of ${groups.join(', ')} (${hits.map((p) => `${p.via ?? ''} holds ${describeBinding(p)}`).join('; ')}).`,
    evidence: {
      members,
      grants: hits.map((p) => ({
        ...grantFacts(p),
        via: p.via ?? '',
        ...(p.nested ? { nested: 'true' } : {}),
      })),
    },
    remediation:
      'Remove the outside members from the group, or grant the impersonation role to a group of your own accounts only.',
  };
};
