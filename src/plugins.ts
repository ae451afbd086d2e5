// Plug-ins: a module path named in the config that exports the same shape as a built-in
// connector (`connector`), policy (`policy`, or `policies` as a list), framework (`framework`, or
// `frameworks`) or reporter (`reporter`, or `reporters`), written against `nhiscan/plugin`; it may
// also switch built-in policies off (`disablePolicies`), recorded in `run.policies` as its doing.
// Validated on load so a broken plug-in fails with a message naming the module and the missing
// piece.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { PolicyDisable, Registries } from './config.js';
import type { AnyConnector } from './connector.js';
import { type Framework, FrameworkShape } from './controls/framework.js';
import { unknownControlIds } from './controls/index.js';
import { UsageError, errorMessage } from './errors.js';
import { sha256 } from './hash.js';
import { Severity } from './model.js';
import { builtins as defaults } from './registry.js';
import type { AnyPolicy } from './policy.js';
import type { Reporter } from './report/types.js';
import { reporters as builtinReporters } from './report/index.js';

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'expected a function');
const schema = z.custom<z.ZodType>(
  (v) =>
    typeof v === 'object' && v !== null && typeof (v as { safeParse?: unknown }).safeParse === 'function',
  'expected a zod schema',
);

const ConnectorShape = z.looseObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected a lowercase id such as "vault"'),
  title: z.string().min(1),
  config: schema,
  targets: fn,
  collect: fn,
  directoryIdFields: z.array(z.string().min(1)).optional(),
});

const PolicyShape = z.looseObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected a kebab-case id'),
  title: z.string().min(1),
  description: z.string().min(1),
  appliesTo: z.strictObject({
    providers: z.array(z.string().min(1)).min(1).optional(),
    kinds: z.array(z.string().min(1)).min(1).optional(),
  }),
  severity: Severity,
  remediation: z.looseObject({
    default: z.string().min(1),
    byKind: z.record(z.string(), z.string().min(1)).optional(),
  }),
  references: z.array(z.url()),
  findings: z.array(
    z.looseObject({ key: z.string().optional(), title: z.string().min(1), evidence: z.array(z.string()) }),
  ),
  options: schema,
  controls: z.looseObject({
    soc2: z.array(z.string()).min(1, 'a policy must name at least one SOC 2 criterion'),
  }),
  evaluate: fn,
});

const ReporterShape = z.looseObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected a lowercase id such as "pdf"'),
  fileName: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a plain file name such as "nhiscan-report.pdf"'),
  write: fn,
});

/** `disablePolicies`: a plug-in switches a policy off, and says why (like an exception's reason). */
const DisableShape = z.array(
  z.strictObject({
    id: z.string().min(1),
    reason: z.string().trim().min(10, 'give a reason of at least 10 characters'),
  }),
);

const problem = (where: string, error: z.ZodError): string =>
  error.issues.map((i) => `${where}.${i.path.join('.') || '(export)'}: ${i.message}`).join('; ');

