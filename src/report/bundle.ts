// The evidence bundle (`--evidence DIR`): what an auditor tests a SOC 2 Type 2 control against, as
// one folder of plain files, a manifest of their SHA-256, and optionally an Ed25519 signature of the
// manifest. `nhiscan verify DIR` recomputes every hash and names each file altered, added or removed.
// Reproducible: the same inputs and asOf give byte-identical files apart from the run's own id and
// timestamps (run.json, coverage.json) and the command line.
import { createPrivateKey, createPublicKey, sign, verify as verifySignature, createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Writable } from 'node:stream';
import type { Config } from '../config.js';
import { createControlResolver } from '../controls/index.js';
import { UsageError, errorMessage } from '../errors.js';
import { fsyncDir, openAtomicFile, writeFileAtomic } from '../fs-atomic.js';
import { stableStringify } from '../hash.js';
import type { Scan } from '../model.js';
import { controlMatrix } from './controls.js';
import { createSink } from './sink.js';
import { mkdirParents, preflightOutputDir } from './output.js';
import { compareCodeUnits } from '../order.js';

export const MANIFEST = 'manifest.json';
export const SIGNATURE = 'manifest.sig';
export const SIGNING_KEY_ENV = 'NHISCAN_SIGNING_KEY';

export interface BundleOptions {
  config: Config;
  /** The command line as run (argv after the program), recorded in run.json. */
  argv: readonly string[];
  /** Ed25519 private key (PEM), to sign the manifest. */
  signingKeyPem?: string | undefined;
  /** The period report over the bundle's window (from a history store): its HTML, JSON and CSVs join the bundle. */
  period?: { files: readonly [string, string][] } | undefined;
}

type FileBody = (out: Writable) => Promise<void>;

const jsonLines =
  <T>(items: Iterable<T>) =>
  async (out: Writable): Promise<void> => {
    const sink = createSink(out);
    for (const item of items) await sink.write(JSON.stringify(item) + '\n');
    await sink.flush();
  };

const text =
  (body: string) =>
  async (out: Writable): Promise<void> => {
    const sink = createSink(out);
    await sink.write(body);
    await sink.flush();
  };

const json =
  (value: unknown) =>
  async (out: Writable): Promise<void> => {
    const sink = createSink(out);
    await sink.write(JSON.stringify(value, null, 2) + '\n');
    await sink.flush();
  };

/** The files of a bundle, by name, in the order written (the manifest is sorted). */
export const bundleFiles = (scan: Scan, opts: BundleOptions): [string, FileBody][] => {
  const { config } = opts;
  const counts = scan.coverage.map((c) => ({
    target: c.target,
    provider: c.provider,
    scope: c.scope ?? null,
    status: c.status,
    identities: Object.values(c.counts).reduce((a, b) => a + b, 0),
    byKind: Object.fromEntries(Object.entries(c.counts).sort(([a], [b]) => compareCodeUnits(a, b))),
  }));
  const byKind: Record<string, number> = {};
  for (const i of scan.identities) byKind[i.kind] = (byKind[i.kind] ?? 0) + 1;
  const policies = config.policies.map((p) => p.policy);
  const matrix = controlMatrix(policies, createControlResolver(config.file.controls.soc1), scan, [
    ...new Set(['SOC2', 'SOC1', ...scan.findings.flatMap((f) => f.controls.map((c) => c.framework))]),
  ]);
  const gaps = scan.coverage.flatMap((c) =>
    c.gaps.map((g) => ({ target: c.target, scope: c.scope ?? null, ...g })),
  );
  return [
    ['population.jsonl', jsonLines(scan.identities)],
    [
      'population-counts.json',
      json({
        identities: scan.identities.length,
        credentials: scan.identities.reduce((n, i) => n + i.credentials.length, 0),
        byKind: Object.fromEntries(Object.entries(byKind).sort(([a], [b]) => compareCodeUnits(a, b))),
        byTarget: counts,
      }),
    ],
    ['evaluations.jsonl', jsonLines(scan.evaluations)],
    ['evaluation-summary.json', json(scan.evaluationSummary ?? null)],
    ['findings.jsonl', jsonLines(scan.findings)],
    ['control-matrix.json', json(matrix)],
    ['exceptions.json', json(scan.exceptions)],
    ['coverage-gaps.jsonl', jsonLines(gaps)],
    ['coverage.json', json(scan.coverage)],
    [
      'config.json',
      // Normalised as hashed (secrets never live in the config: it names variables, not values).
      async (out) => {
        const sink = createSink(out);
        await sink.write(stableStringify(config.file) + '\n');
        await sink.flush();
      },
    ],
    [
      'run.json',
      json({
        id: scan.run.id,
        tool: scan.run.tool,
        asOf: scan.run.asOf,
        startedAt: scan.run.startedAt,
        finishedAt: scan.run.finishedAt,
        complete: scan.run.complete,
        configHash: scan.run.configHash,
        policies: scan.run.policies,
        plugins: scan.run.plugins,
        principals: scan.coverage.map((c) => ({
          target: c.target,
          scope: c.scope ?? null,
          principal: c.principal ?? null,
        })),
        commandLine: ['nhiscan', ...opts.argv],
      }),
    ],
    ...(opts.period?.files ?? []).map(([name, body]): [string, FileBody] => [name, text(body)]),
  ];
};

const sha256File = async (path: string): Promise<string> => {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
};

/** Every regular file under `dir`, as forward-slash relative paths. */
const listFiles = async (dir: string): Promise<string[]> => {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    out.push(relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
  }
  return out.sort();
};

