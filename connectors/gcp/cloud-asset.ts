// Cloud Asset Inventory discovery (providers.gcp.cloudAssetInventory, issue 14): for an
// organization or folder, two assets.list listings of the whole scope replace the per-project and
// per-account reads — service accounts, their keys and IAM policies, API keys, workload identity
// pools and providers, and the IAM policies of the projects, folders and organization in scope.
// What CAI does not hold (Policy Analyzer's last authentication, deny policies, roles) is still
// read per project / per scan by the usual calls.
//
// assets.list (not searchAllResources): its `resource.data` is the resource as its own API's REST
// JSON answers it (a ServiceAccountKey's validAfterTime / keyType / keyOrigin / disabled, an API
// key's restrictions, a provider's attribute condition), so the connector's schemas and identity
// builders read it unchanged and the identities are the per-project path's; `iamPolicy` is the
// policy set on the resource, bindings and conditions kept. 1,000 assets a page (the documented
// maximum) against searchAllResources's 500 and its summary attributes.
//
// The client is the official @google-cloud/asset (an optional dependency, loaded only when the
// option is on) in its REST mode, so a proxy, an emulator or the bench's fake answer it over
// HTTP/JSON. Its REST mode decodes answers into protobuf objects (a Struct as fields/kind, bytes
// as Buffers); the connector reads the REST JSON Google sent instead, taken at the transport the
// client is handed, which also points the client at an endpoint override with a path and carries
// the target's signal and timeout.
import type { ZodType } from 'zod';
import { type CollectContext, optionSdkInstallCommand } from '../../src/connector.js';
import { ScanError, errorMessage } from '../../src/errors.js';
import { logCall } from '../../src/permissions.js';
import { fetchWith, networkAgent, networkDispatcher } from '../../src/proxy.js';
import type { GcpAuthClient } from './clients.js';
import type { GcpConfig } from './config.js';
import { gcpLight } from './provider.js';
import { invalidResponse } from './errors.js';
import { timeGoogleCall } from './gaxios-failure.js';
import {
  ApiKey,
  ListAssetsResponse,
  ServiceAccount,
  ServiceAccountKey,
  WorkloadIdentityPool,
  WorkloadIdentityPoolProvider,
  type CaiAsset,
  type IamPolicy,
} from './schema.js';

export const CAI_PACKAGE = '@google-cloud/asset';
/** assets.list: "Default is 100, minimum is 1, and maximum is 1000" (cloudasset v1 discovery). */
export const CAI_PAGE_SIZE = 1000;
export const CAI_CALL = 'cloudasset.assets.list';
/** assets.list answers at most this many pages here (a repeated token is a broken answer). */
const MAX_PAGES = 100_000;

export const CAI_TYPES = {
  serviceAccount: 'iam.googleapis.com/ServiceAccount',
  key: 'iam.googleapis.com/ServiceAccountKey',
  apiKey: 'apikeys.googleapis.com/Key',
  pool: 'iam.googleapis.com/WorkloadIdentityPool',
  provider: 'iam.googleapis.com/WorkloadIdentityPoolProvider',
  organization: 'cloudresourcemanager.googleapis.com/Organization',
  folder: 'cloudresourcemanager.googleapis.com/Folder',
  project: 'cloudresourcemanager.googleapis.com/Project',
} as const;

/** The RESOURCE and IAM_POLICY listings for a config: only the asset types it reads. */
export const caiListings = (
  config: Pick<GcpConfig, 'apiKeys' | 'workloadIdentity'>,
): { contentType: 'RESOURCE' | 'IAM_POLICY'; assetTypes: string[]; permission: string }[] => [
  {
    contentType: 'RESOURCE',
    assetTypes: [
      CAI_TYPES.serviceAccount,
      CAI_TYPES.key,
      ...(config.apiKeys ? [CAI_TYPES.apiKey] : []),
      ...(config.workloadIdentity ? [CAI_TYPES.pool, CAI_TYPES.provider] : []),
    ],
    permission: 'cloudasset.assets.listResource',
  },
  {
    contentType: 'IAM_POLICY',
    assetTypes: [CAI_TYPES.organization, CAI_TYPES.folder, CAI_TYPES.project, CAI_TYPES.serviceAccount],
    permission: 'cloudasset.assets.listIamPolicy',
  },
];

