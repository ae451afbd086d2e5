// The Google Cloud IAM permissions the connector's calls need, as data (src/permissions.ts): one
// entry per permission, with the API methods (discovery ids, as the call trace in clients.ts names
// them) it unlocks, as each method's reference page documents it; the predefined roles that hold
// them. The readme's section and the README's list are written from it; a test checks every
// method the demo scan calls is here.
import type { PermissionEntry, PermissionManifest } from '../../src/permissions.js';
import { GROUP_CALLS, GROUPS_GRANT } from './groups.js';

/** Predefined roles to grant, and the permissions of an equivalent custom role. */
export interface GcpGrants {
  roles: string[];
  /** `gcloud iam roles create --file`: a custom role holding exactly these. */
  customRole: { title: string; stage: 'GA'; includedPermissions: string[] };
}

const ENTRIES: readonly PermissionEntry[] = [
  {
    permission: 'resourcemanager.projects.get',
    reads: 'project number, labels and parent (`projects:` targets)',
    calls: ['cloudresourcemanager.projects.get'],
    required: true,
  },
  {
    permission: 'resourcemanager.projects.list',
    reads: 'the projects of an organisation or folder target',
    calls: ['cloudresourcemanager.projects.list'],
    required: false,
  },
  {
    permission: 'resourcemanager.folders.list',
    reads: 'the folders of an organisation or folder target',
    calls: ['cloudresourcemanager.folders.list'],
    required: false,
  },
  {
    permission: 'resourcemanager.folders.get',
    reads: 'the folder chain above a `projects:` target (`inheritedPolicies`)',
    calls: ['cloudresourcemanager.folders.get'],
    required: false,
  },
  {
    permission: 'resourcemanager.projects.getIamPolicy',
    reads: 'roles granted on the project (policy version 3: conditions kept)',
    calls: ['cloudresourcemanager.projects.getIamPolicy'],
    required: true,
  },
  {
    permission: 'resourcemanager.folders.getIamPolicy',
    reads: 'roles inherited from folders (`inheritedPolicies`)',
    calls: ['cloudresourcemanager.folders.getIamPolicy'],
    required: false,
  },
  {
    permission: 'resourcemanager.organizations.getIamPolicy',
    reads: 'roles inherited from the organisation (`inheritedPolicies`)',
    calls: ['cloudresourcemanager.organizations.getIamPolicy'],
    required: false,
  },
  {
    permission: 'iam.roles.get',
    reads:
      'the permissions of roles bound to service accounts (`rolePermissions`); predefined roles are readable by any caller, custom roles need this',
    calls: ['iam.roles.get', 'iam.projects.roles.get', 'iam.organizations.roles.get'],
    required: false,
  },
  {
    permission: 'iam.denypolicies.list',
    reads: 'IAM deny policies attached to projects, folders and the organisation (`denyPolicies`)',
    calls: ['iam.policies.listPolicies'],
    required: false,
  },
  {
    permission: 'iam.denypolicies.get',
    reads: 'the rules of each deny policy (listing omits them)',
    calls: ['iam.policies.get'],
    required: false,
  },
  {
    permission: 'iam.serviceAccounts.list',
    reads: 'service accounts',
    calls: ['iam.projects.serviceAccounts.list'],
    required: true,
  },
  {
    permission: 'iam.serviceAccountKeys.list',
    reads: 'user- and Google-managed keys of each service account',
    calls: ['iam.projects.serviceAccounts.keys.list'],
    required: false,
  },
  {
    permission: 'iam.serviceAccounts.getIamPolicy',
    reads: 'who can act as or administer each service account',
    calls: ['iam.projects.serviceAccounts.getIamPolicy'],
    required: false,
  },
  {
    permission: 'iam.workloadIdentityPools.list',
    reads: 'workload identity pools',
    calls: ['iam.projects.locations.workloadIdentityPools.list'],
    required: false,
  },
  {
    permission: 'iam.workloadIdentityPoolProviders.list',
    reads: 'workload identity providers: issuer, attribute mapping and condition',
    calls: ['iam.projects.locations.workloadIdentityPools.providers.list'],
    required: false,
  },
  {
    permission: 'apikeys.keys.list',
    reads: 'API keys and their restrictions (never the key string)',
    calls: ['apikeys.projects.locations.keys.list'],
    required: false,
  },
  {
    permission: 'policyanalyzer.serviceAccountLastAuthenticationActivities.query',
    reads: 'last authentication of each service account (`policyAnalyzer`)',
    calls: ['policyanalyzer.projects.locations.activityTypes.activities.query'],
    required: false,
  },
  {
    permission: 'policyanalyzer.serviceAccountKeyLastAuthenticationActivities.query',
    reads: 'last authentication of each key (`policyAnalyzer`)',
    calls: ['policyanalyzer.projects.locations.activityTypes.activities.query'],
    required: false,
  },
  {
    permission: 'cloudasset.assets.listResource',
    reads:
      'service accounts, their keys, API keys and workload identity pools and providers of an organisation or folder target in one listing (`cloudAssetInventory`)',
    calls: ['cloudasset.assets.list'],
    required: false,
  },
  {
    permission: 'cloudasset.assets.listIamPolicy',
    reads:
      'the IAM policies of the organisation, folders, projects and service accounts of an organisation or folder target in one listing (`cloudAssetInventory`)',
    calls: ['cloudasset.assets.list'],
    required: false,
  },
  {
    permission: '(testIamPermissions)',
    reads:
      '`nhiscan doctor` only: which of these permissions the caller holds on a target (a scan never calls it)',
    calls: [
      'cloudresourcemanager.projects.testIamPermissions',
      'cloudresourcemanager.folders.testIamPermissions',
      'cloudresourcemanager.organizations.testIamPermissions',
    ],
    required: false,
    implicit: "Google answers it about the caller's own permissions, without a permission of its own",
  },
];

