// excess-privilege: an NHI's credentials are used unattended, from many places; whatever it can
// do, a leaked key can do. Flags administrator access on every provider, and (AWS-specific)
// service wildcards and privilege-escalation paths on unconstrained resources.
import { z } from 'zod';
import {
  coversAllResources,
  describeGrant,
  isServiceWildcard,
  serviceOf,
  wildcardMatch,
} from '../connectors/aws/iam-actions.js';
import type { Identity } from '../src/model.js';
import { type FindingDraft, type Policy, fail, judged, notApplicable, unknown } from '../src/policy.js';
import { NONE, SOME } from '../connectors/aws/effective.js';
import { type PathStep, byPrivilege, escalationSets, evaluatorOf, pathsToAdmin } from './lib/aws-paths.js';
import { gcpAdminScope } from './lib/gcp.js';
import { githubReach } from './lib/github.js';
import {
  identityLabel,
  includeProviderManagedOption,
  isSwitchedOff,
  plural,
  skipIdentity,
  PROVIDER_MANAGED,
  REFERENCES,
} from './lib/common.js';

const Options = z.strictObject({
  includeProviderManaged: includeProviderManagedOption,
  serviceWildcards: z
    .boolean()
    .default(true)
    .describe('Flag Allow of "service:*" on all resources, or all of the service\'s (AWS).'),
  escalation: z
    .boolean()
    .default(true)
    .describe('Flag privilege-escalation action sets on all resources (AWS).'),
  ignoreActions: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'Actions (IAM wildcards allowed) treated as not granted by the wildcard and escalation checks.',
    ),
});
type Options = z.infer<typeof Options>;

/**
 * GCP-SPECIFIC: roles that control the project or organisation itself (who has access to what).
 * Any other "*Admin" role administers one service: serious, but not the whole estate. Used only
 * when the connector could not judge the roles by their permissions (attributes.adminScope).
 */
const GCP_ESTATE_ADMIN_ROLES = new Set([
  'roles/owner',
  'roles/resourcemanager.organizationAdmin',
  'roles/resourcemanager.folderAdmin',
  'roles/resourcemanager.folderIamAdmin',
  'roles/resourcemanager.projectIamAdmin',
  'roles/iam.securityAdmin',
  'roles/iam.serviceAccountAdmin',
  'roles/iam.serviceAccountKeyAdmin',
  'roles/iam.organizationRoleAdmin',
  'roles/iam.roleAdmin',
]);

/** Attachments that by themselves make an identity an administrator, per provider. */
const ADMIN_ATTACHMENTS: readonly RegExp[] = [
  // AWS-SPECIFIC: AWS managed policies, any partition (aws, aws-cn, aws-us-gov).
  /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/,
  /^arn:aws[a-z-]*:iam::aws:policy\/IAMFullAccess$/,
  // GCP-SPECIFIC: basic roles that include IAM administration.
  /^roles\/owner$/,
];

