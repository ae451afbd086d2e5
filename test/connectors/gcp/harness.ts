// Test harness for the Google Cloud connector: a real OAuth2Client holding a fake access token
// (no token exchange, no network to Google), a collect context that records what the connector
// reports, and nock interceptors that answer the default API endpoints from the typed fixtures.
import { OAuth2Client } from 'google-auth-library';
import nock from 'nock';
import { resolve } from 'node:path';
import { createCollectContext } from '../../../src/collect-context.js';
import type { Target } from '../../../src/connector.js';
import { silentLogger } from '../../../src/log.js';
import { Identity, type Gap } from '../../../src/model.js';
import {
  GcpConfig,
  createGcpConnector,
  type GcpConnectorOptions,
  type GcpTargetData,
} from '../../../connectors/gcp/index.js';
import * as estate from '../../../fixtures/gcp/estate.js';
import type { GoogleErrorBody } from '../../../fixtures/gcp/errors.js';

export const TOKEN = 'ya29.a0-test-only-token';

/** A real google-auth-library client with a token that never needs refreshing. */
export const fakeAuth = (): OAuth2Client => {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: TOKEN, expiry_date: Date.parse('2100-01-01T00:00:00Z') });
  return client;
};

export interface TargetRun {
  targetId: string;
  /** `discovery`: an organization / folder listing its projects (`expand`); `collect`: a scanned target. */
  phase: 'discovery' | 'collect';
  /** The targets a discovery listed. */
  children?: string[];
  identities: Identity[];
  gaps: Gap[];
  notes: string[];
  scope?: string;
  principal?: string;
  error?: unknown;
}

/**
 * Runs every target of a `providers.gcp` block through the connector as the scan does: each
 * target is offered to `expand` first; what it lists is collected target by target. Returns the
 * discoveries, then the collected targets, as the scan orders coverage.
 */
export const collect = async (
  raw: unknown,
  options: GcpConnectorOptions = { authClient: fakeAuth() },
  asOf = new Date(estate.AS_OF),
): Promise<TargetRun[]> => {
  const connector = createGcpConnector(options);
  // Suites written before role permissions were read judge roles by name unless they ask
  // (effective-privilege.test.ts does), and read no group members unless they ask (groups.test.ts):
  // their mocks answer only the calls those suites make.
  const config = GcpConfig.parse({ rolePermissions: false, expandGroups: false, ...(raw as object) });
  // One signal and one session for the whole run, as the scan hands every target the same ones.
  const signal = new AbortController().signal;
  const session = await connector.session!(config, {
    clock: { asOf, now: () => new Date() },
    log: silentLogger,
    signal,
    resolvePath: (p) => resolve(process.cwd(), p),
  });
  const open = (target: Target, phase: TargetRun['phase']) => {
    const { ctx, record } = createCollectContext({
      session,
      clock: { asOf, now: () => new Date() },
      concurrency: 4,
      log: silentLogger,
      signal,
      baseDir: process.cwd(),
    });
    // The record's lists are the run's; scope and principal are read once the target is done.
    const run: TargetRun = {
      targetId: target.id,
      phase,
      identities: [],
      gaps: record.gaps,
      notes: record.notes,
    };
    const done = (): void => {
      if (record.scope !== undefined) run.scope = record.scope;
      if (record.principal !== undefined) run.principal = record.principal;
    };
    return { run, ctx, done };
  };
  const discoveries: TargetRun[] = [];
  const jobs: Target<GcpTargetData>[] = [];
  for (const target of connector.targets(config)) {
    const { run, ctx, done } = open(target, 'discovery');
    try {
      const children = await connector.expand!(target, config, ctx);
      if (children === undefined) {
        jobs.push(target);
        continue;
      }
      run.children = children.map((c) => c.id);
      jobs.push(...children);
    } catch (err) {
      run.error = err;
    }
    done();
    discoveries.push(run);
  }
  const runs: TargetRun[] = [];
  for (const target of jobs) {
    const { run, ctx, done } = open(target, 'collect');
    try {
      for await (const identity of connector.collect(target, config, ctx))
        run.identities.push(Identity.parse(identity));
    } catch (err) {
      run.error = err;
    }
    done();
    runs.push(run);
  }
  await session.close();
  return [...discoveries, ...runs];
};

/** The run of one target, by id. */
export const runOf = (runs: readonly TargetRun[], targetId: string): TargetRun => {
  const found = runs.find((r) => r.targetId === targetId);
  if (!found) throw new Error(`no run of ${targetId} among ${runs.map((r) => r.targetId).join(', ')}`);
  return found;
};

export const api = (host: string): nock.Scope =>
  nock(`https://${host}.googleapis.com`).matchHeader('authorization', `Bearer ${TOKEN}`);

