// The connector contract: enumerate identities of one provider, target by target. Connectors
// know nothing of policies; they report what they could not see through `ctx.gap`.
import type { z } from 'zod';
import type { Clock } from './clock.js';
import { ScanError, errorMessage } from './errors.js';
import type { Framework } from './controls/framework.js';
import type { ConnectorDemo } from './demo/server.js';
import type { Limiter } from './concurrency.js';
import type { Logger } from './log.js';
import type { Gap, IdentityInput } from './model.js';
import type { PermissionManifest } from './permissions.js';

export interface Target<T = unknown> {
  /** Stable id, e.g. "aws:profile/prod", "aws:assume/123456789012". */
  id: string;
  provider: string;
  /** What the user would call it. */
  label: string;
  data: T;
}

export interface CollectContext<S = unknown> {
  clock: Clock;
  /** Bounds this target's concurrent API calls. */
  limit: Limiter;
  concurrency: number;
  log: Logger;
  /** Aborts at the target's deadline or when the scan is interrupted: pass it to every call. */
  signal: AbortSignal;
  /** Per-request timeout (config `timeouts.requestSeconds`): set it on every client the target builds. */
  requestTimeoutMs: number;
  /** Records something not seen; the scan goes on. */
  gap(gap: Omit<Gap, 'recovered'> & { recovered?: boolean }): void;
  /** A fact about the collection worth keeping (e.g. when a report was generated). */
  note(text: string): void;
  /** The account / project / org the target resolved to. */
  setScope(scope: string): void;
  /** Who the scanner ran as on this target. */
  setPrincipal(principal: string): void;
  /** Resolves a path from the config file against the config's folder, as every config path is. */
  resolvePath: (path: string) => string;
  /** What the connector's `session` opened for this scan (undefined for a connector without one). */
  session: S;
}

/** Per-scan state a connector opens once, before its first target, and the scan closes after its last. */
export interface ConnectorSession {
  close(): Promise<void>;
}

/** What a session is opened with: the scan's clock, log and signal, and the config's folder. */
export type SessionContext = Pick<CollectContext, 'clock' | 'log' | 'signal' | 'resolvePath'> & {
  /** Per-request timeout for what the session itself calls (the config's when the scan opens it). */
  requestTimeoutMs?: number;
};

export interface Connector<C = unknown, T = unknown, S = unknown> {
  id: string;
  title: string;
  /** Strict schema of this provider's block under `providers:` in the config. */
  config: z.ZodType<C>;
  targets(config: C): Target<T>[];
  /**
   * For a target that stands for many (an organisation's projects, every org an App is installed
   * on): lists them, so each is scanned and reported as a target of its own. The parent keeps a
   * coverage entry for the discovery itself; its gaps say what could not be listed.
   */
  expand?(target: Target<T>, config: C, ctx: CollectContext<S>): Promise<Target<T>[] | undefined>;
  collect(target: Target<T>, config: C, ctx: CollectContext<S>): AsyncIterable<IdentityInput>;
  /**
   * Opened once per scan for this provider block, before any of its targets, and closed after
   * the last (also when the scan fails): what its targets share (proven credentials, a cache of
   * policies read once). Reaches `expand` and `collect` as `ctx.session`. A throw fails every
   * target of the provider with that error.
   */
  session?(config: C, ctx: SessionContext): (S & ConnectorSession) | Promise<S & ConnectorSession>;
  /** Its part of `nhiscan demo`: the API played from fixtures/demo/<id>/ (connectors/<id>/demo.ts). */
  demo?: ConnectorDemo;
  /** Its block of the config `nhiscan init` writes (connectors/<id>/starter.ts). */
  starter?: ConnectorStarter;
  /** Frameworks of this provider (its CIS benchmark, connectors/<id>/cis.ts). */
  frameworks?: readonly Framework[];
  /** The read-only permissions its calls need, as data (connectors/<id>/permissions.ts). */
  permissions?: PermissionManifest;
  /** OCSF account object `type_id`/`type` of this provider's accounts (absent → 99 Other). */
  ocsfAccountType?: { readonly id: number; readonly name: string };
  /**
   * Columns of the people directory that hold a person's id on this provider (a login its
   * identities name as owner), added to the default `directory.idFields` after email, login and
   * username.
   */
  directoryIdFields?: readonly string[];
  /**
   * SDKs it needs that the install may leave out, package name → version range: optional peer
   * dependencies, so an install for the other providers stays small.
   */
  optionalSdks?: Readonly<Record<string, string>>;
  /**
   * SDKs only a config option needs, package name → version range (Google Cloud's
   * `cloudAssetInventory` → @google-cloud/asset): optional peer dependencies too, but never a
   * reason to leave the connector out of the demo or a scan. The option's code loads the package
   * and, when it is missing, fails with the install command (`optionSdkInstallCommand`).
   */
  optionSdks?: Readonly<Record<string, string>>;
  /**
   * Its targets may be collected in worker threads (`--workers N`, src/target-workers.ts): `collect`
   * needs nothing from `ctx.session` that `expand` or another target put there (each worker opens
   * the session afresh), and its target data and provider config are plain data (structured clone).
   * Absent: its targets are collected in the main thread.
   */
  workerThreads?: boolean;
  /**
   * `nhiscan doctor`: checks the credentials of one target and which permissions of its manifest
   * the principal holds. Throws (a ScanError) when the credentials fail. Without it the core
   * reports the provider as "not checked", never as fine.
   */
  doctor?(target: Target<T>, config: C, ctx: CollectContext<S>): Promise<DoctorReport>;
}

