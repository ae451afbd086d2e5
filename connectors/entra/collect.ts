// The walk of one tenant: list applications and service principals, then the per-object facts
// (owners, federated credentials, app role assignments) in $batch requests of 20, the delegated
// grants, directory roles and sign-in activity, and hand every app to identities.ts.
// A failed list is a coverage gap naming the permission; the rest of the tenant goes on.
import type { Client } from '@microsoft/microsoft-graph-client';
import type { z } from 'zod';
import type { CollectContext } from '../../src/connector.js';
import { ScanError } from '../../src/errors.js';
import type { IdentityInput } from '../../src/model.js';
import type { EntraConfig } from './config.js';
import {
  BATCH_SIZE,
  type BatchOutcome,
  batchRead,
  graphFailure,
  graphGap,
  listAll,
  MAX_PAGES,
} from './graph.js';
import { type TenantFacts, toIdentities } from './identities.js';
import {
  Application,
  AppRoleAssignment,
  DirectoryObjectRef,
  DirectoryRole,
  FederatedIdentityCredential,
  OAuth2PermissionGrant,
  Owner,
  ResourceServicePrincipal,
  SELECT,
  ServicePrincipal,
  ServicePrincipalSignInActivity,
} from './schema.js';

export interface TenantWalk {
  client: Client;
  ctx: CollectContext;
  config: EntraConfig;
  tenantId: string;
}

/** The least-privileged application permission each call needs (readme.md, permissions.ts). */
export const CALL_PERMISSION: Readonly<Record<string, string>> = {
  'GET /applications': 'Application.Read.All',
  'GET /servicePrincipals': 'Application.Read.All',
  'GET /applications/{id}/owners': 'Application.Read.All',
  'GET /beta/applications/{id}/federatedIdentityCredentials': 'Application.Read.All',
  'GET /servicePrincipals/{id}/owners': 'Application.Read.All',
  'GET /servicePrincipals/{id}/appRoleAssignments': 'Application.Read.All',
  'GET /servicePrincipals/{id}': 'Application.Read.All',
  'GET /oauth2PermissionGrants': 'DelegatedPermissionGrant.Read.All',
  'GET /directoryRoles': 'RoleManagement.Read.Directory',
  'GET /directoryRoles/{id}/members': 'RoleManagement.Read.Directory',
  'GET /beta/reports/servicePrincipalSignInActivities': 'AuditLog.Read.All',
};

const gapFor = (
  ctx: CollectContext,
  call: string,
  err: unknown,
  extra: { resource?: string; fallback?: string } = {},
): void => {
  const permission = CALL_PERMISSION[call];
  ctx.gap(graphGap(call, err, { ...extra, ...(permission ? { permission } : {}) }));
};

/** Parses each item; a malformed one is a gap (invalid_response), never silently dropped. */
const parseItems = <S extends z.ZodType>(
  ctx: CollectContext,
  call: string,
  schema: S,
  items: readonly unknown[],
  resource?: string,
): z.infer<S>[] => {
  const out: z.infer<S>[] = [];
  let bad = 0;
  for (const item of items) {
    const parsed = schema.safeParse(item);
    if (parsed.success) out.push(parsed.data);
    else bad++;
  }
  if (bad > 0) {
    ctx.gap({
      code: 'invalid_response',
      call,
      message: `${bad} item(s) did not have the expected shape and were not judged`,
      ...(resource ? { resource } : {}),
    });
  }
  return out;
};

/** A whole collection, or undefined (and a gap) when Graph refused or failed it. */
const collection = async <S extends z.ZodType>(
  walk: TenantWalk,
  call: string,
  path: string,
  schema: S,
  version: 'v1.0' | 'beta' = 'v1.0',
): Promise<z.infer<S>[] | undefined> => {
  const items: unknown[] = [];
  try {
    for await (const page of listAll(walk.client, path, { version, limit: walk.ctx.limit }))
      items.push(...page);
  } catch (err) {
    if (walk.ctx.signal.aborted) throw err;
    gapFor(walk.ctx, call, err);
    return undefined;
  }
  return parseItems(walk.ctx, call, schema, items);
};

/** A per-object read for the $batch, with the call it stands for (for gaps) and its object. */
interface ObjectRead {
  call: string;
  object: string;
  path: string;
  /** beta for what v1.0 does not show (flexible federated credentials' claimsMatchingExpression). */
  version?: 'beta';
}

