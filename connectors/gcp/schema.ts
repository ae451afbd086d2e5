// Permissive zod schemas for the Google Cloud API payloads the connector reads. The clients'
// own TypeScript types say what *should* arrive; these say what the connector can live with:
// unknown fields pass through, a malformed optional field becomes undefined instead of failing
// the whole page. Field names follow the clients' `Schema$…` types exactly (the fixtures are
// typed against those, so a renamed field breaks the build, not a scan).
import { z } from 'zod';

const str = z.string().optional().catch(undefined);
const bool = z.boolean().optional().catch(undefined);
const strList = z.array(z.string()).optional().catch(undefined);
const strMap = z.record(z.string(), z.string()).optional().catch(undefined);
/** Keeps only the array elements that parse, so one odd entry never loses a page. */
const looseArray = <T extends z.ZodType>(item: T) =>
  z
    .array(z.unknown())
    .optional()
    .catch(undefined)
    .transform((xs) =>
      (xs ?? []).flatMap((x) => {
        const r = item.safeParse(x);
        return r.success ? [r.data] : [];
      }),
    );

// --- IAM policies (Resource Manager v3 and IAM v1 share the shape) ---------------------------

export const Expr = z.looseObject({ title: str, description: str, expression: str, location: str });
export type Expr = z.infer<typeof Expr>;

export const Binding = z.looseObject({
  role: z.string(),
  members: z.array(z.string()).catch([]),
  condition: Expr.optional().catch(undefined),
});
export type Binding = z.infer<typeof Binding>;

export const IamPolicy = z.looseObject({
  version: z.number().optional().catch(undefined),
  etag: str,
  bindings: looseArray(Binding),
});
export type IamPolicy = z.infer<typeof IamPolicy>;

// --- Resource Manager v3 ----------------------------------------------------------------------

export const Project = z.looseObject({
  /** "projects/<number>" */
  name: z.string(),
  projectId: z.string(),
  parent: str,
  state: str,
  displayName: str,
  labels: strMap,
});
export type Project = z.infer<typeof Project>;

export const Folder = z.looseObject({ name: z.string(), parent: str, displayName: str, state: str });
export type Folder = z.infer<typeof Folder>;

export const ListProjectsResponse = z.looseObject({ projects: looseArray(Project), nextPageToken: str });
export const ListFoldersResponse = z.looseObject({ folders: looseArray(Folder), nextPageToken: str });

// --- IAM v1 -------------------------------------------------------------------------------------

export const ServiceAccount = z.looseObject({
  name: z.string(),
  email: z.string(),
  projectId: str,
  uniqueId: str,
  displayName: str,
  description: str,
  disabled: bool,
  oauth2ClientId: str,
});
export type ServiceAccount = z.infer<typeof ServiceAccount>;

export const ListServiceAccountsResponse = z.looseObject({
  accounts: looseArray(ServiceAccount),
  nextPageToken: str,
});

export const ServiceAccountKey = z.looseObject({
  /** projects/<p>/serviceAccounts/<email>/keys/<keyId> */
  name: z.string(),
  validAfterTime: str,
  validBeforeTime: str,
  keyAlgorithm: str,
  /** GOOGLE_PROVIDED | USER_PROVIDED */
  keyOrigin: str,
  /** USER_MANAGED | SYSTEM_MANAGED */
  keyType: str,
  disabled: bool,
  disableReason: str,
  extendedStatus: z
    .array(z.looseObject({ key: str, value: str }))
    .optional()
    .catch(undefined),
});
export type ServiceAccountKey = z.infer<typeof ServiceAccountKey>;

export const ListServiceAccountKeysResponse = z.looseObject({ keys: looseArray(ServiceAccountKey) });

export const WorkloadIdentityPool = z.looseObject({
  name: z.string(),
  displayName: str,
  description: str,
  state: str,
  disabled: bool,
});
export type WorkloadIdentityPool = z.infer<typeof WorkloadIdentityPool>;

export const ListWorkloadIdentityPoolsResponse = z.looseObject({
  workloadIdentityPools: looseArray(WorkloadIdentityPool),
  nextPageToken: str,
});

export const WorkloadIdentityPoolProvider = z.looseObject({
  name: z.string(),
  displayName: str,
  description: str,
  state: str,
  disabled: bool,
  attributeMapping: strMap,
  attributeCondition: str,
  oidc: z.looseObject({ issuerUri: str, allowedAudiences: strList }).optional().catch(undefined),
  aws: z.looseObject({ accountId: str }).optional().catch(undefined),
  saml: z.looseObject({ idpMetadataXml: str }).optional().catch(undefined),
  x509: z.looseObject({}).optional().catch(undefined),
});
export type WorkloadIdentityPoolProvider = z.infer<typeof WorkloadIdentityPoolProvider>;

export const ListWorkloadIdentityPoolProvidersResponse = z.looseObject({
  workloadIdentityPoolProviders: looseArray(WorkloadIdentityPoolProvider),
  nextPageToken: str,
});

// --- API Keys v2 --------------------------------------------------------------------------------

