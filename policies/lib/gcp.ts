// GCP-SPECIFIC. Policy helpers over the Google Cloud connector's identities; the attribute
// vocabulary and its readers live with the connector (connectors/gcp/attributes.ts).
import { z } from 'zod';
import type { BindingRef } from '../../connectors/gcp/attributes.js';
import type { Identity } from '../../src/model.js';

export {
  apiKeyAttributes,
  serviceAccountAttributes,
  wifProviderAttributes,
} from '../../connectors/gcp/attributes.js';
export type {
  ApiKeyAttributes,
  BindingRef,
  PrincipalRef,
  ServiceAccountAttributes,
  WifProviderAttributes,
} from '../../connectors/gcp/attributes.js';

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
