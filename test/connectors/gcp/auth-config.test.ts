// Authentication and configuration of the Google Cloud connector: Application Default
// Credentials from a service-account key file (the real JWT exchange, answered by nock), an
// access token from the environment, and the strict config block.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExternalAccountClient, Impersonated, OAuth2Client, UserRefreshClient } from 'google-auth-library';
import { principalOf } from '../../../connectors/gcp/clients.js';
import { GcpConfig } from '../../../connectors/gcp/config.js';
import { ScanError } from '../../../src/errors.js';
import * as estate from '../../../fixtures/gcp/estate.js';
import { callerDenied, iamPermissionDenied, unauthenticated } from '../../../fixtures/gcp/errors.js';
import { TOKEN, api, byUid, collect, mockDataDenied, mockOrg, mockProd } from './harness.js';

const { PROD } = estate;
const SCANNER = 'nhiscan@acme-security.iam.gserviceaccount.com';

// A throwaway key pair: the JWT the client signs with it is only ever seen by nock.
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/** A service-account key file as ADC reads it (GOOGLE_APPLICATION_CREDENTIALS), with the throwaway key. */
const useKeyFile = (dir: string, fields: { project_id: string; client_email: string }): void => {
  const keyFile = join(dir, 'scanner.json');
  writeFileSync(
    keyFile,
    JSON.stringify({
      type: 'service_account',
      private_key: privateKey,
      token_uri: 'https://oauth2.googleapis.com/token',
      ...fields,
    }),
  );
  process.env.GOOGLE_APPLICATION_CREDENTIALS = keyFile;
};

describe('gcp connector: credentials', () => {
  const saved = { ...process.env };
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nhiscan-gcp-'));
  });
  afterEach(() => {
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses Application Default Credentials: a key file, exchanged for a token', async () => {
    const keyFile = join(dir, 'scanner.json');
    writeFileSync(
      keyFile,
      JSON.stringify({
        type: 'service_account',
        project_id: 'acme-security',
        private_key_id: 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed',
        private_key: privateKey,
        client_email: SCANNER,
        client_id: '100000000000000000009',
        token_uri: 'https://oauth2.googleapis.com/token',
      }),
    );
    process.env.GOOGLE_APPLICATION_CREDENTIALS = keyFile;
    nock('https://oauth2.googleapis.com')
      .post(
        '/token',
        (body: Record<string, string>) =>
          body.grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer' &&
          typeof body.assertion === 'string',
      )
      .reply(200, { access_token: TOKEN, expires_in: 3599, token_type: 'Bearer' });
    mockProd({ projectGet: true });
    const [run] = await collect({ projects: [PROD.id] }, {});
    expect(run!.error).toBeUndefined();
    expect(run!.principal).toBe(SCANNER);
    expect(run!.identities).toHaveLength(8);
  });

  it("marks the service account the scan runs as (the key file's client_email) scanner: true, judged like any other", async () => {
    // Upper case: Google compares service account emails case-insensitively.
    useKeyFile(dir, { project_id: PROD.id, client_email: estate.REPORTING.toUpperCase() });
    nock('https://oauth2.googleapis.com')
      .post('/token')
      .reply(200, { access_token: TOKEN, expires_in: 3599, token_type: 'Bearer' });
    mockProd({ projectGet: true });
    const [run] = await collect({ projects: [PROD.id] }, {});
    expect(run!.principal).toBe(estate.REPORTING.toUpperCase());
    const scanners = run!.identities.filter((i) => i.attributes['scanner'] === true);
    expect(scanners.map((i) => [i.uid, i.attributes['scannerPrincipal']])).toEqual([
      [estate.REPORTING, estate.REPORTING.toUpperCase()],
    ]);
  });

  it('names the impersonated or federated service account as the principal; a user credential names none', () => {
    const target = estate.DEPLOYER;
    expect(principalOf(new Impersonated({ targetPrincipal: target, sourceClient: new OAuth2Client() }))).toBe(
      target,
    );
    const federated = ExternalAccountClient.fromJSON({
      type: 'external_account',
      audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/gh',
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: 'https://sts.googleapis.com/v1/token',
      credential_source: { file: '/dev/null' },
      service_account_impersonation_url: `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${target}:generateAccessToken`,
    });
    expect(federated && principalOf(federated)).toBe(target);
    expect(principalOf(new UserRefreshClient({ clientId: 'x', clientSecret: 'y', refreshToken: 'z' }))).toBe(
      undefined,
    );
  });

  it('proves the credentials once for an organization and every project it lists', async () => {
    useKeyFile(dir, { project_id: 'acme-security', client_email: SCANNER });
    // One exchange answered: a second one would find no interceptor and fail its target.
    nock('https://oauth2.googleapis.com')
      .post('/token')
      .once()
      .reply(200, { access_token: TOKEN, expires_in: 3599, token_type: 'Bearer' });
    mockOrg();
    mockProd();
    mockDataDenied({ crm: callerDenied(), iam: iamPermissionDenied('iam.serviceAccounts.list') });
    const runs = await collect({ organizations: [estate.ORG_ID] }, {});
    expect(runs.map((r) => [r.targetId, r.principal, r.error])).toEqual([
      [`gcp:organization/${estate.ORG_ID}`, SCANNER, undefined],
      [`gcp:project/${estate.DATA.id}`, SCANNER, undefined],
      [`gcp:project/${PROD.id}`, SCANNER, undefined],
    ]);
  });

  it('fails the provider when the key file is refused', async () => {
    const keyFile = join(dir, 'revoked.json');
    writeFileSync(
      keyFile,
      JSON.stringify({
        type: 'service_account',
        project_id: 'acme-security',
        private_key: privateKey,
        client_email: SCANNER,
        token_uri: 'https://oauth2.googleapis.com/token',
      }),
    );
    process.env.GOOGLE_APPLICATION_CREDENTIALS = keyFile;
    nock('https://oauth2.googleapis.com')
      .post('/token')
      .reply(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    const [run] = await collect({ projects: [PROD.id] }, {});
    expect(run!.error).toBeInstanceOf(ScanError);
    expect((run!.error as ScanError).reach).toBe('provider');
    expect((run!.error as ScanError).gap).toMatchObject({ code: 'auth_failed', call: 'gcp:authenticate' });
  });

  it('reads an access token from the environment variable the config names', async () => {
    process.env.NHISCAN_TEST_GCP_TOKEN = TOKEN;
    mockProd({ projectGet: true });
    const [run] = await collect(
      { projects: [PROD.id], auth: { type: 'access-token-env', env: 'NHISCAN_TEST_GCP_TOKEN' } },
      {},
    );
    expect(run!.error).toBeUndefined();
    expect(byUid(run!.identities, estate.DEPLOYER).kind).toBe('gcp.service_account');
  });

  it('fails the provider when that variable is unset', async () => {
    delete process.env.NHISCAN_TEST_GCP_TOKEN;
    const [run] = await collect(
      { projects: [PROD.id], auth: { type: 'access-token-env', env: 'NHISCAN_TEST_GCP_TOKEN' } },
      {},
    );
    expect((run!.error as ScanError).reach).toBe('provider');
    expect((run!.error as ScanError).gap.code).toBe('auth_failed');
  });

  it('refuses auth none unless every endpoint is loopback, before any request', async () => {
    const [run] = await collect(
      { projects: [PROD.id], auth: { type: 'none' }, endpoints: { iam: 'http://127.0.0.1:9/gcp/iam' } },
      {},
    );
    expect((run!.error as ScanError).reach).toBe('provider');
    expect((run!.error as ScanError).gap).toMatchObject({ code: 'auth_failed', call: 'gcp:authenticate' });
    expect((run!.error as ScanError).gap.message).toContain('cloudresourcemanager, apikeys, policyanalyzer');
  });

  it('treats a 401 from the API as the end of the provider', async () => {
    api('cloudresourcemanager').get(`/v3/projects/${PROD.id}`).reply(401, unauthenticated());
    const [run] = await collect({ projects: [PROD.id] });
    expect((run!.error as ScanError).reach).toBe('provider');
    expect((run!.error as ScanError).gap).toMatchObject({
      code: 'auth_failed',
      call: 'cloudresourcemanager.projects.get',
    });
  });
});

