// The `providers.gcp` block of the config. Credentials never appear here: the scanner
// authenticates with Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's
// ADC file, workload identity federation, the metadata server) or with an access token read
// from an environment variable the config names.
import { z } from 'zod';

/** Project ids: 6–30 characters, lowercase letters, digits and hyphens, starting with a letter
 *  (older domain-scoped ids carry a "example.com:" prefix). */
const ProjectId = z
  .string()
  .regex(
    /^(?:[a-z0-9.-]+\.[a-z]{2,}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
    'expected a Google Cloud project id such as "acme-prod"',
  );
/** Organization and folder ids are numbers; "organizations/123" / "folders/123" are accepted too. */
const NumericId = (kind: 'organizations' | 'folders') =>
  z
    .string()
    .regex(
      new RegExp(`^(${kind}/)?\\d{1,20}$`),
      `expected a numeric ${kind === 'folders' ? 'folder' : 'organization'} id`,
    )
    .transform((v) => v.replace(`${kind}/`, ''));

const LOOPBACK = /^https?:\/\/(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d+)?(\/|$)/;
export const isLoopbackUrl = (url: string): boolean => LOOPBACK.test(url);

export const GCP_APIS = [
  'iam',
  'cloudresourcemanager',
  'apikeys',
  'policyanalyzer',
  'cloudidentity',
  'cloudasset',
] as const;

/** A root URL that replaces an API's https://<api>.googleapis.com/ (tests, the demo, private endpoints). */
const Endpoint = z.url({ protocol: /^https?$/ });

export const GcpAuth = z.discriminatedUnion('type', [
  /** Application Default Credentials, with the cloud-platform scope. */
  z.strictObject({
    type: z.literal('adc'),
    /** Project billed for quota (user ADC needs one for API Keys and Policy Analyzer). */
    quotaProjectId: ProjectId.optional(),
  }),
  /** An OAuth access token read from this environment variable (e.g. `gcloud auth print-access-token`). */
  z.strictObject({ type: z.literal('access-token-env'), env: z.string().min(1) }),
  /** No credentials: only for loopback endpoints (the bundled demo). */
  z.strictObject({ type: z.literal('none') }),
]);
export type GcpAuth = z.infer<typeof GcpAuth>;

export const OwnerSource = z.discriminatedUnion('type', [
  /** `owner: alice@example.com` in the service account's (or provider's) description. */
  z.strictObject({
    type: z.literal('description'),
    /** The marker before the owner; matched case-insensitively, anywhere in the description. */
    prefix: z.string().min(1).default('owner:'),
  }),
  /** A label of the identity's project (labels hold lowercase letters, digits, "-" and "_" only: no "@"). */
  z.strictObject({ type: z.literal('project-label'), key: z.string().min(1).default('owner') }),
  /**
   * A YAML or JSON file mapping identities to owners: keys are a service-account email, an API
   * key uid, a workload identity provider's resource name, or `project:<id>` for everything in
   * a project. Relative paths resolve against the config file's folder.
   */
  z.strictObject({ type: z.literal('mapping'), path: z.string().min(1) }),
]);
export type OwnerSource = z.infer<typeof OwnerSource>;

export const GcpEndpoints = z.strictObject({
  /** IAM API (service accounts, keys, workload identity pools). Default https://iam.googleapis.com/ */
  iam: Endpoint.optional(),
  /** Resource Manager API (projects, folders, organizations, their IAM policies). */
  cloudresourcemanager: Endpoint.optional(),
  /** API Keys API. */
  apikeys: Endpoint.optional(),
  /** Policy Analyzer API (last authentication of service accounts and keys). */
  policyanalyzer: Endpoint.optional(),
  /** Cloud Identity API (group members, `expandGroups`). */
  cloudidentity: Endpoint.optional(),
  /** Cloud Asset API (`cloudAssetInventory`). */
  cloudasset: Endpoint.optional(),
});
export type GcpEndpoints = z.infer<typeof GcpEndpoints>;

export const GcpConfig = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** Projects scanned one target each. */
    projects: z.array(ProjectId).default([]),
    /** Organizations whose projects (through every folder below) are listed at scan time: a target each. */
    organizations: z.array(NumericId('organizations')).default([]),
    /** Folders whose projects (through every sub-folder) are listed at scan time: a target each. */
    folders: z.array(NumericId('folders')).default([]),
    /** Projects left out of organization / folder expansion. */
    excludeProjects: z.array(ProjectId).default([]),
    auth: GcpAuth.default({ type: 'adc' }),
    /** Where owners come from, first match wins. */
    ownerSources: z.array(OwnerSource).default([{ type: 'description', prefix: 'owner:' }]),
    /** Read last authentication from Policy Analyzer (needs the API enabled and activityAnalysisViewer). */
    policyAnalyzer: z.boolean().default(true),
    /** Read the IAM policies of each project's folders and organization (inherited grants). */
    inheritedPolicies: z.boolean().default(true),
    /**
     * Read each bound role's permissions (IAM roles.get, custom and predefined) and judge privilege
     * by them; false judges roles by their names only.
     */
    rolePermissions: z.boolean().default(true),
    /** Read IAM deny policies (IAM v2) on each project, folder and organization, and apply them. */
    denyPolicies: z.boolean().default(true),
    /**
     * Read the members of Google groups named in IAM policies (Cloud Identity, transitively) so a
     * service account in a group holds the group's roles, and a group's members that can act as
     * an account are known; false leaves group grants out of privilege, with a note.
     */
    expandGroups: z.boolean().default(true),
    apiKeys: z.boolean().default(true),
    workloadIdentity: z.boolean().default(true),
    /**
     * Discover an organization's / folder's service accounts, their keys and IAM policies, API
     * keys, workload identity pools and providers, and the IAM policies of its folders and
     * projects through Cloud Asset Inventory (two listings for the whole scope) instead of per
     * project and per account. Needs @google-cloud/asset and roles/cloudasset.viewer. Eventually
     * consistent (changes of the last minutes may be missing); `projects:` targets are read per
     * project either way.
     */
    cloudAssetInventory: z.boolean().default(false),
    /**
     * No longer used: every project of an organization / folder is a target of its own, scanned
     * `targetConcurrency` at a time. Still accepted so existing configs load; a warning says so.
     */
    projectConcurrency: z.int().min(1).max(16).optional(),
    /** Root URL overrides per API, for tests, the demo and private service connect endpoints. */
    endpoints: GcpEndpoints.default({}),
  })
  .superRefine((c, ctx) => {
    if (c.enabled && c.projects.length + c.organizations.length + c.folders.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['projects'],
        message: 'list at least one project, organization or folder to scan',
      });
    }
    if (c.auth.type === 'none') {
      // Endpoints may be filled in later (the demo learns its port at run time); collect checks
      // again that every one is loopback before any request leaves.
      for (const api of GCP_APIS) {
        const url = c.endpoints[api];
        if (url !== undefined && !isLoopbackUrl(url)) {
          ctx.addIssue({
            code: 'custom',
            path: ['endpoints', api],
            message: 'auth type "none" is only allowed with loopback endpoints',
          });
        }
      }
    }
  });
export type GcpConfig = z.infer<typeof GcpConfig>;
