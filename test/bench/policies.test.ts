// The policy scenario of `npm run bench` computes its figures over the inventory it claims (never
// how fast): the demo estate's identities repeated to N as deep copies with their own uids, every
// policy in force recording one evaluation per identity, and a verdict hash that is the same for
// the same input — the check a speed change must pass.
import { beforeAll, describe, expect, it } from 'vitest';
import { type Collected, type ScanOptions, judgeScan } from '../../src/scan.js';
import { collectDemo, repeatTo, runPolicyBench, verdictHashOf } from '../../bench/policies.js';

let demo: { options: ScanOptions; collected: Collected };
const templates = (): number => demo.collected.runs.reduce((s, r) => s + r.run.identities.length, 0);

beforeAll(async () => {
  demo = await collectDemo();
}, 60_000);

describe('bench/policies.ts', () => {
  it('repeats the demo identities to N as deep copies with distinct uids', () => {
    const n = 3 * templates() + 5;
    const scaled = repeatTo(demo.collected, n);
    const identities = scaled.runs.flatMap((r) => r.run.identities);
    expect(identities).toHaveLength(n);
    expect(new Set(identities.map((i) => i.uid)).size).toBe(n);
    const [first] = demo.collected.runs.flatMap((r) => r.run.identities);
    const copy = identities.find((i) => i.uid === `${first?.uid ?? ''}~1`);
    expect(copy).toBeDefined();
    // A copy shares no object with its template, as two real identities share none.
    expect(copy?.attributes).not.toBe(first?.attributes);
    expect(copy?.credentials).not.toBe(first?.credentials);
    expect({ ...copy, uid: first?.uid }).toEqual(first);
  });

  it('judges the repeated inventory with every policy in force, to the same verdict each time', async () => {
    const n = 2 * templates();
    const a = await runPolicyBench(n, demo);
    const b = await runPolicyBench(n, demo);
    expect(a.identities).toBe(n);
    expect(a.evaluations).toBe(n * a.policies);
    expect(a.findings).toBeGreaterThan(0);
    expect(a.verdictHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.verdictHash).toBe(a.verdictHash);
    const c = await runPolicyBench(n + 1, demo);
    expect(c.verdictHash).not.toBe(a.verdictHash);
  }, 60_000);

  // --distinct (issue 14): content-keyed answers must miss, so each copy's AWS statements differ.
  it('with distinct: each copy after the first holds AWS statements of its own, the rest as repeats', () => {
    const n = 3 * templates();
    const plain = repeatTo(demo.collected, n).runs.flatMap((r) => r.run.identities);
    const distinct = repeatTo(demo.collected, n, { distinct: true }).runs.flatMap((r) => r.run.identities);
    expect(distinct.map((i) => i.uid)).toEqual(plain.map((i) => i.uid));
    const aws = distinct.filter((i) => i.provider === 'aws' && i.privilege.grants.length > 0);
    expect(aws.length).toBeGreaterThan(0);
    const statements = (i: (typeof aws)[number]): string => JSON.stringify(i.privilege.grants);
    for (const identity of aws) {
      const copy = /~(\d+)$/.exec(identity.uid)?.[1];
      const resources = identity.privilege.grants.flatMap((g) => g.resources);
      if (copy === undefined) expect(resources.some((r) => r.includes('nhiscan-bench-copy'))).toBe(false);
      else expect(resources).toContain(`arn:aws:s3:::nhiscan-bench-copy-${copy}`);
    }
    const byTemplate = new Map<string, Set<string>>();
    for (const identity of aws) {
      const template = identity.uid.replace(/~\d+$/, '');
      byTemplate.set(template, (byTemplate.get(template) ?? new Set()).add(statements(identity)));
    }
    for (const seen of byTemplate.values()) expect(seen.size).toBe(3);
    // Everything but AWS statements is as the repeats have it.
    const strip = (i: (typeof plain)[number]): unknown =>
      i.provider === 'aws' ? { ...i, privilege: { ...i.privilege, grants: [], limits: [] } } : i;
    expect(distinct.map(strip)).toEqual(plain.map(strip));
  });

  it('with distinct: the same verdict each time, in one process after the repeats too', async () => {
    const n = 2 * templates();
    const first = await runPolicyBench(n, demo, { distinct: true });
    await runPolicyBench(n, demo);
    const again = await runPolicyBench(n, demo, { distinct: true });
    expect(first.distinct).toBe(true);
    expect(again.verdictHash).toBe(first.verdictHash);
    expect(first.evaluations).toBe(n * first.policies);
  }, 60_000);

  it('leaves the templates as they were: N = the demo size judges like the demo itself', () => {
    const direct = judgeScan(demo.options, repeatTo(demo.collected, templates()));
    const again = judgeScan(demo.options, {
      ...demo.collected,
      runs: demo.collected.runs.map(({ position, run }) => ({
        position,
        run: { coverage: structuredClone(run.coverage), identities: run.identities },
      })),
    });
    expect(verdictHashOf(again)).toBe(verdictHashOf(direct));
  });
});
