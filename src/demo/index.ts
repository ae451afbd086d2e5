// `nhiscan demo`: scan the bundled demo estate (fixtures/demo/) with the real SDK clients, pointed
// at the demo server on loopback. Everything after the endpoint is the code a real scan runs:
// the config loader, the connectors, the policies, the report. No credentials needed, and none
// of the user's own AWS settings can leak in: the scan runs with a demo-only environment.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAsOf } from '../clock.js';
import { scanCommand, type ScanCommandResult } from '../commands.js';
import { loadConfig } from '../config.js';
import type { Logger } from '../log.js';
import { fixturesDir } from '../paths.js';
import { builtins } from '../registry.js';
import type { EntraConfig } from '../../connectors/entra/config.js';
import { DEMO_ENTRA_ENV, type EntraDemo, startEntraDemo } from '../../connectors/entra/demo.js';
import type { GcpConfig } from '../../connectors/gcp/config.js';
import type { Config } from '../config.js';
import { awsRoute } from './aws.js';
import { gcpDemoEndpoints, gcpRoute } from './gcp.js';
import { demoGithubEnv, githubRoute } from './github.js';
import { startDemoServer, type DemoServer } from './server.js';

export const DEMO_DIR = join(fixturesDir, 'demo');
export const DEMO_CONFIG = join(DEMO_DIR, 'nhiscan.config.yaml');

/** The starting credentials the demo hands the SDK's default chain: account acme-prod. Not a key. */
export const DEMO_CREDENTIALS = {
  accessKeyId: 'nhiscan-demo-key',
  secretAccessKey: 'nhiscan-demo-secret',
} as const;
export const DEMO_DEFAULT_ACCOUNT = '111111111111';

export interface RunDemoOptions {
  out: string;
  failOn?: string | undefined;
  log: Logger;
  print: (text: string) => void;
  color?: boolean;
}

export interface DemoEstateOptions {
  /** The estate folder (default fixtures/demo): `aws/<accountId>/…`. */
  dir?: string;
  /** The account the demo credentials (the "default chain") reach. */
  defaultAccount?: string;
  /** GeneratedTime of the credential reports (default: now). */
  reportGeneratedAt?: Date;
}

/** The demo server with every provider route the estate has. */
export const startDemoEstate = (opts: DemoEstateOptions = {}): Promise<DemoServer> => {
  const dir = opts.dir ?? DEMO_DIR;
  // A provider's route is served when the estate has a folder for it.
  const has = (provider: string): boolean => existsSync(join(dir, provider));
  return startDemoServer({
    aws: awsRoute({
      dir: join(dir, 'aws'),
      accessKeys: { [DEMO_CREDENTIALS.accessKeyId]: opts.defaultAccount ?? DEMO_DEFAULT_ACCOUNT },
      ...(opts.reportGeneratedAt ? { reportGeneratedAt: opts.reportGeneratedAt } : {}),
    }),
    ...(has('gcp') ? { gcp: gcpRoute({ dir: join(dir, 'gcp') }) } : {}),
    ...(has('github') ? { github: githubRoute({ dir: join(dir, 'github') }) } : {}),
  });
};

/**
 * Points the config's providers at the demo server, whose port is only known once it listens.
 * AWS needs nothing here: the SDK follows AWS_ENDPOINT_URL (demoAwsEnv).
 */
export const pointAtDemoServer = (config: Config, server: DemoServer, entra?: EntraDemo): Config => ({
  ...config,
  providers: config.providers.map((p) =>
    p.connector.id === 'gcp'
      ? { ...p, config: { ...(p.config as GcpConfig), endpoints: gcpDemoEndpoints(server.url) } }
      : p.connector.id === 'entra' && entra
        ? {
            ...p,
            config: {
              ...(p.config as EntraConfig),
              authorityHost: entra.server.url,
              graphBaseUrl: entra.server.url,
              caFile: entra.caFile,
            },
          }
        : p,
  ),
});