/** One permission of the manifest as `nhiscan doctor` found it. */
export interface DoctorCheck {
  permission: string;
  /** not-needed: this credential cannot use it anyway (the gap is a note, not a failure). */
  status: 'granted' | 'missing' | 'unknown' | 'not-needed';
  /** The coverage it gives (the manifest entry's `reads`): what is missing without it. */
  reads: string;
  required: boolean;
  detail?: string;
}

/** What a connector's doctor found for one target. */
export interface DoctorReport {
  principal?: string;
  /** How the permissions were checked, e.g. "the App installation's granted permissions". */
  method: string;
  checks: DoctorCheck[];
}

/** A connector's part of the starter config; it must validate as written when enabled. */
export interface ConnectorStarter {
  /** Written live (true) or commented out, for the user to fill in. */
  enabled: boolean;
  /** The YAML under `providers:`, starting with the connector id, indented from column 0. */
  block: string;
  /** A `financialScope` selector for this provider, shown commented out. */
  soc1Example?: string;
}

/** Lets a registry hold connectors of different config types. */
export type AnyConnector = Connector<any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What a connector declares without its API clients: imported eagerly, listed by the registry. */
export type ConnectorLight<C = unknown, T = unknown> = Pick<
  Connector<C, T>,
  | 'id'
  | 'title'
  | 'config'
  | 'targets'
  | 'demo'
  | 'starter'
  | 'frameworks'
  | 'permissions'
  | 'optionalSdks'
  | 'optionSdks'
  | 'ocsfAccountType'
  | 'directoryIdFields'
  | 'workerThreads'
> & {
  /** Whether the full connector has `expand` (targets that stand for many). */
  expands?: boolean;
  /** Whether the full connector has a `doctor` check. */
  doctors?: boolean;
};

/**
 * A connector whose SDK-heavy part (`collect`, `expand`, `session`) is imported only when a scan
 * opens its session, so `nhiscan --version`, `policies`, `controls` and `init` start without
 * loading any cloud SDK. `load` is called once.
 */
export const lazyConnector = <C, T>(
  light: ConnectorLight<C, T>,
  load: () => Promise<Connector<C, T, any>>, // eslint-disable-line @typescript-eslint/no-explicit-any
): Connector<C, T, ConnectorSession> => {
  type Full = Connector<C, T, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let loaded: Promise<Full> | undefined;
  const full = (): Promise<Full> =>
    (loaded ??= load().catch((err: unknown) => {
      throw missingSdkError(light, err) ?? err;
    }));
  const { expands, doctors, ...rest } = light;
  return {
    ...rest,
    session: async (config, ctx) => {
      const connector = await full();
      return connector.session
        ? ((await connector.session(config, ctx)) as ConnectorSession)
        : { close: () => Promise.resolve() };
    },
    ...(expands
      ? {
          expand: async (target, config, ctx) => {
            const connector = await full();
            return connector.expand ? connector.expand(target, config, ctx) : undefined;
          },
        }
      : {}),
    collect: async function* (target, config, ctx) {
      yield* (await full()).collect(target, config, ctx);
    },
    ...(doctors
      ? {
          doctor: async (target, config, ctx) => {
            const connector = await full();
            if (!connector.doctor) throw new Error(`connector ${connector.id} declares a doctor it lacks`);
            return connector.doctor(target, config, ctx);
          },
        }
      : {}),
  };
};

/** What a run of the connector loads: a scan its `optionalSdks`, the demo those and its demo's `sdks`. */
export type SdkUse = 'scan' | 'demo';

/** The optional packages a scan (or the demo) of this connector needs, name → version range. */
export const sdksFor = (
  connector: Pick<Connector, 'optionalSdks' | 'demo'>,
  use: SdkUse = 'scan',
): Record<string, string> => ({
  ...connector.optionalSdks,
  ...(use === 'demo' ? connector.demo?.sdks : {}),
});

/** The command that adds what a scan (or the demo) of the connector needs to the install. */
export const sdkInstallCommand = (
  connector: Pick<Connector, 'optionalSdks' | 'demo'>,
  use: SdkUse = 'scan',
): string =>
  `npm install ${Object.entries(sdksFor(connector, use))
    .map(([name, range]) => `${name}@${range}`)
    .join(' ')}`;

/** The command that adds an SDK one of the connector's options needs (`optionSdks`). */
export const optionSdkInstallCommand = (connector: Pick<Connector, 'optionSdks'>, name: string): string => {
  const range = connector.optionSdks?.[name];
  if (range === undefined) throw new Error(`${name} is not one of the connector's optionSdks`);
  return `npm install ${name}@${range}`;
};

/** The optional packages a scan (or the demo) of the connector needs that this install cannot resolve. */
export const missingSdks = (
  connector: Pick<Connector, 'optionalSdks' | 'demo'>,
  use: SdkUse = 'scan',
): string[] =>
  Object.keys(sdksFor(connector, use)).filter((name) => {
    try {
      import.meta.resolve(name);
      return false;
    } catch (err) {
      // Only "not there" counts as missing; anything else surfaces when the connector loads.
      return (err as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND';
    }
  });

/**
 * A connector whose optional SDK is not installed fails each of its targets with a gap that says
 * what to install, instead of a module resolution error.
 */
const missingSdkError = (
  connector: Pick<Connector, 'id' | 'title' | 'optionalSdks'>,
  err: unknown,
): ScanError | undefined => {
  if ((err as { code?: unknown } | null)?.code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  const message = errorMessage(err);
  const name = Object.keys(connector.optionalSdks ?? {}).find((n) => message.includes(`'${n}'`));
  if (!name) return undefined;
  return new ScanError(
    {
      code: 'not_supported',
      call: `${connector.id}:sdk`,
      message:
        `the ${connector.title} connector needs ${name}, an optional dependency this install left out: ` +
        `run \`${sdkInstallCommand(connector)}\` where nhiscan is installed`,
    },
    'provider',
    { cause: err },
  );
};
