// The control matrix: per criterion / objective, the policies that test it and, given a scan,
// the findings and exceptions against it. What an auditor asks for first.
import type { ControlResolver } from '../controls/index.js';
import { SOC2_CRITERIA } from '../controls/index.js';
import { isOpenFinding } from '../findings.js';
import type { ScanResult } from '../model.js';
import { type AnyPolicy, declaredControls } from '../policy.js';
import { compareNatural } from '../order.js';

export interface ControlRow {
  framework: string;
  id: string;
  title: string;
  policies: string[];
  findings?: { open: number; excepted: number; expiredExceptions: number; ids: string[] };
}

export const controlMatrix = (
  policies: readonly AnyPolicy[],
  resolver: ControlResolver,
  scan?: ScanResult,
  frameworks: readonly string[] = ['SOC2', 'SOC1'],
): ControlRow[] => {
  const rows = new Map<string, ControlRow>();
  const row = (framework: string, id: string, title: string): ControlRow => {
    const key = `${framework}\u0000${id}`;
    let r = rows.get(key);
    if (!r) {
      r = { framework, id, title, policies: [] };
      rows.set(key, r);
    }
    return r;
  };
  // Every SOC 2 criterion and SOC 1 objective is listed, tested or not: an untested one is a gap to see.
  for (const [id, title] of Object.entries(SOC2_CRITERIA)) row('SOC2', id, title);
  for (const o of resolver.soc1Catalog()) row('SOC1', o.id, o.title);
  for (const p of policies) {
    // With the controls its findings may add (CC8.1 when the identity can change code): tested too.
    const controls = declaredControls(p);
    for (const ref of [...resolver.base(controls, undefined, p.id), ...resolver.soc1(p.id, controls)]) {
      const r = row(ref.framework, ref.id, ref.title);
      if (!r.policies.includes(p.id)) r.policies.push(p.id);
    }
  }
  if (scan) {
    for (const r of rows.values()) r.findings = { open: 0, excepted: 0, expiredExceptions: 0, ids: [] };
    for (const f of scan.findings) {
      for (const ref of f.controls) {
        const r = row(ref.framework, ref.id, ref.title);
        // A policy can tag a criterion on some findings only (CC8.1 when the identity can change
        // code): the scan shows it tests that criterion too.
        if (!r.policies.includes(f.policyId)) r.policies.push(f.policyId);
        r.findings ??= { open: 0, excepted: 0, expiredExceptions: 0, ids: [] };
        if (!isOpenFinding(f)) r.findings.excepted++;
        else {
          r.findings.open++;
          if (f.exception?.status === 'expired') r.findings.expiredExceptions++;
        }
        r.findings.ids.push(f.uid);
      }
    }
  }
  const order = resolver.labels();
  return [...rows.values()]
    .filter((r) => frameworks.includes(r.framework))
    .sort((a, b) => order.indexOf(a.framework) - order.indexOf(b.framework) || compareNatural(a.id, b.id));
};

export const renderControlMatrix = (rows: readonly ControlRow[], withScan: boolean): string => {
  const lines: string[] = [];
  let framework = '';
  for (const r of rows) {
    if (r.framework !== framework) {
      framework = r.framework;
      lines.push('', framework);
    }
    const counts =
      withScan && r.findings
        ? `  open ${r.findings.open}, excepted ${r.findings.excepted}${r.findings.expiredExceptions ? `, expired exceptions ${r.findings.expiredExceptions}` : ''}`
        : '';
    lines.push(`  ${r.id.padEnd(12)} ${r.title}`);
    lines.push(
      `               policies: ${r.policies.length ? r.policies.join(', ') : '(none: not tested by nhiscan)'}${counts}`,
    );
  }
  return lines.join('\n').trimStart() + '\n';
};
