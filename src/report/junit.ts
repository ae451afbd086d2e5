// JUnit XML for CI dashboards: one test case per enabled policy x scanned target. A case fails when
// the policy has open findings on that target (listed in the failure), errors when the target
// failed, and is skipped when the target was skipped or only partly seen with nothing failing (a
// pass there would claim what was not checked).
import type { Writable } from 'node:stream';
import type { Coverage, Scan } from '../model.js';
import { isOpen, targetKey } from './common.js';
import { createSink } from './sink.js';
import type { Reporter } from './types.js';

/** XML 1.0 text: escapes markup and drops characters XML cannot carry at all. */
export const xmlText = (text: string): string =>
  text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

export const writeJunit = async (scan: Scan, out: Writable): Promise<void> => {
  const sink = createSink(out);
  const policies = Object.entries(scan.run.policies)
    .filter(([, p]) => p.enabled)
    .map(([id]) => id)
    .sort();
  // Findings and evaluations per (policy, target): identities are keyed to a target by provider+scope.
  const scopeOf = new Map(scan.identities.map((i) => [i.uid, targetKey(i.provider, i.location.scope)]));
  const findingsAt = new Map<string, string[]>();
  for (const f of scan.findings.filter(isOpen)) {
    const key = `${f.policyId}\u0000${targetKey(f.provider, f.location.scope)}`;
    const list = findingsAt.get(key) ?? [];
    list.push(
      `${f.severity.toUpperCase()} ${f.identityName} (${f.identityUid})${f.credentialUid ? ` [${f.credentialUid}]` : ''}: ${f.title}`,
    );
    findingsAt.set(key, list);
  }
  const evals = new Map<string, Record<string, number>>();
  for (const e of scan.evaluations) {
    const key = `${e.policyId}\u0000${scopeOf.get(e.identityUid) ?? ''}`;
    const counts = evals.get(key) ?? {};
    counts[e.status] = (counts[e.status] ?? 0) + 1;
    evals.set(key, counts);
  }
  // Discovery entries (an organisation listing its projects) hold no identities: not a suite.
  const targets = scan.coverage.filter((c) => c.scope !== undefined || c.status !== 'complete');
  const cases = targets.map((c) => ({ c, key: targetKey(c.provider, c.scope) }));
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  const body: string[] = [];
  const suites = new Map<Coverage, string[]>();
  for (const { c, key } of cases) {
    const lines: string[] = [];
    for (const policy of policies) {
      const found = findingsAt.get(`${policy}\u0000${key}`) ?? [];
      const counts = evals.get(`${policy}\u0000${key}`);
      const name = `${policy} on ${c.scope ?? c.target}`;
      const out = counts
        ? `<system-out>${xmlText(
            Object.entries(counts)
              .map(([s, n]) => `${s} ${n}`)
              .join(', '),
          )}</system-out>`
        : '';
      let inner: string;
      if (found.length) {
        failures++;
        inner = `<failure message="${xmlText(`${found.length} open finding(s)`)}" type="${xmlText(policy)}">${xmlText(found.join('\n'))}</failure>`;
      } else if (c.status === 'failed') {
        errors++;
        inner = `<error message="${xmlText(`target ${c.target} failed: ${c.gaps.at(-1)?.message ?? 'not scanned'}`)}" type="coverage"/>`;
      } else if (c.status !== 'complete') {
        skipped++;
        inner = `<skipped message="${xmlText(`target ${c.target} is ${c.status}: not every identity was seen`)}"/>`;
      } else inner = '';
      lines.push(
        `    <testcase classname="${xmlText(`nhiscan.${c.provider}.${c.scope ?? c.target}`)}" name="${xmlText(name)}" time="0">${inner}${out}</testcase>`,
      );
    }
    suites.set(c, lines);
  }
  const total = cases.length * policies.length;
  body.push('<?xml version="1.0" encoding="UTF-8"?>');
  body.push(
    `<testsuites name="nhiscan" tests="${total}" failures="${failures}" errors="${errors}" skipped="${skipped}" timestamp="${xmlText(scan.run.startedAt)}">`,
  );
  await sink.write(body.join('\n') + '\n');
  for (const [c, lines] of suites) {
    const f = lines.filter((l) => l.includes('<failure')).length;
    const e = lines.filter((l) => l.includes('<error')).length;
    const s = lines.filter((l) => l.includes('<skipped')).length;
    await sink.write(
      `  <testsuite name="${xmlText(`${c.provider} ${c.scope ?? c.target}`)}" tests="${lines.length}" failures="${f}" errors="${e}" skipped="${s}" timestamp="${xmlText(c.startedAt)}">\n`,
    );
    for (const l of lines) await sink.write(l + '\n');
    await sink.write('  </testsuite>\n');
  }
  await sink.write('</testsuites>\n');
  await sink.flush();
};

export const junitReporter: Reporter = {
  id: 'junit',
  fileName: 'nhiscan-junit.xml',
  mediaType: 'application/xml',
  description: 'JUnit XML, a test case per policy x target, for CI dashboards',
  write: writeJunit,
};
