// API Keys and Policy Analyzer are called through googleapis-common's request builder (no slim
// generated client exists): the same paths, query, auth header and error type as a generated one.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClients } from '../../../connectors/gcp/clients.js';
import { GcpConfig } from '../../../connectors/gcp/config.js';
import { gcpGap } from '../../../connectors/gcp/errors.js';
import { fakeAuth, TOKEN } from './harness.js';

const config = (endpoints: Record<string, string> = {}) =>
  GcpConfig.parse({ projects: ['acme-prod'], endpoints });

describe('API Keys and Policy Analyzer clients', () => {
  beforeEach(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('lists API keys page by page on the discovery path, authenticated, with the API client header', async () => {
    const clients = createClients(config(), fakeAuth(), new AbortController().signal);
    const scope = nock('https://apikeys.googleapis.com', {
      reqheaders: {
        authorization: `Bearer ${TOKEN}`,
        'x-goog-api-client': (v) => /gdcl\//.test(v),
      },
    })
      .get('/v2/projects/acme-prod/locations/global/keys')
      .query({ pageSize: '300' })
      .reply(200, { keys: [], nextPageToken: 'p2' })
      .get('/v2/projects/acme-prod/locations/global/keys')
      .query({ pageSize: '300', pageToken: 'p2' })
      .reply(200, { keys: [] });
    const list = clients.apikeys.projects.locations.keys.list;
    const parent = 'projects/acme-prod/locations/global';
    const first = await list({ parent, pageSize: 300 }, clients.opts.apikeys);
    expect(first.data).toEqual({ keys: [], nextPageToken: 'p2' });
    await list({ parent, pageSize: 300, pageToken: 'p2' }, clients.opts.apikeys);
    expect(scope.isDone()).toBe(true);
  });

  it('queries activities under an overridden root URL that has a path, and fails with an error read as a gap', async () => {
    const clients = createClients(
      config({ policyanalyzer: 'http://127.0.0.1:9/gcp/pa' }),
      fakeAuth(),
      new AbortController().signal,
    );
    const parent = 'projects/acme-prod/locations/global/activityTypes/serviceAccountLastAuthentication';
    nock('http://127.0.0.1:9')
      .get(`/gcp/pa/v1/${parent}/activities:query`)
      .query({ pageSize: '1000' })
      .reply(403, { error: { code: 403, message: 'denied', status: 'PERMISSION_DENIED' } });
    const query = clients.policyanalyzer.projects.locations.activityTypes.activities.query;
    const err = await query({ parent, pageSize: 1000 }, clients.opts.policyanalyzer).catch((e: unknown) => e);
    // A GaxiosError, so errors.ts reads Google's status and message out of it as for any call.
    expect((err as Error).constructor.name).toBe('GaxiosError');
    expect(gcpGap('policyanalyzer.projects.locations.activityTypes.activities.query', err)).toMatchObject({
      code: 'access_denied',
      message: '403 PERMISSION_DENIED: denied',
    });
  });
});