/**
 * Reads every path through $batch (20 a request, `ctx.limit` requests at a time), follows any
 * @odata.nextLink in an answer, and returns the items per path. A failed item is left out of the
 * map (its owner's list stays unknown); its gaps are summed per call and error code.
 */
const batchCollections = async (
  walk: TenantWalk,
  reads: readonly ObjectRead[],
): Promise<Map<string, unknown[]>> => {
  const { ctx, client, config } = walk;
  const out = new Map<string, unknown[]>();
  const failed = new Map<string, { err: unknown; objects: string[] }>();
  const fail = (read: ObjectRead, err: unknown): void => {
    const key = `${read.call}\u0000${graphFailure(err).status ?? graphFailure(err).code ?? ''}`;
    const entry = failed.get(key) ?? { err, objects: [] };
    entry.objects.push(read.object);
    failed.set(key, entry);
  };
  // A $batch goes to one version's endpoint: v1.0 and beta reads are batched apart.
  const chunks: ObjectRead[][] = [];
  for (const group of [reads.filter((r) => !r.version), reads.filter((r) => r.version === 'beta')])
    for (let i = 0; i < group.length; i += BATCH_SIZE) chunks.push(group.slice(i, i + BATCH_SIZE));
  await Promise.all(
    chunks.map((chunk) =>
      ctx.limit(async () => {
        let results: Map<string, BatchOutcome>;
        try {
          results = await batchRead(
            client,
            chunk.map((r, i) => ({ id: String(i + 1), path: r.path })),
            {
              ...(chunk[0]?.version ? { version: chunk[0].version } : {}),
              maxRetries: config.maxRetries,
              maxRetryAfterSeconds: config.maxRetryAfterSeconds,
              signal: ctx.signal,
            },
          );
        } catch (err) {
          if (ctx.signal.aborted) throw err;
          for (const read of chunk) fail(read, err);
          return;
        }
        for (const [i, read] of chunk.entries()) {
          const result = results.get(String(i + 1));
          if (!result) continue;
          if (!result.ok) {
            fail(read, result.error);
            continue;
          }
          const body = result.body as { value?: unknown; '@odata.nextLink'?: unknown };
          if (!Array.isArray(body.value)) {
            out.set(read.path, [body]); // a single object (GET /servicePrincipals/{id})
            continue;
          }
          const items: unknown[] = [...(body.value as unknown[])];
          try {
            let next = body['@odata.nextLink'];
            for (let n = 0; typeof next === 'string' && next && n < MAX_PAGES; n++) {
              const link = next;
              const page = (await client.api(link).get()) as { value?: unknown; '@odata.nextLink'?: unknown };
              if (Array.isArray(page.value)) items.push(...(page.value as unknown[]));
              next = page['@odata.nextLink'];
            }
            out.set(read.path, items);
          } catch (err) {
            if (ctx.signal.aborted) throw err;
            fail(read, err);
          }
        }
      }),
    ),
  );
  for (const [key, { err, objects }] of failed) {
    const call = key.split('\u0000')[0] ?? '';
    const more = objects.length > 1 ? ` (and ${objects.length - 1} more objects with the same error)` : '';
    const gap = graphGap(call, err, {
      resource: objects[0] ?? '',
      ...(CALL_PERMISSION[call] ? { permission: CALL_PERMISSION[call] } : {}),
    });
    ctx.gap({ ...gap, message: gap.message + more });
  }
  return out;
};

const enc = encodeURIComponent;

