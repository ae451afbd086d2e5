// The AWS connector on shapes real accounts produce and the main estate fixtures do not: a
// GovCloud partition, names with + = , . @, absent optional lists, several policy versions,
// unquoted commas in the credential report, a report older than the keys, throttling.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RETRY_DEFAULTS, retrySettings } from '../../../connectors/aws/collect.js';
import { createAwsConnector } from '../../../connectors/aws/index.js';
import type { Identity } from '../../../src/model.js';
import type { PolicyContext, Verdict } from '../../../src/policy.js';
import { foldVerdicts } from '../../../src/evaluate.js';
import { excessPrivilege } from '../../../policies/excess-privilege.js';
import { externalTrust } from '../../../policies/external-trust.js';
import { humanUse } from '../../../policies/human-use.js';
import { staleness } from '../../../policies/staleness.js';
import {
  GAAD_PARAMS,
  arn,
  awsConfig,
  byUid,
  collectAll,
  recordingContext,
  reply,
  replyIdentityAndDetails,
  useTestEnvironment,
} from './harness.js';

const connector = createAwsConnector({ clientSettings: { maxAttempts: 1 }, sleep: () => Promise.resolve() });

beforeEach(() => {
  useTestEnvironment();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const GOV_IAM = 'https://iam.us-gov.amazonaws.com';
const GOV_STS = 'https://sts.us-gov-west-1.amazonaws.com';
const govArn = (kind: 'user' | 'role', pathAndName: string): string =>
  `arn:aws-us-gov:iam::123456789012:${kind}/${pathAndName}`;
const BOT = 'bot+ci=x,y.z@acme-1';
const BOT_ARN = govArn('user', `division/team/${BOT}`);
const READER_ARN = govArn('user', 'svc.reader@acme');
const PARTNER_ARN = govArn('role', 'division/team/r.x@y+z=w,v');
const DEPLOY_POLICY = 'arn:aws-us-gov:iam::123456789012:policy/division/deploy';

const get = (ids: Map<string, Identity>, uid: string): Identity => {
  const identity = ids.get(uid);
  if (!identity) throw new Error(`no identity ${uid}; have ${[...ids.keys()].join(', ')}`);
  return identity;
};

const policyCtx: PolicyContext = { asOf: new Date('2025-07-01T12:00:00Z'), directory: undefined };

/** Every call of the GovCloud estate; `gaad` lets a test throttle the first attempt. */
const replyGovCloud = (): void => {
  reply({ host: GOV_STS, action: 'GetCallerIdentity', fixture: 'sts-get-caller-identity-govcloud.xml' });
  reply({
    host: GOV_IAM,
    action: 'GetAccountAuthorizationDetails',
    fixture: 'gaad-govcloud-quirks.xml',
    params: GAAD_PARAMS,
  });
  reply({
    host: GOV_IAM,
    action: 'GenerateCredentialReport',
    fixture: 'generate-credential-report-complete.xml',
  });
  reply({
    host: GOV_IAM,
    action: 'GetCredentialReport',
    fixture: 'get-credential-report-govcloud-quirks.xml',
  });
  reply({
    host: GOV_IAM,
    action: 'ListAccessKeys',
    fixture: 'list-access-keys-govcloud-bot-ci.xml',
    params: { UserName: BOT },
  });
  // The report (reused, hours old) still lists a user deleted since: GetUser says it is gone.
  reply({
    host: GOV_IAM,
    action: 'GetUser',
    fixture: 'error-no-such-entity-get-user.xml',
    status: 404,
    params: { UserName: 'deleted-bot' },
  });
  // password_enabled unreadable in the report: asked, not assumed false.
  reply({
    host: GOV_IAM,
    action: 'GetLoginProfile',
    fixture: 'get-login-profile-govcloud-reader.xml',
    params: { UserName: 'svc.reader@acme' },
  });
  reply({
    host: GOV_IAM,
    action: 'ListAccessKeys',
    fixture: 'list-access-keys-govcloud-reader.xml',
    params: { UserName: 'svc.reader@acme' },
  });
};

describe('AWS connector: a GovCloud account as IAM returns it', () => {
  it('reads names with + = , . @, absent lists, default policy versions and unquoted report commas', async () => {
    replyGovCloud();
    const ctx = recordingContext();
    const config = awsConfig({ region: 'us-gov-west-1', sshPublicKeys: false });
    const identities = byUid(await collectAll(connector, config, ctx));

    expect([...identities.keys()].sort()).toEqual(
      [BOT_ARN, READER_ARN, PARTNER_ARN, govArn('role', 's3-wide'), govArn('role', 'iam-wide')].sort(),
    );
    // The report row of a user deleted since is not an identity; no other gap than RoleLastUsed.
    expect(identities.has(govArn('user', 'deleted-bot'))).toBe(false);
    expect(ctx.gaps).toEqual([
      expect.objectContaining({
        code: 'partial_data',
        call: 'iam:GetAccountAuthorizationDetails',
        resource: PARTNER_ARN,
      }),
    ]);

    const bot = get(identities, BOT_ARN);
    expect(bot).toMatchObject({
      name: BOT,
      location: { scope: '123456789012', resource: '/division/team/' },
      tags: {},
      attributes: {
        path: '/division/team/',
        consolePassword: false,
        groups: [],
        permissionsBoundary: 'arn:aws-us-gov:iam::123456789012:policy/boundaries/deploy-boundary',
      },
    });
    // The report wrote the name's commas unquoted; slot 1 was deleted, slot 2 holds the key.
    expect(bot.credentials).toEqual([
      expect.objectContaining({
        uid: 'AKIAEXAMPLEGOVBOTCI2',
        status: 'active',
        createdAt: '2024-02-03T10:00:00.000Z',
        lastUsedAt: '2025-06-29T08:00:00.000Z',
        lastUsedDetail: { service: 'ec2', region: 'us-gov-west-1', source: 'credential-report' },
        attributes: { slot: 2 },
      }),
    ]);
    // Only the default version (v2) counts, not v1 ("*") or v3 ("iam:*").
    expect(bot.privilege).toMatchObject({
      level: 'write',
      attached: [DEPLOY_POLICY],
      boundary: 'arn:aws-us-gov:iam::123456789012:policy/boundaries/deploy-boundary',
    });
    expect(bot.privilege.grants.map((g) => [g.source, g.sid, g.actions, g.resources, g.conditional])).toEqual(
      [
        [
          `managed:${DEPLOY_POLICY}#0`,
          'PassAnyRole',
          ['iam:PassRole'],
          ['arn:aws-us-gov:iam::123456789012:role/*'],
          false,
        ],
        [`managed:${DEPLOY_POLICY}#1`, 'Launch', ['ec2:RunInstances', 'ec2:Describe*'], ['*'], true],
      ],
    );

    const reader = get(identities, READER_ARN);
    expect(reader.attributes).toMatchObject({ consolePassword: true, passwordLastUsed: null });
    expect(reader.credentials.map((c) => [c.uid, c.status, c.lastUsedAt])).toEqual([
      ['AKIAEXAMPLEGOVREADR1', 'active', '2025-06-30T23:00:00.000Z'],
    ]);

    const partner = get(identities, PARTNER_ARN);
    // No RoleLastUsed element at all: unknown (a gap), not "never used".
    expect(partner.lastUsedAt).toBeUndefined();
    expect(partner.privilege).toMatchObject({
      level: 'admin',
      attached: ['arn:aws-us-gov:iam::aws:policy/AdministratorAccess'],
    });
    expect(partner.trust.map((t) => [t.principalType, t.principal, t.conditions])).toEqual([
      [
        'aws',
        'arn:aws-us-gov:iam::999999999999:root',
        {
          Bool: { 'aws:MultiFactorAuthPresent': ['true'] },
          NumericLessThan: { 'aws:MultiFactorAuthAge': ['3600'] },
        },
      ],
      [
        'aws',
        '111122223333',
        {
          Bool: { 'aws:MultiFactorAuthPresent': ['true'] },
          NumericLessThan: { 'aws:MultiFactorAuthAge': ['3600'] },
        },
      ],
      [
        'federated',
        'arn:aws-us-gov:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
        {
          StringEquals: { 'token.actions.githubusercontent.com:aud': ['sts.amazonaws.com'] },
          StringLike: { 'token.actions.githubusercontent.com:sub': ['repo:acme/*'] },
        },
      ],
      ['service', 'ec2.amazonaws.com', {}],
      ['service', 'lambda.amazonaws.com', {}],
      ['other', '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be', {}],
    ]);

    expect(get(identities, govArn('role', 's3-wide')).lastUsedAt).toBeNull();
    // "iam:*" on every IAM resource of the account can grant itself the rest.
    expect(get(identities, govArn('role', 'iam-wide')).privilege.level).toBe('admin');
  });

  it('gives the policies what they need to judge these shapes', async () => {
    replyGovCloud();
    const config = awsConfig({ region: 'us-gov-west-1', sshPublicKeys: false });
    const identities = byUid(await collectAll(connector, config, recordingContext()));
    const verdicts = <O>(
      policy: {
        options: { parse: (v: unknown) => O };
        evaluate: (i: Identity, o: O, c: PolicyContext) => Verdict[];
      },
      uid: string,
    ) => policy.evaluate(get(identities, uid), policy.options.parse({}), policyCtx);
    // The findings drafted, from the policy's fail verdicts.
    const judge = <O>(policy: Parameters<typeof verdicts<O>>[0], uid: string) =>
      verdicts(policy, uid).flatMap((v) => (v.status === 'fail' ? v.findings : []));

    // PassRole on every role of the account + RunInstances: the classic escalation.
    expect(judge(excessPrivilege, BOT_ARN)).toMatchObject([
      { key: 'escalation', evidence: { setIds: expect.arrayContaining(['CreateEC2WithExistingIP']) } },
    ]);
    expect(judge(excessPrivilege, govArn('role', 's3-wide'))).toMatchObject([
      { key: 'service-wildcard', evidence: { services: ['s3'] } },
    ]);
    // Unknown last use is not judged, and not "never used".
    expect(judge(staleness, PARTNER_ARN)).toEqual([]);
    expect(foldVerdicts(verdicts(staleness, PARTNER_ARN)).status).toBe('unknown');
    expect(judge(humanUse, READER_ARN)).toMatchObject([{ key: 'console-and-keys' }]);
    // An MFA condition is no ExternalId; the GitHub subject is pinned to the organisation.
    expect(judge(externalTrust, PARTNER_ARN)).toMatchObject([
      {
        key: 'cross-account-no-external-id',
        evidence: {
          trust: [{ principal: 'arn:aws-us-gov:iam::999999999999:root' }, { principal: '111122223333' }],
        },
      },
    ]);
  });
});

describe('AWS connector: a credential report older than the keys', () => {
  const replyReportAndKnownKeys = (): void => {
    reply({ action: 'GenerateCredentialReport', fixture: 'generate-credential-report-complete.xml' });
    reply({ action: 'GetCredentialReport', fixture: 'get-credential-report.xml' });
    for (const [user, fixture] of [
      ['deploy-bot', 'list-access-keys-deploy-bot.xml'],
      ['legacy-ci', 'list-access-keys-legacy-ci.xml'],
      ['ops-console', 'list-access-keys-ops-console.xml'],
    ] as const) {
      reply({ action: 'ListAccessKeys', fixture, params: { UserName: user } });
    }
    reply({
      action: 'ListSigningCertificates',
      fixture: 'list-signing-certificates-report-bot.xml',
      params: { UserName: 'report-bot' },
    });
  };

  it('lists the keys of users the report shows without any, when AWS reused an older report', async () => {
    replyIdentityAndDetails();
    replyReportAndKnownKeys();
    // The report (GeneratedTime 06:00) predates the scan (12:00): jane has had a key since.
    reply({
      action: 'ListAccessKeys',
      fixture: 'list-access-keys-jane-created-after-report.xml',
      params: { UserName: 'jane' },
    });
    reply({
      action: 'GetAccessKeyLastUsed',
      fixture: 'get-access-key-last-used-never.xml',
      params: { AccessKeyId: 'AKIAEXAMPLEJANENEW01' },
    });
    reply({
      action: 'ListAccessKeys',
      fixture: 'list-access-keys-empty.xml',
      params: { UserName: 'report-bot' },
    });
    const ctx = recordingContext();
    const identities = byUid(await collectAll(connector, awsConfig({ sshPublicKeys: false }), ctx));

    // Only the estate's SecurityAudit attachment without a document (see connector.test.ts).
    expect(ctx.gaps.map((g) => [g.code, g.resource])).toEqual([
      ['partial_data', 'arn:aws:iam::aws:policy/SecurityAudit'],
    ]);
    expect(ctx.notes.some((n) => n.startsWith('the credential report predates the scan'))).toBe(true);
    // No longer a person without keys: a console user with an active key, as human-use needs.
    const jane = get(identities, arn('user', 'jane'));
    expect(jane.attributes).toMatchObject({ consolePassword: true, mfaActive: true });
    expect(jane.credentials).toEqual([
      expect.objectContaining({
        uid: 'AKIAEXAMPLEJANENEW01',
        status: 'active',
        createdAt: '2025-07-01T09:30:00.000Z',
        lastUsedAt: null,
        lastUsedDetail: { source: 'GetAccessKeyLastUsed' },
      }),
    ]);
    expect(humanUse.evaluate(jane, {}, policyCtx)).toMatchObject([
      { status: 'fail', findings: [{ key: 'console-and-keys' }] },
    ]);
  });

  it('trusts a report generated for this scan, without listing keyless users', async () => {
    replyIdentityAndDetails();
    replyReportAndKnownKeys();
    // asOf two minutes after GeneratedTime: the report was made for this scan.
    const ctx = recordingContext(new Date('2025-07-01T06:02:00Z'));
    const identities = byUid(await collectAll(connector, awsConfig({ sshPublicKeys: false }), ctx));
    // Only the estate's SecurityAudit attachment without a document (see connector.test.ts).
    expect(ctx.gaps.map((g) => [g.code, g.resource])).toEqual([
      ['partial_data', 'arn:aws:iam::aws:policy/SecurityAudit'],
    ]);
    expect(ctx.notes.some((n) => n.startsWith('the credential report predates the scan'))).toBe(false);
    expect(identities.has(arn('user', 'jane'))).toBe(false);
  });
});

describe('AWS connector: throttling', () => {
  it('retries adaptively by default, leaving AWS_RETRY_MODE and AWS_MAX_ATTEMPTS to the user', () => {
    expect(retrySettings({})).toEqual({ retryMode: 'adaptive', maxAttempts: RETRY_DEFAULTS.maxAttempts });
    expect(RETRY_DEFAULTS.maxAttempts).toBeGreaterThan(3);
    expect(retrySettings({ AWS_MAX_ATTEMPTS: '3', AWS_RETRY_MODE: 'standard' })).toEqual({});
  });

  it('rides out a throttled call with the default clients', async () => {
    reply({ host: GOV_STS, action: 'GetCallerIdentity', fixture: 'error-throttling.xml', status: 400 });
    replyGovCloud();
    const ctx = recordingContext();
    const defaults = createAwsConnector({ sleep: () => Promise.resolve() });
    const config = awsConfig({ region: 'us-gov-west-1', sshPublicKeys: false });
    const identities = await collectAll(defaults, config, ctx);
    expect(identities).toHaveLength(5);
    expect(ctx.gaps.map((g) => g.code)).toEqual(['partial_data']);
  });

  it('records a call still throttled after its retries as a gap naming the user', async () => {
    replyGovCloud();
    reply({
      host: GOV_IAM,
      action: 'ListSSHPublicKeys',
      fixture: 'error-throttling.xml',
      status: 400,
      times: 2,
      params: { UserName: BOT },
    });
    reply({
      host: GOV_IAM,
      action: 'ListSSHPublicKeys',
      fixture: 'list-ssh-public-keys-empty.xml',
      params: { UserName: 'svc.reader@acme' },
    });
    const ctx = recordingContext();
    const twice = createAwsConnector({ clientSettings: { maxAttempts: 2 }, sleep: () => Promise.resolve() });
    const identities = byUid(
      await collectAll(twice, awsConfig({ region: 'us-gov-west-1', sshPublicKeys: true }), ctx),
    );
    expect(ctx.gaps.filter((g) => g.code === 'throttled')).toEqual([
      expect.objectContaining({ call: 'iam:ListSSHPublicKeys', resource: BOT_ARN, recovered: false }),
    ]);
    // The user is still built from what was learned.
    expect(get(identities, BOT_ARN).credentials.map((c) => c.uid)).toEqual(['AKIAEXAMPLEGOVBOTCI2']);
  });
});
