// The demo's AWS: IAM and STS over the awsQuery protocol (form-encoded POSTs, XML answers), played
// from files under <dir>/<accountId>/. Which account answers is decided as AWS decides it: by the
// access key id the request was signed with. Signatures are not checked.
//
// Files, per account folder (see fixtures/demo/README.md):
//   <Action>.xml                    the answer to an account-wide call (GetAccountAuthorizationDetails, …)
//   <Action>.1.xml, <Action>.2.xml  pages of a paginated answer, linked by their own <Marker>
//   <Action>/<name>.xml             the answer for one UserName / AccessKeyId / RoleName / GroupName;
//                                   <Action>.xml is then the answer for every other name
//   AssumeRole.xml                  the credentials STS hands out for a role in this account
//   credential-report.csv           the credential report; GetCredentialReport base64-encodes it, as AWS does
// A file whose root is <ErrorResponse> is answered with the HTTP status AWS uses for its <Code>.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isoSeconds } from '../../src/clock.js';
import { swapEnv } from '../../src/demo/env.js';
import type { ConnectorDemo, DemoRequest, DemoResponse, DemoRoute } from '../../src/demo/server.js';
import { compareCodeUnits } from '../../src/order.js';
import { fixturesDir } from '../../src/paths.js';

/** Where the demo points the SDK's config files: names that do not exist. */
const DEMO_MISSING_DIR = join(fixturesDir, 'demo');

const NS: Record<string, string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
};

/** HTTP status of IAM/STS error codes (from the services' models). */
const ERROR_STATUS: Record<string, number> = {
  AccessDenied: 403,
  InvalidClientTokenId: 403,
  MissingAuthenticationToken: 403,
  ExpiredToken: 400,
  NoSuchEntity: 404,
  ReportInProgress: 404,
  ReportNotPresent: 410,
  ReportExpired: 410,
  LimitExceeded: 409,
  ServiceFailure: 500,
  Throttling: 400,
};

/** Request parameters that select a per-resource file, in order of precedence. */
const RESOURCE_PARAMS = ['UserName', 'AccessKeyId', 'RoleName', 'GroupName'] as const;
/** IAM's own pattern for names and ids; anything else never reaches the file system. */
const IAM_NAME = /^[\w+=,.@-]{1,128}$/;

export interface AwsEstateOptions {
  /** Folder with one sub-folder per 12-digit account id. */
  dir: string;
  /** Access key ids of the starting credentials (the "default chain") → the account they belong to. */
  accessKeys: Record<string, string>;
  /** GeneratedTime of credential reports built from credential-report.csv (default: now). */
  reportGeneratedAt?: Date;
}

const escapeXml = (s: string): string =>
  s.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );

/** The first element's text in a file we wrote ourselves (not a general XML parser). */
const elementText = (xml: string, name: string): string | undefined =>
  new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

const xmlResponse = (status: number, body: string, summary: string): DemoResponse => ({
  status,
  headers: { 'content-type': 'text/xml', 'x-amzn-requestid': elementText(body, 'RequestId') ?? randomUUID() },
  body,
  summary,
});

/** An error shaped as IAM and STS send them. */
export const awsError = (
  status: number,
  code: string,
  message: string,
  service: string,
  summary: string,
  type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
): DemoResponse =>
  xmlResponse(
    status,
    `<ErrorResponse xmlns="${NS[service] ?? NS.iam}">
  <Error>
    <Type>${type}</Type>
    <Code>${escapeXml(code)}</Code>
    <Message>${escapeXml(message)}</Message>
  </Error>
  <RequestId>${randomUUID()}</RequestId>
</ErrorResponse>
`,
    summary,
  );

/** Serves a fixture file, with the status AWS gives its error code when it is an error. */
const fileResponse = (xml: string, summary: string): DemoResponse => {
  if (!/^\s*(<\?xml[^>]*>\s*)?<ErrorResponse[\s>]/.test(xml)) return xmlResponse(200, xml, summary);
  const code = elementText(xml, 'Code') ?? '';
  return xmlResponse(ERROR_STATUS[code] ?? 400, xml, `${summary} → ${code}`);
};

