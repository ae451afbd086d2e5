// The real AWS connector and the full scan against a real moto_server on loopback, seeded through
// the AWS SDK. The scan reaches moto only through AWS_ENDPOINT_URL, the SDK's own override: no
// nhiscan setting names an endpoint.
//
// What "clean" can mean under moto: moto stamps key creation and last use with the wall clock and
// cannot backdate them, so age comes from moving the scan's asOf. At now+200 days every key and
// every role is 200 days old and unused for 200 days, so rotation-age and staleness rightly fire
// on all of them; the identities clean at that date are those with nothing time-bound to judge
// (a user with no credentials, a service-linked role). The clean key holder and the clean role are
// therefore checked by a second scan at now+30 days, inside the 90-day windows and past the 7-day
// grace for never-used keys: there they get no finding at all, while every planted problem that
// does not depend on age (or that is already past its threshold) still fires.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  AttachRolePolicyCommand,
  CreateRoleCommand,
  CreateServiceLinkedRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { scanCommand } from '../../src/commands.js';
import { EXIT } from '../../src/exit-codes.js';
import { silentLogger } from '../../src/log.js';
import { MOTO_CREDENTIALS, MOTO_PRESENT, MOTO_REQUIRED, type Moto, startMoto, stubAwsEnv } from './moto.js';
import type { Finding, Identity, ScanResult } from '../../src/model.js';

if (!MOTO_PRESENT && !MOTO_REQUIRED) {
  console.warn(
    'aws-moto: moto_server is not on PATH, skipping the AWS emulator suite (pip install "moto[server]"; set NHISCAN_REQUIRE_MOTO=1 to make this a failure)',
  );
}

const ACCOUNT = '123456789012';
const DAY = 86_400_000;
const userArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:user/${name}`;
const roleArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const SLR = roleArn('aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling');
const COMMA_BOT = 'bot+ci=x,y.z@acme-1';
const COMMA_BOT_ARN = userArn(`division/team/${COMMA_BOT}`);

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const READ_ONE_BUCKET = doc({
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::acme-reports/*',
});
const OWNER = [{ Key: 'owner', Value: 'alice@example.com' }];

interface Seeded {
  keys: Record<string, string[]>;
}

/** Plants the estate through the SDK: problems and clean identities side by side. */
const seed = async (endpoint: string): Promise<Seeded> => {
  const client = { endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS };
  const iam = new IAMClient(client);
  const sts = new STSClient(client);
  const keys: Record<string, string[]> = {};
  const user = async (
    name: string,
    opts: { tags?: { Key: string; Value: string }[]; keys?: number; usedKeys?: number; path?: string } = {},
  ) => {
    await iam.send(new CreateUserCommand({ UserName: name, Path: opts.path, Tags: opts.tags ?? OWNER }));
    keys[name] = [];
    for (let i = 0; i < (opts.keys ?? 0); i += 1) {
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
      keys[name].push(AccessKey!.AccessKeyId!);
      if (i < (opts.usedKeys ?? 0)) {
        // moto records last use of a key it issued when a request is signed with it.
        const asKey = new STSClient({
          ...client,
          credentials: { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! },
        });
        await asKey.send(new GetCallerIdentityCommand({}));
        asKey.destroy();
      }
    }
  };
  try {
    // Problems.
    await user('old-key-bot', { keys: 1, usedKeys: 1 });
    await user('unused-key-bot', { keys: 1 });
    await user('two-keys-bot', { keys: 2, usedKeys: 2 });
    await user('console-keys-user', { keys: 1, usedKeys: 1 });
    await iam.send(
      new CreateLoginProfileCommand({ UserName: 'console-keys-user', Password: 'Sup3r-Secret-Passw0rd!' }),
    );
    await user('console-only-person');
    await iam.send(
      new CreateLoginProfileCommand({ UserName: 'console-only-person', Password: 'Sup3r-Secret-Passw0rd!' }),
    );
    await user('admin-bot');
    await iam.send(
      new AttachUserPolicyCommand({
        UserName: 'admin-bot',
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    );
    await user('escalation-bot');
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'escalation-bot',
        PolicyName: 'launch-anything',
        PolicyDocument: doc({ Effect: 'Allow', Action: ['iam:PassRole', 'ec2:RunInstances'], Resource: '*' }),
      }),
    );
    // PassRole on every role of the account (not "*") with RunInstances: still an escalation.
    await user('pass-any-role-bot');
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'pass-any-role-bot',
        PolicyName: 'launch',
        PolicyDocument: doc(
          { Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::${ACCOUNT}:role/*` },
          { Effect: 'Allow', Action: ['ec2:RunInstances', 'ec2:Describe*'], Resource: '*' },
        ),
      }),
    );
    await user('no-owner-bot', { tags: [{ Key: 'team', Value: 'data' }] });
    await user('departed-owner-bot', { tags: [{ Key: 'owner', Value: 'dana@example.com' }] });
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'cross-account-role',
        Tags: OWNER,
        AssumeRolePolicyDocument: doc({
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::999999999999:root' },
          Action: 'sts:AssumeRole',
        }),
      }),
    );
    await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: 'https://token.actions.githubusercontent.com',
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
      }),
    );
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'github-oidc-role',
        Tags: OWNER,
        AssumeRolePolicyDocument: doc({
          Effect: 'Allow',
          Principal: {
            Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
          },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } },
        }),
      }),
    );
    await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'autoscaling.amazonaws.com' }));

    // Clean identities beside them: owned by an active person, least privilege, keys in use.
    const readOnly = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'read-reports', PolicyDocument: READ_ONE_BUCKET }),
    );
    await iam.send(new CreateGroupCommand({ GroupName: 'report-readers' }));
    await user('clean-bot', { keys: 1, usedKeys: 1 });
    await iam.send(
      new AttachGroupPolicyCommand({ GroupName: 'report-readers', PolicyArn: readOnly.Policy!.Arn! }),
    );
    await iam.send(new AddUserToGroupCommand({ GroupName: 'report-readers', UserName: 'clean-bot' }));
    // IAM names may hold "+=,.@-": moto's credential report writes the commas unquoted.
    await user(COMMA_BOT, { keys: 1, usedKeys: 1, path: '/division/team/' });
    await iam.send(
      new PutUserPolicyCommand({ UserName: COMMA_BOT, PolicyName: 'read', PolicyDocument: READ_ONE_BUCKET }),
    );
    await user('clean-idle-bot');
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'clean-idle-bot',
        PolicyName: 'read',
        PolicyDocument: READ_ONE_BUCKET,
      }),
    );
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'clean-role',
        Tags: OWNER,
        AssumeRolePolicyDocument: doc({
          Effect: 'Allow',
          Principal: { Service: 'ec2.amazonaws.com' },
          Action: 'sts:AssumeRole',
        }),
      }),
    );
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'clean-role', PolicyArn: readOnly.Policy!.Arn! }));
    // Use the clean role: moto records a role's last use when its session credentials sign a request.
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn('clean-role'), RoleSessionName: 'seed' }),
    );
    const asRole = new STSClient({
      ...client,
      credentials: {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken!,
      },
    });
    await asRole.send(new GetCallerIdentityCommand({}));
    asRole.destroy();
  } finally {
    iam.destroy();
    sts.destroy();
  }
  return { keys };
};

