// The framework registry and the resolver that turns the control ids a policy declares into
// references with titles. Frameworks are data (framework.ts): the provider-neutral catalogs live
// here, each provider's CIS benchmark is registered by its connector, and a plug-in can add its
// own. SOC 1 objectives apply only to findings on identities in financial-reporting scope, and
// the config can replace or extend them with the organisation's own objectives.
import type { ControlRef } from '../model.js';
import type { PolicyControls } from '../policy.js';
import { builtins } from '../registry.js';
import { type Framework, frameworkLabel } from './framework.js';
import { DEFAULT_SOC1_OBJECTIVES, soc1Framework } from './soc1.js';
import { SOC2_CRITERIA, isSoc2Criterion } from './soc2.js';

export type { Framework } from './framework.js';
export { frameworkList } from './frameworks.js';

export interface Soc1Config {
  mode: 'extend' | 'replace';
  objectives: { id: string; title: string; covers: string[]; policies: string[] }[];
}

export interface ControlResolver {
  /**
   * References in every framework but SOC 1; a provider's benchmark only for that provider (all
   * when omitted); with `policyId`, the ids frameworks map onto that policy (`mappings`) too.
   */
  base(controls: Partial<PolicyControls>, provider?: string, policyId?: string): ControlRef[];
  /** SOC 1 objectives for a finding of `policyId` on an in-scope identity. */
  soc1(policyId: string, controls: Partial<PolicyControls>): ControlRef[];
  /** Every SOC 1 objective in force (for the control matrix). */
  soc1Catalog(): { id: string; title: string }[];
  /** The framework labels findings carry, in order (SOC2, SOC1, …). */
  labels(): string[];
}

export const createControlResolver = (
  soc1: Soc1Config = { mode: 'extend', objectives: [] },
  frameworks: readonly Framework[] = builtins.frameworks,
): ControlResolver => {
  const soc1Fw = frameworks.find((f) => f.id === soc1Framework.id);
  const defaults =
    soc1.mode === 'replace' || !soc1Fw
      ? []
      : Object.entries(soc1Fw.controls).map(([id, c]) => ({ id, title: c.title }));
  const others = frameworks.filter((f) => f.id !== soc1Framework.id);
  return {
    base: (controls, provider, policyId) => {
      const refs: ControlRef[] = [];
      for (const f of others) {
        if (provider !== undefined && f.provider !== undefined && f.provider !== provider) continue;
        const mapped = policyId === undefined ? [] : (f.mappings?.[policyId] ?? []);
        for (const id of new Set([...(controls[f.id] ?? []), ...mapped]))
          refs.push({ framework: frameworkLabel(f), id, title: f.controls[id]?.title ?? 'unknown id' });
      }
      return refs;
    },
    soc1: (policyId, controls) => {
      const own = new Set(controls.soc1 ?? []);
      const refs: ControlRef[] = defaults
        .filter((o) => own.has(o.id))
        .map((o) => ({ framework: 'SOC1', id: o.id, title: o.title }));
      for (const o of soc1.objectives) {
        if (o.policies.includes(policyId) || o.covers.some((c) => own.has(c))) {
          refs.push({ framework: 'SOC1', id: o.id, title: o.title });
        }
      }
      return refs;
    },
    soc1Catalog: () => [...defaults, ...soc1.objectives.map(({ id, title }) => ({ id, title }))],
    labels: () => frameworks.map(frameworkLabel),
  };
};

/**
 * What is wrong with the control ids a policy declares: a framework id nothing registers
 * (`"iso27001: unknown framework"`), or an id its framework does not have (`"soc2:CC9.9"`).
 */
export const unknownControlIds = (
  controls: Partial<PolicyControls>,
  frameworks: readonly Framework[] = builtins.frameworks,
): string[] => {
  const unknown: string[] = [];
  for (const [key, ids] of Object.entries(controls)) {
    const f = frameworks.find((x) => x.id === key);
    if (!f) unknown.push(`${key}: unknown framework (known: ${frameworks.map((x) => x.id).join(', ')})`);
    else unknown.push(...(ids ?? []).filter((id) => !(id in f.controls)).map((id) => `${key}:${id}`));
  }
  return unknown;
};

/**
 * Mapped control ids the framework does not have. A mapping onto a policy that is not loaded is
 * allowed: a framework plug-in may cover policies of plug-ins this config does not use.
 */
export const unknownMappings = (f: Framework): string[] =>
  Object.entries(f.mappings ?? {}).flatMap(([policyId, ids]) =>
    ids.filter((id) => !(id in f.controls)).map((id) => `mappings.${policyId}: unknown control ${id}`),
  );

export { SOC2_CRITERIA, isSoc2Criterion, DEFAULT_SOC1_OBJECTIVES };

/** References in every built-in framework with the default SOC 1 set (the policy catalog's view). */
export const controlRefs = (
  controls: Partial<PolicyControls>,
  frameworks: readonly Framework[] = builtins.frameworks,
): ControlRef[] => createControlResolver(undefined, frameworks).base(controls);

/** Every control's title by `LABEL:ID` (the key the evaluation summary counts under), SOC 1 as the config sets it. */
export const controlTitles = (
  soc1?: Soc1Config,
  frameworks: readonly Framework[] = builtins.frameworks,
): Map<string, string> => {
  const titles = new Map<string, string>();
  for (const f of frameworks)
    if (f.id !== soc1Framework.id)
      for (const [id, c] of Object.entries(f.controls)) titles.set(`${frameworkLabel(f)}:${id}`, c.title);
  for (const o of createControlResolver(soc1, frameworks).soc1Catalog()) titles.set(`SOC1:${o.id}`, o.title);
  return titles;
};
