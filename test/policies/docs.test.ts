// Every policy documents itself, the typescript-eslint way: a page per policy in docs/policies,
// generated from its metadata, with the sections a reader looks for; the committed page is
// exactly what the generator writes (regenerate with `npm run docs`).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { policies } from '../../policies/index.js';
import { packageRoot } from '../../src/paths.js';
import {
  POLICY_DOC_SECTIONS,
  policyCatalog,
  renderPolicies,
  renderPolicyDoc,
  writePolicyDocs,
} from '../../src/report/policies.js';

const docsDir = join(packageRoot, 'docs', 'policies');
const all = Object.values(policies);

describe('policy pages (docs/policies/<id>.md)', () => {
  it('one page per registered policy, and no page without a policy', () => {
    const pages = readdirSync(docsDir).filter((f) => f.endsWith('.md'));
    expect(pages.sort()).toEqual(all.map((p) => `${p.id}.md`).sort());
  });

  it.each(all.map((p) => [p.id, p] as const))('%s: has every section, in order', (id, policy) => {
    const page = readFileSync(join(docsDir, `${id}.md`), 'utf8');
    expect(page).toContain(`# ${id}: ${policy.title}\n`);
    const headings = [...page.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([...POLICY_DOC_SECTIONS]);
    // The sections carry the metadata, not just a heading.
    expect(page).toContain(policy.description);
    expect(page).toContain(`\`${policy.severity}\``);
    for (const ref of policy.references) expect(page).toContain(`<${ref}>`);
    for (const kind of Object.keys(policy.remediation.byKind ?? {})) expect(page).toContain(`\`${kind}\`:`);
    for (const soc1 of policy.controls.soc1 ?? []) expect(page).toContain(soc1);
    for (const name of Object.keys(policy.options.parse({}))) expect(page).toContain(`\`${name}\``);
  });

  it.each(all.map((p) => [p.id, p] as const))(
    '%s: the committed page is what the generator writes',
    (id, policy) => {
      expect(readFileSync(join(docsDir, `${id}.md`), 'utf8')).toBe(renderPolicyDoc(policy));
    },
  );

  it('`nhiscan policies --docs DIR` writes the same pages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-docs-'));
    try {
      const files = await writePolicyDocs(all, dir);
      expect(files).toHaveLength(all.length);
      for (const p of all)
        expect(readFileSync(join(dir, `${p.id}.md`), 'utf8')).toBe(
          readFileSync(join(docsDir, `${p.id}.md`), 'utf8'),
        );
      // Atomic writes leave no temp file behind.
      expect(readdirSync(dir).sort()).toEqual(all.map((p) => `${p.id}.md`).sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('nhiscan policies', () => {
  it('text output shows the metadata, SOC 1 objective ids included', () => {
    const text = renderPolicies(all, false);
    for (const p of all) {
      expect(text).toContain(`${p.id}  [${p.severity}]`);
      for (const soc1 of p.controls.soc1 ?? []) expect(text).toContain(soc1);
      expect(text).toContain(`docs: docs/policies/${p.id}.md`);
    }
    expect(text).toMatch(/rotation-age[\s\S]*SOC1 \(financial scope only\): ITGC-LA-4/);
    expect(text).toContain('github.app_installation: Name the accountable person or team');
  });

  it('--json carries applies-to, remediation per kind, references, findings and SOC 1 refs', () => {
    const json = JSON.parse(renderPolicies(all, true)) as ReturnType<typeof policyCatalog>;
    const ownership = json.find((p) => p.id === 'ownership')!;
    expect(ownership.remediation.byKind['github.app_installation']).toContain('providers.github.appOwners');
    expect(ownership.controls).toContainEqual(
      expect.objectContaining({ framework: 'SOC1', id: 'ITGC-LA-2' }),
    );
    const basic = json.find((p) => p.id === 'gcp-basic-roles')!;
    expect(basic.appliesTo).toEqual({ providers: ['gcp'], kinds: ['gcp.service_account'] });
    expect(basic.references.length).toBeGreaterThan(0);
    expect(basic.findings).toContainEqual(expect.objectContaining({ key: 'basic-role' }));
  });
});