export const excessPrivilege: Policy<Options> = {
  id: 'excess-privilege',
  title: 'Excess privilege',
  description:
    'Fires on an identity with administrator access on any provider (the privilege level its connector computed), and on AWS on an Allow of every action of a service on all resources, or of a privilege-escalation action set (e.g. iam:CreatePolicyVersion, iam:PassRole with a compute launch) on unconstrained resources. Non-human credentials run unattended and leak from code, CI and images; an identity that can administer the account, use every action of a service or grant itself more turns any leak into a full compromise.',
  appliesTo: {},
  severity: 'high',
  options: Options,
  controls: {
    soc2: ['CC6.3'],
    soc1: ['ITGC-LA-3'],
    owaspNhi: ['NHI5'],
    cisAws: ['1.16'],
    cisGcp: ['1.5'],
    nistCsf: ['PR.AA-05'],
    cisControls: ['5.4', '6.8'],
  },
  remediation: {
    default:
      'Replace the administrator grant with a policy listing only the actions and resources this identity uses.',
    byKind: {
      'aws.iam_user':
        'Detach AdministratorAccess / IAMFullAccess and wildcard statements; attach a policy generated from CloudTrail activity (IAM Access Analyzer policy generation) that lists only the actions and resources used.',
      'aws.iam_role':
        'Detach AdministratorAccess / IAMFullAccess and wildcard statements; attach a policy generated from CloudTrail activity (IAM Access Analyzer policy generation), and set a permissions boundary on roles that create roles.',
      'gcp.service_account':
        "Remove roles/owner and *Admin roles from the service account; grant the predefined roles IAM's role recommendations list for what it used.",
      'github.app_installation':
        "Reduce the App's permissions to what it uses (org settings → GitHub Apps → Configure) and limit it to selected repositories.",
      'github.fine_grained_pat':
        'Regenerate the token without organisation administration permissions, for only the repositories the job uses.',
      'github.credential_authorization':
        'Replace the classic token carrying admin:org / delete_repo with a fine-grained token or a GitHub App, and revoke its SSO authorisation.',
    },
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html',
    'https://cloud.google.com/iam/docs/recommender-overview',
    REFERENCES.owaspNhi,
    REFERENCES.cisAws,
    REFERENCES.cisGcp,
    REFERENCES.cisControls,
  ],
  findings: [
    {
      key: 'admin',
      title: 'Administrator access / Administrator of a service',
      extraControls: { soc2: ['CC8.1'] },
      evidence: [
        'level',
        'reasons',
        'adminPolicies',
        'permissionsBoundary',
        'switchedOff',
        'adminScope',
        'reach',
      ],
    },
    {
      key: 'service-wildcard',
      title: 'All actions of <n> services on all resources',
      evidence: ['services', 'wildcards', 'permissionsBoundary'],
    },
    {
      key: 'escalation',
      title: 'Can escalate its own privileges (<n> paths)',
      evidence: ['setIds', 'sets', 'blocked', 'permissionsBoundary'],
    },
    {
      key: 'escalation-path',
      title: 'Can reach administrator through <n> roles',
      evidence: ['paths', 'admins'],
    },
  ],
  evaluate(identity, options, ctx) {
    if (skipIdentity(identity, options.includeProviderManaged)) return [notApplicable(PROVIDER_MANAGED)];
    // The root user's power is no grant to reduce; its keys are aws-root-access-keys' one finding.
    if (identity.kind === 'aws.root_account')
      return [
        notApplicable('the root user holds every permission by design: aws-root-access-keys judges its keys'),
      ];
    const { privilege } = identity;
    const boundary = privilege.boundary === undefined ? {} : { permissionsBoundary: privilege.boundary };

    if (privilege.level === 'admin') {
      // Switched off, an admin grant is dormant: reported, but not as critical.
      const off = isSwitchedOff(identity);
      // GCP: by the permissions that made it admin when the connector read them, else by role name.
      const scope = gcpAdminScope(identity);
      const serviceOnly =
        identity.provider === 'gcp' &&
        (scope !== undefined
          ? scope === 'service'
          : !privilege.attached.some((role) => GCP_ESTATE_ADMIN_ROLES.has(role)));
      const adminPolicies = privilege.attached.filter((a) => ADMIN_ATTACHMENTS.some((re) => re.test(a)));
      // GitHub: the effective tier (org or repository admin) and the permissions and repositories behind it.
      const reach = githubReach(identity);
      return [
        fail({
          key: 'admin',
          severity: off ? 'medium' : serviceOnly ? 'high' : 'critical',
          title: serviceOnly ? 'Administrator of a service' : 'Administrator access',
          message: `${identityLabel(identity)} has administrator access${adminPolicies.length > 0 ? ` through ${adminPolicies.join(', ')}` : ''}.`,
          evidence: {
            level: privilege.level,
            reasons: privilege.reasons,
            adminPolicies,
            ...boundary,
            ...(off ? { switchedOff: true } : {}),
            ...(serviceOnly ? { adminScope: 'service' } : {}),
            ...(reach ? { reach } : {}),
          },
          remediation:
            'Replace the administrator grant with a policy listing only the actions and resources this identity uses.',
          // Admin that can push code or change workflows also bypasses change management.
          ...(identity.attributes.canChangeCode === true ? { extraControls: { soc2: ['CC8.1'] } } : {}),
        }),
      ];
    }

    // Below admin, a level computed from only some of the policies is a lower bound: not a pass.
    const partial = identity.unknownFacts?.includes('privilege') === true;
    const unread = unknown(
      'some of the policies granting this identity access were not read (see the coverage gaps), so its privilege is unknown',
    );
    // AWS-SPECIFIC from here: the IAM action grammar. Elsewhere the level is the whole check.
    if (identity.provider !== 'aws') return [partial ? unread : judged([])];
    const ignored = (action: string): boolean => options.ignoreActions.some((p) => wildcardMatch(p, action));
    const drafts: FindingDraft[] = [];
    if (options.serviceWildcards) {
      const draft = serviceWildcardDraft(identity, ignored, options.ignoreActions);
      if (draft) drafts.push({ ...draft, evidence: { ...draft.evidence, ...boundary } });
    }
    if (options.escalation) {
      const draft = escalationDraft(identity, ignored, options.ignoreActions);
      if (draft) drafts.push({ ...draft, evidence: { ...draft.evidence, ...boundary } });
      const paths = ctx.inventory ? pathsToAdmin(identity, ctx.inventory) : [];
      if (paths.length > 0) drafts.push(pathDraft(identity, paths));
    }
    return [drafts.length === 0 && partial ? unread : judged(drafts)];
  },
};

