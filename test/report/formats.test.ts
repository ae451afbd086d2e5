// Every format over a synthetic Scan with evaluations built by hand (and hostile names planted),
// validated against its schema or its consumer's rules.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import * as ajvFormats from 'ajv-formats';

const addFormats = ajvFormats.default.default;
import { describe, expect, it } from 'vitest';
import { syntheticScan } from '../../bench/synthetic-scan.js';
import type { Scan } from '../../src/model.js';
import {
  FINDING_COLUMNS,
  INVENTORY_COLUMNS,
  csvCell,
  writeFindingsCsv,
  writeInventoryCsv,
} from '../../src/report/csv.js';
import { readScanResult, selectReporters, writeScanResultJson } from '../../src/report/index.js';
import { writeJunit } from '../../src/report/junit.js';
import { MARKDOWN_LIMIT, renderMarkdown } from '../../src/report/markdown.js';
import { writeOcsf } from '../../src/report/ocsf.js';
import { writeSarif } from '../../src/report/sarif.js';
import { collectText } from '../../src/report/sink.js';

const scan = syntheticScan({ identities: 300 });
const text = (write: (s: Scan, o: import('node:stream').Writable) => Promise<void>, s: Scan = scan) =>
  collectText((o) => write(s, o));
const tmp = mkdtempSync(join(tmpdir(), 'nhiscan-formats-'));

/** RFC 4180 parser for the test's own reading of the CSV (quoted fields, doubled quotes, CRLF). */
const parseCsv = (body: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && body[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
};

describe('JSON (streamed)', () => {
  it('is byte for byte what JSON.stringify(result, null, 2) gave, without the evaluation records', async () => {
    const result: Partial<Scan> = { ...scan };
    delete result.evaluations;
    expect(await text(writeScanResultJson)).toBe(JSON.stringify(result, null, 2) + '\n');
    const empty = { ...scan, identities: [], findings: [], coverage: [], exceptions: [], evaluations: [] };
    const emptyResult: Partial<Scan> = { ...empty };
    delete emptyResult.evaluations;
    expect(await text(writeScanResultJson, empty)).toBe(JSON.stringify(emptyResult, null, 2) + '\n');
  });

  it('reads back with readScanResult', async () => {
    const path = join(tmp, 'r.json');
    writeFileSync(path, await text(writeScanResultJson));
    const back = await readScanResult(path);
    expect(back.identities).toHaveLength(300);
    expect(back.findings.map((f) => f.uid)).toEqual(scan.findings.map((f) => f.uid));
  });
});

describe('CSV', () => {
  it('quotes per RFC 4180 and defuses formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    for (const bad of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx'])
      expect(csvCell(bad).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell(12)).toBe('12');
  });

  it('writes a finding per row with every column, the hostile name defused, first-seen empty without a store', async () => {
    const rows = parseCsv(await text((s, o) => writeFindingsCsv(s, o)));
    expect(rows[0]).toEqual([...FINDING_COLUMNS]);
    expect(rows).toHaveLength(scan.findings.length + 1);
    for (const r of rows) expect(r).toHaveLength(FINDING_COLUMNS.length);
    const col = (name: string) => FINDING_COLUMNS.indexOf(name as (typeof FINDING_COLUMNS)[number]);
    expect(rows.slice(1).every((r) => r[col('first_seen')] === '')).toBe(true);
    const excepted = rows.find((r) => r[col('exception_id')] === 'EXC-1');
    expect(excepted?.[col('exception_approver')]).toBe('ciso@example.com');
    expect(excepted?.[col('status')]).toBe('excepted');
    expect(rows[1]![col('soc2_criteria')]).toMatch(/^CC6\.\d/);
  });

  it('writes the inventory: a row per identity and per credential', async () => {
    const rows = parseCsv(await text(writeInventoryCsv));
    expect(rows[0]).toEqual([...INVENTORY_COLUMNS]);
    const creds = scan.identities.reduce((n, i) => n + i.credentials.length, 0);
    expect(rows.filter((r) => r[0] === 'identity')).toHaveLength(scan.identities.length);
    expect(rows.filter((r) => r[0] === 'credential')).toHaveLength(creds);
    const formula = rows.find((r) => r[2]!.includes('HYPERLINK'));
    expect(formula?.[2]).toBe(`'=HYPERLINK("http://evil.example","x")`);
  });
});