/** One project's share of the scope's assets, as the per-project calls would have answered. */
export interface ProjectInventory {
  /** The project's own IAM policy (none set: no bindings). */
  policy: IamPolicy;
  accounts: ServiceAccount[];
  /** By account email, lower-cased: its keys (keys.list's answer). */
  keys: Record<string, ServiceAccountKey[]>;
  /** By account email, lower-cased: the policy set on the account (none set: no bindings). */
  accountPolicies: Record<string, IamPolicy>;
  apiKeys: ApiKey[];
  pools: WorkloadIdentityPool[];
  /** By pool resource name. */
  providers: Record<string, WorkloadIdentityPoolProvider[]>;
  /** The snapshot's time (assets.list readTime). */
  readTime: string | undefined;
}

export interface ScopeInventory {
  readTime: string | undefined;
  /** By project number. */
  projects: Map<string, ProjectInventory>;
  /** IAM policies set on the folders and the organization in scope ("folders/1"). */
  containers: Map<string, IamPolicy>;
}

type AssetModule = typeof import('@google-cloud/asset');

/** The optional client, loaded on first use; a missing package is an error that names it. */
export const loadAssetModule = async (): Promise<AssetModule> => {
  try {
    return await import('@google-cloud/asset');
  } catch (err) {
    if ((err as { code?: unknown } | null)?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new ScanError(
      {
        code: 'not_supported',
        call: 'gcp:sdk',
        message: `providers.gcp.cloudAssetInventory needs ${CAI_PACKAGE}, an optional dependency this install left out: run \`${optionSdkInstallCommand(gcpLight, CAI_PACKAGE)}\` where nhiscan is installed`,
      },
      'target',
      { cause: err },
    );
  }
};

interface FetchInit {
  method?: string;
  headers?: Headers;
  body?: string | Buffer;
  signal?: AbortSignal;
}

/** What the transport saw of the last request: the answer's JSON, or the failure beneath the client. */
interface Seen {
  status?: number;
  json?: unknown;
  error?: unknown;
}

/**
 * The auth object handed to the client: its `fetch` sends the client's request through the scan's
 * credentials (or none, on loopback) to the configured root, under the target's signal and
 * timeout, and keeps the JSON answered. The client asks nothing else of it (google-gax fallback:
 * `getRequestHeaders` to accept it, `fetch` per call).
 */
const transport = (
  auth: GcpAuthClient | undefined,
  root: string | undefined,
  signal: AbortSignal,
  timeoutMs: number,
  seen: Seen,
) => {
  const base = root ? (root.endsWith('/') ? root : `${root}/`) : undefined;
  // HTTPS_PROXY / NO_PROXY by the shared rules (src/proxy.ts), as the other Google clients get them.
  const agent = networkAgent();
  const dispatcher = networkDispatcher();
  const plain = dispatcher ? fetchWith(dispatcher) : fetch;
  return {
    getRequestHeaders: async (): Promise<Headers> => Promise.resolve(new Headers()),
    fetch: async (url: string, init: FetchInit): Promise<Response> => {
      // The client builds https://cloudasset.googleapis.com:443/v1/…; an override keeps the path.
      const target = base ? base + url.replace(/^[a-z]+:\/\/[^/]+\//, '') : url;
      const both = AbortSignal.any([
        signal,
        AbortSignal.timeout(timeoutMs),
        ...(init.signal ? [init.signal] : []),
      ]);
      const request = {
        method: init.method ?? 'GET',
        ...(init.headers ? { headers: init.headers } : {}),
        ...(init.body !== undefined ? { body: init.body } : {}),
        signal: both,
      };
      try {
        let status: number;
        let text: string;
        if (auth) {
          // gaxios (the credentials' transport) reads the body as text and raises on a non-2xx.
          const res = await auth.fetch<string>({
            url: target,
            ...request,
            responseType: 'text',
            ...(agent ? { agent } : {}),
          });
          status = res.status;
          text = typeof res.data === 'string' ? res.data : JSON.stringify(res.data);
        } else {
          const res = await plain(target, request);
          status = res.status;
          text = await res.text();
        }
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        seen.status = status;
        seen.json = json;
        seen.error = undefined;
        // The client decodes its own copy (and raises Google's error from an error body).
        return new Response(text, { status, headers: { 'content-type': 'application/json' } });
      } catch (err) {
        // gaxios raises on a non-2xx answer: its status and body are the failure.
        seen.error = err;
        throw err;
      }
    },
  };
};

/** The failure as the connector's error reader (errors.ts) takes it: status and Google's error body. */
const failureOf = (err: unknown, seen: Seen): unknown => {
  if (seen.error !== undefined) return seen.error;
  if (seen.status !== undefined && seen.status >= 400)
    return Object.assign(new Error(errorMessage(err)), {
      response: { status: seen.status, data: seen.json },
    });
  return err;
};

export interface CaiRun {
  config: GcpConfig;
  auth: GcpAuthClient | undefined;
  ctx: Pick<CollectContext, 'limit' | 'log' | 'signal' | 'requestTimeoutMs'>;
}

/** Every page of one listing of `parent` ("organizations/1", "folders/2"), as Google's JSON. */
const listAll = async (
  mod: AssetModule,
  run: CaiRun,
  parent: string,
  listing: ReturnType<typeof caiListings>[number],
): Promise<{ assets: CaiAsset[]; readTime: string | undefined }> => {
  const { ctx } = run;
  const seen: Seen = {};
  const timeoutMs = ctx.requestTimeoutMs ?? 60_000;
  const client = new mod.AssetServiceClient({
    fallback: true,
    authClient: transport(run.auth, run.config.endpoints.cloudasset, ctx.signal, timeoutMs, seen),
  } as ConstructorParameters<AssetModule['AssetServiceClient']>[0]);
  const assets: CaiAsset[] = [];
  let readTime: string | undefined;
  const tokens = new Set<string>();
  let pageToken: string | undefined;
  try {
    do {
      const request = {
        parent,
        contentType: listing.contentType,
        assetTypes: listing.assetTypes,
        pageSize: CAI_PAGE_SIZE,
        ...(pageToken ? { pageToken } : {}),
      };
      await ctx.limit(() => {
        logCall(ctx.log, 'gcp', CAI_CALL);
        return timeGoogleCall(ctx.log, 'gcp', CAI_CALL, async () => {
          try {
            await client.listAssets(request, { autoPaginate: false, timeout: timeoutMs });
          } catch (err) {
            throw failureOf(err, seen);
          }
          return { status: seen.status };
        });
      });
      const page = ListAssetsResponse.safeParse(seen.json ?? {});
      if (!page.success) throw invalidResponse(CAI_CALL, page.error.issues[0]?.message ?? 'unknown');
      assets.push(...page.data.assets);
      readTime ??= page.data.readTime;
      pageToken = page.data.nextPageToken || undefined;
      if (pageToken !== undefined) {
        if (tokens.has(pageToken) || tokens.size >= MAX_PAGES)
          throw invalidResponse(CAI_CALL, 'the page token repeats');
        tokens.add(pageToken);
      }
    } while (pageToken !== undefined);
  } finally {
    await client.close().catch(() => undefined);
  }
  return { assets, readTime };
};

const EMPTY: IamPolicy = { bindings: [] };

const projectNumberOf = (asset: CaiAsset): string | undefined => {
  const first = asset.ancestors?.find((a) => a.startsWith('projects/'));
  return first?.slice('projects/'.length);
};

/** "//iam.googleapis.com/projects/p/serviceAccounts/x" → "x" (an email or a unique id). */
const accountRef = (name: string | undefined): string | undefined =>
  name ? /\/serviceAccounts\/([^/]+)/.exec(name)?.[1]?.toLowerCase() : undefined;

/**
 * Reads the scope through CAI and sorts its assets by project. `projects` maps project numbers to
 * the projects the listing made targets: an asset of any other project (inactive, excluded) is
 * dropped, as the per-project path never reads it.
 */
export const readScopeInventory = async (
  run: CaiRun,
  root: string,
  projectNumbers: ReadonlySet<string>,
): Promise<ScopeInventory> => {
  const mod = await loadAssetModule();
  const [resources, policies] = await Promise.all(
    caiListings(run.config).map((listing) => listAll(mod, run, root, listing)),
  );
  const readTime = resources?.readTime ?? policies?.readTime;
  const projects = new Map<string, ProjectInventory>();
  const of = (number: string | undefined): ProjectInventory | undefined => {
    if (number === undefined || !projectNumbers.has(number)) return undefined;
    let p = projects.get(number);
    if (!p) {
      p = {
        policy: EMPTY,
        accounts: [],
        keys: {},
        accountPolicies: {},
        apiKeys: [],
        pools: [],
        providers: {},
        readTime,
      };
      projects.set(number, p);
    }
    return p;
  };
  for (const n of projectNumbers) of(n);

  const keys: { project: ProjectInventory; account: string; key: ServiceAccountKey }[] = [];
  const providers: { project: ProjectInventory; provider: WorkloadIdentityPoolProvider }[] = [];
  // Emails by unique id, per project: CAI may name an account by either.
  const emails = new Map<string, string>();
  // An asset of a project in scope that its schema refuses fails the listing (the scope is then
  // read per project, where the same answer is that project's gap): never skipped as if absent.
  const parse = <T>(schema: ZodType<T>, asset: CaiAsset): T => {
    const parsed = schema.safeParse(asset.resource?.data);
    if (!parsed.success)
      throw invalidResponse(
        CAI_CALL,
        `${asset.assetType} ${asset.name}: ${parsed.error.issues[0]?.message ?? 'unreadable'}`,
      );
    return parsed.data;
  };
  for (const asset of resources?.assets ?? []) {
    const project = of(projectNumberOf(asset));
    if (!project) continue;
    switch (asset.assetType) {
      case CAI_TYPES.serviceAccount: {
        const account = parse(ServiceAccount, asset);
        project.accounts.push(account);
        const email = account.email.toLowerCase();
        emails.set(email, email);
        if (account.uniqueId) emails.set(account.uniqueId, email);
        break;
      }
      case CAI_TYPES.key: {
        const key = parse(ServiceAccountKey, asset);
        const account = accountRef(asset.resource?.parent) ?? accountRef(key.name);
        if (!account)
          throw invalidResponse(CAI_CALL, `${asset.assetType} ${asset.name}: names no service account`);
        keys.push({ project, account, key });
        break;
      }
      case CAI_TYPES.apiKey:
        project.apiKeys.push(parse(ApiKey, asset));
        break;
      case CAI_TYPES.pool:
        project.pools.push(parse(WorkloadIdentityPool, asset));
        break;
      case CAI_TYPES.provider:
        providers.push({ project, provider: parse(WorkloadIdentityPoolProvider, asset) });
        break;
      default:
    }
  }
  for (const { project, account, key } of keys) {
    const email = emails.get(account);
    if (email) (project.keys[email] ??= []).push(key);
  }
  for (const { project, provider } of providers) {
    const pool = provider.name.replace(/\/providers\/[^/]+$/, '');
    (project.providers[pool] ??= []).push(provider);
  }

  const containers = new Map<string, IamPolicy>();
  for (const asset of policies?.assets ?? []) {
    const policy = asset.iamPolicy ?? EMPTY;
    switch (asset.assetType) {
      case CAI_TYPES.organization:
      case CAI_TYPES.folder: {
        const name = /\/\/cloudresourcemanager\.googleapis\.com\/((?:organizations|folders)\/\d+)$/.exec(
          asset.name,
        )?.[1];
        if (name) containers.set(name, policy);
        break;
      }
      case CAI_TYPES.project: {
        const number = /\/projects\/(\d+)$/.exec(asset.name)?.[1];
        const project = number !== undefined && projectNumbers.has(number) ? projects.get(number) : undefined;
        if (project) project.policy = policy;
        break;
      }
      case CAI_TYPES.serviceAccount: {
        const project = of(projectNumberOf(asset));
        const email = emails.get(accountRef(asset.name) ?? '');
        if (project && email) project.accountPolicies[email] = policy;
        break;
      }
      default:
    }
  }
  return { readTime, projects, containers };
};
