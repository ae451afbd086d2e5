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