/** `Credential=AKID/date/region/service/aws4_request` of a SigV4 Authorization header. */
export const parseSigV4 = (
  authorization: string | undefined,
): { accessKeyId: string; service: string } | undefined => {
  const m = /Credential=([^/,\s]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  return m ? { accessKeyId: m[1] ?? '', service: m[2] ?? '' } : undefined;
};

type Resolved = { kind: 'file'; path: string } | { kind: 'pages'; base: string } | { kind: 'none' };

const resolveBase = (base: string): Resolved => {
  if (existsSync(`${base}.xml`)) return { kind: 'file', path: `${base}.xml` };
  if (existsSync(`${base}.1.xml`)) return { kind: 'pages', base };
  return { kind: 'none' };
};

/** Page N+1 is the one whose predecessor's <Marker> the caller sent back. */
const pageFor = (base: string, marker: string | null): string | undefined => {
  if (!marker) return `${base}.1.xml`;
  for (let n = 1; existsSync(`${base}.${n}.xml`); n++) {
    if (elementText(readFileSync(`${base}.${n}.xml`, 'utf8'), 'Marker') === marker) {
      return existsSync(`${base}.${n + 1}.xml`) ? `${base}.${n + 1}.xml` : undefined;
    }
  }
  return undefined;
};

export const awsRoute = (options: AwsEstateOptions): DemoRoute => {
  // Grows as AssumeRole hands out credentials: their key id then reaches the role's account.
  const keys = new Map(Object.entries(options.accessKeys));

  const assumeRole = (params: URLSearchParams, callerAccount: string, summary: string): DemoResponse => {
    const roleArn = params.get('RoleArn') ?? '';
    const m = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/.exec(roleArn);
    if (!m) {
      return awsError(400, 'ValidationError', `${roleArn} is not a valid role ARN`, 'sts', summary);
    }
    const [, account = '', roleName = ''] = m;
    const path = join(options.dir, account, 'AssumeRole.xml');
    const xml = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    const assumedRole = xml ? elementText(xml, 'Arn') : undefined;
    if (!xml || assumedRole?.split('/')[1] !== roleName) {
      const caller = callerArn(callerAccount);
      return awsError(
        403,
        'AccessDenied',
        `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        'sts',
        `${summary} ${roleArn}`,
      );
    }
    const keyId = elementText(xml, 'AccessKeyId');
    if (keyId) keys.set(keyId, account);
    // AWS stamps each answer with a fresh expiry; a stale one would make the SDK ask again and again.
    const fresh = xml.replace(
      /<Expiration>[^<]*<\/Expiration>/,
      `<Expiration>${isoSeconds(new Date(Date.now() + 3_600_000))}</Expiration>`,
    );
    return xmlResponse(200, fresh, `${summary} ${roleArn}`);
  };

  const callerArn = (account: string): string => {
    const path = join(options.dir, account, 'GetCallerIdentity.xml');
    return (
      (existsSync(path) && elementText(readFileSync(path, 'utf8'), 'Arn')) || `arn:aws:iam::${account}:root`
    );
  };

  const credentialReport = (accountDir: string, summary: string): DemoResponse | undefined => {
    const csvPath = join(accountDir, 'credential-report.csv');
    if (!existsSync(csvPath)) return undefined;
    const csv = readFileSync(csvPath, 'utf8').replace(/\r?\n$/, '');
    const generated = isoSeconds(options.reportGeneratedAt ?? new Date());
    return xmlResponse(
      200,
      `<GetCredentialReportResponse xmlns="${NS.iam}">
  <GetCredentialReportResult>
    <Content>${Buffer.from(csv, 'utf8').toString('base64')}</Content>
    <GeneratedTime>${generated}</GeneratedTime>
    <ReportFormat>text/csv</ReportFormat>
  </GetCredentialReportResult>
  <ResponseMetadata>
    <RequestId>${randomUUID()}</RequestId>
  </ResponseMetadata>
</GetCredentialReportResponse>
`,
      summary,
    );
  };

  // IAM's service last accessed jobs: GenerateServiceLastAccessedDetails hands out a JobId (derived
  // from the ARN, so runs repeat), GetServiceLastAccessedDetails answers it from
  // GetServiceLastAccessedDetails/<principal name>.xml, else GetServiceLastAccessedDetails.xml.
  const jobs = new Map<string, { account: string; name: string }>();
  const lastAccessedBase = (accountDir: string): string => join(accountDir, 'GetServiceLastAccessedDetails');
  const generateJob = (
    params: URLSearchParams,
    account: string,
    summary: string,
  ): DemoResponse | undefined => {
    const accountDir = join(options.dir, account);
    if (!existsSync(lastAccessedBase(accountDir)) && !existsSync(`${lastAccessedBase(accountDir)}.xml`))
      return undefined;
    const target = params.get('Arn') ?? '';
    const m =
      /^arn:aws[\w-]*:iam::(\d{12}):(?:user|role|group|policy)\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/.exec(
        target,
      );
    if (!m || m[1] !== account) {
      return awsError(400, 'InvalidInput', `ARN ${target} is not valid.`, 'iam', `${summary} ${target}`);
    }
    const hex = createHash('sha256').update(target).digest('hex');
    const jobId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
    jobs.set(jobId, { account, name: m[2] ?? '' });
    return xmlResponse(
      200,
      `<GenerateServiceLastAccessedDetailsResponse xmlns="${NS.iam}">
  <GenerateServiceLastAccessedDetailsResult>
    <JobId>${jobId}</JobId>
  </GenerateServiceLastAccessedDetailsResult>
  <ResponseMetadata>
    <RequestId>${randomUUID()}</RequestId>
  </ResponseMetadata>
</GenerateServiceLastAccessedDetailsResponse>
`,
      `${summary} ${target}`,
    );
  };
  const jobAnswer = (params: URLSearchParams, account: string, summary: string): DemoResponse => {
    const jobId = params.get('JobId') ?? '';
    const job = jobs.get(jobId);
    if (!job || job.account !== account) {
      return awsError(404, 'NoSuchEntity', `No such job: ${jobId}`, 'iam', `${summary} ${jobId}`);
    }
    const base = lastAccessedBase(join(options.dir, account));
    const own = join(base, `${job.name}.xml`);
    const path = existsSync(own) ? own : `${base}.xml`;
    if (!existsSync(path)) {
      return awsError(404, 'NoSuchEntity', `No such job: ${jobId}`, 'iam', `${summary} ${job.name}`);
    }
    return fileResponse(readFileSync(path, 'utf8'), `${summary} ${job.name}`);
  };

  return {
    handle(req: DemoRequest): DemoResponse {
      const params = new URLSearchParams(req.query);
      if (req.method === 'POST') for (const [k, v] of new URLSearchParams(req.body)) params.append(k, v);
      const action = params.get('Action') ?? '';
      const sig = parseSigV4(
        typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined,
      );
      const service = sig?.service ?? (params.get('Version') === '2011-06-15' ? 'sts' : 'iam');
      if (!sig) {
        return awsError(
          403,
          'MissingAuthenticationToken',
          'Request is missing Authentication Token',
          service,
          action,
        );
      }
      const account = keys.get(sig.accessKeyId);
      if (!account) {
        return awsError(
          403,
          'InvalidClientTokenId',
          'The security token included in the request is invalid.',
          service,
          action,
        );
      }
      const summary = `${account} ${action}`;
      const accountDir = join(options.dir, account);
      if (action === 'AssumeRole') return assumeRole(params, account, summary);
      if (action === 'GenerateServiceLastAccessedDetails') {
        const answer = generateJob(params, account, summary);
        if (answer) return answer;
      }
      if (action === 'GetServiceLastAccessedDetails') return jobAnswer(params, account, summary);

      for (const name of RESOURCE_PARAMS) {
        const value = params.get(name);
        if (value === null) continue;
        if (!IAM_NAME.test(value)) {
          return awsError(
            400,
            'ValidationError',
            `1 validation error detected: Value '${value}' at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
            service,
            summary,
          );
        }
      }
      const resource = RESOURCE_PARAMS.map((name) => [name, params.get(name)] as const).find(
        ([, v]) => v !== null,
      );
      const label = resource ? `${summary} ${resource[0]}=${resource[1] ?? ''}` : summary;

      let found: Resolved = { kind: 'none' };
      if (resource) found = resolveBase(join(accountDir, action, resource[1] ?? ''));
      if (found.kind === 'none') found = resolveBase(join(accountDir, action));
      if (found.kind === 'file') return fileResponse(readFileSync(found.path, 'utf8'), label);
      if (found.kind === 'pages') {
        const page = pageFor(found.base, params.get('Marker'));
        if (!page)
          return awsError(
            400,
            'InvalidInput',
            `Invalid Marker: ${params.get('Marker') ?? ''}`,
            service,
            label,
          );
        return fileResponse(readFileSync(page, 'utf8'), `${label} ${page.slice(found.base.length + 1, -4)}`);
      }
      if (action === 'GetCredentialReport') {
        const report = credentialReport(accountDir, summary);
        if (report) return report;
      }
      if (resource && existsSync(join(accountDir, action))) {
        const entity = resource[0]
          .replace(/Name$|Id$/, '')
          .replace(/([a-z])([A-Z])/g, '$1 $2')
          .toLowerCase();
        return awsError(
          404,
          'NoSuchEntity',
          `The ${entity} with name ${resource[1] ?? ''} cannot be found.`,
          service,
          label,
        );
      }
      return awsError(
        400,
        'InvalidAction',
        `Could not find operation ${action} for version ${params.get('Version') ?? ''}`,
        service,
        label,
      );
    },
  };
};