export const loadSigningKey = (pem: string, where: string): ReturnType<typeof createPrivateKey> => {
  let key;
  try {
    key = createPrivateKey(pem);
  } catch (err) {
    throw new UsageError(`${where}: not a private key in PEM form (${errorMessage(err).split('\n')[0]})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new UsageError(
      `${where}: expected an Ed25519 key, found ${key.asymmetricKeyType ?? 'another kind'}`,
    );
  }
  return key;
};

/** Checks DIR can hold a bundle: absent, empty, or holding a previous nhiscan bundle. */
export const preflightEvidenceDir = async (dir: string): Promise<string> => {
  const abs = await preflightOutputDir(dir, '--evidence');
  const existing = await listFiles(abs);
  if (existing.length && !existing.includes(MANIFEST)) {
    throw new UsageError(
      `--evidence ${dir}: the folder holds other files (${existing.slice(0, 3).join(', ')}); give an empty or new folder, or an earlier bundle's`,
    );
  }
  return abs;
};

export const writeEvidenceBundle = async (
  scan: Scan,
  dir: string,
  opts: BundleOptions,
): Promise<string[]> => {
  const key =
    opts.signingKeyPem !== undefined ? loadSigningKey(opts.signingKeyPem, 'signing key') : undefined;
  await mkdirParents(dir);
  const files = bundleFiles(scan, opts);
  const hashes: Record<string, string> = {};
  for (const [name, body] of files) {
    const file = await openAtomicFile(join(dir, name));
    try {
      await body(file.stream);
      hashes[name] = (await file.finish()).sha256;
      await file.commit();
    } catch (err) {
      await file.abort();
      throw err;
    }
  }
  // An earlier bundle's files that this one does not have would read as "added" on verify.
  const keep = new Set([...files.map(([n]) => n), MANIFEST, ...(key ? [SIGNATURE] : [])]);
  for (const name of await listFiles(dir)) if (!keep.has(name)) await unlink(join(dir, name));
  await fsyncDir(dir);
  const manifest = {
    format: 'nhiscan-evidence/1',
    run: scan.run.id,
    algorithm: 'sha256',
    files: Object.fromEntries(Object.entries(hashes).sort(([a], [b]) => compareCodeUnits(a, b))),
  };
  const manifestText = JSON.stringify(manifest, null, 2) + '\n';
  if (key) {
    await writeFileAtomic(
      join(dir, SIGNATURE),
      sign(null, Buffer.from(manifestText), key).toString('base64') + '\n',
    );
  }
  await writeFileAtomic(join(dir, MANIFEST), manifestText);
  return [...files.map(([n]) => join(dir, n)), join(dir, MANIFEST), ...(key ? [join(dir, SIGNATURE)] : [])];
};

export interface VerifyReport {
  ok: boolean;
  altered: string[];
  added: string[];
  removed: string[];
  signature: 'valid' | 'invalid' | 'missing' | 'not-checked';
  problems: string[];
}

export const verifyBundle = async (dir: string, publicKeyPem?: string): Promise<VerifyReport> => {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`verify: ${dir} is not a folder`);
  let manifest: { files?: Record<string, string> };
  let manifestText: string;
  try {
    manifestText = await readFile(join(dir, MANIFEST), 'utf8');
    manifest = JSON.parse(manifestText) as typeof manifest;
  } catch (err) {
    throw new UsageError(`verify: cannot read ${join(dir, MANIFEST)}: ${errorMessage(err)}`);
  }
  if (!manifest.files || typeof manifest.files !== 'object') {
    throw new UsageError(`verify: ${join(dir, MANIFEST)} lists no files`);
  }
  const listed = manifest.files;
  const present = (await listFiles(dir)).filter((n) => n !== MANIFEST && n !== SIGNATURE);
  const report: VerifyReport = {
    ok: true,
    altered: [],
    added: [],
    removed: [],
    signature: 'not-checked',
    problems: [],
  };
  for (const name of present) {
    if (!(name in listed)) report.added.push(name);
    else if ((await sha256File(join(dir, name))) !== listed[name]) report.altered.push(name);
  }
  for (const name of Object.keys(listed)) if (!present.includes(name)) report.removed.push(name);
  if (publicKeyPem !== undefined) {
    let key;
    try {
      key = createPublicKey(publicKeyPem);
    } catch (err) {
      throw new UsageError(
        `--public-key: not a public key in PEM form (${errorMessage(err).split('\n')[0]})`,
      );
    }
    const sig = await readFile(join(dir, SIGNATURE), 'utf8').catch(() => undefined);
    if (sig === undefined) report.signature = 'missing';
    else {
      let good = false;
      try {
        good = verifySignature(null, Buffer.from(manifestText), key, Buffer.from(sig.trim(), 'base64'));
      } catch {
        good = false;
      }
      report.signature = good ? 'valid' : 'invalid';
    }
  }
  report.ok =
    !report.altered.length &&
    !report.added.length &&
    !report.removed.length &&
    (report.signature === 'valid' || report.signature === 'not-checked');
  return report;
};

export const renderVerifyReport = (dir: string, r: VerifyReport): string => {
  const lines: string[] = [];
  for (const n of r.altered) lines.push(`ALTERED  ${n}`);
  for (const n of r.added) lines.push(`ADDED    ${n}`);
  for (const n of r.removed) lines.push(`REMOVED  ${n}`);
  if (r.signature === 'invalid')
    lines.push(`SIGNATURE INVALID: ${SIGNATURE} does not match ${MANIFEST} for this public key`);
  if (r.signature === 'missing') lines.push(`SIGNATURE MISSING: no ${SIGNATURE} in ${dir}`);
  if (r.ok) {
    lines.push(
      `${dir}: every file matches the manifest` +
        (r.signature === 'valid'
          ? '; the manifest signature is valid'
          : '; signature not checked (pass --public-key)'),
    );
  } else lines.push(`${dir}: verification FAILED`);
  return lines.join('\n') + '\n';
};