export async function* walkTenant(walk: TenantWalk): AsyncGenerator<IdentityInput> {
  const { ctx, config } = walk;
  const features = config.features;
  const apps = await collection(
    walk,
    'GET /applications',
    `/applications?$select=${SELECT.application}&$top=999`,
    Application,
  );
  const sps = await collection(
    walk,
    'GET /servicePrincipals',
    `/servicePrincipals?$select=${SELECT.servicePrincipal}&$top=999`,
    ServicePrincipal,
  );
  if (apps === undefined && sps === undefined) {
    throw new ScanError({
      code: 'access_denied',
      call: 'GET /applications',
      resource: walk.tenantId,
      permission: 'Application.Read.All',
      message: 'neither applications nor service principals could be listed; nothing in this tenant was seen',
    });
  }
  const providerTenants = new Set(config.providerTenants.map((t) => t.toLowerCase()));
  const isProvider = (sp: ServicePrincipal): boolean =>
    !!sp.appOwnerOrganizationId && providerTenants.has(sp.appOwnerOrganizationId.toLowerCase());
  const judgedSps = (sps ?? []).filter((sp) => !isProvider(sp));
  const appIds = new Set((apps ?? []).map((a) => a.appId));

  // Per-object reads, batched.
  const reads: ObjectRead[] = [];
  for (const app of apps ?? []) {
    if (features.owners)
      reads.push({
        call: 'GET /applications/{id}/owners',
        object: app.id,
        path: `applications/${enc(app.id)}/owners?$select=${SELECT.owner}`,
      });
    if (features.federatedCredentials)
      reads.push({
        call: 'GET /beta/applications/{id}/federatedIdentityCredentials',
        object: app.id,
        version: 'beta',
        path: `applications/${enc(app.id)}/federatedIdentityCredentials?$select=${SELECT.federatedIdentityCredential}`,
      });
  }
  for (const sp of judgedSps) {
    if (features.owners && !(sp.appId && appIds.has(sp.appId)))
      reads.push({
        call: 'GET /servicePrincipals/{id}/owners',
        object: sp.id,
        path: `servicePrincipals/${enc(sp.id)}/owners?$select=${SELECT.owner}`,
      });
    if (features.appRoleAssignments)
      reads.push({
        call: 'GET /servicePrincipals/{id}/appRoleAssignments',
        object: sp.id,
        path: `servicePrincipals/${enc(sp.id)}/appRoleAssignments?$select=${SELECT.appRoleAssignment}`,
      });
  }
  const perObject = await batchCollections(walk, reads);
  const items = <S extends z.ZodType>(
    call: string,
    path: string,
    schema: S,
    object: string,
  ): z.infer<S>[] | undefined => {
    const raw = perObject.get(path);
    return raw === undefined ? undefined : parseItems(ctx, call, schema, raw, object);
  };

  const facts: TenantFacts = {
    tenantId: walk.tenantId,
    apps: apps ?? [],
    appsListed: apps !== undefined,
    servicePrincipals: sps ?? [],
    isProvider,
    owners: new Map(),
    federated: new Map(),
    assignments: new Map(),
    resources: new Map(),
    grants: undefined,
    roles: undefined,
    signIns: undefined,
    signInUnavailable: undefined,
  };
  for (const app of apps ?? []) {
    const ownersPath = `applications/${enc(app.id)}/owners?$select=${SELECT.owner}`;
    const o = features.owners ? items('GET /applications/{id}/owners', ownersPath, Owner, app.id) : undefined;
    if (o) facts.owners.set(app.id, o);
    const ficPath = `applications/${enc(app.id)}/federatedIdentityCredentials?$select=${SELECT.federatedIdentityCredential}`;
    const f = features.federatedCredentials
      ? items(
          'GET /beta/applications/{id}/federatedIdentityCredentials',
          ficPath,
          FederatedIdentityCredential,
          app.id,
        )
      : undefined;
    if (f) facts.federated.set(app.id, f);
  }
  for (const sp of judgedSps) {
    const ownersPath = `servicePrincipals/${enc(sp.id)}/owners?$select=${SELECT.owner}`;
    const o = perObject.has(ownersPath)
      ? items('GET /servicePrincipals/{id}/owners', ownersPath, Owner, sp.id)
      : undefined;
    if (o) facts.owners.set(sp.id, o);
    const araPath = `servicePrincipals/${enc(sp.id)}/appRoleAssignments?$select=${SELECT.appRoleAssignment}`;
    const a = features.appRoleAssignments
      ? items('GET /servicePrincipals/{id}/appRoleAssignments', araPath, AppRoleAssignment, sp.id)
      : undefined;
    if (a) facts.assignments.set(sp.id, a);
  }

  if (features.oauth2PermissionGrants) {
    facts.grants = await collection(
      walk,
      'GET /oauth2PermissionGrants',
      `/oauth2PermissionGrants?$select=${SELECT.oauth2PermissionGrant}&$top=999`,
      OAuth2PermissionGrant,
    );
  }

  // The APIs the assignments and grants point at, with their app roles (permission names).
  const resourceIds = new Set<string>();
  for (const list of facts.assignments.values()) for (const a of list) resourceIds.add(a.resourceId);
  for (const g of facts.grants ?? []) resourceIds.add(g.resourceId);
  const known = new Map((sps ?? []).map((sp) => [sp.id, sp]));
  const resourceReads = [...resourceIds].sort().map((id) => ({
    call: 'GET /servicePrincipals/{id}',
    object: id,
    path: `servicePrincipals/${enc(id)}?$select=${SELECT.resourceServicePrincipal}`,
  }));
  const resourceAnswers = await batchCollections(walk, resourceReads);
  for (const read of resourceReads) {
    const raw = resourceAnswers.get(read.path);
    const [parsed] = raw ? parseItems(ctx, read.call, ResourceServicePrincipal, raw, read.object) : [];
    if (parsed) facts.resources.set(read.object, parsed);
    else {
      const sp = known.get(read.object);
      if (sp)
        facts.resources.set(read.object, {
          id: sp.id,
          appId: sp.appId,
          displayName: sp.displayName,
          appRoles: undefined,
        });
    }
  }

  if (features.directoryRoles) {
    const roles = await collection(
      walk,
      'GET /directoryRoles',
      `/directoryRoles?$select=${SELECT.directoryRole}`,
      DirectoryRole,
    );
    if (roles) {
      const memberReads = roles.map((r) => ({
        call: 'GET /directoryRoles/{id}/members',
        object: r.id,
        path: `directoryRoles/${enc(r.id)}/members?$select=${SELECT.member}`,
      }));
      const members = await batchCollections(walk, memberReads);
      const byPrincipal = new Map<string, DirectoryRole[]>();
      let complete = true;
      for (const [i, role] of roles.entries()) {
        const read = memberReads[i];
        const raw = read ? members.get(read.path) : undefined;
        if (!raw || !read) {
          complete = false;
          continue;
        }
        for (const m of parseItems(ctx, read.call, DirectoryObjectRef, raw, role.id)) {
          byPrincipal.set(m.id, [...(byPrincipal.get(m.id) ?? []), role]);
        }
      }
      // A role whose members could not be read leaves every app's roles unknown.
      if (complete) facts.roles = byPrincipal;
    }
  }

  if (features.signInActivity) await readSignIns(walk, facts);

  const counts = { applications: 0, servicePrincipals: 0, managedIdentities: 0 };
  for (const identity of toIdentities(facts, ctx.clock.asOf)) {
    if (identity.kind === 'entra.application') counts.applications++;
    else if (identity.kind === 'entra.managed_identity') counts.managedIdentities++;
    else counts.servicePrincipals++;
    yield identity;
  }
  ctx.note(`Entra ${walk.tenantId}: ${countsText(counts)}`);
}