export const loadPlugins = async (
  paths: readonly string[],
  baseDir: string,
  builtins: Registries,
): Promise<Registries> => {
  const connectors = { ...builtins.connectors };
  const policies = { ...builtins.policies };
  const reporters: Record<string, Reporter> = { ...builtins.reporters };
  const added: Framework[] = [];
  const checks: { where: string; policy: AnyPolicy }[] = [];
  const disables: (PolicyDisable & { where: string })[] = [];
  for (const [i, path] of paths.entries()) {
    const where = `plugins[${i}] (${path})`;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(resolve(baseDir, path)).href)) as Record<string, unknown>;
    } catch (err) {
      throw new UsageError(`${where}: cannot load module: ${errorMessage(err)}`);
    }
    const found: string[] = [];
    if (mod.connector !== undefined) {
      const parsed = ConnectorShape.safeParse(mod.connector);
      if (!parsed.success)
        throw new UsageError(`${where}: invalid connector: ${problem('connector', parsed.error)}`);
      if (connectors[parsed.data.id])
        throw new UsageError(`${where}: connector id "${parsed.data.id}" is already taken`);
      connectors[parsed.data.id] = mod.connector as AnyConnector;
      found.push('connector');
    }
    const fws =
      mod.frameworks !== undefined ? mod.frameworks : mod.framework !== undefined ? [mod.framework] : [];
    if (!Array.isArray(fws))
      throw new UsageError(`${where}: export "frameworks" must be a list of frameworks`);
    for (const [j, candidate] of fws.entries()) {
      const parsed = FrameworkShape.safeParse(candidate);
      if (!parsed.success)
        throw new UsageError(`${where}: invalid framework: ${problem(`frameworks[${j}]`, parsed.error)}`);
      if ([...(builtins.frameworks ?? defaults.frameworks), ...added].some((f) => f.id === parsed.data.id))
        throw new UsageError(`${where}: framework id "${parsed.data.id}" is already taken`);
      added.push(candidate as Framework);
      found.push(`framework ${parsed.data.id}`);
    }
    const list = mod.policies !== undefined ? mod.policies : mod.policy !== undefined ? [mod.policy] : [];
    if (!Array.isArray(list)) throw new UsageError(`${where}: export "policies" must be a list of policies`);
    for (const [j, candidate] of list.entries()) {
      const parsed = PolicyShape.safeParse(candidate);
      if (!parsed.success)
        throw new UsageError(`${where}: invalid policy: ${problem(`policies[${j}]`, parsed.error)}`);
      if (policies[parsed.data.id])
        throw new UsageError(`${where}: policy id "${parsed.data.id}" is already taken`);
      checks.push({ where, policy: candidate as AnyPolicy });
      policies[parsed.data.id] = candidate as AnyPolicy;
      found.push(`policy ${parsed.data.id}`);
    }
    const reporterList =
      mod.reporters !== undefined ? mod.reporters : mod.reporter !== undefined ? [mod.reporter] : [];
    if (!Array.isArray(reporterList))
      throw new UsageError(`${where}: export "reporters" must be a list of reporters`);
    for (const [j, candidate] of reporterList.entries()) {
      const parsed = ReporterShape.safeParse(candidate);
      if (!parsed.success)
        throw new UsageError(`${where}: invalid reporter: ${problem(`reporters[${j}]`, parsed.error)}`);
      const { id, fileName } = parsed.data;
      if (id in builtinReporters || reporters[id])
        throw new UsageError(`${where}: reporter id "${id}" is already taken`);
      // A plug-in's file lands in the run folder beside the others: it may not replace one of them.
      const taken = [...Object.values(builtinReporters), ...Object.values(reporters)].map((r) => r.fileName);
      if (taken.some((f) => f.toLowerCase() === fileName.toLowerCase() || `${f}.sha256` === fileName))
        throw new UsageError(`${where}: reporter ${id} would overwrite ${fileName}, another report's file`);
      reporters[id] = candidate as Reporter;
      found.push(`reporter ${id}`);
    }
    if (mod.disablePolicies !== undefined) {
      const parsed = DisableShape.safeParse(mod.disablePolicies);
      if (!parsed.success)
        throw new UsageError(
          `${where}: invalid disablePolicies: ${problem('disablePolicies', parsed.error)}`,
        );
      // What ran, as loaded: the record names the module and its digest.
      const digest = sha256(readFileSync(resolve(baseDir, path)));
      for (const d of parsed.data) disables.push({ ...d, plugin: path, sha256: digest, where });
      found.push('disablePolicies');
    }
    if (found.length === 0) {
      throw new UsageError(
        `${where}: exports none of "connector", "policy"/"policies", "framework"/"frameworks", "reporter"/"reporters", "disablePolicies"`,
      );
    }
  }
  // After every module: a policy may use a framework another plug-in adds.
  const pluginConnectorFrameworks = Object.values(connectors)
    .filter((c) => !Object.values(builtins.connectors).includes(c))
    .flatMap((c) => c.frameworks ?? []);
  const frameworks = [
    ...(builtins.frameworks ?? defaults.frameworks),
    ...pluginConnectorFrameworks,
    ...added,
  ];
  for (const { where, policy } of checks) {
    const unknown = unknownControlIds(policy.controls, frameworks);
    if (unknown.length)
      throw new UsageError(`${where}: policy ${policy.id} names unknown controls: ${unknown.join(', ')}`);
  }
  for (const { where, ...d } of disables)
    if (!policies[d.id])
      throw new UsageError(
        `${where}: disablePolicies names unknown policy "${d.id}" (known: ${Object.keys(policies).join(', ')})`,
      );
  return {
    connectors,
    policies,
    frameworks,
    reporters,
    ...(disables.length > 0
      ? {
          policyDisables: disables.map((d) => ({
            id: d.id,
            reason: d.reason,
            plugin: d.plugin,
            sha256: d.sha256,
          })),
        }
      : {}),
  };
};
