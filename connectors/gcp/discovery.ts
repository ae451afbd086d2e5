// API Keys v2 and Policy Analyzer v1 have no slim generated client (`@googleapis/apikeys` and
// `@googleapis/policyanalyzer` are not published; the `googleapis` package that holds them is
// ~200 MB for ~335 APIs). Each method here is what the generated client's method is: its
// discovery document's path template, verb and parameters handed to googleapis-common's
// `createAPIRequest` — the same request builder, auth, user agent, retries and GaxiosError
// as @googleapis/iam and @googleapis/cloudresourcemanager use. Responses are parsed by the
// connector's zod schemas (schema.ts), as every other call's are.
import { createAPIRequest, type GlobalOptions, type MethodOptions } from 'googleapis-common';

/** A discovery method: `flatPath`-free path template with `{+param}` placeholders. */
interface DiscoveryMethod {
  rootUrl: string;
  path: string;
  httpMethod: 'GET';
  pathParams: string[];
}

const request = (
  m: DiscoveryMethod,
  auth: GlobalOptions['auth'] | undefined,
  params: Record<string, unknown>,
  options: MethodOptions,
): Promise<{ data: unknown }> => {
  const rootUrl = options.rootUrl || m.rootUrl;
  return createAPIRequest<unknown>({
    options: {
      // As generated: the root URL and the path joined, doubled slashes (not the scheme's) removed.
      url: (rootUrl + m.path).replace(/([^:]\/)\/+/g, '$1'),
      method: m.httpMethod,
      apiVersion: '',
      ...options,
    },
    params,
    requiredParams: m.pathParams,
    pathParams: m.pathParams,
    context: { _options: auth ? { auth } : {} },
  });
};

export interface ApiKeysListParams extends Record<string, unknown> {
  /** `projects/{project}/locations/global`. */
  parent: string;
  pageSize?: number;
  pageToken?: string;
  showDeleted?: boolean;
}

export interface ActivitiesQueryParams extends Record<string, unknown> {
  /** `projects/{project}/locations/{location}/activityTypes/{activityType}`. */
  parent: string;
  pageSize?: number;
  pageToken?: string;
  filter?: string;
}

const KEYS_LIST: DiscoveryMethod = {
  rootUrl: 'https://apikeys.googleapis.com/',
  path: '/v2/{+parent}/keys',
  httpMethod: 'GET',
  pathParams: ['parent'],
};

const ACTIVITIES_QUERY: DiscoveryMethod = {
  rootUrl: 'https://policyanalyzer.googleapis.com/',
  path: '/v1/{+parent}/activities:query',
  httpMethod: 'GET',
  pathParams: ['parent'],
};

/** apikeys v2 (discovery: apikeys.projects.locations.keys.list). */
export const apiKeysClient = (auth: GlobalOptions['auth'] | undefined) => ({
  projects: {
    locations: {
      keys: {
        list: (params: ApiKeysListParams, options: MethodOptions) =>
          request(KEYS_LIST, auth, params, options),
      },
    },
  },
});

/** policyanalyzer v1 (discovery: policyanalyzer.projects.locations.activityTypes.activities.query). */
export const policyAnalyzerClient = (auth: GlobalOptions['auth'] | undefined) => ({
  projects: {
    locations: {
      activityTypes: {
        activities: {
          query: (params: ActivitiesQueryParams, options: MethodOptions) =>
            request(ACTIVITIES_QUERY, auth, params, options),
        },
      },
    },
  },
});

export type ApiKeysClient = ReturnType<typeof apiKeysClient>;
export type PolicyAnalyzerClient = ReturnType<typeof policyAnalyzerClient>;
