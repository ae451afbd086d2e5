// The demo server on its own: route dispatch, the AWS route's file layout (per account, per
// resource, paginated, errors), account selection by access key, and loopback-only listening.
// AWS calls go through the real SDK clients, as in a scan.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  GetAccountAuthorizationDetailsCommand,
  GetCredentialReportCommand,
  IAMClient,
  ListSSHPublicKeysCommand,
  ListUsersCommand,
  paginateGetAccountAuthorizationDetails,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsRoute, parseSigV4 } from '../../connectors/aws/demo.js';
import { type DemoServer, isLoopback, startDemoServer } from '../../src/demo/server.js';

const IAM = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const KEY = 'test-key-account-a';

const ok = (action: string, ns: string, result: string): string =>
  `<${action}Response xmlns="${ns}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></${action}Response>`;
const caller = (account: string, arn: string): string =>
  ok('GetCallerIdentity', STS, `<Arn>${arn}</Arn><UserId>AIDATEST</UserId><Account>${account}</Account>`);
const gaadPage = (user: string, marker?: string): string =>
  ok(
    'GetAccountAuthorizationDetails',
    IAM,
    `<UserDetailList><member><Path>/</Path><UserName>${user}</UserName><UserId>AIDA${user}</UserId><Arn>arn:aws:iam::100000000001:user/${user}</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate></member></UserDetailList>` +
      `<IsTruncated>${marker ? 'true' : 'false'}</IsTruncated>${marker ? `<Marker>${marker}</Marker>` : ''}`,
  );
const sshKeys = (user: string, ids: string[]): string =>
  ok(
    'ListSSHPublicKeys',
    IAM,
    `<SSHPublicKeys>${ids.map((id) => `<member><UserName>${user}</UserName><SSHPublicKeyId>${id}</SSHPublicKeyId><Status>Active</Status><UploadDate>2026-01-01T00:00:00Z</UploadDate></member>`).join('')}</SSHPublicKeys><IsTruncated>false</IsTruncated>`,
  );
const denied = `<ErrorResponse xmlns="${IAM}"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: x is not authorized to perform: iam:GetCredentialReport</Message></Error><RequestId>1</RequestId></ErrorResponse>`;
// Markers are opaque base64 from AWS: "+", "/" and "=" must survive form encoding both ways.
const MARKER_1 = 'AAEA+page/2==';
const MARKER_2 = 'AAEA+page/3==';
const CSV =
  'user,arn,user_creation_time,password_enabled\n<root_account>,arn:aws:iam::100000000001:root,2020-01-01T00:00:00+00:00,not_supported';

let dir: string;
let server: DemoServer;
const files: Record<string, string> = {
  '100000000001/GetCallerIdentity.xml': caller('100000000001', 'arn:aws:iam::100000000001:user/scanner'),
  '100000000001/GetAccountAuthorizationDetails.1.xml': gaadPage('u1', MARKER_1),
  '100000000001/GetAccountAuthorizationDetails.2.xml': gaadPage('u2', MARKER_2),
  '100000000001/GetAccountAuthorizationDetails.3.xml': gaadPage('u3'),
  '100000000001/ListSSHPublicKeys.xml': sshKeys('anyone', []),
  '100000000001/ListSSHPublicKeys/git-bot.xml': sshKeys('git-bot', ['APKATEST0001']),
  '100000000001/credential-report.csv': CSV + '\n',
  '100000000002/GetCallerIdentity.xml': caller(
    '100000000002',
    'arn:aws:sts::100000000002:assumed-role/Reader/s',
  ),
  '100000000002/GetCredentialReport.xml': denied,
  '100000000002/AssumeRole.xml': ok(
    'AssumeRole',
    STS,
    '<AssumedRoleUser><AssumedRoleId>AROATEST:s</AssumedRoleId><Arn>arn:aws:sts::100000000002:assumed-role/Reader/s</Arn></AssumedRoleUser>' +
      '<Credentials><AccessKeyId>ASIATESTACCOUNTB</AccessKeyId><SecretAccessKey>test-secret</SecretAccessKey><SessionToken>test-token</SessionToken><Expiration>2001-01-01T00:00:00Z</Expiration></Credentials>',
  ),
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nhiscan-demo-server-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  server = await startDemoServer({
    aws: awsRoute({
      dir,
      accessKeys: { [KEY]: '100000000001' },
      reportGeneratedAt: new Date('2026-11-01T00:00:00Z'),
    }),
    echo: { handle: (req) => ({ status: 200, body: `${req.method} ${req.path} ${req.body}` }) },
  });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const clientConfig = (accessKeyId = KEY) => ({
  endpoint: `${server.url}/aws`,
  region: 'us-east-1',
  credentials: { accessKeyId, secretAccessKey: 'test-secret' },
  maxAttempts: 1,
});
const sdkError = async (
  promise: Promise<unknown>,
): Promise<{ name: string; status: number | undefined; fault: unknown }> => {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; $metadata?: { httpStatusCode?: number }; $fault?: unknown };
    return { name: e.name, status: e.$metadata?.httpStatusCode, fault: e.$fault };
  }
  throw new Error('expected the call to fail');
};