export const ApiKeyRestrictions = z.looseObject({
  browserKeyRestrictions: z.looseObject({ allowedReferrers: strList }).optional().catch(undefined),
  serverKeyRestrictions: z.looseObject({ allowedIps: strList }).optional().catch(undefined),
  androidKeyRestrictions: z
    .looseObject({
      allowedApplications: z
        .array(z.looseObject({ packageName: str, sha1Fingerprint: str }))
        .optional()
        .catch(undefined),
    })
    .optional()
    .catch(undefined),
  iosKeyRestrictions: z.looseObject({ allowedBundleIds: strList }).optional().catch(undefined),
  apiTargets: z
    .array(z.looseObject({ service: str, methods: strList }))
    .optional()
    .catch(undefined),
});
export type ApiKeyRestrictions = z.infer<typeof ApiKeyRestrictions>;

export const ApiKey = z.looseObject({
  /** projects/<number>/locations/global/keys/<uid> */
  name: z.string(),
  uid: z.string(),
  displayName: str,
  createTime: str,
  updateTime: str,
  deleteTime: str,
  annotations: strMap,
  restrictions: ApiKeyRestrictions.optional().catch(undefined),
  serviceAccountEmail: str,
});
export type ApiKey = z.infer<typeof ApiKey>;

export const ListApiKeysResponse = z.looseObject({ keys: looseArray(ApiKey), nextPageToken: str });

// --- Policy Analyzer v1 -------------------------------------------------------------------------

const ActivitySubject = z.looseObject({ fullResourceName: str, serviceAccountId: str, projectNumber: str });

export const Activity = z.looseObject({
  activityType: str,
  fullResourceName: str,
  observationPeriod: z.looseObject({ startTime: str, endTime: str }).optional().catch(undefined),
  activity: z
    .looseObject({
      lastAuthenticatedTime: str,
      serviceAccount: ActivitySubject.optional().catch(undefined),
      serviceAccountKey: ActivitySubject.optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
});
export type Activity = z.infer<typeof Activity>;

export const QueryActivityResponse = z.looseObject({ activities: looseArray(Activity), nextPageToken: str });

// --- Errors (google.rpc.Status as JSON, AIP-193) ------------------------------------------------

export const ErrorInfo = z.looseObject({
  '@type': z.literal('type.googleapis.com/google.rpc.ErrorInfo'),
  reason: str,
  domain: str,
  metadata: strMap,
});
export type ErrorInfo = z.infer<typeof ErrorInfo>;

export const ErrorBody = z.looseObject({
  error: z.looseObject({
    code: z.number().optional().catch(undefined),
    message: str,
    status: str,
    details: z.array(z.unknown()).optional().catch(undefined),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

// --- IAM v1 roles ------------------------------------------------------------------------------

export const Role = z.looseObject({
  name: str,
  title: str,
  includedPermissions: strList,
  stage: str,
  deleted: bool,
  etag: str,
});
export type Role = z.infer<typeof Role>;

// --- IAM v2 deny policies ----------------------------------------------------------------------

export const DenyRule = z.looseObject({
  deniedPrincipals: strList,
  exceptionPrincipals: strList,
  deniedPermissions: strList,
  exceptionPermissions: strList,
  denialCondition: Expr.optional().catch(undefined),
});
export type DenyRule = z.infer<typeof DenyRule>;

export const DenyPolicy = z.looseObject({
  name: str,
  displayName: str,
  kind: str,
  deleteTime: str,
  rules: looseArray(z.looseObject({ description: str, denyRule: DenyRule.optional().catch(undefined) })),
});
export type DenyPolicy = z.infer<typeof DenyPolicy>;

export const ListDenyPoliciesResponse = z.looseObject({
  policies: looseArray(DenyPolicy),
  nextPageToken: str,
});

// --- Cloud Identity groups (v1) ------------------------------------------------------------------

export const LookupGroupNameResponse = z.looseObject({ name: str });
export type LookupGroupNameResponse = z.infer<typeof LookupGroupNameResponse>;

export const EntityKey = z.looseObject({ id: str, namespace: str });

export const MemberRelation = z.looseObject({
  /** "users/<id>", "groups/<id>" (a nested group), … */
  member: str,
  preferredMemberKey: looseArray(EntityKey),
  /** DIRECT, INDIRECT or DIRECT_AND_INDIRECT. */
  relationType: str,
  roles: looseArray(z.looseObject({ role: str })),
});
export type MemberRelation = z.infer<typeof MemberRelation>;

export const SearchTransitiveMembershipsResponse = z.looseObject({
  memberships: looseArray(MemberRelation),
  nextPageToken: str,
});

// --- testIamPermissions (`nhiscan doctor`) ---------------------------------------------------

/** The subset of the asked permissions the caller holds; strict: a malformed list is no answer. */
export const TestIamPermissionsResponse = z.looseObject({ permissions: z.array(z.string()).optional() });

// --- Cloud Asset API v1 (assets.list; cloudAssetInventory) --------------------------------------

/** An asset as assets.list answers it (REST JSON): `resource.data` is the resource's own API JSON. */
export const CaiAsset = z.looseObject({
  /** Full resource name: "//iam.googleapis.com/projects/p/serviceAccounts/…". */
  name: z.string(),
  assetType: z.string(),
  /** Nearest first: ["projects/123", "folders/4", "organizations/5"]. */
  ancestors: strList,
  resource: z
    .looseObject({ data: z.record(z.string(), z.unknown()).optional().catch(undefined), parent: str })
    .optional()
    .catch(undefined),
  iamPolicy: IamPolicy.optional().catch(undefined),
});
export type CaiAsset = z.infer<typeof CaiAsset>;

export const ListAssetsResponse = z.looseObject({
  assets: looseArray(CaiAsset),
  nextPageToken: str,
  /** The time of the snapshot the page was read from. */
  readTime: str,
});
