// GCP-SPECIFIC. Reading the Google Cloud connector's identity attributes (connectors/gcp/
// identities.ts writes them). Policies never trust `attributes` blindly: each read is a
// permissive parse, so an identity from another provider or an older scan yields nothing.
import { z } from 'zod';
import type { Identity } from '../../src/model.js';

const BindingRef = z.object({
  role: z.string(),
  resource: z.string(),
  condition: z.string().optional(),
  expression: z.string().optional(),
  /**
   * How the connector judged the binding (connectors/gcp/effective.ts): `inactive` grants nothing
   * at scan time (an expired condition, a deleted or disabled custom role). Absent: not judged.
   */
  status: z.enum(['active', 'inactive', 'conditional', 'scoped']).optional().catch(undefined),
});
export type BindingRef = z.infer<typeof BindingRef>;

const PrincipalRef = BindingRef.extend({ principal: z.string() });
export type PrincipalRef = z.infer<typeof PrincipalRef>;

const list = <T extends z.ZodType>(item: T) => z.array(item).catch([]);

const ServiceAccountAttributes = z.object({
  disabled: z.boolean().catch(false),
  defaultAccount: z.enum(['compute', 'appengine']).optional().catch(undefined),
  projectId: z.string().optional().catch(undefined),
  resourceName: z.string().optional().catch(undefined),
  bindings: list(BindingRef),
  canActAs: list(PrincipalRef),
  administeredBy: list(PrincipalRef),
});
export type ServiceAccountAttributes = z.infer<typeof ServiceAccountAttributes>;

const ApiKeyAttributes = z.object({
  applicationRestriction: z.enum(['browser', 'server', 'android', 'ios', 'none']).catch('none'),
  apiTargets: z.array(z.string()).catch([]),
  restrictions: z.record(z.string(), z.unknown()).catch({}),
  serviceAccountEmail: z.string().optional().catch(undefined),
});

/** The two application restrictions that can be written to allow everything. */
const AllowLists = z.object({
  browserKeyRestrictions: z
    .object({ allowedReferrers: z.array(z.string()).catch([]) })
    .optional()
    .catch(undefined),
  serverKeyRestrictions: z
    .object({ allowedIps: z.array(z.string()).catch([]) })
    .optional()
    .catch(undefined),
});

const ANY_REFERRER = /^(\*|(https?:\/\/)?\*(\/\*?)?)$/i;
const ANY_ADDRESS = new Set(['0.0.0.0/0', '::/0', '0::0/0']);

/**
 * The entries of an application restriction that let in every caller: a referrer "*" (or
 * "https://*"), an address range 0.0.0.0/0 or ::/0. A restriction holding one restricts nothing.
 */
export const allowAllEntries = (restrictions: Record<string, unknown>): string[] => {
  const r = AllowLists.safeParse(restrictions);
  if (!r.success) return [];
  return [
    ...(r.data.browserKeyRestrictions?.allowedReferrers ?? []).filter((x) => ANY_REFERRER.test(x.trim())),
    ...(r.data.serverKeyRestrictions?.allowedIps ?? []).filter((x) => ANY_ADDRESS.has(x.trim())),
  ];
};
export type ApiKeyAttributes = z.infer<typeof ApiKeyAttributes>;

const WifProviderAttributes = z.object({
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

const read =
  <S extends z.ZodType>(kind: string, schema: S) =>
  (identity: Identity): z.output<S> | undefined => {
    if (identity.provider !== 'gcp' || identity.kind !== kind) return undefined;
    const parsed = schema.safeParse(identity.attributes);
    return parsed.success ? parsed.data : undefined;
  };

export const serviceAccountAttributes = read('gcp.service_account', ServiceAccountAttributes);
export const apiKeyAttributes = read('gcp.api_key', ApiKeyAttributes);
export const wifProviderAttributes = read('gcp.wif_provider', WifProviderAttributes);

/**
 * What an administrator administers, when the connector judged the roles by their permissions:
 * `estate` (project / folder / organization IAM, or other principals), `service` (one service's
 * resources); undefined when roles were judged by name.
 */
export const gcpAdminScope = (identity: Identity): 'estate' | 'service' | undefined => {
  if (identity.provider !== 'gcp') return undefined;
  const scope = identity.attributes.adminScope;
  return scope === 'estate' || scope === 'service' ? scope : undefined;
};

/** "projects/acme-prod/serviceAccounts/…" is the account itself; anything else is a container. */
export const isContainerResource = (resource: string): boolean =>
  /^(projects|folders|organizations)\/[^/]+$/.test(resource);

/**
 * Google's service agents ("serviceAccount:service-123@gcp-sa-pubsub.iam.gserviceaccount.com",
 * "…@cloudservices.gserviceaccount.com"): accounts Google creates and runs for its own services,
 * granted roles in your projects as Google documents. Nobody holds a key to them.
 */
export const isServiceAgentMember = (member: string): boolean => {
  if (!/^serviceAccount:/i.test(member)) return false;
  const email = member.slice(member.indexOf(':') + 1).toLowerCase();
  return (
    /@gcp-sa-[a-z0-9-]+\.iam\.gserviceaccount\.com$/.test(email) ||
    /^service-(org-)?\d+@/.test(email) ||
    /@(cloudservices|container-engine-robot|compute-system|dataflow-service-producer-prod|serverless-robot-prod)\.(iam\.)?gserviceaccount\.com$/.test(
      email,
    )
  );
};

/** One line per binding for evidence: role, where, and its condition. */
export const describeBinding = (b: BindingRef): string =>
  `${b.role} on ${b.resource}${b.condition ? ` (conditional: ${b.condition})` : ''}`;
