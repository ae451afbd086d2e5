// The benchmark's AWS: IAM and STS (awsQuery: form POSTs, XML answers) and Organizations
// (awsJson1_1: X-Amz-Target + JSON), shaped as the demo's AWS route answers (connectors/aws/demo.ts),
// but generated from a size instead of read from files. Every page is computed from its offset
// (the Marker / NextToken is the offset), so page N costs the same as page 1, and the page size is
// the one the client asked for (MaxItems / MaxResults), capped where AWS caps it.
import { randomUUID } from 'node:crypto';
import { awsError, parseSigV4 } from '../../connectors/aws/demo.js';
import type { DemoRequest, DemoResponse, DemoRoute } from '../../src/demo/server.js';

export interface AwsAccountSpec {
  users: number;
  roles: number;
}

export interface AwsEstateSpec {
  /** Accounts in id order; the first is the one the starting credentials reach (management account). */
  accounts: AwsAccountSpec[];
  /** Accounts listed by Organizations: all of them, under a root with `ous` OUs. Absent: no organisation. */
  organization?: {
    ous: number;
    /** Indexes of member accounts whose role refuses AssumeRole (each must fail as its own target). */
    unassumable: number[];
    /** Indexes of member accounts that are SUSPENDED (must be skipped with a note). */
    suspended: number[];
  };
  /**
   * Every Nth request of an account is refused as throttled (absent: never): IAM/STS answer
   * Throttling, Organizations TooManyRequestsException (its own code, HTTP 400), as AWS does.
   */
  throttleEvery?: number;
}

/** The key the starting credentials carry (connectors/aws/demo.ts DEMO_CREDENTIALS): not a key. */
export const SOURCE_KEY = 'nhiscan-demo-key';
export const ROLE_NAME = 'NhiscanBench';
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ORG_ID = 'o-bench0001';
const ROOT_ID = 'r-ben1';
const DAY = 86_400_000;

export const accountId = (k: number): string => String(100_000_000_000 + k * 1_111).padStart(12, '0');
const ouId = (j: number): string => `ou-ben1-${String(j).padStart(8, '0')}`;
const userName = (i: number): string => `svc-${String(i).padStart(6, '0')}`;
const roleName = (i: number): string => `role-${String(i).padStart(6, '0')}`;

/** Synthetic user i has an access key unless i % 10 == 9 (no ListAccessKeys is needed for it). */
export const userHasKey = (i: number): boolean => i % 10 !== 9;
/** Synthetic user i may use CodeCommit when i % 100 == 7 (its SSH keys are worth a call). */
export const userUsesCodeCommit = (i: number): boolean => i % 100 === 7;

/**
 * The fewest calls an account scan can make (issue 14): caller identity, GAAD pages at AWS's
 * largest page (1,000), the credential report (generate + get), ListAccessKeys per user the report
 * shows with a key, ListSSHPublicKeys per user that may use CodeCommit.
 */
export const awsAccountMinimum = (a: AwsAccountSpec): number => {
  let keyed = 0;
  let codecommit = 0;
  for (let i = 0; i < a.users; i++) {
    if (userHasKey(i)) keyed++;
    if (userUsesCodeCommit(i)) codecommit++;
  }
  return 1 + Math.max(1, Math.ceil((a.users + a.roles) / 1000)) + 2 + keyed + codecommit;
};

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const doc = (statements: unknown[]): string =>
  encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
const meta = (): string => `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>`;
const xml = (body: string, summary: string): DemoResponse => ({
  status: 200,
  headers: { 'content-type': 'text/xml' },
  body,
  summary,
});
const json = (body: unknown, summary: string): DemoResponse => ({
  status: 200,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: JSON.stringify(body),
  summary,
});
const jsonError = (status: number, type: string, message: string, summary: string): DemoResponse => ({
  status,
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type },
  body: JSON.stringify({ __type: type, Message: message }),
  summary: `${summary} → ${type}`,
});

/** Offset-encoded pagination token (AWS's are opaque; the client only sends them back). */
const offsetOf = (token: string | null | undefined): number => {
  const m = /^o(\d+)$/.exec(token ?? '');
  return m ? Number(m[1]) : 0;
};
const pageSize = (asked: string | number | null | undefined, fallback: number, max: number): number => {
  const n = Number(asked);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback;
};