/** "1 app registration, 3 other service principals, 1 managed identity": singular where it is one. */
export const countsText = (c: {
  applications: number;
  servicePrincipals: number;
  managedIdentities: number;
}): string =>
  [
    `${String(c.applications)} app registration${c.applications === 1 ? '' : 's'}`,
    `${String(c.servicePrincipals)} other service principal${c.servicePrincipals === 1 ? '' : 's'}`,
    `${String(c.managedIdentities)} managed identit${c.managedIdentities === 1 ? 'y' : 'ies'}`,
  ].join(', ');

/** Sign-in activity is a beta report, global cloud only, and needs Entra ID P1 or P2. */
const readSignIns = async (walk: TenantWalk, facts: TenantFacts): Promise<void> => {
  const { ctx, config } = walk;
  const call = 'GET /beta/reports/servicePrincipalSignInActivities';
  if (config.cloud !== 'public' && config.graphBaseUrl === undefined) {
    facts.signInUnavailable = `servicePrincipalSignInActivities is not offered in the ${config.cloud} cloud`;
    // The cloud does not offer it: no permission closes it.
    ctx.gap({ code: 'not_supported', call, message: facts.signInUnavailable, closable: false });
    return;
  }
  const items: unknown[] = [];
  try {
    for await (const page of listAll(walk.client, '/reports/servicePrincipalSignInActivities', {
      version: 'beta',
      limit: ctx.limit,
    }))
      items.push(...page);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const f = graphFailure(err);
    const gap = graphGap(call, err, { permission: 'AuditLog.Read.All' });
    if (gap.code === 'not_supported') {
      gap.message = `${gap.message} (the sign-in activity report needs a Microsoft Entra ID P1 or P2 licence)`;
      // A licence closes it, not a permission: a note, not a failure.
      gap.closable = false;
    }
    facts.signInUnavailable = `${call} failed: ${f.status ? `HTTP ${f.status} ` : ''}${f.code ?? ''}`.trim();
    ctx.gap({ ...gap, fallback: 'last use left unknown for every app of this tenant' });
    return;
  }
  facts.signIns = new Map(
    parseItems(ctx, call, ServicePrincipalSignInActivity, items).map((a) => [a.appId.toLowerCase(), a]),
  );
};
