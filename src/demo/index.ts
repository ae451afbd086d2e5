// `nhiscan demo`: scan the bundled demo estate (fixtures/demo/) with the real SDK clients, pointed
// at the demo server on loopback. Everything after the endpoint is the code a real scan runs:
// the config loader, the connectors, the policies, the report. No credentials needed, and none
// of the user's own AWS settings can leak in: the scan runs with a demo-only environment.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAsOf } from '../clock.js';
import { scanCommand, type ScanCommandOptions, type ScanCommandResult } from '../commands.js';
import { loadConfig, type Config } from '../config.js';
import { type AnyConnector, missingSdks, sdkInstallCommand } from '../connector.js';
import type { Logger } from '../log.js';
import { fixturesDir } from '../paths.js';
import { builtins } from '../registry.js';
import { swapEnv } from './env.js';
import { startDemoServer, type ConnectorDemo, type DemoEstateContext, type DemoServer } from './server.js';

export const DEMO_DIR = join(fixturesDir, 'demo');
export const DEMO_CONFIG = join(DEMO_DIR, 'nhiscan.config.yaml');

export interface RunDemoOptions {
  out: string;
  failOn?: string | undefined;
  /** `--store`: record the scan in a store (see src/store). */
  store?: string | boolean | undefined;
  log: Logger;
  print: (text: string) => void;
  color?: boolean;
  /** Output choices passed to the scan as given (--format, --evidence, --sign-key, --wait-lock, …). */
  output?: Pick<
    ScanCommandOptions,
    | 'formats'
    | 'evidence'
    | 'signKey'
    | 'periodFrom'
    | 'periodTo'
    | 'waitLock'
    | 'argv'
    | 'stdout'
    | 'printErr'
    | 'limit'
    | 'progress'
  >;
}

export interface DemoEstateOptions {
  /** The estate folder (default fixtures/demo): one sub-folder per connector id. */
  dir?: string;
  /** The estate's "now" (when credential reports were generated; default: now). */
  asOf?: Date;
  /** Settings per connector id for its demo part (e.g. `{ aws: { defaultAccount } }`). */
  providers?: Record<string, Record<string, unknown>>;
  /** The connectors to mount (default: the built-in registry). */
  connectors?: readonly AnyConnector[];
}

/** The connectors with a demo part whose folder the estate has, with what their part is handed. */
const demoParts = (
  opts: DemoEstateOptions,
): { id: string; demo: ConnectorDemo; ctx: DemoEstateContext }[] => {
  const dir = opts.dir ?? DEMO_DIR;
  return (opts.connectors ?? Object.values(builtins.connectors)).flatMap((c: AnyConnector) =>
    c.demo && existsSync(join(dir, c.id))
      ? [
          {
            id: c.id,
            demo: c.demo,
            ctx: { dir: join(dir, c.id), asOf: opts.asOf, options: opts.providers?.[c.id] ?? {} },
          },
        ]
      : [],
  );
};

/** The demo server with the route of every registered connector the estate has a folder for. */
export const startDemoEstate = async (opts: DemoEstateOptions = {}): Promise<DemoServer> => {
  const parts = demoParts(opts);
  const server = await startDemoServer(
    Object.fromEntries(parts.filter((p) => !p.demo.start).map((p) => [p.id, p.demo.route(p.ctx)])),
  );
  const own: NonNullable<DemoServer['own']> = {};
  try {
    for (const p of parts) if (p.demo.start) own[p.id] = await p.demo.start(p.ctx);
  } catch (err) {
    await Promise.all([server.close(), ...Object.values(own).map((o) => o.close())]);
    throw err;
  }
  return {
    ...server,
    own,
    close: async () => {
      await Promise.all([server.close(), ...Object.values(own).map((o) => o.close())]);
    },
  };
};

/** Points each provider block of the config at the demo server, whose port is only known once it listens. */
export const pointAtDemoServer = (config: Config, server: DemoServer): Config => ({
  ...config,
  providers: config.providers.map((p) => {
    const own = server.own?.[p.connector.id];
    if (own) return { ...p, config: own.pointAt(p.config) };
    const pointAt = p.connector.demo?.pointAt;
    return pointAt ? { ...p, config: pointAt(p.config, server.url) } : p;
  }),
});

/**
 * Sets the environment every mounted provider's SDK reads for the demo, hiding the user's own
 * (profiles, tokens, endpoints), and returns the function that puts it all back.
 */
export const useDemoEnv = (server: DemoServer, opts: DemoEstateOptions = {}): (() => void) => {
  const parts = demoParts(opts);
  const vars = Object.assign(
    {},
    ...parts.map((p) => p.demo.env?.(server.url, p.ctx) ?? {}),
    ...Object.values(server.own ?? {}).map((o) => o.env ?? {}),
  ) as Record<string, string>;
  return swapEnv(vars, (name) => parts.some((p) => p.demo.hidesEnv?.(name) ?? false));
};

/** "AWS accounts 1, 2, a Google Cloud organisation and a GitHub organisation". */
const describeEstate = (opts: DemoEstateOptions): string => {
  const phrases = demoParts(opts).map((p) => p.demo.describe(p.ctx.dir));
  return phrases.length <= 1
    ? (phrases[0] ?? 'nothing')
    : `${phrases.slice(0, -1).join(', ')} and ${phrases.at(-1) ?? ''}`;
};

const shortPath = (path: string): string => {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
};

export const runDemo = async (opts: RunDemoOptions): Promise<ScanCommandResult> => {
  const loaded = await loadConfig(DEMO_CONFIG, builtins);
  // A provider whose optional SDK this install left out is not part of the demo (said below).
  const leftOut = loaded.providers.map((p) => p.connector).filter((c) => missingSdks(c, 'demo').length > 0);
  const config: Config = {
    ...loaded,
    providers: loaded.providers.filter((p) => !leftOut.includes(p.connector)),
  };
  const asOf = config.file.asOf === undefined ? undefined : parseAsOf(config.file.asOf);
  const estate: DemoEstateOptions = {
    ...(asOf ? { asOf } : {}),
    ...(leftOut.length > 0
      ? { connectors: Object.values(builtins.connectors).filter((c) => !leftOut.includes(c)) }
      : {}),
  };
  const server = await startDemoEstate(estate);
  const restore = useDemoEnv(server, estate);
  try {
    opts.print(
      `Demo estate, judged as of ${asOf ? `${asOf.toISOString()} (fixed, so the output is the same every run)` : 'now'}:\n` +
        `  ${describeEstate(estate)} served from ${shortPath(DEMO_DIR)}\n` +
        `  by a local server at ${server.url}, scanned through the real SDK clients with the config ${shortPath(DEMO_CONFIG)}.\n` +
        leftOut
          .map(
            (c) =>
              `  Left out: ${c.title}, whose optional SDK is not installed (\`${sdkInstallCommand(c, 'demo')}\` adds it).\n`,
          )
          .join('') +
        '\n',
    );
    const outcome = await scanCommand({
      config: pointAtDemoServer(config, server),
      out: opts.out,
      failOn: opts.failOn,
      store: opts.store,
      log: opts.log,
      print: opts.print,
      ...(opts.color !== undefined ? { color: opts.color } : {}),
      ...opts.output,
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
  }
};