describe('OCSF', () => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  const validate = ajv.compile(
    JSON.parse(
      readFileSync(new URL('./schemas/ocsf-detection-finding-1.1.json', import.meta.url), 'utf8'),
    ) as object,
  );

  it('writes one Detection Finding per finding, each valid against the schema', async () => {
    const lines = (await text(writeOcsf)).trimEnd().split('\n');
    expect(lines).toHaveLength(scan.findings.length);
    for (const line of lines) {
      const event = JSON.parse(line) as Record<string, unknown>;
      expect(validate(event), JSON.stringify(validate.errors)).toBe(true);
    }
    const events = lines.map(
      (l) =>
        JSON.parse(l) as {
          status_id: number;
          finding_info: { uid: string };
          time: number;
          unmapped: { compliance: Record<string, string[]> };
        },
    );
    expect(events.map((e) => e.finding_info.uid)).toEqual(scan.findings.map((f) => f.uid));
    expect(events.filter((e) => e.status_id === 3)).toHaveLength(
      scan.findings.filter((f) => f.exception?.status === 'active').length,
    );
    expect(events[0]!.time).toBe(Date.parse(scan.run.asOf));
    expect(events[0]!.unmapped.compliance.SOC2?.length).toBeGreaterThan(0);
  });

  it("takes the account type from the provider's connector (AWS 10, Google Cloud 5), else 99 Other", async () => {
    const other: Scan = {
      ...scan,
      findings: scan.findings.slice(0, 1).map((f) => ({ ...f, provider: 'acme-plugin' })),
    };
    const types = (s: Scan) =>
      text(writeOcsf, s).then((t) =>
        t
          .trimEnd()
          .split('\n')
          .map((l) => {
            const e = JSON.parse(l) as {
              cloud: { provider: string; account: { type_id: number; type: string } };
            };
            return `${e.cloud.provider} ${e.cloud.account.type_id} ${e.cloud.account.type}`;
          }),
      );
    const seen = new Set(await types(scan));
    expect(seen).toContain('aws 10 AWS Account');
    expect(await types(other)).toEqual(['acme-plugin 99 Other']);
    expect(seen).toContain('gcp 5 GCP Account');
  });

  it('the schema catches a wrong class or severity (it can fail)', () => {
    expect(validate({ class_uid: 2003 })).toBe(false);
  });
});

describe('SARIF', () => {
  const require = createRequire(import.meta.url);
  const schemaPath = join(
    require.resolve('@microsoft/jest-sarif/package.json').replace(/package\.json$/, ''),
    'lib/schemas/sarif-2.1.0-rtm.5.json',
  );
  const raw = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  // The published schema is draft-04 ("id"); ajv 8 reads the same keywords under "$id".
  const { id, ...rest } = raw;
  delete rest.$schema;
  // unicodeRegExp off: one of the schema's patterns is not valid under the u flag.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile({ $id: id as string, ...rest });

  it('validates against the SARIF 2.1.0 schema, with what GitHub code scanning needs', async () => {
    const body = await text(writeSarif);
    const log = JSON.parse(body) as {
      version: string;
      runs: {
        tool: {
          driver: { rules: { id: string; properties: Record<string, string>; relationships: unknown[] }[] };
        };
        taxonomies: { name: string }[];
        results: {
          ruleId: string;
          partialFingerprints: Record<string, string>;
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }[];
          suppressions?: unknown[];
        }[];
      }[];
    };
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const run = log.runs[0]!;
    expect(run.results).toHaveLength(scan.findings.length);
    expect(run.results.map((r) => r.partialFingerprints['nhiscanFindingUid/v1'])).toEqual(
      scan.findings.map((f) => f.uid),
    );
    for (const r of run.results) {
      expect(r.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(/^nhiscan\//);
      expect(r.locations[0]!.physicalLocation.region.startLine).toBe(1);
    }
    expect(run.taxonomies.map((t) => t.name)).toEqual(['CIS-AWS-3.0', 'SOC2']);
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual([
      'admin-privilege',
      'no-owner',
      'rotation-age',
      'stale-credential',
    ]);
    expect(run.tool.driver.rules.every((r) => Number(r.properties['security-severity']) > 0)).toBe(true);
    expect(run.results.filter((r) => r.suppressions)).toHaveLength(
      scan.findings.filter((f) => f.exception).length,
    );
  });

  it('the schema catches a result without a message (it can fail)', () => {
    expect(
      validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ ruleId: 'a' }] }] }),
    ).toBe(false);
  });
});

