// Unknown is not absent: when GetAccountAuthorizationDetails fails, or answers with nothing a
// parser can read, users the credential report names are inventoried with their tags and policies
// unknown, the gap names them, and ownership / excess-privilege report `unknown`, not findings or passes.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsConnector } from '../../../connectors/aws/index.js';
import { systemClock } from '../../../src/clock.js';
import { buildConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/log.js';
import { runScan } from '../../../src/scan.js';
import { excessPrivilege } from '../../../policies/excess-privilege.js';
import { ownership } from '../../../policies/ownership.js';
import { GAAD_PARAMS, IAM, STS, arn, fixture, reply, useTestEnvironment } from './harness.js';

const connector = createAwsConnector({ clientSettings: { maxAttempts: 1 }, sleep: () => Promise.resolve() });

beforeEach(() => {
  useTestEnvironment();
});
afterEach(() => {
  vi.unstubAllEnvs();
  nock.cleanAll();
});

const REPORT_USERS = ['service/deploy-bot', 'legacy-ci', 'jane', 'ops-console', 'report-bot'].map((u) =>
  arn('user', u),
);

/** Every per-user call a report-only user may need, answered with "nothing there" or its fixture. */
const replyUserCalls = (): void => {
  nock(IAM)
    .post('/', (body: Record<string, string>) => body.Action === 'ListAccessKeys')
    .times(20)
    .reply(200, fixture('list-access-keys-empty.xml'), { 'content-type': 'text/xml' });
  nock(IAM)
    .post('/', (body: Record<string, string>) => body.Action === 'ListSigningCertificates')
    .times(20)
    .reply(200, fixture('list-signing-certificates-empty.xml'), { 'content-type': 'text/xml' });
  nock(IAM)
    .post('/', (body: Record<string, string>) => body.Action === 'GetLoginProfile')
    .times(20)
    .reply(404, fixture('error-no-such-entity-login-profile.xml'), { 'content-type': 'text/xml' });
};

const scan = async () => {
  reply({ action: 'GenerateCredentialReport', fixture: 'generate-credential-report-complete.xml' });
  reply({ action: 'GetCredentialReport', fixture: 'get-credential-report.xml' });
  replyUserCalls();
  const config = buildConfig(
    {
      providers: {
        aws: {
          targets: [{ type: 'default' }],
          organizationPolicies: false,
          sshPublicKeys: false,
          serviceLastAccessed: { enabled: false },
        },
      },
    },
    { connectors: { aws: connector }, policies: { ownership, 'excess-privilege': excessPrivilege } },
    'test',
    '/tmp',
  );
  return runScan({ config, clock: systemClock(new Date('2025-07-01T12:00:00Z')), log: silentLogger });
};

const reportUsersOf = (result: Awaited<ReturnType<typeof scan>>) =>
  result.identities.filter((i) => REPORT_USERS.includes(i.uid));

describe('AWS: unknown is not absent', () => {
  it('reports ownership unknown, not "No owner", when GetAccountAuthorizationDetails is denied', async () => {
    reply({ host: STS, action: 'GetCallerIdentity', fixture: 'sts-get-caller-identity.xml' });
    reply({
      action: 'GetAccountAuthorizationDetails',
      fixture: 'error-access-denied-get-account-authorization-details.xml',
      status: 403,
      params: GAAD_PARAMS,
    });
    const result = await scan();
    const users = reportUsersOf(result);
    // jane has a console password and no keys: a person, skipped.
    expect(users.length).toBeGreaterThanOrEqual(3);
    for (const u of users) expect(u.unknownFacts).toEqual(['tags', 'privilege']);
    expect(result.findings.filter((f) => f.policyId === 'ownership')).toEqual([]);
    const statuses = (policyId: string) =>
      new Set(
        result.evaluations
          .filter((e) => e.policyId === policyId && REPORT_USERS.includes(e.identityUid))
          .map((e) => e.status),
      );
    expect(statuses('ownership')).toEqual(new Set(['unknown']));
    expect(statuses('excess-privilege')).toEqual(new Set(['unknown']));
    expect(result.coverage[0]?.gaps.map((g) => [g.code, g.call])).toContainEqual([
      'access_denied',
      'iam:GetAccountAuthorizationDetails',
    ]);
  });

  it('records a gap naming the users when a "complete" answer parses into nothing', async () => {
    reply({ host: STS, action: 'GetCallerIdentity', fixture: 'sts-get-caller-identity.xml' });
    // A proxy that rewrote element names: valid XML, HTTP 200, and the SDK finds no result in it.
    const reshaped = fixture('gaad-single-user.xml')
      .replaceAll('GetAccountAuthorizationDetailsResult>', 'getAccountAuthorizationDetailsResult>')
      .replaceAll('UserDetailList>', 'userDetailList>');
    nock(IAM)
      .post('/', (body: Record<string, string>) => body.Action === 'GetAccountAuthorizationDetails')
      .reply(200, reshaped, { 'content-type': 'text/xml' });
    // Each user the report names still exists.
    reply({ action: 'GetUser', fixture: 'get-user.xml', times: 5 });
    const result = await scan();

    const gap = result.coverage[0]?.gaps.find(
      (g) => g.call === 'iam:GetAccountAuthorizationDetails' && g.code === 'invalid_response',
    );
    expect(gap?.message).toMatch(
      /credential report lists 5 users that GetAccountAuthorizationDetails did not return/,
    );
    for (const u of REPORT_USERS) expect(gap?.message).toContain(u);
    expect(result.coverage[0]?.status).toBe('partial');
    expect(result.run.complete).toBe(false);
    expect(reportUsersOf(result).length).toBeGreaterThanOrEqual(3);
    expect(result.findings.filter((f) => f.policyId === 'ownership')).toEqual([]);
  });
});

describe('AWS: per-user gaps fold into one line per call', () => {
  it('records one ListAccessKeys gap naming every user it failed for', async () => {
    reply({ host: STS, action: 'GetCallerIdentity', fixture: 'sts-get-caller-identity.xml' });
    reply({
      action: 'GetAccountAuthorizationDetails',
      fixture: 'gaad-page-1.xml',
      params: GAAD_PARAMS,
      absent: ['Marker'],
    });
    reply({
      action: 'GetAccountAuthorizationDetails',
      fixture: 'gaad-page-2.xml',
      params: { ...GAAD_PARAMS, Marker: 'AAEAAXJlc291cmNlLWFyblRva2VuMQ==' },
    });
    reply({ action: 'GenerateCredentialReport', fixture: 'generate-credential-report-complete.xml' });
    reply({ action: 'GetCredentialReport', fixture: 'get-credential-report.xml' });
    reply({
      action: 'ListAccessKeys',
      fixture: 'error-access-denied-list-access-keys.xml',
      status: 403,
      times: 10,
    });
    replyUserCalls();
    const config = buildConfig(
      {
        providers: {
          aws: {
            targets: [{ type: 'default' }],
            organizationPolicies: false,
            sshPublicKeys: false,
            serviceLastAccessed: { enabled: false },
          },
        },
      },
      { connectors: { aws: connector }, policies: {} },
      'test',
      '/tmp',
    );
    const result = await runScan({
      config,
      clock: systemClock(new Date('2025-07-01T12:00:00Z')),
      log: silentLogger,
    });
    const gaps = result.coverage[0]!.gaps.filter((g) => g.call === 'iam:ListAccessKeys');
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ code: 'access_denied', permission: 'iam:ListAccessKeys' });
    expect(gaps[0]!.resource).toBeUndefined();
    expect(gaps[0]!.message).toMatch(/^\d+ users: arn:aws:iam::123456789012:user\//);
    for (const u of ['service/deploy-bot', 'legacy-ci']) expect(gaps[0]!.message).toContain(arn('user', u));
  });
});