/** The demo's Entra tenant (its own TLS server), when the estate has one. */
export const startEntraDemoEstate = (dir = DEMO_DIR): Promise<EntraDemo | undefined> =>
  existsSync(join(dir, 'entra')) ? startEntraDemo(join(dir, 'entra')) : Promise.resolve(undefined);

/** The environment the SDK reads for the demo: its endpoint, its credentials, nothing of the user's. */
export const demoAwsEnv = (server: DemoServer, region = 'us-east-1'): Record<string, string> => ({
  AWS_ENDPOINT_URL: `${server.url}/aws`,
  AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
  AWS_REGION: region,
  // A profile, SSO cache or credentials file must not be read: point the SDK at files that do not exist.
  AWS_CONFIG_FILE: join(DEMO_DIR, 'no-such-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(DEMO_DIR, 'no-such-aws-credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
});

/** Sets `vars` and returns the function that puts the previous values (or their absence) back. */
export const setEnv = (vars: Record<string, string>): (() => void) => {
  const saved = Object.keys(vars).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) Reflect.deleteProperty(process.env, k);
      else process.env[k] = v;
    }
  };
};

/**
 * Replaces every AWS_* variable (profiles, session tokens, per-service endpoints, web identity,
 * container credentials…) with `vars` and returns the function that puts the old ones back.
 * The SDK's own runtime switches (AWS_SDK_JS_*) are left as the user set them.
 */
export const swapAwsEnv = (vars: Record<string, string>): (() => void) => {
  const saved = Object.entries(process.env).filter(
    ([k]) => k.startsWith('AWS_') && !k.startsWith('AWS_SDK_JS_'),
  );
  for (const [k] of saved) Reflect.deleteProperty(process.env, k);
  Object.assign(process.env, vars);
  return () => {
    for (const k of Object.keys(vars)) Reflect.deleteProperty(process.env, k);
    for (const [k, v] of saved) process.env[k] = v;
  };
};

const shortPath = (path: string): string => {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
};

export const runDemo = async (opts: RunDemoOptions): Promise<ScanCommandResult> => {
  const config = await loadConfig(DEMO_CONFIG, builtins);
  const asOf = config.file.asOf === undefined ? undefined : parseAsOf(config.file.asOf);
  const server = await startDemoEstate(asOf ? { reportGeneratedAt: asOf } : {});
  const restoreAws = swapAwsEnv(demoAwsEnv(server));
  const restoreGithub = setEnv(demoGithubEnv(server.url));
  const entra = await startEntraDemoEstate();
  const restoreEntra = setEnv({ ...DEMO_ENTRA_ENV });
  const restore = (): void => {
    restoreEntra();
    restoreGithub();
    restoreAws();
  };
  try {
    opts.print(
      `Demo estate, judged as of ${asOf ? `${asOf.toISOString()} (fixed, so the output is the same every run)` : 'now'}:\n` +
        `  AWS accounts ${readdirSync(join(DEMO_DIR, 'aws')).sort().join(', ')}, a Google Cloud organisation, a GitHub organisation${entra ? ' and an Entra tenant (acme.onmicrosoft.com, over TLS)' : ''} served from ${shortPath(DEMO_DIR)}\n` +
        `  by a local server at ${server.url}, scanned through the real SDK clients with the config ${shortPath(DEMO_CONFIG)}.\n\n`,
    );
    const outcome = await scanCommand({
      config: pointAtDemoServer(config, server, entra),
      out: opts.out,
      failOn: opts.failOn,
      log: opts.log,
      print: opts.print,
      ...(opts.color !== undefined ? { color: opts.color } : {}),
    });
    opts.print(
      `\nEvery planted problem and the finding it should raise: ${shortPath(join(DEMO_DIR, 'README.md'))}\n` +
        (outcome.result.run.complete
          ? ''
          : 'The demo denies some calls on purpose, so the scan says it is incomplete (exit code 3 when no finding breaches --fail-on).\n'),
    );
    opts.log.debug(`demo server answered ${server.requests.length} requests`);
    return outcome;
  } finally {
    restore();
    await server.close();
    await entra?.close();
  }
};