/**
 * Group members are not an IAM permission: Cloud Identity answers whoever holds the Groups Reader
 * admin role in the Google Workspace / Cloud Identity account (the `cloud-platform` scope the
 * connector asks for is accepted). Listed for the docs and the call check, never in the custom role.
 */
const GROUPS_ENTRY: PermissionEntry = {
  permission: GROUPS_GRANT,
  reads:
    'the transitive members of Google groups named in IAM policies (`expandGroups`; the transitive search needs Google Workspace Enterprise or Cloud Identity Premium)',
  calls: [GROUP_CALLS.lookup, GROUP_CALLS.members],
  required: false,
};

export const gcpPermissions: PermissionManifest<GcpGrants> = {
  provider: 'gcp',
  howToGrant:
    "Grant the scanner's identity these roles on the organisation (or on each folder / project scanned), or a custom role with exactly the permissions below. `roles/serviceusage.apiKeysViewer` rather than `roles/viewer`, which also carries `apikeys.keys.getKeyString` (the key itself); the connector never asks for it. The Policy Analyzer API (`policyanalyzer.googleapis.com`), the API Keys API (`apikeys.googleapis.com`) for group members, the Cloud Identity API (`cloudidentity.googleapis.com`) and, for `cloudAssetInventory`, the Cloud Asset API (`cloudasset.googleapis.com`; `roles/cloudasset.viewer` is needed for it only) must be enabled in the credentials' quota project. Group members need no IAM permission but the Groups Reader admin role, assigned to the scanner's service account in the Admin console (Account > Admin roles). Every denial names the permission it lacked.",
  grantsCaption: 'Predefined roles, and the equivalent custom role',
  grants: {
    roles: [
      'roles/browser',
      'roles/iam.securityReviewer',
      'roles/serviceusage.apiKeysViewer',
      'roles/policyanalyzer.activityAnalysisViewer',
      'roles/iam.denyReviewer',
      'roles/cloudasset.viewer',
    ],
    customRole: {
      title: 'nhiscan read-only',
      stage: 'GA',
      includedPermissions: ENTRIES.filter((e) => !e.implicit).map((e) => e.permission),
    },
  },
  entries: [...ENTRIES, GROUPS_ENTRY],
};