const policiesOf = (result: ScanResult, uid: string): string[] =>
  [...new Set(result.findings.filter((f) => f.identityUid === uid).map((f) => f.policyId))].sort();

const findingsOf = (result: ScanResult, uid: string, policyId: string): Finding[] =>
  result.findings.filter((f) => f.identityUid === uid && f.policyId === policyId);

describe.skipIf(!MOTO_PRESENT && !MOTO_REQUIRED)('AWS connector against moto_server', () => {
  let moto: Moto | undefined;
  let endpoint = '';
  let dir = '';
  let seeded: Seeded;
  const scan = async (
    days: number,
    name: string,
  ): Promise<{ exitCode: number; result: ScanResult; files: string[] }> =>
    scanCommand({
      config: join(dir, 'nhiscan.config.yaml'),
      out: join(dir, name),
      asOf: new Date(Date.now() + days * DAY).toISOString(),
      log: silentLogger,
      print: () => undefined,
    });
  let at200: Awaited<ReturnType<typeof scan>>;
  let at30: Awaited<ReturnType<typeof scan>>;

  beforeAll(async () => {
    moto = await startMoto({ MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' });
    endpoint = moto.endpoint;
    seeded = await seed(endpoint);

    dir = mkdtempSync(join(tmpdir(), 'nhiscan-moto-'));
    writeFileSync(
      join(dir, 'people.csv'),
      'email,name,status\nalice@example.com,Alice,ACTIVE\ndana@example.com,Dana,DEPROVISIONED\n',
    );
    writeFileSync(
      join(dir, 'nhiscan.config.yaml'),
      [
        'directory:',
        '  path: people.csv',
        'providers:',
        '  aws:',
        // moto 5.2.1 does not implement the service last accessed calls (their suite uses nock).
        '    serviceLastAccessed: { enabled: false }',
        '    targets:',
        '      - type: default',
        '',
      ].join('\n'),
    );
    // The scan path: the SDK's default chain and its own endpoint override, nothing nhiscan-specific.
    stubAwsEnv(endpoint, dir);
    at200 = await scan(200, 'out-200');
    at30 = await scan(30, 'out-30');
  }, 180_000);

  afterAll(() => {
    vi.unstubAllEnvs();
    moto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('covers the account completely, through AWS_ENDPOINT_URL, and writes the result', () => {
    const [coverage] = at200.result.coverage;
    expect(at200.result.coverage).toHaveLength(1);
    expect(coverage).toMatchObject({ target: 'aws:default', scope: ACCOUNT, status: 'complete', gaps: [] });
    expect(coverage?.principal).toMatch(/^arn:aws:(sts|iam)::123456789012:/);
    expect(coverage?.notes).toContain(
      '1 IAM user with console passwords and no active access keys skipped as people',
    );
    expect(coverage?.notes.some((n) => n.startsWith('IAM credential report generated at'))).toBe(true);
    expect(at200.result.run.complete).toBe(true);
    expect(at200.exitCode).toBe(EXIT.findings);
    expect(at200.files.every((f) => existsSync(f))).toBe(true);
  });

  it('inventories NHI users and roles, not the console-only person', () => {
    const uids = at200.result.identities.map((i) => i.uid);
    expect(uids.sort()).toEqual(
      [
        userArn('old-key-bot'),
        userArn('unused-key-bot'),
        userArn('two-keys-bot'),
        userArn('console-keys-user'),
        userArn('admin-bot'),
        userArn('escalation-bot'),
        userArn('pass-any-role-bot'),
        COMMA_BOT_ARN,
        userArn('no-owner-bot'),
        userArn('departed-owner-bot'),
        userArn('clean-bot'),
        userArn('clean-idle-bot'),
        roleArn('cross-account-role'),
        roleArn('github-oidc-role'),
        roleArn('clean-role'),
        SLR,
      ].sort(),
    );
    const byUid = new Map<string, Identity>(at200.result.identities.map((i) => [i.uid, i]));
    // Report slots matched to the ids moto issued; last use from the report (moto: region/service not_supported).
    const two = byUid.get(userArn('two-keys-bot'))!;
    expect(two.credentials.map((c) => c.uid)).toEqual(seeded.keys['two-keys-bot']);
    expect(
      two.credentials.every(
        (c) => typeof c.lastUsedAt === 'string' && c.lastUsedDetail?.source === 'credential-report',
      ),
    ).toBe(true);
    expect(byUid.get(userArn('unused-key-bot'))!.credentials).toMatchObject([
      { uid: seeded.keys['unused-key-bot']![0], lastUsedAt: null },
    ]);
    // The report row of a name with commas is read, not misaligned: its key is matched to its slot.
    expect(byUid.get(COMMA_BOT_ARN)!.credentials).toMatchObject([
      {
        uid: seeded.keys[COMMA_BOT]![0],
        lastUsedAt: expect.any(String),
        lastUsedDetail: { source: 'credential-report' },
        attributes: { slot: 1 },
      },
    ]);
    expect(byUid.get(COMMA_BOT_ARN)!.location.resource).toBe('/division/team/');
    expect(byUid.get(userArn('console-keys-user'))!.attributes.consolePassword).toBe(true);
    expect(byUid.get(userArn('admin-bot'))!.privilege.level).toBe('admin');
    expect(byUid.get(userArn('clean-bot'))!.privilege).toMatchObject({
      level: 'read',
      attached: [`arn:aws:iam::${ACCOUNT}:policy/read-reports`],
    });
    expect(byUid.get(userArn('clean-bot'))!.privilege.grants.map((g) => g.source)).toEqual([
      `group-managed:report-readers/arn:aws:iam::${ACCOUNT}:policy/read-reports#0`,
    ]);
    expect(byUid.get(roleArn('clean-role'))!.lastUsedAt).toEqual(expect.any(String));
    expect(byUid.get(roleArn('cross-account-role'))!.lastUsedAt).toBeNull();
    expect(byUid.get(roleArn('github-oidc-role'))!.trust).toMatchObject([
      {
        principalType: 'federated',
        principal: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
      },
    ]);
    expect(byUid.get(SLR)).toMatchObject({ managedBy: 'provider', attributes: { serviceLinked: true } });
  });

  it('finds every planted problem 200 days on, and nothing on identities with nothing time-bound', () => {
    const r = at200.result;
    expect(policiesOf(r, userArn('old-key-bot'))).toEqual(['rotation-age', 'staleness']);
    expect(policiesOf(r, userArn('unused-key-bot'))).toEqual(['rotation-age', 'staleness']);
    expect(findingsOf(r, userArn('unused-key-bot'), 'staleness')[0]?.evidence).toMatchObject({
      lastUsedAt: null,
    });
    expect(policiesOf(r, userArn('two-keys-bot'))).toEqual([
      'multiple-active-keys',
      'rotation-age',
      'staleness',
    ]);
    expect(
      findingsOf(r, userArn('two-keys-bot'), 'rotation-age')
        .map((f) => f.credentialUid)
        .sort(),
    ).toEqual([...seeded.keys['two-keys-bot']!].sort());
    expect(policiesOf(r, userArn('console-keys-user'))).toEqual(['human-use', 'rotation-age', 'staleness']);
    // AdministratorAccess attached to the user itself: also CIS AWS 1.15 (aws-user-attached-policies).
    expect(policiesOf(r, userArn('admin-bot'))).toEqual(['aws-user-attached-policies', 'excess-privilege']);
    expect(policiesOf(r, userArn('escalation-bot'))).toEqual(['excess-privilege']);
    expect(policiesOf(r, userArn('pass-any-role-bot'))).toEqual(['excess-privilege']);
    expect(findingsOf(r, userArn('pass-any-role-bot'), 'excess-privilege')[0]?.evidence).toMatchObject({
      setIds: ['CreateEC2WithExistingIP'],
    });
    expect(policiesOf(r, userArn('no-owner-bot'))).toEqual(['ownership']);
    expect(policiesOf(r, userArn('departed-owner-bot'))).toEqual(['ownership']);
    expect(findingsOf(r, userArn('departed-owner-bot'), 'ownership')[0]?.evidence).toMatchObject({
      owner: 'dana@example.com',
      directoryStatus: 'DEPROVISIONED',
    });
    expect(policiesOf(r, roleArn('cross-account-role'))).toEqual(['external-trust', 'staleness']);
    expect(policiesOf(r, roleArn('github-oidc-role'))).toEqual(['external-trust', 'staleness']);
    // Every key and role is 200 days old here, clean ones included.
    expect(policiesOf(r, userArn('clean-bot'))).toEqual(['rotation-age', 'staleness']);
    expect(policiesOf(r, COMMA_BOT_ARN)).toEqual(['rotation-age', 'staleness']);
    expect(policiesOf(r, roleArn('clean-role'))).toEqual(['staleness']);
    // Nothing time-bound to judge: clean even now.
    expect(policiesOf(r, userArn('clean-idle-bot'))).toEqual([]);
    expect(policiesOf(r, SLR)).toEqual([]);
  });

  it('30 days on: clean identities get no finding; age-independent problems still fire', () => {
    const r = at30.result;
    for (const clean of [
      userArn('clean-bot'),
      COMMA_BOT_ARN,
      userArn('clean-idle-bot'),
      roleArn('clean-role'),
      SLR,
      userArn('old-key-bot'),
    ]) {
      expect({ clean, policies: policiesOf(r, clean) }).toEqual({ clean, policies: [] });
    }
    // Never used past the 7-day grace, while the used keys of the same age are fine.
    expect(policiesOf(r, userArn('unused-key-bot'))).toEqual(['staleness']);
    expect(policiesOf(r, userArn('two-keys-bot'))).toEqual(['multiple-active-keys']);
    expect(policiesOf(r, userArn('console-keys-user'))).toEqual(['human-use']);
    // AdministratorAccess attached to the user itself: also CIS AWS 1.15 (aws-user-attached-policies).
    expect(policiesOf(r, userArn('admin-bot'))).toEqual(['aws-user-attached-policies', 'excess-privilege']);
    expect(policiesOf(r, userArn('escalation-bot'))).toEqual(['excess-privilege']);
    expect(policiesOf(r, userArn('pass-any-role-bot'))).toEqual(['excess-privilege']);
    expect(policiesOf(r, userArn('no-owner-bot'))).toEqual(['ownership']);
    expect(policiesOf(r, userArn('departed-owner-bot'))).toEqual(['ownership']);
    expect(policiesOf(r, roleArn('cross-account-role'))).toEqual(['external-trust']);
    expect(policiesOf(r, roleArn('github-oidc-role'))).toEqual(['external-trust']);
  });
});
