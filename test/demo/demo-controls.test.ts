// Controls on the demo estate: SOC 1 objectives only on findings in financial scope
// (with the selector that matched), SOC 2 everywhere, crosswalks on every finding, exceptions
// operating (active, expired → re-opened, unmatched), and the control matrix over the scan.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScanCommandResult } from '../../src/commands.js';
import { loadConfig } from '../../src/config.js';
import { createControlResolver } from '../../src/controls/index.js';
import { DEMO_CONFIG, runDemo } from '../../src/demo/index.js';
import { silentLogger } from '../../src/log.js';
import type { Finding } from '../../src/model.js';
import { builtins } from '../../src/registry.js';
import { controlMatrix, renderControlMatrix } from '../../src/report/controls.js';

let demo: ScanCommandResult;
const find = (policy: string, name: string): Finding => {
  const f = demo.result.findings.find((x) => x.policyId === policy && x.identityName === name);
  if (!f) throw new Error(`no ${policy} finding on ${name}`);
  return f;
};
const ids = (f: Finding, framework: string): string[] =>
  f.controls.filter((c) => c.framework === framework).map((c) => c.id);

beforeAll(async () => {
  demo = await runDemo({
    out: mkdtempSync(join(tmpdir(), 'nhiscan-demo-ctl-')),
    log: silentLogger,
    print: () => undefined,
  });
}, 120_000);

