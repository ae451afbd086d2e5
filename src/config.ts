// The config file (`nhiscan.config.yaml`, YAML or JSON), validated strictly: an error names the
// key path, what was expected and what was found. Secrets never live here: providers use their
// usual credential chains, or environment variable names the config points to.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { AcceptedGapRule } from './accepted-gaps.js';
import { IsoDateInput } from './clock.js';
import type { AnyConnector } from './connector.js';
import { type Framework, unknownControlIds, unknownMappings } from './controls/index.js';
import { DirectoryConfig, defaultIdFields } from './directory.js';
import { FinancialScopeSelector } from './financial-scope.js';
import { UsageError, errorMessage } from './errors.js';
import { TimeoutsConfig } from './timeouts.js';
import { parseYamlText } from './yaml.js';
import { sha256, stableStringify } from './hash.js';
import { Severity } from './model.js';
import type { AnyPolicy } from './policy.js';
import type { Reporter } from './report/types.js';
import { loadPlugins } from './plugins.js';
import { builtins } from './registry.js';
import { MAX_WORKERS } from './target-workers.js';

export const FailOn = z.enum([...Severity.options, 'none']);
export type FailOn = z.infer<typeof FailOn>;

const PolicyOverride = z
  .strictObject({
    /** Applies to identities of this provider ('aws', 'gcp', 'github', a plug-in's id). */
    provider: z.string().min(1).optional(),
    /** Applies to identities of this kind ('aws.iam_role', 'github.deploy_key', …). */
    kind: z.string().min(1).optional(),
    enabled: z.boolean().optional(),
    severity: Severity.optional(),
    /** Merged over the policy's options. */
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((o) => o.provider ?? o.kind, { message: 'an override needs provider or kind' });

export const PolicySettings = z.strictObject({
  enabled: z.boolean().optional(),
  severity: Severity.optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  /** Later entries win; a kind override is more specific than a provider one, so list it after. */
  overrides: z.array(PolicyOverride).default([]),
});
export type PolicySettings = z.infer<typeof PolicySettings>;

const Soc1Objective = z.strictObject({
  id: z.string().min(1),
  title: z.string().min(1),
  /** Our default objective ids this one stands for (e.g. ITGC-LA-3). */
  covers: z.array(z.string().min(1)).default([]),
  /** Policies that test this objective directly. */
  policies: z.array(z.string().min(1)).default([]),
});

const StoreConfig = z.union([
  z
    .string()
    .min(1)
    .refine((s) => !/^postgres(ql)?:/i.test(s), {
      message:
        'a connection URL does not belong in the config file (it may carry a password): write `store: { url: { env: NHISCAN_STORE_URL } }` and set that variable',
    }),
  z.strictObject({
    /** SQLite file, relative to the config file; absent: nhiscan.sqlite beside the output. */
    path: z.string().min(1).optional(),
    /** PostgreSQL: the name of the environment variable holding the connection URL. */
    url: z
      .strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') })
      .optional(),
  }),
]);

export const ConfigFile = z.strictObject({
  version: z.literal(1).default(1),
  /** Judge dates as of this instant instead of now (ISO date or timestamp). */
  asOf: IsoDateInput.optional(),
  /** Exit 1 when a finding at or above this severity is open. */
  failOn: FailOn.default('high'),
  /** Concurrent API calls per target. */
  concurrency: z.int().min(1).max(64).default(8),
  /** Targets (accounts, projects, orgs) scanned at once. */
  targetConcurrency: z.int().min(1).max(32).default(4),
  /**
   * Worker threads collecting targets (README: Worker threads): 1 collects in the main thread,
   * `auto` one per core but one. No default, so configs without it keep their hash.
   */
  workers: z.union([z.int().min(1).max(MAX_WORKERS), z.literal('auto')]).optional(),
  /** Per-request timeout and per-target deadline (README: Timeouts and signals). */
  timeouts: TimeoutsConfig,
  output: z
    .strictObject({
      dir: z.string().min(1).default('nhiscan-out'),
      /** Report formats beside the JSON result (json, csv, ocsf, sarif, md, junit, html, all). */
      formats: z.array(z.string().min(1)).default(['json']),
    })
    .default({ dir: 'nhiscan-out', formats: ['json'] }),
  /** Scan history (src/store): a SQLite file, or PostgreSQL through a URL held in an environment variable. */
  store: StoreConfig.optional(),
  ownership: z
    .strictObject({
      /** Tag / label keys that name an identity's owner, first match wins (case-insensitive). */
      tagKeys: z.array(z.string().min(1)).min(1).default(['owner', 'nhi-owner', 'owner-email', 'contact']),
      /**
       * Owners named in config, by identity uid glob (`*`, `?`; case-insensitive), first match wins:
       * for kinds whose provider records no owner (GitHub secrets and webhooks, OAuth apps) or has no tags.
       * Used only when neither the connector nor a tag named one.
       */
      owners: z.record(z.string().min(1), z.string().trim().min(1)).default({}),
    })
    .default({ tagKeys: ['owner', 'nhi-owner', 'owner-email', 'contact'], owners: {} }),
  directory: DirectoryConfig.optional(),
  /** Accepted-risk exceptions file (YAML); relative to the config file. */
  exceptions: z.string().min(1).optional(),
  /** Known coverage gaps accepted with a reason and an expiry (README: Accepted gaps). */
  acceptedGaps: z.array(AcceptedGapRule).optional(),
  /** What is in financial-reporting (SOC 1) scope, by selector. SOC 2 tags apply regardless. */
  financialScope: z.array(FinancialScopeSelector).default([]),
  /** The old spelling of `financialScope` (`scope.soc1`): still read, with a warning naming the new key. */
  scope: z.strictObject({ soc1: z.array(FinancialScopeSelector).default([]) }).optional(),
  controls: z
    .strictObject({
      soc1: z
        .strictObject({
          /** extend: add these to nhiscan's ITGC set; replace: use only these. */
          mode: z.enum(['extend', 'replace']).default('extend'),
          objectives: z.array(Soc1Objective).default([]),
        })
        .default({ mode: 'extend', objectives: [] }),
    })
    .default({ soc1: { mode: 'extend', objectives: [] } }),
  /** Module paths (relative to the config file) exporting extra connectors, policies or reporters. */
  plugins: z.array(z.string().min(1)).default([]),
  providers: z.record(z.string(), z.unknown()).default({}),
  policies: z.record(z.string(), PolicySettings).default({}),
});
export type ConfigFile = z.infer<typeof ConfigFile>;

export interface PolicyVariant {
  enabled: boolean;
  severity: Severity;
  options: unknown;
}

export interface PolicyOverrideSettings {
  provider?: string | undefined;
  kind?: string | undefined;
  enabled?: boolean | undefined;
  severity?: Severity | undefined;
  options?: Record<string, unknown> | undefined;
}

/** A plug-in's `disablePolicies` entry, with the module that set it. */
export interface PolicyDisable {
  id: string;
  reason: string;
  /** The module path as the config names it, and the SHA-256 of its file. */
  plugin: string;
  sha256: string;
}

/** Who set a policy's `enabled` state, in the order applied (the last one holds). */
export type PolicySetBy =
  | { by: 'plugin'; enabled: boolean; plugin: string; sha256: string; reason: string }
  | { by: 'config'; enabled: boolean };

export interface EffectivePolicy extends PolicyVariant {
  policy: AnyPolicy;
  /** Absent when neither a plug-in nor the config set `enabled` (the default: on). */
  setBy?: PolicySetBy[];
  /** The file's options before defaults, so overrides merge over what the user wrote. */
  rawOptions: Record<string, unknown>;
  /** Provider / kind overrides as written (validated); every matching one applies, in order. */
  overrides: PolicyOverrideSettings[];
  /** Memo of merged variants by the set of matching overrides. */
  variants: Map<string, PolicyVariant>;
}

/** The settings for one identity: the base, then each matching override in file order. */
export const variantFor = (
  p: EffectivePolicy,
  identity: { provider: string; kind: string },
): PolicyVariant => {
  if (p.overrides.length === 0) return p;
  const matching = p.overrides
    .map((o, i) => [o, i] as const)
    .filter(
      ([o]) =>
        (o.provider === undefined || o.provider === identity.provider) &&
        (o.kind === undefined || o.kind === identity.kind),
    );
  if (matching.length === 0) return p;
  const key = matching.map(([, i]) => i).join(',');
  let variant = p.variants.get(key);
  if (!variant) {
    let options = p.rawOptions;
    let { enabled, severity } = p;
    for (const [o] of matching) {
      options = { ...options, ...(o.options ?? {}) };
      enabled = o.enabled ?? enabled;
      severity = o.severity ?? severity;
    }
    variant = { enabled, severity, options: p.policy.options.parse(options) };
    p.variants.set(key, variant);
  }
  return variant;
};

export interface Config {
  file: ConfigFile;
  /** Folder relative paths in the file resolve against. */
  baseDir: string;
  /** sha256 of the normalised config, recorded in every ScanResult. */
  hash: string;
  providers: { connector: AnyConnector; config: unknown }[];
  policies: EffectivePolicy[];
  /** Frameworks in force: the built-in ones and those plug-ins add (default: the built-in ones). */
  frameworks?: readonly Framework[];
  /** Plug-in reporters by id. */
  reporters?: Record<string, Reporter>;
  /** The plug-in modules loaded, with the SHA-256 of each file (set by loadConfig). */
  plugins?: { path: string; sha256: string }[];
  /** Things to tell the user that do not stop the run (a deprecated key): the commands log them. */
  warnings?: string[];
}

/** Strings longer than this are never echoed in an error: a file given by mistake (`.env`,
 *  `~/.aws/credentials`) may hold a secret in any value. */
const ECHO_MAX = 16;

const describe = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string' && value.length > ECHO_MAX) return `a string of ${value.length} characters`;
  return `${typeof value} ${JSON.stringify(value)}`;
};

export const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  );

