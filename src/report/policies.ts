import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { controlRefs, createControlResolver } from '../controls/index.js';
import type { ControlRef } from '../model.js';
import type { AnyPolicy } from '../policy.js';

/** SOC 2 and crosswalks as on every finding, then SOC 1 (nhiscan's default objectives, in scope only). */
const allControls = (p: AnyPolicy): ControlRef[] => {
  const resolver = createControlResolver();
  return [...resolver.base(p.controls, undefined, p.id), ...resolver.soc1(p.id, p.controls)];
};

/** Framework → ids, in the order the policy's refs list them. */
const byFramework = (refs: readonly ControlRef[]): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const r of refs) (out[r.framework] ??= []).push(r.id);
  return out;
};

interface OptionDoc {
  name: string;
  default: unknown;
  description: string;
}

const optionDocs = (p: AnyPolicy): OptionDoc[] => {
  const defaults = p.options.parse({}) as Record<string, unknown>;
  const schema = z.toJSONSchema(p.options, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, { description?: string }>;
  };
  return Object.keys(defaults).map((name) => ({
    name,
    default: defaults[name],
    description: schema.properties?.[name]?.description ?? '',
  }));
};

/** The policy catalog: `nhiscan policies`, the README table and the doc pages come from this. */
export const policyCatalog = (policies: readonly AnyPolicy[]) =>
  policies.map((p) => ({
    id: p.id,
    title: p.title,
    severity: p.severity,
    description: p.description,
    appliesTo: { providers: p.appliesTo.providers ?? null, kinds: p.appliesTo.kinds ?? null },
    options: p.options.parse({}) as Record<string, unknown>,
    optionsSchema: z.toJSONSchema(p.options, { io: 'input', unrepresentable: 'any' }),
    controls: allControls(p),
    remediation: { default: p.remediation.default, byKind: p.remediation.byKind ?? {} },
    references: [...p.references],
    findings: p.findings.map((f) => ({ key: f.key ?? null, title: f.title, evidence: [...f.evidence] })),
  }));

const appliesToText = (p: AnyPolicy): string => {
  const { providers, kinds } = p.appliesTo;
  if (!providers && !kinds) return 'every identity, any provider and kind';
  return [providers ? `providers ${providers.join(', ')}` : '', kinds ? `kinds ${kinds.join(', ')}` : '']
    .filter(Boolean)
    .join('; ');
};

const SOC1_LABEL = 'SOC1 (financial scope only)';

export const renderPolicies = (policies: readonly AnyPolicy[], json: boolean): string => {
  if (json) return JSON.stringify(policyCatalog(policies), null, 2) + '\n';
  return (
    policies
      .map((p) => {
        const controls = Object.entries(byFramework(allControls(p))).map(
          ([fw, ids]) => `    ${fw === 'SOC1' ? SOC1_LABEL : fw}: ${ids.join(', ')}`,
        );
        const remediation = Object.entries(p.remediation.byKind ?? {}).map(
          ([kind, text]) => `    ${kind}: ${text}`,
        );
        const options = optionDocs(p).map((o) => `${o.name}=${JSON.stringify(o.default)}`);
        return [
          `${p.id}  [${p.severity}]  ${p.title}`,
          `  ${p.description}`,
          `  applies to: ${appliesToText(p)}`,
          `  controls:`,
          ...controls,
          `  options: ${options.join(' ') || '(none)'}`,
          `  remediation: ${p.remediation.default}`,
          ...remediation,
          `  references: ${p.references.join(' ')}`,
          `  docs: docs/policies/${p.id}.md`,
        ].join('\n');
      })
      .join('\n\n') + '\n'
  );
};

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

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
    return `| [\`${p.id}\`](docs/policies/${p.id}.md) | ${p.severity} | ${cell(p.title)} | ${by('SOC2')} | ${(p.controls.soc1 ?? []).join(', ')} | ${cell(crosswalk)} |`;
  });
  return [
    '| policy | default severity | finds | SOC 2 | SOC 1 (in scope) | crosswalk |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
};

