// Writes a synthetic AWS account in the demo server's layout (the same XML AWS returns), so the
// benchmark drives the real SDK and connector over HTTP at a size no fixture has.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const meta = (i: number): string =>
  `<ResponseMetadata><RequestId>00000000-0000-4000-8000-${String(i).padStart(12, '0')}</RequestId></ResponseMetadata>`;
const doc = (statements: unknown[]): string =>
  encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
const day = (base: Date, offset: number): string =>
  new Date(base.getTime() - offset * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface EstateSize {
  users: number;
  roles: number;
  /** Users per GetAccountAuthorizationDetails page. */
  pageSize: number;
}

/** Writes account 111111111111 under `dir/aws/`, judged as of `asOf`. */
export const writeAwsEstate = (dir: string, size: EstateSize, asOf: Date): void => {
  const account = '111111111111';
  const root = join(dir, 'aws', account);
  mkdirSync(join(root, 'ListAccessKeys'), { recursive: true });
  writeFileSync(
    join(root, 'GetCallerIdentity.xml'),
    `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${account}:user/bench</Arn><UserId>AIDABENCH</UserId><Account>${account}</Account></GetCallerIdentityResult>${meta(0)}</GetCallerIdentityResponse>`,
  );
  writeFileSync(
    join(root, 'GenerateCredentialReport.xml'),
    `<GenerateCredentialReportResponse xmlns="${NS}"><GenerateCredentialReportResult><State>COMPLETE</State></GenerateCredentialReportResult>${meta(1)}</GenerateCredentialReportResponse>`,
  );
  writeFileSync(
    join(root, 'ListSSHPublicKeys.xml'),
    `<ListSSHPublicKeysResponse xmlns="${NS}"><ListSSHPublicKeysResult><SSHPublicKeys/><IsTruncated>false</IsTruncated></ListSSHPublicKeysResult>${meta(2)}</ListSSHPublicKeysResponse>`,
  );
  writeFileSync(
    join(root, 'ListSigningCertificates.xml'),
    `<ListSigningCertificatesResponse xmlns="${NS}"><ListSigningCertificatesResult><Certificates/><IsTruncated>false</IsTruncated></ListSigningCertificatesResult>${meta(3)}</ListSigningCertificatesResponse>`,
  );
  const csv = [
    'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
  ];
  const users: string[] = [];
  for (let i = 0; i < size.users; i++) {
    const name = `svc-${String(i).padStart(6, '0')}`;
    const created = day(asOf, 30 + (i % 700));
    const rotated = day(asOf, 10 + (i % 400));
    const used = i % 5 === 0 ? 'N/A' : day(asOf, i % 200);
    const keyId = `AKIABENCH${String(i).padStart(11, '0')}`;
    csv.push(
      `${name},arn:aws:iam::${account}:user/${name},${created},false,N/A,N/A,N/A,false,true,${rotated},${used},${used === 'N/A' ? 'N/A' : 'us-east-1'},${used === 'N/A' ? 'N/A' : 's3'},false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
    );
    writeFileSync(
      join(root, 'ListAccessKeys', `${name}.xml`),
      `<ListAccessKeysResponse xmlns="${NS}"><ListAccessKeysResult><AccessKeyMetadata><member><UserName>${name}</UserName><AccessKeyId>${keyId}</AccessKeyId><Status>Active</Status><CreateDate>${rotated}</CreateDate></member></AccessKeyMetadata><IsTruncated>false</IsTruncated></ListAccessKeysResult>${meta(4)}</ListAccessKeysResponse>`,
    );
    const statements =
      i % 50 === 0
        ? [{ Effect: 'Allow', Action: ['iam:PassRole', 'ec2:RunInstances'], Resource: '*' }]
        : [
            {
              Effect: 'Allow',
              Action: ['s3:GetObject', 's3:PutObject'],
              Resource: `arn:aws:s3:::bucket-${i}/*`,
            },
          ];
    users.push(
      `<member><Path>/</Path><UserName>${name}</UserName><UserId>AIDABENCH${i}</UserId><Arn>arn:aws:iam::${account}:user/${name}</Arn><CreateDate>${created}</CreateDate><UserPolicyList><member><PolicyName>p</PolicyName><PolicyDocument>${doc(statements)}</PolicyDocument></member></UserPolicyList><GroupList/><AttachedManagedPolicies/><Tags>${i % 3 === 0 ? '' : `<member><Key>owner</Key><Value>team-${i % 20}@acme.example</Value></member>`}</Tags></member>`,
    );
  }
  const roles: string[] = [];
  for (let i = 0; i < size.roles; i++) {
    const name = `role-${String(i).padStart(6, '0')}`;
    const trust = doc([
      i % 25 === 0
        ? { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' }
        : { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    const lastUsed =
      i % 4 === 0 ? '' : `<LastUsedDate>${day(asOf, i % 300)}</LastUsedDate><Region>us-east-1</Region>`;
    roles.push(
      `<member><Path>/</Path><RoleName>${name}</RoleName><RoleId>AROABENCH${i}</RoleId><Arn>arn:aws:iam::${account}:role/${name}</Arn><CreateDate>${day(asOf, 100 + (i % 500))}</CreateDate><AssumeRolePolicyDocument>${trust}</AssumeRolePolicyDocument><InstanceProfileList/><RolePolicyList><member><PolicyName>r</PolicyName><PolicyDocument>${doc([{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*' }])}</PolicyDocument></member></RolePolicyList><AttachedManagedPolicies/><Tags><member><Key>owner</Key><Value>team@acme.example</Value></member></Tags><RoleLastUsed>${lastUsed}</RoleLastUsed></member>`,
    );
  }
  writeFileSync(join(root, 'credential-report.csv'), csv.join('\n') + '\n');
  // Pages: users first, then roles, `pageSize` entities a page, chained by Marker like AWS does.
  const entities = [...users.map((u) => ['u', u] as const), ...roles.map((r) => ['r', r] as const)];
  const pages = Math.max(1, Math.ceil(entities.length / size.pageSize));
  for (let p = 0; p < pages; p++) {
    const slice = entities.slice(p * size.pageSize, (p + 1) * size.pageSize);
    const u = slice
      .filter(([k]) => k === 'u')
      .map(([, x]) => x)
      .join('');
    const r = slice
      .filter(([k]) => k === 'r')
      .map(([, x]) => x)
      .join('');
    const more = p < pages - 1;
    writeFileSync(
      join(root, `GetAccountAuthorizationDetails.${p + 1}.xml`),
      `<GetAccountAuthorizationDetailsResponse xmlns="${NS}"><GetAccountAuthorizationDetailsResult><UserDetailList>${u}</UserDetailList><GroupDetailList/><RoleDetailList>${r}</RoleDetailList><Policies/><IsTruncated>${more}</IsTruncated>${more ? `<Marker>page${p + 2}</Marker>` : ''}</GetAccountAuthorizationDetailsResult>${meta(5 + p)}</GetAccountAuthorizationDetailsResponse>`,
    );
  }
};