/** The starting credentials the demo hands the SDK's default chain: account acme-prod. Not a key. */
export const DEMO_CREDENTIALS = {
  accessKeyId: 'nhiscan-demo-key',
  secretAccessKey: 'nhiscan-demo-secret',
} as const;
export const DEMO_DEFAULT_ACCOUNT = '111111111111';

/** The environment the SDK reads for the demo: its endpoint, its credentials, nothing of the user's. */
export const demoAwsEnv = (server: { url: string }, region = 'us-east-1'): Record<string, string> => ({
  AWS_ENDPOINT_URL: `${server.url}/aws`,
  AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
  AWS_REGION: region,
  // A profile, SSO cache or credentials file must not be read: point the SDK at files that do not exist.
  AWS_CONFIG_FILE: join(DEMO_MISSING_DIR, 'no-such-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(DEMO_MISSING_DIR, 'no-such-aws-credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
});

/** Every AWS_* variable (profiles, session tokens, endpoints…) but the SDK's own runtime switches. */
export const isAwsEnv = (name: string): boolean => name.startsWith('AWS_') && !name.startsWith('AWS_SDK_JS_');

/**
 * Replaces every AWS_* variable with `vars` and returns the function that puts the old ones back
 * (for tests and the benchmark, which run the SDK against the demo server outside `nhiscan demo`).
 */
export const swapAwsEnv = (vars: Record<string, string>): (() => void) => swapEnv(vars, isAwsEnv);

export const awsDemo: ConnectorDemo = {
  route: ({ dir, asOf, options }) =>
    awsRoute({
      dir,
      accessKeys: {
        [DEMO_CREDENTIALS.accessKeyId]:
          typeof options.defaultAccount === 'string' ? options.defaultAccount : DEMO_DEFAULT_ACCOUNT,
      },
      ...(asOf ? { reportGeneratedAt: asOf } : {}),
    }),
  env: (serverUrl) => demoAwsEnv({ url: serverUrl }),
  hidesEnv: isAwsEnv,
  describe: (dir) => `AWS accounts ${readdirSync(dir).sort(compareCodeUnits).join(', ')}`,
};
