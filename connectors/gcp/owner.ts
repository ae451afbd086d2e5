// Owners of Google Cloud identities. Service accounts carry no labels, so the owner comes from
// a configured source: an `owner:` marker in the description, a label of the project, or a
// mapping file. Sources are tried in the configured order; the first that names someone wins.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { UsageError, errorMessage } from '../../src/errors.js';
import { parseYamlText } from '../../src/yaml.js';
import type { Owner } from '../../src/model.js';
import type { OwnerSource } from './config.js';

export interface OwnerFacts {
  /** Keys a mapping file may use for this identity: its uid, then `project:<id>`. */
  keys: string[];
  description?: string | undefined;
  projectLabels?: Record<string, string> | undefined;
}

export type Mapping = ReadonlyMap<string, string>;

const MappingFile = z.record(z.string(), z.string().min(1));

/** Reads a mapping file (YAML or JSON: identity → owner). Keys match case-insensitively. */
export const loadMapping = (path: string): Mapping => {
  const full = resolve(path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (err) {
    throw new UsageError(
      `providers.gcp.ownerSources: cannot read the mapping file ${full}: ${errorMessage(err)}`,
    );
  }
  const raw = parseYamlText(text, `providers.gcp.ownerSources: the mapping file ${full}`);
  const parsed = MappingFile.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new UsageError(
      `providers.gcp.ownerSources: ${full} must map identities to owners ("sa@project.iam.gserviceaccount.com: alice@example.com")`,
    );
  }
  return new Map(Object.entries(parsed.data).map(([k, v]) => [k.trim().toLowerCase(), v.trim()]));
};

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** "Deploys prod. owner: alice@example.com" → "alice@example.com". */
export const ownerInDescription = (description: string | undefined, prefix: string): string | undefined => {
  if (!description) return undefined;
  const m = new RegExp(`${escapeRe(prefix)}\\s*([^\\s,;()]+)`, 'i').exec(description);
  return m?.[1]?.replace(/[.]+$/, '') || undefined;
};

export const resolveGcpOwner = (
  facts: OwnerFacts,
  sources: readonly OwnerSource[],
  mappings: ReadonlyMap<string, Mapping>,
): Owner | null => {
  for (const source of sources) {
    if (source.type === 'description') {
      const value = ownerInDescription(facts.description, source.prefix);
      if (value) return { value, source: 'gcp:description' };
    } else if (source.type === 'project-label') {
      const value = facts.projectLabels?.[source.key]?.trim();
      if (value) return { value, source: `gcp:project-label:${source.key}` };
    } else {
      const mapping = mappings.get(source.path);
      for (const key of facts.keys) {
        const value = mapping?.get(key.toLowerCase());
        if (value) return { value, source: 'config:mapping' };
      }
    }
  }
  return null;
};
