// The AWS connector through the real IAMClient/STSClient against nock, fed with awsQuery XML
// fixtures shaped as AWS returns them (fixtures/aws/).
import { ListAccessKeysCommand } from '@aws-sdk/client-iam';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsConnector } from '../../../connectors/aws/index.js';
import { systemClock } from '../../../src/clock.js';
import { buildConfig } from '../../../src/config.js';
import { ScanError } from '../../../src/errors.js';
import { createLogger, silentLogger } from '../../../src/log.js';
import type { Identity } from '../../../src/model.js';
import { runScan } from '../../../src/scan.js';
import {
  ACCOUNT,
  GAAD_PARAMS,
  IAM,
  STS,
  arn,
  awsConfig,
  byUid,
  collectAll,
  fixture,
  recordingContext,
  reply,
  replyIdentityAndDetails,
  useTestEnvironment,
} from './harness.js';

const sleeps: number[] = [];
const connector = createAwsConnector({
  clientSettings: { maxAttempts: 1 },
  sleep: (ms) => {
    sleeps.push(ms);
    return Promise.resolve();
  },
});

beforeEach(() => {
  useTestEnvironment();
  sleeps.length = 0;
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const replyReport = (): void => {
  reply({ action: 'GenerateCredentialReport', fixture: 'generate-credential-report-complete.xml' });
  reply({ action: 'GetCredentialReport', fixture: 'get-credential-report.xml' });
};

/**
 * The report fixture was generated six hours before the tests' asOf, so the keys of users it shows
 * without any (jane, report-bot) are listed too: a key created since would be in no row.
 */
const replyKeylessUsersOfStaleReport = (): void => {
  for (const user of ['jane', 'report-bot']) {
    reply({ action: 'ListAccessKeys', fixture: 'list-access-keys-empty.xml', params: { UserName: user } });
  }
};

/** The per-user calls of the estate when the credential report is present. */
const replyUserCallsWithReport = (opts: { ssh: boolean }): void => {
  replyKeylessUsersOfStaleReport();
  reply({
    action: 'ListAccessKeys',
    fixture: 'list-access-keys-deploy-bot.xml',
    params: { UserName: 'deploy-bot' },
  });
  reply({
    action: 'ListAccessKeys',
    fixture: 'list-access-keys-legacy-ci.xml',
    params: { UserName: 'legacy-ci' },
  });
  reply({
    action: 'ListAccessKeys',
    fixture: 'list-access-keys-ops-console.xml',
    params: { UserName: 'ops-console' },
  });
  reply({
    action: 'ListSigningCertificates',
    fixture: 'list-signing-certificates-report-bot.xml',
    params: { UserName: 'report-bot' },
  });
  if (opts.ssh) {
    for (const user of ['deploy-bot', 'legacy-ci', 'ops-console']) {
      reply({
        action: 'ListSSHPublicKeys',
        fixture: 'list-ssh-public-keys-empty.xml',
        params: { UserName: user },
      });
    }
    reply({
      action: 'ListSSHPublicKeys',
      fixture: 'list-ssh-public-keys-report-bot.xml',
      params: { UserName: 'report-bot' },
    });
  }
};

/**
 * The estate attaches SecurityAudit to partner-audit without its document in Policies. A complete
 * GetAccountAuthorizationDetails returns every attached policy's document, so that is a gap.
 */
const SECURITY_AUDIT_MISSING = {
  code: 'partial_data',
  call: 'iam:GetAccountAuthorizationDetails',
  resource: 'arn:aws:iam::aws:policy/SecurityAudit',
  message:
    'managed:arn:aws:iam::aws:policy/SecurityAudit: policy document not returned by GetAccountAuthorizationDetails',
  recovered: false,
};

const get = (ids: Map<string, Identity>, uid: string): Identity => {
  const identity = ids.get(uid);
  if (!identity) throw new Error(`no identity ${uid}; have ${[...ids.keys()].join(', ')}`);
  return identity;
};

describe('AWS connector: a full estate with a credential report', () => {
  it('reads every page, decodes URL-encoded and plain documents, and builds the contract', async () => {
    replyIdentityAndDetails();
    replyReport();
    replyUserCallsWithReport({ ssh: true });
    const ctx = recordingContext();
    const identities = byUid(await collectAll(connector, awsConfig({ sshPublicKeys: true }), ctx));

    expect(ctx.scope).toBe(ACCOUNT);
    expect(ctx.principal).toBe('arn:aws:iam::123456789012:user/nhiscan');
    expect(ctx.gaps).toEqual([SECURITY_AUDIT_MISSING]);
    expect([...identities.keys()].sort()).toEqual(
      [
        arn('role', 'github-deploy'),
        arn('role', 'partner-audit'),
        arn('role', 'open-door'),
        arn('role', 'aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS'),
        arn('role', 'aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_5f3c2a8e41b7d903'),
        arn('role', 'workers/batch-worker'),
        arn('user', 'service/deploy-bot'),
        arn('user', 'legacy-ci'),
        arn('user', 'ops-console'),
        arn('user', 'report-bot'),
      ].sort(),
    );
    // jane has a console password and no access key: a person, not inventoried, but counted.
    expect(identities.has(arn('user', 'jane'))).toBe(false);
    expect(ctx.notes).toContain(
      '1 IAM user with console passwords and no active access keys skipped as people',
    );
    expect(ctx.notes).toContain(
      'IAM credential report generated at 2025-07-01T06:00:00.000Z (GeneratedTime)',
    );
    expect(ctx.notes.some((n) => n.includes('<root_account>'))).toBe(true);
  });

  it('by default lists no SSH public keys for users that cannot use CodeCommit (the minimum calls)', async () => {
    replyIdentityAndDetails();
    replyReport();
    // legacy-ci's "*" includes codecommit:GitPull: only its keys are listed. Any other
    // ListSSHPublicKeys would be an unmatched request, hence a gap.
    replyUserCallsWithReport({ ssh: false });
    reply({
      action: 'ListSSHPublicKeys',
      fixture: 'list-ssh-public-keys-empty.xml',
      params: { UserName: 'legacy-ci' },
    });
    const ctx = recordingContext();
    const identities = byUid(await collectAll(connector, awsConfig(), ctx));
    expect(ctx.gaps).toEqual([SECURITY_AUDIT_MISSING]);
    expect(get(identities, arn('user', 'report-bot')).credentials.some((c) => c.type === 'ssh_key')).toBe(
      false,
    );
  });

  it("resolves ListAccessKeys' middleware chain once per target, not once per user, keeping the call trace", async () => {
    // Issue 14 (CPU per call): the SDK resolves a command's chain on every send; our sender
    // resolves it once per command class and target, with the target's abort signal.
    replyIdentityAndDetails();
    replyReport();
    replyUserCallsWithReport({ ssh: false });
    reply({
      action: 'ListSSHPublicKeys',
      fixture: 'list-ssh-public-keys-empty.xml',
      params: { UserName: 'legacy-ci' },
    });
    const resolved = vi.spyOn(ListAccessKeysCommand.prototype, 'resolveMiddleware');
    const ctx = recordingContext();
    const lines: string[] = [];
    ctx.log = createLogger('debug', (l) => lines.push(l));
    try {
      await collectAll(connector, awsConfig(), ctx);
      // Five users' keys listed (three with keys, two the stale report shows without), each traced.
      expect(lines.filter((l) => l === 'debug: call aws iam:ListAccessKeys')).toHaveLength(5);
      expect(lines.filter((l) => l.startsWith('debug: api aws iam:ListAccessKeys -> 200 '))).toHaveLength(5);
      expect(resolved).toHaveBeenCalledTimes(1);
      // With the target's signal (its own, following ctx.signal), as each send passed it before.
      expect(resolved.mock.calls[0]?.[2]?.abortSignal).toBeInstanceOf(AbortSignal);
    } finally {
      resolved.mockRestore();
    }
  });

  it('gives users their own, attached and group-inherited grants with contract sources', async () => {
    replyIdentityAndDetails();
    replyReport();
    replyUserCallsWithReport({ ssh: false });
    const identities = byUid(
      await collectAll(connector, awsConfig({ sshPublicKeys: false }), recordingContext()),
    );

    const deploy = get(identities, arn('user', 'service/deploy-bot'));
    expect(deploy).toMatchObject({
      kind: 'aws.iam_user',
      name: 'deploy-bot',
      location: { provider: 'aws', scope: ACCOUNT, resource: '/service/' },
      createdAt: '2024-01-10T07:55:00.000Z',
      tags: { owner: 'alice@example.com', team: 'platform' },
      managedBy: 'user',
      trust: [],
      attributes: {
        path: '/service/',
        userId: 'AIDAEXAMPLEDEPLOYBOT1',
        consolePassword: false,
        groups: ['deployers'],
      },
    });
    expect(deploy.lastUsedAt).toBeUndefined();
    expect(deploy.privilege.grants.map((g) => [g.source, g.actions, g.resources])).toEqual([
      ['user-inline:deploy-artifacts#0', ['s3:PutObject', 's3:GetObject'], ['arn:aws:s3:::acme-artifacts/*']],
      ['group-inline:deployers/read-logs#0', ['logs:Get*'], ['*']],
      // The default version (v2), not v1.
      [
        'group-managed:deployers/arn:aws:iam::123456789012:policy/DeployPolicy#0',
        ['iam:PassRole', 'ec2:RunInstances'],
        ['*'],
      ],
    ]);
    expect(deploy.privilege.level).toBe('write');
    expect(deploy.privilege.attached).toEqual(['arn:aws:iam::123456789012:policy/DeployPolicy']);
    expect(deploy.privilege.reasons).toContainEqual(
      expect.stringMatching(
        /^group-managed:deployers\/arn:aws:iam::123456789012:policy\/DeployPolicy#0 \(Sid LaunchWorkers\): Allow iam:PassRole, ec2:RunInstances on \* \(write: /,
      ),
    );

    const legacy = get(identities, arn('user', 'legacy-ci'));
    expect(legacy.privilege).toMatchObject({
      level: 'admin',
      attached: ['arn:aws:iam::aws:policy/AdministratorAccess'],
    });
    expect(legacy.privilege.reasons[0]).toBe('arn:aws:iam::aws:policy/AdministratorAccess attached');

    // Plain JSON document (page 2), conditional statement, permissions boundary.
    const report = get(identities, arn('user', 'report-bot'));
    expect(report.privilege.grants).toEqual([
      {
        effect: 'Allow',
        actions: ['cloudwatch:PutMetricData'],
        notAction: false,
        resources: ['*'],
        notResource: false,
        conditional: true,
        conditions: { StringEquals: { 'cloudwatch:namespace': ['Acme/Reports'] } },
        source: 'user-inline:metrics#0',
      },
    ]);
    expect(report.privilege.boundary).toBe('arn:aws:iam::123456789012:policy/ReportBoundary');
    // The boundary's document is not in the details: it is named as not applied, not silently dropped.
    expect(report.privilege.reasons).toContain(
      'permissions boundary arn:aws:iam::123456789012:policy/ReportBoundary not applied: a document is unavailable, so the level is an upper bound',
    );
    expect(report.attributes.permissionsBoundary).toBe('arn:aws:iam::123456789012:policy/ReportBoundary');
  });

  it('reads every credential-report column and pairs report slots with key ids by creation time', async () => {
    replyIdentityAndDetails();
    replyReport();
    replyUserCallsWithReport({ ssh: true });
    const identities = byUid(
      await collectAll(connector, awsConfig({ sshPublicKeys: true }), recordingContext()),
    );

    expect(get(identities, arn('user', 'service/deploy-bot')).credentials).toEqual([
      {
        uid: 'AKIAEXAMPLEDEPLOY001',
        stableUid: `${arn('user', 'service/deploy-bot')}#access_key@2024-01-10T08:00:00Z`,
        type: 'access_key',
        status: 'active',
        createdAt: '2024-01-10T08:00:00.000Z',
        lastRotatedAt: '2024-01-10T08:00:00.000Z',
        lastUsedAt: '2025-06-01T10:20:00.000Z',
        lastUsedDetail: { service: 's3', region: 'us-east-1', source: 'credential-report' },
        managedBy: 'user',
        attributes: { slot: 1 },
      },
      {
        uid: 'AKIAEXAMPLEDEPLOY002',
        stableUid: `${arn('user', 'service/deploy-bot')}#access_key@2025-03-01T12:30:15Z`,
        type: 'access_key',
        status: 'active',
        createdAt: '2025-03-01T12:30:15.000Z',
        lastRotatedAt: '2025-03-01T12:30:15.000Z',
        // N/A: never used.
        lastUsedAt: null,
        lastUsedDetail: { source: 'credential-report' },
        managedBy: 'user',
        attributes: { slot: 2 },
      },
    ]);
    const legacy = get(identities, arn('user', 'legacy-ci'));
    expect(legacy.credentials.map((c) => [c.uid, c.status, c.lastUsedAt, c.attributes.slot])).toEqual([
      ['AKIAEXAMPLELEGACY001', 'active', null, 1],
      ['AKIAEXAMPLELEGACY002', 'inactive', '2022-03-01T00:00:00.000Z', 2],
    ]);

    // A console user with an active key is kept (human use); no_information = no date.
    const ops = get(identities, arn('user', 'ops-console'));
    expect(ops.attributes).toMatchObject({ consolePassword: true, passwordLastUsed: null, mfaActive: false });
    expect(ops.credentials.map((c) => [c.uid, c.lastUsedDetail])).toEqual([
      ['AKIAEXAMPLEOPSCON001', { service: 'ec2', region: 'eu-west-1', source: 'credential-report' }],
    ]);

    // Certificate (the report shows one) and SSH key; no certificate body anywhere.
    const report = get(identities, arn('user', 'report-bot'));
    expect(report.credentials).toEqual([
      {
        uid: 'TA7SMP42TDN5Z26OBPJE7EXAMPLE',
        type: 'certificate',
        status: 'active',
        createdAt: '2024-11-12T00:00:00.000Z',
        lastRotatedAt: '2024-11-12T00:00:00.000Z',
        managedBy: 'user',
        attributes: {},
      },
      {
        uid: 'APKAEIBAERJR2EXAMPLE',
        type: 'ssh_key',
        status: 'active',
        createdAt: '2024-12-01T00:00:00.000Z',
        lastRotatedAt: '2024-12-01T00:00:00.000Z',
        managedBy: 'user',
        attributes: {},
      },
    ]);
    expect(JSON.stringify([...identities.values()])).not.toMatch(/BEGIN CERTIFICATE|wJalrXUtnFEMI/);
  });

  it('parses role trust (OIDC, cross-account, "*"), last use and service-linked roles', async () => {
    replyIdentityAndDetails();
    replyReport();
    replyUserCallsWithReport({ ssh: false });
    const identities = byUid(
      await collectAll(connector, awsConfig({ sshPublicKeys: false }), recordingContext()),
    );

    const github = get(identities, arn('role', 'github-deploy'));
    expect(github).toMatchObject({
      kind: 'aws.iam_role',
      lastUsedAt: '2025-05-20T09:15:00.000Z',
      lastUsedDetail: { region: 'us-east-1' },
      managedBy: 'user',
      attributes: {
        serviceLinked: false,
        roleId: 'AROAEXAMPLEGITHUBDEP1',
        lastUsedTrackingDays: 400,
        instanceProfiles: [],
      },
    });
    expect(github.trust).toEqual([
      {
        principalType: 'federated',
        principal: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
        conditions: { StringEquals: { 'token.actions.githubusercontent.com:aud': ['sts.amazonaws.com'] } },
        actions: ['sts:AssumeRoleWithWebIdentity'],
        source: 'trust#0',
      },
    ]);
    expect(github.privilege.grants.map((g) => g.source)).toEqual(['role-inline:deploy#0']);

    const partner = get(identities, arn('role', 'partner-audit'));
    expect(partner.lastUsedAt).toBeNull();
    expect(
      partner.trust.map((t) => [t.principalType, t.principal, t.source, t.sid, t.actions, t.conditions]),
    ).toEqual([
      ['aws', 'arn:aws:iam::999988887777:root', 'trust#0', 'Partner', ['sts:AssumeRole'], {}],
      ['aws', '444455556666', 'trust#0', 'Partner', ['sts:AssumeRole'], {}],
      [
        'aws',
        'arn:aws:iam::111122223333:role/Auditor',
        'trust#1',
        'WithExternalId',
        ['sts:AssumeRole', 'sts:TagSession'],
        { StringEquals: { 'sts:ExternalId': ['acme-7731'] } },
      ],
    ]);
    // SecurityAudit came back without its document: unknown, said so, still listed.
    expect(partner.privilege.attached).toEqual(['arn:aws:iam::aws:policy/SecurityAudit']);
    expect(partner.privilege.level).toBe('none');
    expect(partner.privilege.reasons.join('\n')).toMatch(
      /managed:arn:aws:iam::aws:policy\/SecurityAudit: policy document unavailable/,
    );

    const open = get(identities, arn('role', 'open-door'));
    expect(open.trust.map((t) => [t.principalType, t.principal, t.conditions])).toEqual([
      ['any', '*', {}],
      ['any', '*', { StringEquals: { 'aws:PrincipalOrgID': ['o-a1b2c3d4e5'] } }],
    ]);

    const slr = get(identities, arn('role', 'aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS'));
    expect(slr).toMatchObject({
      managedBy: 'provider',
      location: { resource: '/aws-service-role/ecs.amazonaws.com/' },
      attributes: { serviceLinked: true },
      trust: [{ principalType: 'service', principal: 'ecs.amazonaws.com' }],
    });

    // IAM Identity Center's permission-set roles: people assume them through SSO.
    const sso = get(
      identities,
      arn('role', 'aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_5f3c2a8e41b7d903'),
    );
    expect(sso).toMatchObject({
      managedBy: 'provider',
      attributes: { serviceLinked: false, ssoReserved: true },
      privilege: { level: 'admin' },
      trust: [{ principalType: 'federated', actions: ['sts:AssumeRoleWithSAML', 'sts:TagSession'] }],
    });

    const batch = get(identities, arn('role', 'workers/batch-worker'));
    expect(batch.attributes.instanceProfiles).toEqual([
      'arn:aws:iam::123456789012:instance-profile/batch-worker',
    ]);
    expect(batch.trust).toMatchObject([{ principalType: 'service', principal: 'ec2.amazonaws.com' }]);
    // sqs:ReceiveMessage is a Read action in AWS's Service Authorization Reference.
    expect(batch.privilege.level).toBe('read');
  });
});

describe('AWS connector: the credential report flow', () => {
  const replySolo = (): void => {
    reply({ host: STS, action: 'GetCallerIdentity', fixture: 'sts-get-caller-identity.xml' });
    reply({ action: 'GetAccountAuthorizationDetails', fixture: 'gaad-single-user.xml', params: GAAD_PARAMS });
  };

  it('polls GenerateCredentialReport with exponential backoff until COMPLETE, and waits out ReportInProgress', async () => {
    replySolo();
    reply({ action: 'GenerateCredentialReport', fixture: 'generate-credential-report-started.xml' });
    reply({ action: 'GenerateCredentialReport', fixture: 'generate-credential-report-inprogress.xml' });
    reply({
      action: 'GenerateCredentialReport',
      fixture: 'generate-credential-report-complete.xml',
      times: 2,
    });
    reply({ action: 'GetCredentialReport', fixture: 'error-report-in-progress.xml', status: 404 });
    reply({ action: 'GetCredentialReport', fixture: 'get-credential-report-single-user.xml' });
    reply({
      action: 'ListAccessKeys',
      fixture: 'list-access-keys-solo-bot.xml',
      params: { UserName: 'solo-bot' },
    });
    const ctx = recordingContext();
    const [solo] = await collectAll(connector, awsConfig({ sshPublicKeys: false }), ctx);

    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(ctx.gaps).toEqual([]);
    expect(solo?.credentials).toMatchObject([
      {
        uid: 'AKIAEXAMPLESOLOBOT01',
        lastUsedAt: '2025-06-30T23:59:59.000Z',
        lastUsedDetail: { source: 'credential-report' },
      },
    ]);
  });

  it('gives up after maxWaitSeconds and falls back to per-user calls, saying so', async () => {
    replySolo();
    reply({ action: 'GenerateCredentialReport', fixture: 'generate-credential-report-started.xml' });
    reply({
      action: 'GenerateCredentialReport',
      fixture: 'generate-credential-report-inprogress.xml',
      times: 2,
    });
    reply({
      action: 'ListAccessKeys',
      fixture: 'list-access-keys-solo-bot.xml',
      params: { UserName: 'solo-bot' },
    });
    reply({
      action: 'GetLoginProfile',
      fixture: 'error-no-such-entity-login-profile.xml',
      status: 404,
      params: { UserName: 'solo-bot' },
    });
    reply({
      action: 'GetAccessKeyLastUsed',
      fixture: 'get-access-key-last-used-solo-bot.xml',
      params: { AccessKeyId: 'AKIAEXAMPLESOLOBOT01' },
    });
    reply({
      action: 'ListSigningCertificates',
      fixture: 'list-signing-certificates-empty.xml',
      params: { UserName: 'solo-bot' },
    });
    const ctx = recordingContext();
    const [solo] = await collectAll(
      connector,
      awsConfig({ sshPublicKeys: false, credentialReport: { maxWaitSeconds: 3 } }),
      ctx,
    );

    expect(sleeps).toEqual([1000, 2000]);
    expect(ctx.gaps).toEqual([
      expect.objectContaining({
        code: 'timeout',
        call: 'iam:GenerateCredentialReport',
        fallback: 'ListAccessKeys + GetAccessKeyLastUsed per user',
        recovered: true,
      }),
    ]);
    expect(solo?.credentials).toEqual([
      {
        uid: 'AKIAEXAMPLESOLOBOT01',
        stableUid: `${arn('user', 'solo-bot')}#access_key@2024-04-04T04:10:00Z`,
        type: 'access_key',
        status: 'active',
        createdAt: '2024-04-04T04:10:00.000Z',
        lastRotatedAt: '2024-04-04T04:10:00.000Z',
        lastUsedAt: '2025-06-30T23:59:59.000Z',
        lastUsedDetail: { service: 'sqs', region: 'us-east-1', source: 'GetAccessKeyLastUsed' },
        managedBy: 'user',
        attributes: {},
      },
    ]);
    expect(solo?.attributes.consolePassword).toBe(false);
    expect(solo?.attributes.mfaActive).toBeUndefined();
  });

  it('falls back when the report is denied: keys, last use and console passwords per user', async () => {
    replyIdentityAndDetails();
    reply({
      action: 'GenerateCredentialReport',
      fixture: 'error-access-denied-generate-credential-report.xml',
      status: 403,
    });
    const perUser: [string, string, boolean][] = [
      ['deploy-bot', 'list-access-keys-deploy-bot.xml', false],
      ['legacy-ci', 'list-access-keys-legacy-ci.xml', false],
      ['jane', 'list-access-keys-empty.xml', true],
      ['ops-console', 'list-access-keys-ops-console.xml', true],
      ['report-bot', 'list-access-keys-empty.xml', false],
    ];
    for (const [user, keys, password] of perUser) {
      reply({ action: 'ListAccessKeys', fixture: keys, params: { UserName: user } });
      reply({
        action: 'GetLoginProfile',
        params: { UserName: user },
        ...(password
          ? { fixture: 'get-login-profile.xml' }
          : { fixture: 'error-no-such-entity-login-profile.xml', status: 404 }),
      });
    }
    const used = 'get-access-key-last-used-used.xml';
    const never = 'get-access-key-last-used-never.xml';
    for (const [key, fx] of [
      ['AKIAEXAMPLEDEPLOY001', used],
      ['AKIAEXAMPLEDEPLOY002', never],
      ['AKIAEXAMPLELEGACY001', never],
      ['AKIAEXAMPLELEGACY002', never],
      ['AKIAEXAMPLEOPSCON001', used],
    ] as const) {
      reply({ action: 'GetAccessKeyLastUsed', fixture: fx, params: { AccessKeyId: key } });
    }
    for (const user of ['deploy-bot', 'legacy-ci', 'ops-console']) {
      reply({
        action: 'ListSigningCertificates',
        fixture: 'list-signing-certificates-empty.xml',
        params: { UserName: user },
      });
    }
    reply({
      action: 'ListSigningCertificates',
      fixture: 'list-signing-certificates-report-bot.xml',
      params: { UserName: 'report-bot' },
    });

    const ctx = recordingContext();
    const identities = byUid(await collectAll(connector, awsConfig({ sshPublicKeys: false }), ctx));

    expect(ctx.gaps).toEqual([
      SECURITY_AUDIT_MISSING,
      {
        code: 'access_denied',
        call: 'iam:GenerateCredentialReport',
        permission: 'iam:GenerateCredentialReport',
        message: expect.stringMatching(/^AccessDenied: /),
        fallback: 'ListAccessKeys + GetAccessKeyLastUsed per user',
        recovered: true,
      },
    ]);
    expect(ctx.notes.some((n) => n.includes('GetLoginProfile'))).toBe(true);
    expect(ctx.notes).toContain(
      '1 IAM user with console passwords and no active access keys skipped as people',
    );
    expect(identities.has(arn('user', 'jane'))).toBe(false);
    expect(
      get(identities, arn('user', 'service/deploy-bot')).credentials.map((c) => [
        c.uid,
        c.lastUsedAt,
        c.lastUsedDetail,
      ]),
    ).toEqual([
      [
        'AKIAEXAMPLEDEPLOY001',
        '2025-06-01T10:20:00.000Z',
        { service: 's3', region: 'us-east-1', source: 'GetAccessKeyLastUsed' },
      ],
      // No LastUsedDate and N/A service/region: never used.
      ['AKIAEXAMPLEDEPLOY002', null, { source: 'GetAccessKeyLastUsed' }],
    ]);
    expect(get(identities, arn('user', 'ops-console')).attributes.consolePassword).toBe(true);
    expect(get(identities, arn('user', 'report-bot')).credentials.map((c) => c.uid)).toEqual([
      'TA7SMP42TDN5Z26OBPJE7EXAMPLE',
    ]);
  });

  it('marks the fallback unrecovered when a per-user fallback call fails', async () => {
    replySolo();
    reply({
      action: 'GenerateCredentialReport',
      fixture: 'error-access-denied-generate-credential-report.xml',
      status: 403,
    });
    reply({
      action: 'ListAccessKeys',
      fixture: 'list-access-keys-solo-bot.xml',
      params: { UserName: 'solo-bot' },
    });
    reply({ action: 'GetLoginProfile', fixture: 'error-no-such-entity-login-profile.xml', status: 404 });
    reply({ action: 'GetAccessKeyLastUsed', fixture: 'error-throttling.xml', status: 400 });
    reply({ action: 'ListSigningCertificates', fixture: 'list-signing-certificates-empty.xml' });
    const ctx = recordingContext();
    const [solo] = await collectAll(connector, awsConfig({ sshPublicKeys: false }), ctx);

    expect(ctx.gaps.map((g) => [g.code, g.call, g.resource, g.recovered])).toEqual([
      ['throttled', 'iam:GetAccessKeyLastUsed', `${arn('user', 'solo-bot')} (AKIAEXAMPLESOLOBOT01)`, false],
      ['access_denied', 'iam:GenerateCredentialReport', undefined, false],
    ]);
    // Last use unknown (undefined), not "never used" (null).
    expect(solo?.credentials[0]).toMatchObject({ uid: 'AKIAEXAMPLESOLOBOT01', status: 'active' });
    expect(solo?.credentials[0]?.lastUsedAt).toBeUndefined();
  });
});

describe('AWS connector: partial failures', () => {
  it('records a denied per-user call naming the user and still yields the identity', async () => {
    replyIdentityAndDetails();
    replyReport();
    replyKeylessUsersOfStaleReport();
    reply({
      action: 'ListAccessKeys',
      fixture: 'error-access-denied-list-access-keys.xml',
      status: 403,
      params: { UserName: 'deploy-bot' },
    });
    reply({
      action: 'ListAccessKeys',
      fixture: 'list-access-keys-legacy-ci.xml',
      params: { UserName: 'legacy-ci' },
    });
    reply({
      action: 'ListAccessKeys',
      fixture: 'list-access-keys-ops-console.xml',
      params: { UserName: 'ops-console' },
    });
    reply({
      action: 'ListSigningCertificates',
      fixture: 'list-signing-certificates-report-bot.xml',
      params: { UserName: 'report-bot' },
    });
    for (const user of ['deploy-bot', 'legacy-ci', 'ops-console']) {
      reply({
        action: 'ListSSHPublicKeys',
        fixture: 'list-ssh-public-keys-empty.xml',
        params: { UserName: user },
      });
    }
    reply({
      action: 'ListSSHPublicKeys',
      fixture: 'error-access-denied-list-ssh-public-keys.xml',
      status: 403,
      params: { UserName: 'report-bot' },
    });
    const ctx = recordingContext();
    const identities = byUid(await collectAll(connector, awsConfig({ sshPublicKeys: true }), ctx));

    expect(ctx.gaps.map((g) => [g.code, g.call, g.resource, g.permission])).toEqual([
      [
        'partial_data',
        'iam:GetAccountAuthorizationDetails',
        'arn:aws:iam::aws:policy/SecurityAudit',
        undefined,
      ],
      ['access_denied', 'iam:ListAccessKeys', arn('user', 'service/deploy-bot'), 'iam:ListAccessKeys'],
      ['access_denied', 'iam:ListSSHPublicKeys', arn('user', 'report-bot'), 'iam:ListSSHPublicKeys'],
    ]);
    // Without ids, keys are still described from the report.
    expect(
      get(identities, arn('user', 'service/deploy-bot')).credentials.map((c) => [
        c.uid,
        c.status,
        c.lastUsedAt,
      ]),
    ).toEqual([
      [`${arn('user', 'service/deploy-bot')}#access_key_1`, 'active', '2025-06-01T10:20:00.000Z'],
      [`${arn('user', 'service/deploy-bot')}#access_key_2`, 'active', null],
    ]);
    expect(get(identities, arn('user', 'report-bot')).credentials.map((c) => c.type)).toEqual([
      'certificate',
    ]);
  });

  it('keeps what earlier pages returned when a later page fails, plus users only the report knows', async () => {
    reply({ host: STS, action: 'GetCallerIdentity', fixture: 'sts-get-caller-identity.xml' });
    reply({
      action: 'GetAccountAuthorizationDetails',
      fixture: 'gaad-page-1.xml',
      params: GAAD_PARAMS,
      absent: ['Marker'],
    });
    reply({
      action: 'GetAccountAuthorizationDetails',
      fixture: 'error-service-failure.xml',
      status: 500,
      params: { Marker: 'AAEAAXJlc291cmNlLWFyblRva2VuMQ==' },
    });
    replyReport();
    replyUserCallsWithReport({ ssh: false });
    const ctx = recordingContext();
    const identities = byUid(await collectAll(connector, awsConfig({ sshPublicKeys: false }), ctx));

    expect(ctx.gaps).toEqual([
      expect.objectContaining({
        code: 'unavailable',
        call: 'iam:GetAccountAuthorizationDetails',
        recovered: false,
      }),
    ]);
    expect(ctx.gaps[0]?.message).toMatch(/after 1 page/);
    expect(identities.has(arn('role', 'github-deploy'))).toBe(true);
    expect(identities.has(arn('role', 'partner-audit'))).toBe(false);
    // ops-console and report-bot were on the failed page: the report still names them.
    const report = get(identities, arn('user', 'report-bot'));
    expect(report.createdAt).toBe('2024-11-11T11:11:11.000Z');
    expect(report.privilege.reasons).toContain(
      'GetAccountAuthorizationDetails did not return this user: its policies are unknown, not absent',
    );
    // legacy-ci's AdministratorAccess document was on the failed page: unknown, not absent.
    const legacy = get(identities, arn('user', 'legacy-ci'));
    expect(legacy.privilege.level).toBe('admin');
    expect(legacy.privilege.reasons.join('\n')).toMatch(/GetAccountAuthorizationDetails did not complete/);
  });

  it('ends the target when STS GetCallerIdentity fails, and the scan records it as failed', async () => {
    reply({
      host: STS,
      action: 'GetCallerIdentity',
      fixture: 'sts-error-invalid-client-token-id.xml',
      status: 403,
    });
    const ctx = recordingContext();
    const err = await collectAll(connector, awsConfig(), ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScanError);
    expect((err as ScanError).gap).toMatchObject({ code: 'auth_failed', call: 'sts:GetCallerIdentity' });

    reply({
      host: STS,
      action: 'GetCallerIdentity',
      fixture: 'sts-error-invalid-client-token-id.xml',
      status: 403,
    });
    const config = buildConfig(
      { providers: { aws: { targets: [{ type: 'default' }] } } },
      { connectors: { aws: connector }, policies: {} },
      'test',
      '/tmp',
    );
    const result = await runScan({
      config,
      clock: systemClock(new Date('2025-07-01T00:00:00Z')),
      log: silentLogger,
    });
    expect(result.run.complete).toBe(false);
    expect(result.coverage).toEqual([
      expect.objectContaining({
        target: 'aws:default',
        status: 'failed',
        gaps: [expect.objectContaining({ code: 'auth_failed', call: 'sts:GetCallerIdentity' })],
      }),
    ]);
  });
});

describe('AWS connector: endpoints and assumed roles', () => {
  it('sends every call to AWS_ENDPOINT_URL when it is set (the SDK reads it, nhiscan does not)', async () => {
    const host = 'http://127.0.0.1:45999';
    vi.stubEnv('AWS_ENDPOINT_URL', host);
    reply({ host, action: 'GetCallerIdentity', fixture: 'sts-get-caller-identity.xml' });
    reply({
      host,
      action: 'GetAccountAuthorizationDetails',
      fixture: 'gaad-single-user.xml',
      params: GAAD_PARAMS,
    });
    reply({ host, action: 'GenerateCredentialReport', fixture: 'generate-credential-report-complete.xml' });
    reply({ host, action: 'GetCredentialReport', fixture: 'get-credential-report-single-user.xml' });
    reply({ host, action: 'ListAccessKeys', fixture: 'list-access-keys-solo-bot.xml' });
    reply({ host, action: 'ListSSHPublicKeys', fixture: 'list-ssh-public-keys-empty.xml' });
    const ctx = recordingContext();
    const ids = await collectAll(connector, awsConfig({ sshPublicKeys: true }), ctx);
    expect(ids.map((i) => i.uid)).toEqual([arn('user', 'solo-bot')]);
    expect(ctx.gaps).toEqual([]);
  });

  it('honours the per-service AWS_ENDPOINT_URL_STS over AWS_ENDPOINT_URL', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', 'http://127.0.0.1:45998');
    vi.stubEnv('AWS_ENDPOINT_URL_STS', 'http://127.0.0.1:45997');
    reply({
      host: 'http://127.0.0.1:45997',
      action: 'GetCallerIdentity',
      fixture: 'sts-error-invalid-client-token-id.xml',
      status: 403,
    });
    const err = await collectAll(connector, awsConfig(), recordingContext()).catch((e: unknown) => e);
    expect((err as ScanError).gap.code).toBe('auth_failed');
  });

  it('assumes the role once with the ExternalId from the environment, then scans as it', async () => {
    vi.stubEnv('NHISCAN_TEST_EXTERNAL_ID', 'ext-4242');
    const config = awsConfig({
      sshPublicKeys: false,
      targets: [
        { type: 'assume-role', accountIds: ['210987654321'], externalIdEnv: 'NHISCAN_TEST_EXTERNAL_ID' },
      ],
    });
    reply({
      host: STS,
      action: 'AssumeRole',
      fixture: 'sts-assume-role.xml',
      params: {
        RoleArn: 'arn:aws:iam::210987654321:role/NhiscanReadOnly',
        RoleSessionName: 'nhiscan',
        ExternalId: 'ext-4242',
      },
    });
    // The assumed session's credentials sign the next calls.
    nock(STS, { reqheaders: { 'x-amz-security-token': 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN' } })
      .post('/', (body: Record<string, string>) => body.Action === 'GetCallerIdentity')
      .reply(200, fixture('sts-get-caller-identity-assumed.xml'), { 'content-type': 'text/xml' });
    nock(IAM)
      .post('/', (body: Record<string, string>) => body.Action === 'GetAccountAuthorizationDetails')
      .reply(
        200,
        `<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountAuthorizationDetailsResult><UserDetailList/><GroupDetailList/><RoleDetailList/><Policies/><IsTruncated>false</IsTruncated></GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>7c8e9f1a-2b3c-4d5e-8f9a-0b1c2d3e4f5a</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>`,
        { 'content-type': 'text/xml' },
      );
    replyReport();
    // The report fixture's users are not in this account's (empty) details: GetUser says they do not exist.
    reply({ action: 'GetUser', fixture: 'error-no-such-entity-get-user.xml', status: 404, times: 5 });
    const ctx = recordingContext();
    const [target] = connector.targets(config);
    expect(target?.id).toBe('aws:assume/210987654321');
    const ids = await collectAll(connector, config, ctx, target);
    expect(ids).toEqual([]);
    expect(ctx.scope).toBe('210987654321');
    expect(ctx.principal).toBe('arn:aws:sts::210987654321:assumed-role/NhiscanReadOnly/nhiscan');
  });

  it('fails the target, naming sts:AssumeRole, when the role cannot be assumed', async () => {
    reply({
      host: STS,
      action: 'AssumeRole',
      fixture: 'sts-error-access-denied-assume-role.xml',
      status: 403,
    });
    const config = awsConfig({ targets: [{ type: 'assume-role', accountIds: ['210987654321'] }] });
    const err = await collectAll(connector, config, recordingContext()).catch((e: unknown) => e);
    expect((err as ScanError).gap).toMatchObject({
      code: 'access_denied',
      call: 'sts:AssumeRole',
      permission: 'sts:AssumeRole',
    });
  });

  it('fails the target with auth_failed naming the variable when externalIdEnv is unset', async () => {
    vi.stubEnv('NHISCAN_TEST_MISSING_EXTERNAL_ID', '');
    const config = awsConfig({
      targets: [
        {
          type: 'assume-role',
          accountIds: ['210987654321'],
          externalIdEnv: 'NHISCAN_TEST_MISSING_EXTERNAL_ID',
        },
      ],
    });
    const err = await collectAll(connector, config, recordingContext()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScanError);
    expect((err as ScanError).gap).toMatchObject({ code: 'auth_failed', call: 'sts:AssumeRole' });
    expect((err as ScanError).message).toContain('NHISCAN_TEST_MISSING_EXTERNAL_ID');
  });

  it('fails the target with auth_failed when the credential chain finds nothing', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', '');
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', '');
    vi.stubEnv('AWS_WEB_IDENTITY_TOKEN_FILE', '');
    const err = await collectAll(connector, awsConfig(), recordingContext()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScanError);
    expect((err as ScanError).gap).toMatchObject({ code: 'auth_failed', call: 'aws:credentials' });
  });
});
