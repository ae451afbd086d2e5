// Thirty nightly scans of an evolving demo estate, for the store's thirty-nights test and for anyone
// who wants a realistic history to try `nhiscan period` on:
//   node dist/connectors/aws/thirty-nights.js --store /tmp/history.sqlite   (or --store env:NHISCAN_STORE_URL)
// A copy of the demo's AWS estate is served by the demo server and changed night by night:
//   11-08  ci-deploy-legacy's access key rotated         → its rotation-age finding resolves (7 days)
//   11-10  missed night (no scan)
//   11-12  acme-prod denies the scanner (GetCallerIdentity) → partial/failed night; nothing resolves
//   11-15  reporting-export's access key deleted         → its rotation-age and staleness findings resolve (14 days)
//   11-20  missed night (no scan)
//   11-22  a new administrator role appears in acme-data  → one new critical finding, still open at the end
// The scans run in-process through the real AWS SDK against the demo server, one per night, --as-of that night.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { shiftIsoDay } from '../../src/clock.js';
import { scanCommand } from '../../src/commands.js';
import { loadConfig } from '../../src/config.js';
import { DEMO_DIR, pointAtDemoServer, startDemoEstate, useDemoEnv } from '../../src/demo/index.js';
import { createLogger } from '../../src/log.js';
import { builtins } from '../../src/registry.js';

export const FIRST_NIGHT = '2026-11-01';
export const NIGHTS = 30;
export const PLANTED = {
  rotatedNight: '2026-11-08',
  missedNights: ['2026-11-10', '2026-11-20'],
  deniedNight: '2026-11-12',
  keyDeletedNight: '2026-11-15',
  newAdminNight: '2026-11-22',
  newAdminRole: 'arn:aws:iam::222222222222:role/break-glass-admin',
} as const;

export interface NightOutcome {
  date: string;
  exitCode: number;
  runId: string;
  complete: boolean;
  newFindings: number;
}

export const nightDates = (): string[] =>
  Array.from({ length: NIGHTS }, (_, i) => shiftIsoDay(FIRST_NIGHT, i));

const enc = (doc: unknown): string => encodeURIComponent(JSON.stringify(doc));

const replaceIn = async (path: string, from: string | RegExp, to: string): Promise<void> => {
  const text = await readFile(path, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`thirty-nights: ${path} does not contain ${String(from)}`);
  await writeFile(path, next);
};

