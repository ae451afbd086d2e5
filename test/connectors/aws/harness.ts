// Shared pieces of the AWS connector suites: fixtures served by nock to the real SDK clients,
// matched on the form-encoded Action (and parameters) of each awsQuery request.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { vi } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { createCollectContext } from '../../../src/collect-context.js';
import type { CollectContext, Connector, Target } from '../../../src/connector.js';
import { silentLogger } from '../../../src/log.js';
import { Identity, type Gap, type IdentityInput } from '../../../src/model.js';
import type { AwsConfig } from '../../../connectors/aws/config.js';
import { AwsConfig as AwsConfigSchema } from '../../../connectors/aws/config.js';

export const IAM = 'https://iam.amazonaws.com';
export const STS = 'https://sts.us-east-1.amazonaws.com';
export const ACCOUNT = '123456789012';
export const arn = (kind: 'user' | 'role', pathAndName: string): string =>
  `arn:aws:iam::${ACCOUNT}:${kind}/${pathAndName}`;

const FIXTURES = join(import.meta.dirname, '../../../fixtures/aws');
export const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

const XML = { 'content-type': 'text/xml' };

export interface Reply {
  action: string;
  fixture: string;
  /** Form parameters the request must carry, e.g. { UserName: 'deploy-bot' }. */
  params?: Record<string, string>;
  /** Form parameters the request must not carry (e.g. Marker on a first page). */
  absent?: string[];
  status?: number;
  times?: number;
  host?: string;
}

/** Serves one awsQuery action from a fixture file. */
export const reply = ({
  action,
  fixture: name,
  params = {},
  absent = [],
  status = 200,
  times = 1,
  host = IAM,
}: Reply): nock.Scope =>
  nock(host)
    .post(
      '/',
      (body: Record<string, string>) =>
        body.Action === action &&
        Object.entries(params).every(([k, v]) => body[k] === v) &&
        absent.every((k) => !(k in body)),
    )
    .times(times)
    .reply(status, fixture(name), XML);

/** Static credentials through the SDK's own env provider; no shared config files or IMDS. */
export const useTestEnvironment = (): void => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  vi.stubEnv('AWS_SESSION_TOKEN', '');
  vi.stubEnv('AWS_PROFILE', '');
  vi.stubEnv('AWS_REGION', '');
  vi.stubEnv('AWS_ENDPOINT_URL', '');
  vi.stubEnv('AWS_ENDPOINT_URL_IAM', '');
  vi.stubEnv('AWS_ENDPOINT_URL_STS', '');
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/nhiscan-test/config');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/nhiscan-test/credentials');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
};

export interface RecordingContext extends CollectContext {
  gaps: Gap[];
  notes: string[];
  scope: string | undefined;
  principal: string | undefined;
}

export const recordingContext = (asOf = new Date('2025-07-01T12:00:00Z')): RecordingContext => {
  const { ctx, record } = createCollectContext({
    clock: systemClock(asOf),
    concurrency: 4,
    log: silentLogger,
    signal: new AbortController().signal,
    baseDir: process.cwd(),
  });
  // The record, read through the context so tests can say `ctx.gaps`.
  return Object.defineProperties(ctx, {
    gaps: { get: () => record.gaps },
    notes: { get: () => record.notes },
    scope: { get: () => record.scope },
    principal: { get: () => record.principal },
  }) as RecordingContext;
};

/**
 * Organizations (SCPs) and service last accessed data are off unless a test turns them on: their
 * calls have their own suites.
 */
export const awsConfig = (raw: Record<string, unknown> = {}): AwsConfig =>
  AwsConfigSchema.parse({ organizationPolicies: false, serviceLastAccessed: { enabled: false }, ...raw });

/** Runs one target to the end and validates every identity against the model, as the scan does. */
export const collectAll = async <T>(
  connector: Connector<AwsConfig, T>,
  config: AwsConfig,
  ctx: CollectContext,
  target?: Target<T>,
): Promise<Identity[]> => {
  const t = target ?? connector.targets(config)[0]!;
  const out: Identity[] = [];
  for await (const raw of connector.collect(t, config, ctx))
    out.push(Identity.parse(raw satisfies IdentityInput));
  return out;
};

export const byUid = (identities: readonly Identity[]): Map<string, Identity> =>
  new Map(identities.map((i) => [i.uid, i]));

export const GAAD_PARAMS = {
  MaxItems: '1000',
  'Filter.member.1': 'User',
  'Filter.member.2': 'Role',
  'Filter.member.3': 'Group',
  'Filter.member.4': 'LocalManagedPolicy',
  'Filter.member.5': 'AWSManagedPolicy',
};

/** The GetCallerIdentity + two-page GetAccountAuthorizationDetails every estate test starts with. */
export const replyIdentityAndDetails = (): void => {
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
};
