// The completeness arithmetic of a scan's evaluations, shared by the scan and demo tests.
import { expect } from 'vitest';
import type { Scan } from '../../src/model.js';

/** The arithmetic an auditor checks, for any scan. */
export const expectCountsAddUp = (scan: Scan): void => {
  const summary = scan.evaluationSummary!;
  expect(summary).toBeDefined();
  expect(summary.identities).toBe(scan.identities.length);
  const policyIds = Object.keys(summary.byPolicy);
  expect(scan.evaluations).toHaveLength(scan.identities.length * policyIds.length);
  for (const [id, c] of Object.entries(summary.byPolicy)) {
    expect(c.pass + c.fail + c.unknown + c.notApplicable, id).toBe(scan.identities.length);
    const findings = scan.findings.filter((f) => f.policyId === id);
    expect(c.fail >= 1, `${id}: fail >= 1 exactly when it has findings`).toBe(findings.length > 0);
    // Every finding belongs to exactly one fail record of its identity.
    const raised = scan.evaluations.filter((e) => e.policyId === id).flatMap((e) => e.findings);
    expect(raised.sort()).toEqual(findings.map((f) => f.uid).sort());
  }
  // Every finding's policy is a policy with records.
  for (const f of scan.findings) expect(policyIds).toContain(f.policyId);
};