describe('routes', () => {
  it('hands a request to the route named by its first path segment, with the rest of the path', async () => {
    const res = await fetch(`${server.url}/echo/a/b?x=1`, { method: 'POST', body: 'hello' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('POST /a/b hello');
    expect(server.requests.at(-1)).toMatchObject({ route: 'echo', path: '/echo/a/b', status: 200 });
  });

  it('answers 404 for a path no route owns', async () => {
    const res = await fetch(`${server.url}/github/repos`);
    expect(res.status).toBe(404);
  });

  it('refuses a Host header naming another site (DNS rebinding)', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port: server.port }, () => {
        socket.end('GET /echo/ HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n');
      });
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => {
        resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1]));
      });
      socket.on('error', reject);
    });
    expect(res).toBe(403);
  });
});

describe('loopback only', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.5', false],
    ['192.168.1.20', false],
    ['::ffff:192.168.1.20', false],
    ['fe80::1', false],
    [undefined, false],
  ])('isLoopback(%s) is %s', (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });

  it('listens on 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  it.skipIf(external === undefined)(
    `refuses connections to this machine's other addresses (${external ?? 'none here'})`,
    async () => {
      const outcome = await new Promise<string>((resolve) => {
        const socket = createConnection({ host: external, port: server.port });
        socket.on('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.on('error', (err: NodeJS.ErrnoException) => {
          resolve(err.code ?? 'error');
        });
      });
      expect(outcome).toBe('ECONNREFUSED');
    },
  );
});