describe('demo: controls, financial scope and exceptions', () => {
  it('tags the same problem with SOC 1 only where the identity is in financial scope', () => {
    const inScope = find('rotation-age', 'reporting-export'); // acme-prod, declared financial
    const outOfScope = find('rotation-age', 'airflow-worker'); // acme-data, not in scope
    expect(ids(inScope, 'SOC2')).toEqual(['CC6.1']);
    expect(ids(outOfScope, 'SOC2')).toEqual(['CC6.1']);
    expect(ids(inScope, 'SOC1')).toEqual(['ITGC-LA-4', 'ACME-CO-4.2']);
    expect(ids(outOfScope, 'SOC1')).toEqual([]);
    expect(inScope.soc1Scope).toEqual([
      'selector "acme-prod (ledger and invoicing)": sits in aws 111111111111',
    ]);
    expect(outOfScope.soc1Scope).toBeUndefined();
  });

  it('puts the declared repository in SOC 1 scope, and what can write to it', () => {
    const deployKey = find('github-deploy-key-write', 'release-bot'); // on payments-api
    expect(deployKey.soc1Scope).toEqual([
      'selector "payments-api (billing service and its deployment pipeline)": sits in github acme/payments-api',
    ]);
    expect(ids(deployKey, 'SOC1')).toEqual(['ITGC-LA-3', 'ITGC-CM-1']);
    // An App with write on every repository of the org reaches payments-api too.
    expect(find('github-app-permissions', 'deploy-bot-pro').soc1Scope?.[0]).toMatch(
      /^selector "payments-api \(billing service and its deployment pipeline\)": can write to repo:acme\/\*/,
    );
    // An org secret is not in the repository: SOC 2 only.
    const secret = find('github-secret-visibility', 'LEGACY_DEPLOY_TOKEN');
    expect(ids(secret, 'SOC1')).toEqual([]);
    expect(ids(secret, 'SOC2').length).toBeGreaterThan(0);
  });

  it('gives every finding OWASP NHI, NIST and (for its provider) CIS references', () => {
    for (const f of demo.result.findings) {
      expect(ids(f, 'OWASP-NHI-2025').length, f.policyId).toBeGreaterThan(0);
      expect(ids(f, 'NIST-CSF-2.0').length, f.policyId).toBeGreaterThan(0);
      for (const [framework, provider] of [
        ['CIS-AWS-3.0', 'aws'],
        ['CIS-GCP-3.0', 'gcp'],
        ['CIS-GitHub-1.0', 'github'],
      ] as const) {
        if (f.provider !== provider)
          expect(ids(f, framework), `no ${framework} on a ${f.provider} finding`).toEqual([]);
      }
    }
    expect(ids(find('rotation-age', 'deployer'), 'CIS-GCP-3.0')).toEqual(['1.7', '1.15']);
    // CIS references on every finding, except where no CIS benchmark or safeguard fits (CIS has
    // nothing on rotating GitHub secrets and tokens, or on token expiry): those are named here.
    const withoutCis = demo.result.findings
      .filter((f) => !f.controls.some((c) => c.framework.startsWith('CIS-')))
      .map((f) => `${f.policyId} ${f.identityKind}`)
      .sort();
    // Nor on an Entra app's credential lifetimes (CIS Microsoft 365 / Azure judge tenant settings).
    expect(withoutCis).toEqual([
      'entra-app-credentials entra.application',
      'entra-app-credentials entra.application',
      'entra-app-credentials entra.application',
      'github-token-expiry github.fine_grained_pat',
      'rotation-age github.actions_secret',
    ]);
    expect(ids(find('rotation-age', 'ci-deploy-legacy'), 'CIS-AWS-3.0')).toEqual(['1.14']);
  });

  it('keeps excepted findings, re-opens expired ones and reports stale exceptions', () => {
    expect(find('staleness', 'migration-2025').exception).toMatchObject({
      id: 'EX-2026-031',
      status: 'active',
    });
    expect(find('excess-privilege', 'legacy-admin-bot').exception).toMatchObject({
      id: 'EX-2026-007',
      status: 'expired',
      expires: '2026-09-30',
    });
    expect(demo.result.exceptions.map((e) => [e.id, e.status, e.findings.length])).toEqual([
      ['EX-2026-031', 'active', 1],
      ['EX-2026-007', 'expired', 1],
      ['EX-2025-102', 'unmatched', 0],
    ]);
  });

  it('shows each SOC 2 criterion with its policies and current findings', async () => {
    const config = await loadConfig(DEMO_CONFIG, builtins);
    const rows = controlMatrix(
      config.policies.map((p) => p.policy),
      createControlResolver(config.file.controls.soc1),
      demo.result,
    );
    const row = (framework: string, id: string) => rows.find((r) => r.framework === framework && r.id === id);
    const cc63 = demo.result.findings.filter((f) =>
      f.controls.some((c) => c.framework === 'SOC2' && c.id === 'CC6.3'),
    );
    expect(row('SOC2', 'CC6.3')).toMatchObject({
      policies: expect.arrayContaining(['excess-privilege', 'ownership', 'gcp-basic-roles']),
      findings: { open: cc63.length, excepted: 0, expiredExceptions: 1 },
    });
    expect(cc63.length).toBeGreaterThan(6);
    expect(row('SOC2', 'CC6.2')?.findings).toMatchObject({ excepted: 1 });
    // Criteria a policy adds on some findings only show that policy once a scan has them.
    expect(row('SOC2', 'CC8.1')?.policies).toEqual(
      expect.arrayContaining(['excess-privilege', 'github-app-permissions', 'github-deploy-key-write']),
    );
    // Vendor risk: apps third parties hold (GitHub Apps, Google Workspace OAuth apps).
    expect([...(row('SOC2', 'CC9.2')?.policies ?? [])].sort()).toEqual([
      'github-app-permissions',
      'github-token-scopes',
      'workspace-high-risk-scopes',
      'workspace-unverified-app',
    ]);
    // The organisation's objective covers ITGC-LA-4, so every policy testing that objective tests it.
    expect(row('SOC1', 'ACME-CO-4.2')?.policies).toEqual(row('SOC1', 'ITGC-LA-4')?.policies);
    expect(row('SOC1', 'ACME-CO-4.2')?.policies).toEqual(
      expect.arrayContaining(['rotation-age', 'multiple-active-keys']),
    );
    expect(rows.filter((r) => r.framework === 'SOC2').map((r) => r.id)).toEqual([
      'CC6.1',
      'CC6.2',
      'CC6.3',
      'CC6.6',
      'CC6.7',
      'CC6.8',
      'CC7.1',
      'CC7.2',
      'CC8.1',
      'CC9.2',
    ]);
    const text = renderControlMatrix(rows, true);
    expect(text).toMatch(/CC6\.3 +Access is role-based/);
    expect(text).toMatch(
      new RegExp(`policies: excess-privilege, .*open ${cc63.length}, excepted 0, expired exceptions 1`),
    );
  });
});
