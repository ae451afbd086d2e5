// Every policy's metadata: options parse from {}, reject typos, render in the catalog; every
// control id is a known SOC 2 criterion.
import { unknownControlIds } from '../../src/controls/index.js';
import { describe, expect, it } from 'vitest';
import { policies } from '../../policies/index.js';
import { isSoc2Criterion } from '../../src/controls/soc2.js';
import { SEVERITY_ORDER } from '../../src/model.js';
import { policyCatalog } from '../../src/report/policies.js';

const all = Object.entries(policies);

describe('policy metadata', () => {
  it.each(all)('%s: registry key is the policy id, with title, description and severity', (key, policy) => {
    expect(policy.id).toBe(key);
    expect(policy.title.length).toBeGreaterThan(0);
    expect(policy.description.length).toBeGreaterThan(20);
    expect(SEVERITY_ORDER).toContain(policy.severity);
  });

  it.each(all)('%s: documents itself (applies-to, remediation, references, findings)', (_key, policy) => {
    for (const list of [policy.appliesTo.providers, policy.appliesTo.kinds])
      if (list) expect(list.length).toBeGreaterThan(0);
    // Kinds name their provider ("aws.iam_user"): a kind outside the listed providers never matches.
    for (const kind of policy.appliesTo.kinds ?? [])
      if (policy.appliesTo.providers) expect(policy.appliesTo.providers).toContain(kind.split('.')[0]);
    expect(policy.remediation.default.length).toBeGreaterThan(20);
    for (const [kind, text] of Object.entries(policy.remediation.byKind ?? {})) {
      expect(kind).toMatch(/^[a-z0-9-]+\.[a-z0-9_]+$/);
      expect(text.length).toBeGreaterThan(20);
      if (policy.appliesTo.kinds) expect(policy.appliesTo.kinds).toContain(kind);
    }
    expect(policy.references.length).toBeGreaterThan(0);
    for (const r of policy.references) expect(() => new URL(r)).not.toThrow();
    // OWASP NHI is mapped by every policy, so its page is always a reference.
    expect(policy.references.some((r) => r.includes('owasp.org'))).toBe(true);
    expect(policy.findings.length).toBeGreaterThan(0);
    for (const f of policy.findings) expect(f.evidence.length).toBeGreaterThan(0);
  });

  it('remediation names the action the kind takes: a GitHub App owner is set in the config, not by tagging', () => {
    const owner = policies.ownership.remediation.byKind ?? {};
    expect(owner['github.app_installation']).toContain('providers.github.appOwners');
    expect(owner['github.app_installation']).not.toMatch(/\btag\b/i);
    expect(owner['aws.iam_role']).toMatch(/tag-role/);
    expect(owner['aws.iam_user']).toMatch(/tag-user/);
    expect(owner['gcp.service_account']).toMatch(/description/);
    // No owner field and no tags: the config's uid-glob map is where such an owner is named.
    expect(owner['github.actions_secret']).toContain('ownership.owners');
    expect(owner['github.webhook']).toContain('ownership.owners');
    expect(owner['workspace.oauth_app']).toContain('ownership.owners');
  });

  it.each(all)('%s: options parse from {}', (_key, policy) => {
    expect(policy.options.safeParse({}).success).toBe(true);
  });

  it.each(all)('%s: options reject an unknown key', (_key, policy) => {
    const result = policy.options.safeParse({ notAnOption: true });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it.each(all)('%s: every SOC 2 control id is a known criterion', (_key, policy) => {
    expect(policy.controls.soc2.length).toBeGreaterThan(0);
    for (const id of policy.controls.soc2) expect(isSoc2Criterion(id), id).toBe(true);
  });

  it('the catalog renders every policy with its defaults and a JSON schema of its options', () => {
    const catalog = policyCatalog(Object.values(policies));
    expect(catalog.map((p) => p.id)).toEqual(Object.keys(policies));
    for (const entry of catalog) expect(entry.optionsSchema).toMatchObject({ type: 'object' });
  });

  it("declares each policy's SOC 2 criteria, primary first, and only known ids in every framework", () => {
    expect(Object.fromEntries(all.map(([k, p]) => [k, p.controls.soc2]))).toEqual({
      'rotation-age': ['CC6.1'],
      staleness: ['CC6.2', 'CC6.1'],
      'multiple-active-keys': ['CC6.1'],
      'excess-privilege': ['CC6.3'],
      'external-trust': ['CC6.6', 'CC6.1'],
      ownership: ['CC6.2', 'CC6.3'],
      'human-use': ['CC6.1', 'CC7.2'],
      'aws-root-access-keys': ['CC6.1', 'CC6.3'],
      'aws-confused-deputy': ['CC6.6', 'CC6.1'],
      'aws-user-attached-policies': ['CC6.3', 'CC6.1'],
      'aws-unused-services': ['CC6.3'],
      'gcp-basic-roles': ['CC6.3'],
      'gcp-impersonation': ['CC6.3'],
      'gcp-api-key-unrestricted': ['CC6.6'],
      'gcp-wif-no-condition': ['CC6.6'],
      'gcp-user-managed-keys': ['CC6.1'],
      'github-app-permissions': ['CC6.3'],
      'github-token-expiry': ['CC6.1'],
      'github-token-scopes': ['CC6.3'],
      'github-deploy-key-write': ['CC6.3'],
      'github-webhook-exposure': ['CC6.6'],
      'github-secret-visibility': ['CC6.6', 'CC6.7'],
      'github-workflow-permissions': ['CC6.3'],
      'entra-app-credentials': ['CC6.1'],
      'entra-app-permissions': ['CC6.3'],
      'entra-tenant-wide-consent': ['CC6.3', 'CC6.6'],
      'entra-federated-credential': ['CC6.6'],
      'workspace-high-risk-scopes': ['CC6.3', 'CC9.2'],
      'workspace-departed-grantor': ['CC6.2', 'CC6.3'],
      'workspace-rare-app-high-risk': ['CC6.1', 'CC6.8', 'CC7.2'],
      'workspace-unverified-app': ['CC6.1', 'CC9.2'],
    });
    for (const [id, p] of all) {
      expect(unknownControlIds(p.controls), id).toEqual([]);
      expect(p.controls.owaspNhi?.length, `${id} maps to OWASP NHI`).toBeGreaterThan(0);
      expect(p.controls.soc1?.length, `${id} maps to a SOC 1 objective`).toBeGreaterThan(0);
      expect(p.controls.nistCsf?.length, `${id} maps to NIST CSF`).toBeGreaterThan(0);
    }
  });
});
