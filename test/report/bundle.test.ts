// The evidence bundle from the demo: every file, reproducible across runs (apart from the run's own
// id, timestamps and command line), and `nhiscan verify` catching each kind of tampering.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/index.js';
import { EXIT } from '../../src/exit-codes.js';
import { silentLogger } from '../../src/log.js';
import type { EvaluationRecord } from '../../src/model.js';
import { verifyBundle } from '../../src/report/bundle.js';

const run = promisify(execFile);
const CLI = join(process.cwd(), 'dist/src/cli.js');
const work = mkdtempSync(join(tmpdir(), 'nhiscan-bundle-'));
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const keyFile = join(work, 'signing.pem');
const pubFile = join(work, 'signing.pub.pem');
writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
writeFileSync(pubFile, publicKey.export({ type: 'spki', format: 'pem' }));

const demo = (n: number) =>
  runDemo({
    out: join(work, `out${n}`),
    failOn: 'none',
    log: silentLogger,
    print: () => undefined,
    color: false,
    output: { formats: ['all'], evidence: join(work, `ev${n}`), signKey: keyFile, argv: ['demo'] },
  });

const verify = async (dir: string, key = true) => {
  try {
    const { stdout } = await run(process.execPath, [
      CLI,
      'verify',
      dir,
      ...(key ? ['--public-key', pubFile] : []),
    ]);
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
};

let files: string[] = [];
beforeAll(async () => {
  await demo(1);
  await demo(2);
  files = readdirSync(join(work, 'ev1')).sort();
}, 240_000);

describe('nhiscan demo --format all --evidence DIR', () => {
  it('writes every format and every bundle file', () => {
    expect(
      readdirSync(join(work, 'out1'))
        .filter((n) => !n.endsWith('.sha256'))
        .sort(),
    ).toEqual([
      'latest',
      'latest.json',
      'nhiscan-findings.csv',
      'nhiscan-findings.ocsf.jsonl',
      'nhiscan-inventory.csv',
      'nhiscan-junit.xml',
      'nhiscan-report.html',
      'nhiscan-result.json',
      'nhiscan-summary.md',
      'nhiscan.sarif',
      'runs',
    ]);
    expect(files).toEqual([
      'config.json',
      'control-matrix.json',
      'coverage-gaps.jsonl',
      'coverage.json',
      'evaluation-summary.json',
      'evaluations.jsonl',
      'exceptions.json',
      'findings.jsonl',
      'manifest.json',
      'manifest.sig',
      'population-counts.json',
      'population.jsonl',
      'run.json',
    ]);
    const result = JSON.parse(readFileSync(join(work, 'out1', 'nhiscan-result.json'), 'utf8')) as {
      identities: unknown[];
    };
    const population = readFileSync(join(work, 'ev1', 'population.jsonl'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(population).toHaveLength(result.identities.length);
    const runMeta = JSON.parse(readFileSync(join(work, 'ev1', 'run.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(runMeta.asOf).toBe('2026-11-01T00:00:00.000Z');
    expect(runMeta.commandLine).toEqual(['nhiscan', 'demo']);
    expect((runMeta.principals as { principal: string | null }[]).some((p) => p.principal)).toBe(true);
    // Evaluation counts add up wherever the scan recorded them.
    const evaluations = readFileSync(join(work, 'ev1', 'evaluations.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as EvaluationRecord);
    const summary = JSON.parse(readFileSync(join(work, 'ev1', 'evaluation-summary.json'), 'utf8')) as {
      byPolicy: Record<string, { pass: number; fail: number; unknown: number; notApplicable: number }>;
    } | null;
    if (summary) {
      for (const [policy, c] of Object.entries(summary.byPolicy)) {
        expect(c.pass + c.fail + c.unknown + c.notApplicable).toBe(
          evaluations.filter((e) => e.policyId === policy).length,
        );
      }
    }
  });

  it('is reproducible: two runs differ only in the run id, timestamps and where they were written', () => {
    const mask = (text: string): string =>
      text
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'RUN-ID')
        .replace(/"(startedAt|finishedAt)": "[^"]+"/g, '"$1": "T"');
    for (const name of files.filter((n) => n !== 'manifest.json' && n !== 'manifest.sig')) {
      const a = readFileSync(join(work, 'ev1', name), 'utf8');
      const b = readFileSync(join(work, 'ev2', name), 'utf8');
      if (name === 'run.json' || name === 'coverage.json') expect(mask(a), name).toBe(mask(b));
      else expect(a, `${name} differs between two runs of the same estate`).toBe(b);
    }
  });

  it('verifies: every hash and the signature', async () => {
    const ok = await verify(join(work, 'ev1'));
    expect(ok.code).toBe(EXIT.ok);
    expect(ok.stdout).toContain('every file matches the manifest; the manifest signature is valid');
  });
});

describe('nhiscan verify names what was tampered with', () => {
  const copy = async (name: string): Promise<string> => {
    const dir = join(work, name);
    await run('cp', ['-r', join(work, 'ev1'), dir]);
    return dir;
  };

  it('a changed file', async () => {
    const dir = await copy('changed');
    appendFileSync(join(dir, 'findings.jsonl'), '\n');
    const r = await verify(dir);
    expect(r.code).toBe(EXIT.findings);
    expect(r.stdout).toContain('ALTERED  findings.jsonl');
    expect(r.stdout).toContain('verification FAILED');
  });

  it('an added file', async () => {
    const dir = await copy('added');
    writeFileSync(join(dir, 'extra.json'), '{}');
    const r = await verify(dir);
    expect(r.code).toBe(EXIT.findings);
    expect(r.stdout).toContain('ADDED    extra.json');
  });

  it('a deleted file', async () => {
    const dir = await copy('deleted');
    rmSync(join(dir, 'exceptions.json'));
    const r = await verify(dir);
    expect(r.code).toBe(EXIT.findings);
    expect(r.stdout).toContain('REMOVED  exceptions.json');
  });

  it('a manifest rewritten to match a changed file fails the signature', async () => {
    const dir = await copy('resigned');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      files: Record<string, string>;
    };
    writeFileSync(join(dir, 'exceptions.json'), '[]\n');
    const { createHash } = await import('node:crypto');
    manifest.files['exceptions.json'] = createHash('sha256').update('[]\n').digest('hex');
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    const unsigned = await verifyBundle(dir);
    expect(unsigned.ok).toBe(true); // hashes alone cannot see it: that is what the signature is for
    const r = await verify(dir);
    expect(r.code).toBe(EXIT.findings);
    expect(r.stdout).toContain('SIGNATURE INVALID');
  });

  it('a signature from another key fails', async () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' });
    const otherFile = join(work, 'other.pub.pem');
    writeFileSync(otherFile, other);
    const report = await verifyBundle(join(work, 'ev1'), other.toString());
    expect(report.signature).toBe('invalid');
    expect(report.ok).toBe(false);
  });
});