/** Zod issues as "key.path: expected …, found …" lines. */
export const formatIssues = (error: z.ZodError, prefix: readonly PropertyKey[] = []): string[] =>
  error.issues.map((issue) => {
    const path = formatPath([...prefix, ...issue.path]) || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      return `${path}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    }
    // The whole file as one value (a `.env` read as YAML is a single string): never echoed.
    const found =
      'input' in issue
        ? issue.path.length === 0 && prefix.length === 0
          ? `, found ${typeof issue.input === 'string' ? 'a plain string (is this a YAML or JSON config?)' : describe(issue.input)}`
          : `, found ${describe(issue.input)}`
        : '';
    return `${path}: ${issue.message}${found}`;
  });

const parseStrict = <T>(schema: z.ZodType<T>, value: unknown, prefix: PropertyKey[], source: string): T => {
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) {
    throw new UsageError(`invalid config ${source}:\n  ${formatIssues(result.error, prefix).join('\n  ')}`);
  }
  return result.data;
};

export interface Registries {
  connectors: Record<string, AnyConnector>;
  policies: Record<string, AnyPolicy>;
  /** Frameworks in force (src/controls/); default: the built-in ones (src/registry.ts). */
  frameworks?: readonly Framework[];
  /** Plug-in reporters by id (`--format myid`); the built-in ones live in src/report/index.ts. */
  reporters?: Record<string, Reporter>;
  /** Policies plug-ins switched off (`disablePolicies`). */
  policyDisables?: readonly PolicyDisable[];
}

/** Renamed keys read in their old spelling too, each with a warning naming the new key. */
const upgradeKeys = (
  file: ConfigFile,
  raw: unknown,
  source: string,
): { file: ConfigFile; warnings: string[] } => {
  if (file.scope === undefined) return { file, warnings: [] };
  if (raw && typeof raw === 'object' && 'financialScope' in raw)
    throw new UsageError(
      `invalid config ${source}:\n  scope.soc1: the old spelling of financialScope; give only financialScope`,
    );
  const { scope, ...rest } = file;
  return {
    file: { ...rest, financialScope: scope.soc1 },
    warnings: [`config ${source}: scope.soc1 is deprecated; name the same selectors financialScope`],
  };
};

/**
 * `directory.idFields` left out: the core's id columns and those of every connector, plug-ins
 * included (the schema's default knows only the built-in ones). Without a plug-in that declares
 * one it is the list the schema wrote, so the config hash is unchanged.
 */
const withDefaultIdFields = (file: ConfigFile, raw: unknown, registries: Registries): ConfigFile => {
  const written = (raw as { directory?: { idFields?: unknown } } | null | undefined)?.directory?.idFields;
  if (!file.directory || written !== undefined) return file;
  return {
    ...file,
    directory: {
      ...file.directory,
      // Built-ins first, as the schema's default lists them (a test may pass fewer registries).
      idFields: defaultIdFields([
        ...Object.values(builtins.connectors),
        ...Object.values(registries.connectors),
      ]),
    },
  };
};

/**
 * The config as hashed: `financialScope` in its old spelling (`scope.soc1`), so the rename keeps
 * every config's hash (stored scans and shards are matched by it) and both spellings hash alike.
 */
const hashForm = (file: ConfigFile): unknown => ({
  ...file,
  // How targets are collected, not what is judged: a run with workers matches one without.
  workers: undefined,
  financialScope: undefined,
  scope: { soc1: file.financialScope },
});

/** Validates raw config data (already parsed from YAML/JSON) against the registries. */
export const buildConfig = (
  raw: unknown,
  registries: Registries,
  source: string,
  baseDir: string,
): Config => {
  const upgraded = upgradeKeys(parseStrict(ConfigFile, raw ?? {}, [], source), raw, source);
  const { warnings } = upgraded;
  const file = withDefaultIdFields(upgraded.file, raw, registries);
  const providers: Config['providers'] = [];
  for (const [id, block] of Object.entries(file.providers)) {
    const connector = registries.connectors[id];
    if (!connector) {
      throw new UsageError(
        `invalid config ${source}:\n  providers.${id}: unknown provider (known: ${Object.keys(registries.connectors).join(', ')})`,
      );
    }
    const parsed: unknown = parseStrict(connector.config, block ?? {}, ['providers', id], source);
    if ((parsed as { enabled?: boolean }).enabled === false) continue;
    providers.push({ connector, config: parsed });
  }
  // Every control a policy names must exist: a typo in a framework or control id fails here, not in an audit.
  const frameworks = registries.frameworks ?? builtins.frameworks;
  for (const policy of Object.values(registries.policies)) {
    const unknown = unknownControlIds(policy.controls, frameworks);
    if (unknown.length)
      throw new UsageError(`policy ${policy.id} names unknown controls: ${unknown.join('; ')}`);
  }
  for (const f of frameworks) {
    const unknown = unknownMappings(f);
    if (unknown.length) throw new UsageError(`framework ${f.id}: ${unknown.join('; ')}`);
  }
  for (const id of Object.keys(file.policies)) {
    if (!registries.policies[id]) {
      throw new UsageError(
        `invalid config ${source}:\n  policies.${id}: unknown policy (known: ${Object.keys(registries.policies).join(', ')})`,
      );
    }
  }
  const policies = Object.values(registries.policies).map((policy): EffectivePolicy => {
    const settings = file.policies[policy.id] ?? { overrides: [] };
    // A plug-in may switch a policy off; the config file, the operator's word, has the last say.
    const setBy: PolicySetBy[] = (registries.policyDisables ?? [])
      .filter((d) => d.id === policy.id)
      .map((d) => ({ by: 'plugin', enabled: false, plugin: d.plugin, sha256: d.sha256, reason: d.reason }));
    if (settings.enabled !== undefined) setBy.push({ by: 'config', enabled: settings.enabled });
    const enabled = setBy.at(-1)?.enabled ?? true;
    const severity = settings.severity ?? policy.severity;
    const rawOptions = settings.options ?? {};
    const options: unknown = parseStrict(
      policy.options,
      rawOptions,
      ['policies', policy.id, 'options'],
      source,
    );
    // Validate each override against the base now, so a bad value fails at load, not mid-scan.
    settings.overrides.forEach((o, i) => {
      parseStrict(
        policy.options,
        { ...rawOptions, ...(o.options ?? {}) },
        ['policies', policy.id, 'overrides', i, 'options'],
        source,
      );
    });
    const overrides = settings.overrides;
    return {
      policy,
      enabled,
      severity,
      options,
      rawOptions,
      overrides,
      variants: new Map(),
      ...(setBy.length > 0 ? { setBy } : {}),
    };
  });
  return {
    file,
    baseDir,
    hash: sha256(stableStringify(hashForm(file))),
    providers,
    policies,
    frameworks,
    ...(warnings.length ? { warnings } : {}),
    ...(registries.reporters ? { reporters: registries.reporters } : {}),
  };
};

/** Reads, validates and loads the plug-ins a config names. */
export const loadConfig = async (path: string, registries: Registries): Promise<Config> => {
  const raw = readConfigFile(path);
  // Plug-ins first: they add the providers and policies the rest of the file is checked against.
  const plugins = z.looseObject({ plugins: ConfigFile.shape.plugins }).safeParse(raw ?? {});
  const baseDir = dirname(resolve(path));
  const withPlugins =
    plugins.success && plugins.data.plugins.length > 0
      ? await loadPlugins(plugins.data.plugins, baseDir, registries)
      : registries;
  const config = buildConfig(raw, withPlugins, path, baseDir);
  // What ran, not just what was named: the digest of each module file as it was loaded.
  if (config.file.plugins.length > 0)
    config.plugins = config.file.plugins.map((p) => ({
      path: p,
      sha256: sha256(readFileSync(resolve(baseDir, p))),
    }));
  return config;
};

/** What the store commands read from a config: where the store is, and where output goes. */
export interface StoreSettings {
  file: Pick<ConfigFile, 'store' | 'output'>;
  baseDir: string;
}

/**
 * The `store:` and `output:` of a config, for diff / period / prune / verify: the rest of the
 * file is not validated and its plug-ins are not loaded (a plug-in runs with the scanner's
 * credentials; a command that only reads the store has no reason to run it).
 */
export const loadStoreSettings = (path: string): StoreSettings => {
  const raw = readConfigFile(path);
  const file = parseStrict(
    z.looseObject({ store: ConfigFile.shape.store, output: ConfigFile.shape.output }),
    raw ?? {},
    [],
    path,
  );
  return { file, baseDir: dirname(resolve(path)) };
};

const readConfigFile = (path: string): unknown => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read config ${path}: ${errorMessage(err)}`);
  }
  return parseYamlText(text, `config ${path}`);
};

/** Resolves a path from the config file against the config's folder. */
export const resolveFromConfig = (config: Pick<Config, 'baseDir'>, path: string): string =>
  resolve(config.baseDir, path);