/** The estate changes planted before the scan of `date`. */
const evolve = async (estate: string, date: string): Promise<void> => {
  const prod = join(estate, 'aws', '111111111111');
  const data = join(estate, 'aws', '222222222222');
  if (date === PLANTED.rotatedNight) {
    // Rotated in place: the key's material and dates change (the demo keeps its id so the report row matches).
    await replaceIn(
      join(prod, 'credential-report.csv'),
      '2025-09-26T09:14:02+00:00',
      '2026-11-07T09:00:00+00:00',
    );
    await replaceIn(
      join(prod, 'ListAccessKeys', 'ci-deploy-legacy.xml'),
      /<CreateDate>[^<]+<\/CreateDate>/,
      '<CreateDate>2026-11-07T09:00:00Z</CreateDate>',
    );
  }
  if (date === PLANTED.deniedNight) {
    await cp(join(prod, 'GetCallerIdentity.xml'), join(estate, 'GetCallerIdentity.saved.xml'));
    await writeFile(
      join(prod, 'GetCallerIdentity.xml'),
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: sts:GetCallerIdentity with an explicit deny in a service control policy</Message></Error>
  <RequestId>5b0c2c1e-2f1e-4c55-9a51-7f0f3e2b9d11</RequestId>
</ErrorResponse>
`,
    );
  }
  if (date === nextDay(PLANTED.deniedNight)) {
    await cp(join(estate, 'GetCallerIdentity.saved.xml'), join(prod, 'GetCallerIdentity.xml'));
  }
  if (date === PLANTED.keyDeletedNight) {
    await replaceIn(
      join(prod, 'ListAccessKeys', 'reporting-export.xml'),
      /<AccessKeyMetadata>[\s\S]*<\/AccessKeyMetadata>/,
      '<AccessKeyMetadata/>',
    );
    await replaceIn(
      join(prod, 'credential-report.csv'),
      'false,N/A,N/A,N/A,false,true,2026-01-10T11:00:00+00:00,2026-04-14T08:12:00+00:00,us-east-1,athena',
      'false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A',
    );
  }
  if (date === PLANTED.newAdminNight) {
    const trust = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' },
      ],
    };
    const admin = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    await replaceIn(
      join(data, 'GetAccountAuthorizationDetails.xml'),
      '</RoleDetailList>',
      `  <member>
        <Path>/</Path>
        <RoleName>break-glass-admin</RoleName>
        <RoleId>AROAACMEDATA000000077</RoleId>
        <Arn>${PLANTED.newAdminRole}</Arn>
        <CreateDate>2026-11-21T18:00:00Z</CreateDate>
        <AssumeRolePolicyDocument>${enc(trust)}</AssumeRolePolicyDocument>
        <InstanceProfileList/>
        <RolePolicyList>
          <member>
            <PolicyName>everything</PolicyName>
            <PolicyDocument>${enc(admin)}</PolicyDocument>
          </member>
        </RolePolicyList>
        <AttachedManagedPolicies/>
        <Tags>
          <member>
            <Key>owner</Key>
            <Value>maria.garcia@acme.example</Value>
          </member>
        </Tags>
        <RoleLastUsed/>
      </member>
    </RoleDetailList>`,
    );
  }
};

const nextDay = (date: string): string => shiftIsoDay(date, 1);

/** Copies the demo estate (AWS part, people, exceptions) and writes an AWS-only config beside it. */
export const prepareEstate = async (dir: string): Promise<string> => {
  await cp(join(DEMO_DIR, 'aws'), join(dir, 'aws'), { recursive: true });
  for (const f of ['people.csv', 'nhiscan.exceptions.yaml']) await cp(join(DEMO_DIR, f), join(dir, f));
  // acme-data normally denies one call on purpose; here every target completes on a normal night,
  // so a partial night is the one planted.
  await rm(join(dir, 'aws', '222222222222', 'ListSSHPublicKeys', 'looker-sync.xml'));
  // … and one service last accessed job that ends FAILED.
  await rm(join(dir, 'aws', '222222222222', 'GetServiceLastAccessedDetails', 'dbt-runner.xml'));
  const config = parse(await readFile(join(DEMO_DIR, 'nhiscan.config.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  const providers = config.providers as Record<string, unknown>;
  delete config.asOf;
  delete config.output;
  config.providers = { aws: providers.aws };
  config.financialScope = [{ name: 'acme-prod', provider: 'aws', account: '111111111111' }];
  const path = join(dir, 'nhiscan.config.yaml');
  await writeFile(path, stringify(config));
  return path;
};

export interface ThirtyNightsOptions {
  /** `--store` value: a SQLite path, or env:NAME for PostgreSQL. */
  store: string;
  /** Where the estate copy and the nightly outputs go (default: a temp folder, removed after). */
  workDir?: string;
  /** `--fail-on` for every night (default new:high). */
  failOn?: string;
}

export const runThirtyNights = async (opts: ThirtyNightsOptions): Promise<NightOutcome[]> => {
  const work = opts.workDir ?? (await mkdtemp(join(tmpdir(), 'nhiscan-30n-')));
  const estate = join(work, 'estate');
  const configPath = await prepareEstate(estate);
  const base = await loadConfig(configPath, builtins);
  const log = createLogger('error');
  const outcomes: NightOutcome[] = [];
  const aws = builtins.connectors.aws;
  if (!aws) throw new Error('thirty-nights: the aws connector is not registered');
  try {
    for (const date of nightDates()) {
      await evolve(estate, date);
      if ((PLANTED.missedNights as readonly string[]).includes(date)) continue;
      const asOf = new Date(`${date}T00:00:00Z`);
      // A fresh server per night: the credential report is generated "now" = that night.
      const server = await startDemoEstate({ dir: estate, asOf, connectors: [aws] });
      const restore = useDemoEnv(server, { dir: estate, asOf, connectors: [aws] });
      try {
        const r = await scanCommand({
          config: pointAtDemoServer(base, server),
          out: join(work, 'out', date),
          asOf: asOf.toISOString(),
          failOn: opts.failOn ?? 'new:high',
          store: opts.store,
          log,
          print: () => undefined,
        });
        outcomes.push({
          date,
          exitCode: r.exitCode,
          runId: r.result.run.id,
          complete: r.result.run.complete,
          newFindings: r.recorded?.newFindings.length ?? 0,
        });
      } finally {
        restore();
        await server.close();
      }
    }
  } finally {
    if (!opts.workDir) await rm(work, { recursive: true, force: true });
  }
  return outcomes;
};

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--store');
  const store = i > 0 ? process.argv[i + 1] : undefined;
  if (!store) {
    process.stderr.write('usage: node dist/connectors/aws/thirty-nights.js --store PATH|env:NAME\n');
    process.exitCode = 2;
  } else {
    for (const n of await runThirtyNights({ store })) {
      process.stdout.write(
        `${n.date} exit ${n.exitCode} ${n.complete ? 'complete' : 'INCOMPLETE'} new ${n.newFindings}\n`,
      );
    }
  }
}
