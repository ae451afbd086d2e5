// Google Cloud identity kinds and the typed attribute vocabulary: what the connector writes under
// `identity.attributes` per kind (identities.ts checks each object it builds with
// `satisfies Written<…>`) and what the gcp-* policies read through the readers below. Each read is
// a permissive parse, so an identity from another provider or an older scan yields nothing. A
// kind's schema lists the fields policies rely on; the connector may write more (evidence detail).
import { z } from 'zod';
import { memoisedRead } from '../../src/attribute-read.js';
import { type Identity, PrivilegeLevel } from '../../src/model.js';

export const GCP_KINDS = {
  serviceAccount: 'gcp.service_account',
  apiKey: 'gcp.api_key',
  wifProvider: 'gcp.wif_provider',
} as const;
export type GcpKind = (typeof GCP_KINDS)[keyof typeof GCP_KINDS];

/** What the connector may write for a kind: the vocabulary's fields typed, evidence detail free. */
export type Written<S extends z.ZodType> = z.input<S> & Record<string, unknown>;

export const BindingRef = z.object({
  role: z.string(),
  resource: z.string(),
  condition: z.string().optional(),
  expression: z.string().optional(),
  /** Held through this group ("group:ops@example.com"), expanded with Cloud Identity. */
  via: z.string().optional().catch(undefined),
  /** Through a group nested in `via`. */
  nested: z.boolean().optional().catch(undefined),
  /**
   * How the connector judged the binding (connectors/gcp/effective.ts): `inactive` grants nothing
   * at scan time (an expired condition, a deleted or disabled custom role). Absent: not judged.
   */
  status: z.enum(['active', 'inactive', 'conditional', 'scoped']).optional().catch(undefined),
  /** The judgement's evidence (connectors/gcp/effective.ts JudgedBinding): how and by what. */
  judgedBy: z.enum(['permissions', 'name']).optional().catch(undefined),
  level: PrivilegeLevel.optional().catch(undefined),
  adminScope: z.enum(['estate', 'service']).optional().catch(undefined),
  permissions: z.number().optional().catch(undefined),
  decidedBy: z.array(z.string()).optional().catch(undefined),
  denied: z
    .array(z.object({ permission: z.string(), policy: z.string() }))
    .optional()
    .catch(undefined),
  notes: z.array(z.string()).optional().catch(undefined),
});
export type BindingRef = z.infer<typeof BindingRef>;

export const PrincipalRef = BindingRef.extend({ principal: z.string() });
export type PrincipalRef = z.infer<typeof PrincipalRef>;

const list = <T extends z.ZodType>(item: T) => z.array(item).catch([]);

export const ServiceAccountAttributes = z.object({
  disabled: z.boolean().catch(false),
  defaultAccount: z.enum(['compute', 'appengine']).optional().catch(undefined),
  projectId: z.string().optional().catch(undefined),
  resourceName: z.string().optional().catch(undefined),
  bindings: list(BindingRef),
  canActAs: list(PrincipalRef),
  administeredBy: list(PrincipalRef),
  /**
   * Members of the groups in `canActAs`, each with the group (`via`) and the grant it holds
   * (expandGroups); groups whose members could not be read are in `actAsGroupsUnread`. Both
   * absent: group members were not read.
   */
  canActAsThroughGroups: z.array(PrincipalRef).optional().catch(undefined),
  actAsGroupsUnread: z.array(z.string()).optional().catch(undefined),
  /**
   * Members of the groups in `administeredBy`, with the group (`via`) and its grant, and the groups
   * whose members could not be read (expandGroups); both absent: group members were not read.
   */
  administeredByThroughGroups: z.array(PrincipalRef).optional().catch(undefined),
  adminGroupsUnread: z.array(z.string()).optional().catch(undefined),
  /** The service account the scan ran as (its credential's email). */
  scanner: z.boolean().optional().catch(undefined),
  scannerPrincipal: z.string().optional().catch(undefined),
});
export type ServiceAccountAttributes = z.infer<typeof ServiceAccountAttributes>;

export const ApiKeyAttributes = z.object({
  applicationRestriction: z.enum(['browser', 'server', 'android', 'ios', 'none']).catch('none'),
  apiTargets: z.array(z.string()).catch([]),
  restrictions: z.record(z.string(), z.unknown()).catch({}),
  serviceAccountEmail: z.string().optional().catch(undefined),
});

export type ApiKeyAttributes = z.infer<typeof ApiKeyAttributes>;

export const WifProviderAttributes = z.object({
  protocol: z.string().catch('unknown'),
  issuerUri: z.string().optional().catch(undefined),
  attributeCondition: z.string().optional().catch(undefined),
  attributeMapping: z.record(z.string(), z.string()).catch({}),
  awsAccountId: z.string().optional().catch(undefined),
  disabled: z.boolean().catch(false),
  poolDisabled: z.boolean().catch(false),
  poolId: z.string().optional().catch(undefined),
});
export type WifProviderAttributes = z.infer<typeof WifProviderAttributes>;

const read = <S extends z.ZodType>(kind: GcpKind, schema: S) => {
  const parse = memoisedRead(schema);
  return (identity: Identity): z.output<S> | undefined => {
    if (identity.provider !== 'gcp' || identity.kind !== kind) return undefined;
    return parse(identity.attributes);
  };
};

export const serviceAccountAttributes = read(GCP_KINDS.serviceAccount, ServiceAccountAttributes);
export const apiKeyAttributes = read(GCP_KINDS.apiKey, ApiKeyAttributes);
export const wifProviderAttributes = read(GCP_KINDS.wifProvider, WifProviderAttributes);