describe('gcp connector: config', () => {
  const issues = (raw: unknown): string[] => {
    const r = GcpConfig.safeParse(raw);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`);
  };

  it.each([
    ['a project', { projects: ['acme-prod'] }],
    ['an organization id', { organizations: ['123456789012'] }],
    ['a folder resource name', { folders: ['folders/42'] }],
    ['a domain-scoped project', { projects: ['example.com:legacy-app'] }],
    [
      'auth none with loopback endpoints',
      {
        projects: ['acme-prod'],
        auth: { type: 'none' },
        endpoints: {
          iam: 'http://127.0.0.1:4000/gcp/iam',
          cloudresourcemanager: 'http://127.0.0.1:4000/gcp/cloudresourcemanager',
          apikeys: 'http://127.0.0.1:4000/gcp/apikeys',
          policyanalyzer: 'http://localhost:4000/gcp/policyanalyzer',
        },
      },
    ],
    [
      'every owner source',
      {
        projects: ['acme-prod'],
        ownerSources: [
          { type: 'description' },
          { type: 'project-label', key: 'team' },
          { type: 'mapping', path: 'owners.yaml' },
        ],
      },
    ],
  ])('accepts %s', (_name, raw) => {
    expect(issues(raw)).toEqual([]);
  });

  it.each([
    ['nothing to scan', {}, ['projects: custom']],
    ['an unknown key', { projects: ['acme-prod'], project: 'x' }, [': unrecognized_keys']],
    ['a project number for a project id', { projects: ['123456'] }, ['projects.0: invalid_format']],
    [
      'auth none with a remote endpoint',
      { projects: ['acme-prod'], auth: { type: 'none' }, endpoints: { iam: 'https://iam.googleapis.com/' } },
      ['endpoints.iam: custom'],
    ],
    [
      'a credential in the file',
      { projects: ['acme-prod'], auth: { type: 'adc', keyFile: '/tmp/key.json' } },
      ['auth: unrecognized_keys'],
    ],
  ])('rejects %s', (_name, raw, expected) => {
    expect(issues(raw)).toEqual(expected);
  });
});
