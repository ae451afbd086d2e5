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
  it.each(all)('%s: registry key is the policy id, with title, rationale and severity', (key, policy) => {
    expect(policy.id).toBe(key);
    expect(policy.title.length).toBeGreaterThan(0);
    expect(policy.rationale.length).toBeGreaterThan(20);
    expect(SEVERITY_ORDER).toContain(policy.severity);
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

  it('declares the SOC 2 criteria issue 2 assigns first, and only known ids in every framework', () => {
    expect(Object.fromEntries(all.map(([k, p]) => [k, p.controls.soc2]))).toEqual({
      'rotation-age': ['CC6.1'],
      staleness: ['CC6.2', 'CC6.1'],
      'multiple-active-keys': ['CC6.1'],
      'excess-privilege': ['CC6.3'],
      'external-trust': ['CC6.6', 'CC6.1'],
      ownership: ['CC6.2', 'CC6.3'],
      'human-use': ['CC6.1', 'CC7.2'],
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
    });
    for (const [id, p] of all) {
      expect(unknownControlIds(p.controls), id).toEqual([]);
      expect(p.controls.owaspNhi?.length, `${id} maps to OWASP NHI`).toBeGreaterThan(0);
      expect(p.controls.soc1?.length, `${id} maps to a SOC 1 objective`).toBeGreaterThan(0);
      expect(p.controls.nistCsf?.length, `${id} maps to NIST CSF`).toBeGreaterThan(0);
    }
  });
});