const V3 = { options: { requestedPolicyVersion: 3 } };
const { PROD, DATA } = estate;

export interface ProdMocks {
  /** Answer Policy Analyzer with this error instead of the activities. */
  policyAnalyzerError?: GoogleErrorBody;
  apiKeysError?: GoogleErrorBody;
  /** Mock projects.get (project targets); organization targets learn the project from projects.list. */
  projectGet?: boolean;
  /** Mock the organization's policy (inherited grants). */
  orgPolicy?: boolean;
  /** Answer acme-prod's getIamPolicy with this policy instead of estate.prodPolicy. */
  prodPolicy?: object;
}

/** acme-prod, answered in full from the fixtures. */
export const mockProd = (m: ProdMocks = {}): void => {
  const crm = api('cloudresourcemanager');
  if (m.projectGet) crm.get(`/v3/projects/${PROD.id}`).reply(200, estate.prodProject);
  crm.post(`/v3/projects/${PROD.id}:getIamPolicy`, V3).reply(200, m.prodPolicy ?? estate.prodPolicy);
  if (m.orgPolicy !== false)
    crm.post(`/v3/organizations/${estate.ORG_ID}:getIamPolicy`, V3).reply(200, estate.orgPolicy);

  const iam = api('iam');
  iam
    .get(`/v1/projects/${PROD.id}/serviceAccounts`)
    .query({ pageSize: '100' })
    .reply(200, estate.accountsPage1);
  iam
    .get(`/v1/projects/${PROD.id}/serviceAccounts`)
    .query({ pageSize: '100', pageToken: estate.accountsPage1.nextPageToken })
    .reply(200, estate.accountsPage2);
  const keys: Record<string, unknown> = {
    [estate.DEPLOYER]: estate.deployerKeys,
    [estate.REPORTING]: estate.noKeys,
    [estate.COMPUTE_DEFAULT]: estate.noKeys,
    [estate.LEGACY]: estate.legacyKeys,
  };
  for (const [email, body] of Object.entries(keys)) {
    iam.get(`/v1/projects/${PROD.id}/serviceAccounts/${email}/keys`).reply(200, body as object);
    iam
      .post(`/v1/projects/${PROD.id}/serviceAccounts/${email}:getIamPolicy`)
      .query({ 'options.requestedPolicyVersion': '3' })
      .reply(200, email === estate.DEPLOYER ? estate.deployerAccountPolicy : estate.emptyAccountPolicy);
  }
  iam
    .get(`/v1/projects/${PROD.id}/locations/global/workloadIdentityPools`)
    .query({ pageSize: '100' })
    .reply(200, estate.pools);
  iam.get(`/v1/${estate.POOL}/providers`).query({ pageSize: '100' }).reply(200, estate.providers);

  const keysApi = api('apikeys')
    .get(`/v2/projects/${PROD.id}/locations/global/keys`)
    .query({ pageSize: '300' });
  if (m.apiKeysError) keysApi.reply(403, m.apiKeysError);
  else keysApi.reply(200, estate.apiKeys);

  const pa = api('policyanalyzer');
  for (const [type, body] of [
    ['serviceAccountLastAuthentication', estate.accountActivities],
    ['serviceAccountKeyLastAuthentication', estate.keyActivities],
  ] as const) {
    const i = pa
      .get(`/v1/projects/${PROD.id}/locations/global/activityTypes/${type}/activities:query`)
      .query({ pageSize: '1000' });
    if (m.policyAnalyzerError) i.reply(403, m.policyAnalyzerError);
    else i.reply(200, body);
  }
};

/** The organization: two projects, no folders. */
export const mockOrg = (): void => {
  const crm = api('cloudresourcemanager');
  crm
    .get('/v3/projects')
    .query({ parent: `organizations/${estate.ORG_ID}`, pageSize: '500' })
    .reply(200, estate.orgProjects);
  crm
    .get('/v3/folders')
    .query({ parent: `organizations/${estate.ORG_ID}`, pageSize: '500' })
    .reply(200, estate.orgFolders);
};

/** acme-data refuses the scanner its policy and its service accounts. */
export const mockDataDenied = (denied: { crm: GoogleErrorBody; iam: GoogleErrorBody }): void => {
  api('cloudresourcemanager').post(`/v3/projects/${DATA.id}:getIamPolicy`, V3).reply(403, denied.crm);
  api('iam').get(`/v1/projects/${DATA.id}/serviceAccounts`).query({ pageSize: '100' }).reply(403, denied.iam);
};

export const byUid = (identities: readonly Identity[], uid: string): Identity => {
  const found = identities.find((i) => i.uid === uid);
  if (!found) throw new Error(`no identity ${uid} among ${identities.map((i) => i.uid).join(', ')}`);
  return found;
};