describe('aws route', () => {
  it('reads the access key id and the service from a SigV4 Authorization header', () => {
    expect(
      parseSigV4(
        'AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
      ),
    ).toEqual({ accessKeyId: 'ASIAEXAMPLE', service: 'sts' });
    expect(parseSigV4('Bearer token')).toBeUndefined();
  });

  it('serves the account of the access key, and the account an assumed role lives in', async () => {
    const sts = new STSClient(clientConfig());
    expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({ Account: '100000000001' });
    const assumed = await sts.send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::100000000002:role/Reader', RoleSessionName: 's' }),
    );
    const creds = assumed.Credentials!;
    expect(creds.AccessKeyId).toBe('ASIATESTACCOUNTB');
    // A fresh expiry, whatever the file says, so the SDK does not think the credentials stale.
    expect(creds.Expiration!.getTime()).toBeGreaterThan(Date.now());
    const asB = new STSClient({
      ...clientConfig(),
      credentials: {
        accessKeyId: creds.AccessKeyId!,
        secretAccessKey: creds.SecretAccessKey!,
        sessionToken: creds.SessionToken!,
      },
    });
    expect(await asB.send(new GetCallerIdentityCommand({}))).toMatchObject({
      Account: '100000000002',
      Arn: 'arn:aws:sts::100000000002:assumed-role/Reader/s',
    });
    sts.destroy();
    asB.destroy();
  });

  it.each([
    ['a role in an account the estate does not have', 'arn:aws:iam::999999999999:role/Reader'],
    ['a role name the account does not have', 'arn:aws:iam::100000000002:role/Admin'],
  ])('denies AssumeRole into %s', async (_, roleArn) => {
    const sts = new STSClient(clientConfig());
    expect(
      await sdkError(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 's' }))),
    ).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });
    sts.destroy();
  });

  it('rejects an unknown access key as AWS does, and an unsigned request', async () => {
    const sts = new STSClient(clientConfig('somebody-elses-key'));
    expect(await sdkError(sts.send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'InvalidClientTokenId',
      status: 403,
    });
    sts.destroy();
    const res = await fetch(`${server.url}/aws/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });

  it('pages GetAccountAuthorizationDetails by the Marker each page carries', async () => {
    const iam = new IAMClient(clientConfig());
    const users: string[] = [];
    for await (const page of paginateGetAccountAuthorizationDetails({ client: iam }, {})) {
      users.push(...(page.UserDetailList ?? []).map((u) => u.UserName ?? ''));
    }
    expect(users).toEqual(['u1', 'u2', 'u3']);
    const pages = server.requests.filter((r) => r.summary?.includes('GetAccountAuthorizationDetails'));
    expect(pages.map((r) => r.summary)).toEqual([
      '100000000001 GetAccountAuthorizationDetails 1',
      '100000000001 GetAccountAuthorizationDetails 2',
      '100000000001 GetAccountAuthorizationDetails 3',
    ]);
    expect(
      await sdkError(iam.send(new GetAccountAuthorizationDetailsCommand({ Marker: 'not-a-marker' }))),
    ).toMatchObject({
      name: 'InvalidInputException', // the SDK's modelled name for IAM's InvalidInput
      status: 400,
    });
    iam.destroy();
  });

  it('serves a per-user file, else the action-wide file', async () => {
    const iam = new IAMClient(clientConfig());
    const mine = await iam.send(new ListSSHPublicKeysCommand({ UserName: 'git-bot' }));
    expect(mine.SSHPublicKeys?.map((k) => k.SSHPublicKeyId)).toEqual(['APKATEST0001']);
    const others = await iam.send(new ListSSHPublicKeysCommand({ UserName: 'someone-else' }));
    expect(others.SSHPublicKeys ?? []).toEqual([]);
    iam.destroy();
  });

  it('refuses names outside IAM’s character set before touching the file system', async () => {
    const iam = new IAMClient(clientConfig());
    expect(
      await sdkError(iam.send(new ListSSHPublicKeysCommand({ UserName: '../100000000002/x' }))),
    ).toMatchObject({
      name: 'ValidationError',
      status: 400,
    });
    iam.destroy();
  });

  it('builds GetCredentialReport from credential-report.csv, base64 as AWS sends it', async () => {
    const iam = new IAMClient(clientConfig());
    const report = await iam.send(new GetCredentialReportCommand({}));
    expect(Buffer.from(report.Content!).toString('utf8')).toBe(CSV);
    expect(report.ReportFormat).toBe('text/csv');
    expect(report.GeneratedTime?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    iam.destroy();
  });

  it('answers an error file with the status AWS uses for its code', async () => {
    const sts = new STSClient(clientConfig());
    const creds = (
      await sts.send(
        new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::100000000002:role/Reader', RoleSessionName: 's' }),
      )
    ).Credentials!;
    const iam = new IAMClient({
      ...clientConfig(),
      credentials: {
        accessKeyId: creds.AccessKeyId!,
        secretAccessKey: creds.SecretAccessKey!,
        sessionToken: creds.SessionToken!,
      },
    });
    expect(await sdkError(iam.send(new GetCredentialReportCommand({})))).toMatchObject({
      name: 'AccessDenied',
      status: 403,
      fault: 'client',
    });
    sts.destroy();
    iam.destroy();
  });

  it('answers an action without a file with a real-shaped InvalidAction error', async () => {
    const iam = new IAMClient(clientConfig());
    expect(await sdkError(iam.send(new ListUsersCommand({})))).toMatchObject({
      name: 'InvalidAction',
      status: 400,
      fault: 'client',
    });
    iam.destroy();
    const res = await fetch(`${server.url}/aws/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=${KEY}/20261101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: 'Action=DeleteUser&Version=2010-05-08&UserName=u1',
    });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toMatch(
      /^<ErrorResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/">\s*<Error>\s*<Type>Sender<\/Type>\s*<Code>InvalidAction<\/Code>\s*<Message>Could not find operation DeleteUser for version 2010-05-08<\/Message>\s*<\/Error>\s*<RequestId>[0-9a-f-]{36}<\/RequestId>\s*<\/ErrorResponse>/,
    );
    expect(res.headers.get('content-type')).toBe('text/xml');
  });
});