/** Every section a policy page must have, in order (a test checks each committed page). */
export const POLICY_DOC_SECTIONS = [
  'Description',
  'Applies to',
  'Default severity',
  'Options',
  'Controls',
  'Remediation',
  'References',
  'Findings',
  'What is recorded',
] as const;

const code = (v: unknown): string => `\`${cell(JSON.stringify(v))}\``;

/** One policy's page, docs/policies/<id>.md, written from its metadata only. */
export const renderPolicyDoc = (p: AnyPolicy): string => {
  const lines: string[] = [
    `<!-- Generated from policies/${p.id}.ts by \`nhiscan policies --docs docs/policies\` (npm run docs). Do not edit. -->`,
    '',
    `# ${p.id}: ${p.title}`,
    '',
    '## Description',
    '',
    p.description,
    '',
    '## Applies to',
    '',
  ];
  const { providers, kinds } = p.appliesTo;
  if (!providers && !kinds) lines.push('Every identity, of any provider and kind.');
  if (providers) lines.push(`- Providers: ${providers.map((x) => `\`${x}\``).join(', ')}`);
  if (kinds) lines.push(`- Kinds: ${kinds.map((x) => `\`${x}\``).join(', ')}`);
  lines.push(
    '',
    'Identities outside this are recorded as `not-applicable` without running the policy.',
    '',
    '## Default severity',
    '',
    `\`${p.severity}\` (a finding may raise or lower it; see Findings). Change it with \`policies.${p.id}.severity\`.`,
    '',
    '## Options',
    '',
  );
  const options = optionDocs(p);
  if (options.length === 0) lines.push('None.');
  else {
    lines.push('| option | default | meaning |', '| --- | --- | --- |');
    for (const o of options) lines.push(`| \`${o.name}\` | ${code(o.default)} | ${cell(o.description)} |`);
  }
  lines.push('', '## Controls', '', '| framework | ids |', '| --- | --- |');
  for (const [fw, ids] of Object.entries(byFramework(allControls(p))))
    lines.push(`| ${fw === 'SOC1' ? SOC1_LABEL : fw} | ${ids.join(', ')} |`);
  lines.push(
    '',
    'SOC 1 objectives are added only to findings on identities in financial-reporting scope; a CIS benchmark only to findings of its own provider.',
    '',
    '## Remediation',
    '',
    `- Default: ${p.remediation.default}`,
  );
  for (const [kind, text] of Object.entries(p.remediation.byKind ?? {})) lines.push(`- \`${kind}\`: ${text}`);
  lines.push('', '## References', '');
  for (const r of p.references) lines.push(`- <${r}>`);
  lines.push('', '## Findings', '', '| key | title | evidence keys |', '| --- | --- | --- |');
  for (const f of p.findings)
    lines.push(
      `| ${f.key ? `\`${cell(f.key)}\`` : '(none)'} | ${cell(f.title)} | ${f.evidence.map((e) => `\`${e}\``).join(', ')} |`,
    );
  lines.push(
    '',
    'The finding id is a hash of the policy id, the identity, the credential and the key, so it stays the same scan after scan.',
    '',
    '## What is recorded',
    '',
    'Every scan records one evaluation of this policy per identity: `pass`, `fail` (with the findings above), `unknown` (the data the policy needs was not available; the reason says which) or `not-applicable` (outside "Applies to", nothing here to judge, or disabled for the kind by config). The counts are in `evaluationSummary.byPolicy` of the result.',
    '',
  );
  return lines.join('\n');
};

/** Temp file in the same folder, fsync, rename: a reader never sees half a page. */
const writeAtomic = async (path: string, body: string): Promise<void> => {
  const tmp = `${path}.${randomUUID()}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(body, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
};

/** Writes one page per policy into `dir` (a test flags pages whose policy no longer exists). */
export const writePolicyDocs = async (policies: readonly AnyPolicy[], dir: string): Promise<string[]> => {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const p of policies) {
    const path = join(dir, `${p.id}.md`);
    await writeAtomic(path, renderPolicyDoc(p));
    written.push(path);
  }
  return written;
};
