import { z } from 'zod';
import { controlRefs } from '../controls/index.js';
import type { AnyPolicy } from '../policy.js';

/** The policy catalog: `nhiscan policies` and the README table come from this. */
export const policyCatalog = (policies: readonly AnyPolicy[]) =>
  policies.map((p) => ({
    id: p.id,
    title: p.title,
    severity: p.severity,
    rationale: p.rationale,
    options: p.options.parse({}) as Record<string, unknown>,
    optionsSchema: z.toJSONSchema(p.options, { io: 'input', unrepresentable: 'any' }),
    controls: controlRefs(p.controls),
  }));

export const renderPolicies = (policies: readonly AnyPolicy[], json: boolean): string => {
  const catalog = policyCatalog(policies);
  if (json) return JSON.stringify(catalog, null, 2) + '\n';
  return (
    catalog
      .map((p) =>
        [
          `${p.id}  [${p.severity}]  ${p.title}`,
          `  ${p.rationale}`,
          `  controls: ${p.controls.map((c) => `${c.framework} ${c.id}`).join(', ')}`,
          `  options: ${
            Object.entries(p.options)
              .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
              .join(' ') || '(none)'
          }`,
        ].join('\n'),
      )
      .join('\n\n') + '\n'
  );
};

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The README's policy table, generated from the policies' own metadata (a test keeps them in sync). */
export const renderPolicyTable = (policies: readonly AnyPolicy[]): string => {
  const rows = policies.map((p) => {
    const by = (fw: string): string =>
      controlRefs(p.controls)
        .filter((c) => c.framework === fw)
        .map((c) => c.id)
        .join(', ');
    const byFramework = new Map<string, string[]>();
    for (const c of controlRefs(p.controls)) {
      if (c.framework === 'SOC2') continue;
      const label = c.framework.replace(/-[\d.]+$/, '').replace(/-/g, ' ');
      byFramework.set(label, [...(byFramework.get(label) ?? []), c.id]);
    }
    const crosswalk = [...byFramework].map(([fw, ids]) => `${fw} ${ids.join(', ')}`).join('; ');
    return `| \`${p.id}\` | ${p.severity} | ${cell(p.title)} | ${by('SOC2')} | ${(p.controls.soc1 ?? []).join(', ')} | ${cell(crosswalk)} |`;
  });
  return [
    '| policy | default severity | finds | SOC 2 | SOC 1 (in scope) | crosswalk |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
};