export const awsRoute = (spec: AwsEstateSpec, now: number = Date.now()): DemoRoute => {
  // Dates to the second (the connector pairs report slots and keys by creation second).
  const base = Math.floor(now / 1000) * 1000;
  const ids = spec.accounts.map((_, k) => accountId(k));
  const indexOf = new Map(ids.map((id, k) => [id, k]));
  const keys = new Map<string, number>([[SOURCE_KEY, 0]]);
  const reports = new Map<number, string>();
  const counts = new Map<number, number>();
  const org = spec.organization;

  const userXml = (account: string, i: number): string => {
    const name = userName(i);
    const statements = userUsesCodeCommit(i)
      ? [
          {
            Effect: 'Allow',
            Action: ['codecommit:GitPull'],
            Resource: `arn:aws:codecommit:us-east-1:${account}:repo-${i}`,
          },
        ]
      : i % 50 === 0
        ? [{ Effect: 'Allow', Action: ['iam:PassRole', 'ec2:RunInstances'], Resource: '*' }]
        : [
            {
              Effect: 'Allow',
              Action: ['s3:GetObject', 's3:PutObject'],
              Resource: `arn:aws:s3:::bucket-${i}/*`,
            },
          ];
    const tags =
      i % 3 === 0 ? '' : `<member><Key>owner</Key><Value>team-${i % 20}@acme.example</Value></member>`;
    return `<member><Path>/</Path><UserName>${name}</UserName><UserId>AIDABENCH${account}${i}</UserId><Arn>arn:aws:iam::${account}:user/${name}</Arn><CreateDate>${iso(base - (30 + (i % 700)) * DAY)}</CreateDate><UserPolicyList><member><PolicyName>p</PolicyName><PolicyDocument>${doc(statements)}</PolicyDocument></member></UserPolicyList><GroupList/><AttachedManagedPolicies/><Tags>${tags}</Tags></member>`;
  };
  const roleXml = (account: string, i: number): string => {
    const name = roleName(i);
    const trusted =
      i % 25 === 0
        ? '999999999999'
        : i % 25 === 1 && ids.length > 1
          ? ids[(i % (ids.length - 1)) + 1]
          : undefined;
    const trust = doc([
      trusted
        ? { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${trusted}:root` }, Action: 'sts:AssumeRole' }
        : { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    const lastUsed =
      i % 4 === 0
        ? ''
        : `<LastUsedDate>${iso(base - (i % 300) * DAY)}</LastUsedDate><Region>us-east-1</Region>`;
    return `<member><Path>/</Path><RoleName>${name}</RoleName><RoleId>AROABENCH${account}${i}</RoleId><Arn>arn:aws:iam::${account}:role/${name}</Arn><CreateDate>${iso(base - (100 + (i % 500)) * DAY)}</CreateDate><AssumeRolePolicyDocument>${trust}</AssumeRolePolicyDocument><InstanceProfileList/><RolePolicyList><member><PolicyName>r</PolicyName><PolicyDocument>${doc([{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*' }])}</PolicyDocument></member></RolePolicyList><AttachedManagedPolicies/><Tags><member><Key>owner</Key><Value>team@acme.example</Value></member></Tags><RoleLastUsed>${lastUsed}</RoleLastUsed></member>`;
  };
  const keyId = (k: number, i: number): string =>
    `AKIAFAKE${String(k).padStart(3, '0')}${String(i).padStart(9, '0')}`;
  const rotated = (i: number): number => base - (10 + (i % 400)) * DAY;

  const credentialReport = (k: number): string => {
    const cached = reports.get(k);
    if (cached) return cached;
    const account = ids[k] ?? '';
    const rows = [
      'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
      `<root_account>,arn:aws:iam::${account}:root,${iso(base - 900 * DAY)},not_supported,${iso(base - 40 * DAY)},not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
    ];
    for (let i = 0; i < (spec.accounts[k]?.users ?? 0); i++) {
      const name = userName(i);
      const used = i % 5 === 0 ? 'N/A' : iso(base - (i % 200) * DAY);
      const key = userHasKey(i)
        ? `true,${iso(rotated(i))},${used},${used === 'N/A' ? 'N/A' : 'us-east-1'},${used === 'N/A' ? 'N/A' : 's3'}`
        : 'false,N/A,N/A,N/A,N/A';
      rows.push(
        `${name},arn:aws:iam::${account}:user/${name},${iso(base - (30 + (i % 700)) * DAY)},false,N/A,N/A,N/A,false,${key},false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
      );
    }
    const content = Buffer.from(rows.join('\n'), 'utf8').toString('base64');
    reports.set(k, content);
    return content;
  };

  // Every Nth request to an account is throttled: deterministic, whatever the machine's speed.
  const throttled = (k: number): boolean => {
    if (!spec.throttleEvery) return false;
    const n = (counts.get(k) ?? 0) + 1;
    counts.set(k, n);
    return n % spec.throttleEvery === 0;
  };

  const gaad = (k: number, params: URLSearchParams, summary: string): DemoResponse => {
    const a = spec.accounts[k] ?? { users: 0, roles: 0 };
    const account = ids[k] ?? '';
    // AWS: MaxItems 1-1000, default 100.
    const size = pageSize(params.get('MaxItems'), 100, 1000);
    const from = offsetOf(params.get('Marker'));
    const to = Math.min(a.users + a.roles, from + size);
    let users = '';
    let roles = '';
    for (let n = from; n < to; n++) {
      if (n < a.users) users += userXml(account, n);
      else roles += roleXml(account, n - a.users);
    }
    const more = to < a.users + a.roles;
    return xml(
      `<GetAccountAuthorizationDetailsResponse xmlns="${IAM_NS}"><GetAccountAuthorizationDetailsResult><UserDetailList>${users}</UserDetailList><GroupDetailList/><RoleDetailList>${roles}</RoleDetailList><Policies/><IsTruncated>${more}</IsTruncated>${more ? `<Marker>o${to}</Marker>` : ''}</GetAccountAuthorizationDetailsResult>${meta()}</GetAccountAuthorizationDetailsResponse>`,
      `${summary} ${from}+${size}`,
    );
  };

  const query = (k: number, params: URLSearchParams, service: string, summary: string): DemoResponse => {
    const account = ids[k] ?? '';
    const action = params.get('Action') ?? '';
    const user = params.get('UserName') ?? '';
    const i = /^svc-(\d{6})$/.test(user) ? Number(user.slice(4)) : -1;
    const known = i >= 0 && i < (spec.accounts[k]?.users ?? 0);
    const noSuchUser = (): DemoResponse =>
      awsError(404, 'NoSuchEntity', `The user with name ${user} cannot be found.`, service, summary);
    switch (action) {
      case 'GetCallerIdentity': {
        const arn =
          k === 0
            ? `arn:aws:iam::${account}:user/bench`
            : `arn:aws:sts::${account}:assumed-role/${ROLE_NAME}/nhiscan`;
        return xml(
          `<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult><Arn>${arn}</Arn><UserId>AIDABENCH${account}</UserId><Account>${account}</Account></GetCallerIdentityResult>${meta()}</GetCallerIdentityResponse>`,
          summary,
        );
      }
      case 'AssumeRole':
        return assumeRole(k, params, summary);
      case 'GetAccountAuthorizationDetails':
        return gaad(k, params, summary);
      case 'GenerateCredentialReport':
        return xml(
          `<GenerateCredentialReportResponse xmlns="${IAM_NS}"><GenerateCredentialReportResult><State>COMPLETE</State><Description>No report exists. Starting a new report generation task</Description></GenerateCredentialReportResult>${meta()}</GenerateCredentialReportResponse>`,
          summary,
        );
      case 'GetCredentialReport':
        return xml(
          `<GetCredentialReportResponse xmlns="${IAM_NS}"><GetCredentialReportResult><Content>${credentialReport(k)}</Content><GeneratedTime>${iso(Date.now())}</GeneratedTime><ReportFormat>text/csv</ReportFormat></GetCredentialReportResult>${meta()}</GetCredentialReportResponse>`,
          summary,
        );
      case 'ListAccessKeys': {
        if (!known) return noSuchUser();
        const member = userHasKey(i)
          ? `<member><UserName>${user}</UserName><AccessKeyId>${keyId(k, i)}</AccessKeyId><Status>Active</Status><CreateDate>${iso(rotated(i))}</CreateDate></member>`
          : '';
        return xml(
          `<ListAccessKeysResponse xmlns="${IAM_NS}"><ListAccessKeysResult><AccessKeyMetadata>${member}</AccessKeyMetadata><IsTruncated>false</IsTruncated></ListAccessKeysResult>${meta()}</ListAccessKeysResponse>`,
          `${summary} UserName=${user}`,
        );
      }
      case 'ListSSHPublicKeys':
        if (!known) return noSuchUser();
        return xml(
          `<ListSSHPublicKeysResponse xmlns="${IAM_NS}"><ListSSHPublicKeysResult><SSHPublicKeys/><IsTruncated>false</IsTruncated></ListSSHPublicKeysResult>${meta()}</ListSSHPublicKeysResponse>`,
          `${summary} UserName=${user}`,
        );
      case 'ListSigningCertificates':
        if (!known) return noSuchUser();
        return xml(
          `<ListSigningCertificatesResponse xmlns="${IAM_NS}"><ListSigningCertificatesResult><Certificates/><IsTruncated>false</IsTruncated></ListSigningCertificatesResult>${meta()}</ListSigningCertificatesResponse>`,
          `${summary} UserName=${user}`,
        );
      default:
        return awsError(
          400,
          'InvalidAction',
          `Could not find operation ${action} for version ${params.get('Version') ?? ''}`,
          service,
          summary,
        );
    }
  };

  const assumeRole = (caller: number, params: URLSearchParams, summary: string): DemoResponse => {
    const roleArn = params.get('RoleArn') ?? '';
    const m = /^arn:aws:iam::(\d{12}):role\/([\w+=,.@-]+)$/.exec(roleArn);
    const k = m ? indexOf.get(m[1] ?? '') : undefined;
    if (!m || k === undefined || m[2] !== ROLE_NAME || org?.unassumable.includes(k)) {
      return awsError(
        403,
        'AccessDenied',
        `User: arn:aws:iam::${ids[caller] ?? ''}:user/bench is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        'sts',
        `${summary} ${roleArn}`,
      );
    }
    const key = `ASIAFAKE${String(k).padStart(3, '0')}${String(keys.size).padStart(9, '0')}`;
    keys.set(key, k);
    const account = ids[k] ?? '';
    return xml(
      `<AssumeRoleResponse xmlns="${STS_NS}"><AssumeRoleResult><AssumedRoleUser><AssumedRoleId>AROABENCH${account}:${params.get('RoleSessionName') ?? ''}</AssumedRoleId><Arn>arn:aws:sts::${account}:assumed-role/${ROLE_NAME}/${params.get('RoleSessionName') ?? ''}</Arn></AssumedRoleUser><Credentials><AccessKeyId>${key}</AccessKeyId><SecretAccessKey>bench-secret-not-a-key</SecretAccessKey><SessionToken>bench-session-not-a-token</SessionToken><Expiration>${iso(Date.now() + 3_600_000)}</Expiration></Credentials><PackedPolicySize>0</PackedPolicySize></AssumeRoleResult>${meta()}</AssumeRoleResponse>`,
      `${summary} ${roleArn}`,
    );
  };

  /** Organizations: accounts 0..n-1, the management account (0) under the root, members spread over the OUs. */
  const organizations = (op: string, body: Record<string, unknown>, summary: string): DemoResponse => {
    if (!org) {
      return jsonError(
        400,
        'AWSOrganizationsNotInUseException',
        'Your account is not a member of an organization.',
        summary,
      );
    }
    const parentOf = (k: number): string => (k === 0 || org.ous === 0 ? ROOT_ID : ouId(k % org.ous));
    const pageOf = <T>(items: T[], max: number): { items: T[]; next?: string } => {
      const size = pageSize(body.MaxResults as number | undefined, max, max);
      const from = offsetOf(body.NextToken as string | undefined);
      const to = Math.min(items.length, from + size);
      return { items: items.slice(from, to), ...(to < items.length ? { next: `o${to}` } : {}) };
    };
    const management = ids[0] ?? '';
    const account = (k: number): Record<string, unknown> => ({
      Id: ids[k],
      Arn: `arn:aws:organizations::${management}:account/${ORG_ID}/${ids[k] ?? ''}`,
      Email: `aws+${ids[k] ?? ''}@acme.example`,
      Name: `bench-${k}`,
      Status: org.suspended.includes(k) ? 'SUSPENDED' : 'ACTIVE',
      State: org.suspended.includes(k) ? 'SUSPENDED' : 'ACTIVE',
      JoinedMethod: k === 0 ? 'INVITED' : 'CREATED',
      JoinedTimestamp: Math.floor((base - 400 * DAY) / 1000),
    });
    switch (op) {
      case 'DescribeOrganization':
        return json(
          {
            Organization: {
              Id: ORG_ID,
              Arn: `arn:aws:organizations::${management}:organization/${ORG_ID}`,
              FeatureSet: 'ALL',
              MasterAccountArn: `arn:aws:organizations::${management}:account/${ORG_ID}/${management}`,
              MasterAccountId: management,
              MasterAccountEmail: `aws+${management}@acme.example`,
              AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
            },
          },
          summary,
        );
      case 'ListRoots':
        return json(
          {
            Roots: [
              {
                Id: ROOT_ID,
                Arn: `arn:aws:organizations::${management}:root/${ORG_ID}/${ROOT_ID}`,
                Name: 'Root',
                PolicyTypes: [],
              },
            ],
          },
          summary,
        );
      case 'ListAccountsForParent': {
        const parent = String(body.ParentId);
        const page = pageOf(
          ids.map((_, k) => k).filter((k) => parentOf(k) === parent),
          20,
        );
        return json(
          { Accounts: page.items.map(account), ...(page.next ? { NextToken: page.next } : {}) },
          `${summary} ${parent}`,
        );
      }
      case 'ListOrganizationalUnitsForParent': {
        const parent = String(body.ParentId);
        const ous = parent === ROOT_ID ? Array.from({ length: org.ous }, (_, j) => j) : [];
        const page = pageOf(ous, 20);
        return json(
          {
            OrganizationalUnits: page.items.map((j) => ({
              Id: ouId(j),
              Arn: `arn:aws:organizations::${management}:ou/${ORG_ID}/${ouId(j)}`,
              Name: `ou-${j}`,
            })),
            ...(page.next ? { NextToken: page.next } : {}),
          },
          `${summary} ${parent}`,
        );
      }
      default:
        return jsonError(400, 'UnknownOperationException', `unknown operation ${op}`, summary);
    }
  };

  return {
    handle(req: DemoRequest): DemoResponse {
      const sig = parseSigV4(
        typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined,
      );
      const k = sig ? keys.get(sig.accessKeyId) : undefined;
      const target = req.headers['x-amz-target'];
      if (typeof target === 'string') {
        const op = target.split('.')[1] ?? '';
        if (k === undefined)
          return jsonError(
            400,
            'UnrecognizedClientException',
            'The security token included in the request is invalid.',
            op,
          );
        const summary = `${ids[k] ?? ''} organizations:${op}`;
        if (k !== 0)
          return jsonError(
            400,
            'AccessDeniedException',
            "You don't have permissions to access this resource.",
            summary,
          );
        if (throttled(k))
          return jsonError(
            400,
            'TooManyRequestsException',
            'You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.',
            summary,
          );
        return organizations(op, JSON.parse(req.body || '{}') as Record<string, unknown>, summary);
      }
      const params = new URLSearchParams(req.body);
      const action = params.get('Action') ?? '';
      const service = sig?.service ?? 'iam';
      if (k === undefined) {
        return awsError(
          403,
          'InvalidClientTokenId',
          'The security token included in the request is invalid.',
          service,
          action,
        );
      }
      const summary = `${ids[k] ?? ''} ${service}:${action}`;
      if (throttled(k))
        return awsError(400, 'Throttling', 'Rate exceeded', service, `${summary} → Throttling`);
      return query(k, params, service, summary);
    },
  };
};
