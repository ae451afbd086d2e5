// `--verbose` counts the retries the SDK really made: a call answered 503 and then 200 logs
// `retries=1`, through the real clients (gaxios under the Google Cloud client, the Graph client's
// RetryHandler for Entra), with nock in place of Google and Microsoft.
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { createClients } from '../../connectors/gcp/clients.js';
import { GcpConfig } from '../../connectors/gcp/config.js';
import { createGraphClient, graphCallName } from '../../connectors/entra/graph.js';
import { createLogger } from '../../src/log.js';
import { fakeAuth } from './gcp/harness.js';

const capture = (): { lines: string[]; log: ReturnType<typeof createLogger> } => {
  const lines: string[] = [];
  return { lines, log: createLogger('debug', (l) => lines.push(l)) };
};

afterEach(() => {
  nock.cleanAll();
});

describe('--verbose retries, as the SDK made them', () => {
  it('Google Cloud: a 503 then a 200 is one call with retries=1', async () => {
    const { lines, log } = capture();
    const clients = createClients(
      GcpConfig.parse({ projects: ['acme-prod'] }),
      fakeAuth(),
      new AbortController().signal,
      5_000,
      log,
    );
    nock('https://iam.googleapis.com')
      .get('/v1/projects/acme-prod/serviceAccounts')
      .query(true)
      .reply(503, { error: { code: 503, message: 'try again', status: 'UNAVAILABLE' } })
      .get('/v1/projects/acme-prod/serviceAccounts')
      .query(true)
      .reply(200, { accounts: [] });
    const res = await clients.iam.projects.serviceAccounts.list(
      { name: 'projects/acme-prod' },
      clients.opts.iam,
    );
    expect(res.status).toBe(200);
    const api = lines.filter((l) => l.startsWith('debug: api '));
    expect(api).toHaveLength(1);
    expect(api[0]).toMatch(/^debug: api gcp iam\.projects\.serviceAccounts\.list -> 200 \d+ms retries=1$/);
  });

  it('Entra: a 503 then a 200 is one call with retries=1; refused, its status', async () => {
    const { lines, log } = capture();
    const client = createGraphClient({
      credential: {
        getToken: () => Promise.resolve({ token: 'test-only', expiresOnTimestamp: 4102444800000 }),
      },
      graphBaseUrl: 'https://graph.microsoft.com',
      signal: new AbortController().signal,
      requestTimeoutMs: 5_000,
      maxRetries: 3,
      maxRetryAfterSeconds: 60,
      log,
    });
    nock('https://graph.microsoft.com')
      .get('/v1.0/servicePrincipals')
      .query(true)
      .reply(503, { error: { code: 'serviceNotAvailable', message: 'try again' } }, { 'retry-after': '0' })
      .get('/v1.0/servicePrincipals')
      .query(true)
      .reply(200, { value: [] })
      .get('/v1.0/oauth2PermissionGrants')
      .reply(403, { error: { code: 'Authorization_RequestDenied', message: 'no' } });
    await client.api('/servicePrincipals?$select=id').get();
    await expect(client.api('/oauth2PermissionGrants').get()).rejects.toThrow();
    expect(lines.filter((l) => l.startsWith('debug: api '))).toEqual([
      expect.stringMatching(/^debug: api entra GET \/servicePrincipals -> 200 \d+ms retries=1$/),
      expect.stringMatching(/^debug: api entra GET \/oauth2PermissionGrants -> 403 \d+ms retries=0$/),
    ]);
    // The call trace names them as the permission manifest does.
    expect(lines.filter((l) => l.startsWith('debug: call '))).toEqual([
      'debug: call entra GET /servicePrincipals',
      'debug: call entra GET /oauth2PermissionGrants',
    ]);
  });
});

describe('graphCallName', () => {
  it('names a request by its manifest template: version and base path dropped, /beta kept, no query', () => {
    const id = '8f1c2d3e-0000-4000-8000-000000000001';
    expect(
      graphCallName('get', `https://graph.microsoft.com/v1.0/applications/${id}/owners?$select=id`),
    ).toBe('GET /applications/{id}/owners');
    expect(
      graphCallName('GET', `http://127.0.0.1:9/entra/beta/applications/${id}/federatedIdentityCredentials`),
    ).toBe('GET /beta/applications/{id}/federatedIdentityCredentials');
    expect(graphCallName('POST', 'https://graph.microsoft.com/v1.0/$batch')).toBe('POST /$batch');
  });
});
