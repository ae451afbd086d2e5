// A framework is data: a catalog of control ids with titles. Policies name control ids per
// framework id in `controls`; the core keeps no list of frameworks of its own beyond the
// provider-neutral ones (src/controls/index.ts). A connector registers its provider's benchmark,
// a plug-in module can add its own (e.g. ISO 27001 Annex A with `mappings` onto policy ids).
import { z } from 'zod';

export interface Framework {
  /** The key policies use in `controls` ('soc2', 'cisControls', a connector's or a plug-in's). */
  id: string;
  /** The name findings carry (ControlRef.framework) and `nhiscan controls --framework` takes; default: id. */
  label?: string;
  title: string;
  controls: Record<string, { title: string }>;
  /** For a provider's benchmark: its ids are put only on findings of that provider. */
  provider?: string;
  /** Control ids per policy id, for frameworks that map onto policies they did not ship with. */
  mappings?: Record<string, string[]>;
}

/** The shape a plug-in's `framework` / `frameworks` export is checked against at load. */
export const FrameworkShape = z.object({
  id: z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]*$/, 'expected an id such as "iso27001"'),
  label: z.string().min(1).optional(),
  title: z.string().min(1),
  controls: z.record(z.string().min(1), z.object({ title: z.string().min(1) })),
  provider: z.string().min(1).optional(),
  mappings: z.record(z.string(), z.array(z.string())).optional(),
});

export const frameworkLabel = (f: Framework): string => f.label ?? f.id;

/** A catalog written as `{ id: title }`, as the catalogs are kept. */
export const catalog = (titles: Record<string, string>): Framework['controls'] =>
  Object.fromEntries(Object.entries(titles).map(([id, title]) => [id, { title }]));