describe('Markdown', () => {
  it('stays far under the 65,536-character comment limit at 20,000 identities, escaping names', () => {
    const big = syntheticScan({ identities: 20_000 });
    const md = renderMarkdown(big);
    expect(md.length).toBeLessThan(MARKDOWN_LIMIT / 4);
    expect(md).toContain('### Worst findings (15 of');
    expect(md).toContain('### Coverage gaps');
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('New since the last scan');
  });

  it('lists findings new since the last scan when a history store provides them', () => {
    const md = renderMarkdown(scan, {
      history: {
        status: 'recorded',
        store: 'test.sqlite',
        seq: 2,
        previous: { seq: 1, asOf: '2026-10-31T00:00:00.000Z' },
        newSinceLastScan: scan.findings.slice(0, 2),
        firstSeen: new Map(),
        trend: [],
      },
    });
    expect(md).toContain('### New since the last scan (#1, as of 2026-10-31T00:00:00.000Z): 2');
  });
});

describe('JUnit', () => {
  it('is well-formed XML with a test case per policy x target, failing where findings are open', async () => {
    // A hostile name on an identity with an open finding (svc-3 fails rotation-age).
    const body = await text(
      writeJunit,
      syntheticScan({ identities: 300, hostileNames: ['svc-0', 'svc-1', 'svc-2', 'svc-3 </script>'] }),
    );
    const path = join(tmp, 'junit.xml');
    writeFileSync(path, body);
    execFileSync('python3', ['-c', 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])', path]);
    const policies = Object.keys(scan.run.policies).length;
    expect(body.match(/<testcase /g)).toHaveLength(policies * scan.coverage.length);
    expect(body).toMatch(/<testsuites name="nhiscan" tests="12" failures="\d+"/);
    expect(body).toContain('<failure message="');
    // The partial target's cases that found nothing are skipped, not passed.
    expect(body).toMatch(/<skipped message="target gcp:acme-prod is partial/);
    expect(body).toContain('&lt;/script&gt;');
    expect(body).toContain('<system-out>pass ');
  });
});

describe('--format', () => {
  it('always writes json first, expands csv and all, and names an unknown format', () => {
    expect(selectReporters([]).map((r) => r.id)).toEqual(['json']);
    expect(selectReporters(['csv,sarif']).map((r) => r.id)).toEqual([
      'json',
      'csv',
      'csv-inventory',
      'sarif',
    ]);
    expect(selectReporters(['all']).map((r) => r.fileName)).toEqual([
      'nhiscan-result.json',
      'nhiscan-findings.csv',
      'nhiscan-inventory.csv',
      'nhiscan-findings.ocsf.jsonl',
      'nhiscan.sarif',
      'nhiscan-summary.md',
      'nhiscan-junit.xml',
      'nhiscan-report.html',
    ]);
    expect(() => selectReporters(['pdf'])).toThrow(/--format: unknown format "pdf"/);
  });
});
