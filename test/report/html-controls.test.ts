// The HTML report's control table: a row the evaluation counts add (a CIS benchmark or NIST CSF
// control that no finding of this scan tags) still carries its title.
import { describe, expect, it } from 'vitest';
import { syntheticScan } from '../../bench/synthetic-scan.js';
import { controlTitles } from '../../src/controls/index.js';
import { writeHtml } from '../../src/report/html.js';
import { collectText } from '../../src/report/sink.js';

type Row = { title: string; pass: number; open: number; excepted: number; policies: string[] };
const island = (html: string): { controls: Record<string, Row> } => {
  const m = /<script type="application\/json" id="nhiscan-summary">(.*?)<\/script>/s.exec(html);
  if (!m?.[1]) throw new Error('no summary island in the report');
  return JSON.parse(m[1]) as { controls: Record<string, Row> };
};

const counts = { pass: 2, fail: 0, unknown: 0, notApplicable: 0 };

describe('HTML control table titles', () => {
  it('titles every evaluated control from the frameworks in force, not only those findings tag', async () => {
    const scan = syntheticScan({ identities: 3 });
    scan.evaluationSummary = {
      identities: 3,
      byPolicy: {},
      byControl: { 'CIS-AWS-3.0:1.14': counts, 'NIST-CSF-2.0:PR.AA-01': counts, 'SOC1:ITGC-LA-3': counts },
    };
    const titles = controlTitles(undefined);
    const html = await collectText((out) => writeHtml(scan, out, { controlTitles: titles }));
    const { controls } = island(html);
    expect(controls['CIS-AWS-3.0:1.14']?.title).toBe(titles.get('CIS-AWS-3.0:1.14'));
    expect(controls['CIS-AWS-3.0:1.14']?.title).toMatch(/access keys/i);
    expect(controls['NIST-CSF-2.0:PR.AA-01']?.title).toMatch(/Identities and credentials/);
    expect(controls['SOC1:ITGC-LA-3']?.title).toMatch(/Privileged access/);
    expect(controls['CIS-AWS-3.0:1.14']?.pass).toBe(2);
    // Without the catalog (a caller of write(scan, out)): the title a finding carries, else none.
    const bare = island(await collectText((out) => writeHtml(scan, out)));
    const tagged = scan.findings.flatMap((f) => f.controls).find((c) => c.framework === 'CIS-AWS-3.0');
    expect(bare.controls['CIS-AWS-3.0:1.14']?.title).toBe(tagged?.id === '1.14' ? tagged.title : '');
    expect(bare.controls['NIST-CSF-2.0:PR.AA-01']?.title).toBe('');
  });

  it('counts findings under every framework they tag, and lists SOC 2, then SOC 1, then the rest', async () => {
    const scan = syntheticScan({ identities: 40 });
    const { controls } = island(
      await collectText((out) => writeHtml(scan, out, { controlTitles: controlTitles() })),
    );
    const tagged = scan.findings.filter((f) =>
      f.controls.some((c) => c.framework === 'CIS-AWS-3.0' && c.id === '1.14'),
    );
    expect(tagged.length).toBeGreaterThan(0);
    const row = controls['CIS-AWS-3.0:1.14'];
    expect((row?.open ?? 0) + (row?.excepted ?? 0)).toBe(tagged.length);
    expect(row?.policies).toEqual([...new Set(tagged.map((f) => f.policyId))]);
    const keys = Object.keys(controls);
    const firstOther = keys.findIndex((k) => !k.startsWith('SOC'));
    expect(keys.slice(0, firstOther).every((k) => k.startsWith('SOC'))).toBe(true);
    expect(keys.slice(firstOther).some((k) => k.startsWith('SOC'))).toBe(false);
    expect(keys.indexOf(keys.find((k) => k.startsWith('SOC1:')) ?? '')).toBeGreaterThan(
      keys.indexOf(keys.find((k) => k.startsWith('SOC2:')) ?? ''),
    );
  });

  it('takes SOC 1 titles as the config sets them (replace mode drops the defaults)', () => {
    const soc1 = {
      mode: 'replace' as const,
      objectives: [{ id: 'FIN-1', title: 'Access to the ledger is restricted', covers: [], policies: [] }],
    };
    const titles = controlTitles(soc1);
    expect(titles.get('SOC1:FIN-1')).toBe('Access to the ledger is restricted');
    expect([...titles.keys()].filter((k) => k.startsWith('SOC1:'))).toEqual(['SOC1:FIN-1']);
    expect(titles.get('SOC2:CC6.1')).toBeTruthy();
  });
});