const serviceWildcardDraft = (
  identity: Identity,
  ignored: (action: string) => boolean,
  ignoreActions: readonly string[],
): FindingDraft | undefined => {
  // The wildcards rest on the privilege alone: shared by principals with the same policies.
  const wildcards = byPrivilege(identity, 'service-wildcards', ignoreActions, (i) =>
    serviceWildcards(i, ignored),
  );
  if (wildcards.length === 0) return undefined;
  const services = [...new Set(wildcards.map((w) => serviceOf(w.action)))].sort();
  return {
    key: 'service-wildcard',
    title: `All actions of ${plural(services.length, 'service')} on all resources`,
    message: `${identityLabel(identity)} is allowed every action of ${services.join(', ')} on every resource.`,
    evidence: { services, wildcards },
    remediation: `Replace ${services.map((s) => `${s}:*`).join(', ')} with the specific actions and resources this identity uses.`,
  };
};

const serviceWildcards = (
  identity: Identity,
  ignored: (action: string) => boolean,
): { action: string; statement: string }[] => {
  const grants = identity.privilege.grants;
  const wildcards: { action: string; statement: string }[] = [];
  for (const g of grants) {
    if (g.effect !== 'Allow' || g.notAction) continue;
    for (const action of g.actions) {
      if (!isServiceWildcard(action) || ignored(action)) continue;
      // "s3:*" on "arn:aws:s3:::*" is every action on every bucket, as much as on "*".
      if (!coversAllResources(g.resources, action, g.notResource)) continue;
      // An unconditional Deny of the whole service, or a boundary or SCP that does not allow all
      // of it, cancels the wildcard.
      const state = evaluatorOf(identity).decide(action).state;
      if (state === NONE || state === SOME) continue;
      wildcards.push({ action, statement: describeGrant(g) });
    }
  }
  return wildcards;
};

const escalationDraft = (
  identity: Identity,
  ignored: (action: string) => boolean,
  ignoreActions: readonly string[],
): FindingDraft | undefined => {
  // Judged on effective access: a set the boundary, an SCP or a Deny closes is not open. The
  // answer is shared by principals with the same policies (kept per ignore list).
  const { open: sets, blocked } = escalationSets(identity, ignored, ignoreActions);
  if (sets.length === 0) return undefined;
  return {
    key: 'escalation',
    title: `Can escalate its own privileges (${plural(sets.length, 'path')})`,
    message: `${identityLabel(identity)} holds privilege-escalation permissions on all resources: ${sets.map((s) => s.id).join(', ')}.`,
    evidence: { setIds: sets.map((s) => s.id), sets, ...(blocked.length > 0 ? { blocked } : {}) },
    remediation:
      'Scope these IAM and pass-role permissions to the specific resources this identity manages, or remove them.',
  };
};

const pathDraft = (identity: Identity, paths: PathStep[][]): FindingDraft => {
  const targets = [...new Set(paths.map((p) => p.at(-1)?.to ?? ''))];
  return {
    key: 'escalation-path',
    title: `Can reach administrator through ${plural(targets.length, 'role')}`,
    message: `${identityLabel(identity)} can become an administrator role of its account: ${paths
      .map((p) => p.map((s) => `${s.via} ${s.to}`).join(' → '))
      .join('; ')}.`,
    evidence: { paths, admins: targets },
    remediation:
      'Narrow the trust policies of these roles to the principals that need them, and scope iam:PassRole and sts:AssumeRole to specific roles.',
  };
};
