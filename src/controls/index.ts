// Turns the control ids a policy declares into references with titles, per framework. SOC 1
// objectives apply only to findings on identities in financial-reporting scope, and can be
// replaced or extended with the organisation's own objectives.
import type { ControlRef } from '../model.js';
import type { PolicyControls } from '../policy.js';
import { CIS_AWS, CIS_CONTROLS_V8, CIS_GCP, CIS_GITHUB } from './cis.js';
import { NIST_CSF_2 } from './nist-csf.js';
import { OWASP_NHI_2025 } from './owasp-nhi.js';
import { DEFAULT_SOC1_OBJECTIVES } from './soc1.js';
import { SOC2_CRITERIA, isSoc2Criterion } from './soc2.js';

/** The crosswalk frameworks: a policy field, the framework label in findings, and the catalog. */
/** The crosswalk frameworks: a policy field, the framework label in findings, the catalog, and
 * the provider a benchmark is about (a CIS AWS id on a GitHub finding would mislead an auditor). */
export const CROSSWALKS = [
  { field: 'owaspNhi', framework: 'OWASP-NHI-2025', catalog: OWASP_NHI_2025, provider: undefined },
  { field: 'cisAws', framework: 'CIS-AWS-3.0', catalog: CIS_AWS, provider: 'aws' },
  { field: 'cisGcp', framework: 'CIS-GCP-3.0', catalog: CIS_GCP, provider: 'gcp' },
  { field: 'cisGithub', framework: 'CIS-GitHub-1.0', catalog: CIS_GITHUB, provider: 'github' },
  { field: 'cisControls', framework: 'CIS-Controls-8', catalog: CIS_CONTROLS_V8, provider: undefined },
  { field: 'nistCsf', framework: 'NIST-CSF-2.0', catalog: NIST_CSF_2, provider: undefined },
] as const satisfies {
  field: keyof PolicyControls;
  framework: string;
  catalog: Record<string, string>;
  provider: string | undefined;
}[];

export interface Soc1Config {
  mode: 'extend' | 'replace';
  objectives: { id: string; title: string; covers: string[]; policies: string[] }[];
}

export interface ControlResolver {
  /** SOC 2 and crosswalk references; provider-specific benchmarks only for that provider (all when omitted). */
  base(controls: Partial<PolicyControls>, provider?: string): ControlRef[];
  /** SOC 1 objectives for a finding of `policyId` on an in-scope identity. */
  soc1(policyId: string, controls: Partial<PolicyControls>): ControlRef[];
  /** Every SOC 1 objective in force (for the control matrix). */
  soc1Catalog(): { id: string; title: string }[];
}

const lookup = (catalog: Record<string, string>, id: string): string => catalog[id] ?? 'unknown id';

export const createControlResolver = (
  soc1: Soc1Config = { mode: 'extend', objectives: [] },
): ControlResolver => {
  const defaults =
    soc1.mode === 'replace'
      ? []
      : Object.entries(DEFAULT_SOC1_OBJECTIVES).map(([id, title]) => ({ id, title }));
  return {
    base: (controls, provider) => {
      const refs: ControlRef[] = (controls.soc2 ?? []).map((id) => ({
        framework: 'SOC2',
        id,
        title: isSoc2Criterion(id) ? SOC2_CRITERIA[id] : 'unknown criterion',
      }));
      for (const c of CROSSWALKS) {
        if (provider !== undefined && c.provider !== undefined && c.provider !== provider) continue;
        for (const id of controls[c.field] ?? [])
          refs.push({ framework: c.framework, id, title: lookup(c.catalog, id) });
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
  };
};

/** Catalog checks for tests and plug-in validation: every id a policy names must exist. */
export const unknownControlIds = (controls: Partial<PolicyControls>): string[] => {
  const unknown = (controls.soc2 ?? []).filter((id) => !isSoc2Criterion(id)).map((id) => `soc2:${id}`);
  unknown.push(
    ...(controls.soc1 ?? []).filter((id) => !(id in DEFAULT_SOC1_OBJECTIVES)).map((id) => `soc1:${id}`),
  );
  for (const { field, catalog } of CROSSWALKS) {
    unknown.push(...(controls[field] ?? []).filter((id) => !(id in catalog)).map((id) => `${field}:${id}`));
  }
  return unknown;
};

export { SOC2_CRITERIA, isSoc2Criterion, DEFAULT_SOC1_OBJECTIVES };

/** Kept for callers that only need SOC 2 + crosswalk refs with the default SOC 1 set. */
export const controlRefs = (controls: Partial<PolicyControls>): ControlRef[] =>
  createControlResolver().base(controls);
