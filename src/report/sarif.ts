// SARIF 2.1.0 for GitHub code scanning. One rule per policy (from its metadata), SOC 2 and the
// CIS benchmarks as taxonomies the rules relate to, the finding uid as a partial fingerprint so
// GitHub tracks an alert across runs. GitHub rejects a result without a physical location, and a
// cloud identity has no source line: each result points at a virtual path per provider / scope /
// kind (`nhiscan/aws/111111111111/aws.iam_user`, line 1) and names the identity as a logical location.
import type { Writable } from 'node:stream';
import type { Finding, Scan, Severity } from '../model.js';
import type { AnyPolicy } from '../policy.js';
import { builtins } from '../registry.js';
import { isOpen } from './common.js';
import { createSink } from './sink.js';
import type { Reporter } from './types.js';
import { compareCodeUnits } from '../order.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** GitHub maps security-severity to critical (>= 9), high (>= 7), medium (>= 4), low. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

const TAXONOMY = (framework: string): boolean => framework === 'SOC2' || framework.startsWith('CIS-');

export const sarifLocation = (f: Finding): string =>
  ['nhiscan', f.provider, f.location.scope, f.identityKind].map((p) => encodeURIComponent(p)).join('/');

export const buildSarif = (
  scan: Scan,
  policies: Readonly<Record<string, AnyPolicy>> = builtins.policies,
): Record<string, unknown> => {
  // Rules: every policy the run had enabled, plus any that raised findings (a plug-in's).
  const ruleIds = [
    ...new Set([
      ...Object.entries(scan.run.policies)
        .filter(([, p]) => p.enabled)
        .map(([id]) => id),
      ...scan.findings.map((f) => f.policyId),
    ]),
  ].sort();
  const taxa = new Map<string, Map<string, string>>();
  const ruleTaxa = new Map<string, Set<string>>();
  for (const f of scan.findings) {
    for (const c of f.controls.filter((x) => TAXONOMY(x.framework))) {
      const inFramework = taxa.get(c.framework) ?? new Map<string, string>();
      taxa.set(c.framework, inFramework.set(c.id, c.title));
      ruleTaxa.set(f.policyId, (ruleTaxa.get(f.policyId) ?? new Set()).add(`${c.framework}\u0000${c.id}`));
    }
  }
  const frameworks = [...taxa.keys()].sort();
  const firstFinding = new Map<string, Finding>();
  for (const f of scan.findings) if (!firstFinding.has(f.policyId)) firstFinding.set(f.policyId, f);
  const rules = ruleIds.map((id) => {
    const policy = policies[id];
    const sample = firstFinding.get(id);
    const severity = scan.run.policies[id]?.severity ?? policy?.severity ?? sample?.severity ?? 'medium';
    return {
      id,
      name: id
        .split('-')
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join(''),
      shortDescription: { text: policy?.title ?? sample?.title ?? id },
      fullDescription: { text: policy?.description ?? policy?.title ?? sample?.title ?? id },
      help: { text: sample?.remediation ?? policy?.remediation.default ?? policy?.description ?? id },
      defaultConfiguration: { level: LEVEL[severity] },
      properties: {
        'security-severity': SECURITY_SEVERITY[severity],
        tags: ['security', 'non-human-identity'],
      },
      relationships: [...(ruleTaxa.get(id) ?? [])].sort().map((key) => {
        const [framework, taxon] = key.split('\u0000') as [string, string];
        return {
          target: { id: taxon, toolComponent: { name: framework } },
          kinds: ['relevant'],
        };
      }),
    };
  });
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const results = scan.findings.map((f) => ({
    ruleId: f.policyId,
    ruleIndex: ruleIndex.get(f.policyId) ?? 0,
    level: LEVEL[f.severity],
    message: {
      text: `${f.title}: ${f.identityName} (${f.identityUid})${f.credentialUid ? ` credential ${f.credentialUid}` : ''}. ${f.message}`,
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: sarifLocation(f) },
          region: { startLine: 1 },
        },
        logicalLocations: [{ name: f.identityName, fullyQualifiedName: f.identityUid, kind: 'resource' }],
      },
    ],
    partialFingerprints: { 'nhiscanFindingUid/v1': f.uid },
    properties: { 'security-severity': SECURITY_SEVERITY[f.severity], severity: f.severity },
    ...(f.exception && !isOpen(f)
      ? {
          suppressions: [
            {
              kind: 'external',
              status: 'accepted',
              justification: `${f.exception.id}: ${f.exception.justification} (approved by ${f.exception.approver}, expires ${f.exception.expires})`,
            },
          ],
        }
      : {}),
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'nhiscan',
            version: scan.run.tool.version,
            informationUri: 'https://github.com/nhiscan/nhiscan',
            rules,
            supportedTaxonomies: frameworks.map((name) => ({ name })),
          },
        },
        taxonomies: frameworks.map((name) => ({
          name,
          taxa: [...(taxa.get(name) ?? new Map<string, string>()).entries()]
            .sort(([a], [b]) => compareCodeUnits(a, b))
            .map(([id, title]) => ({ id, shortDescription: { text: title } })),
        })),
        automationDetails: { id: `nhiscan/${scan.run.id}` },
        invocations: [
          {
            executionSuccessful: true,
            startTimeUtc: scan.run.startedAt,
            endTimeUtc: scan.run.finishedAt,
          },
        ],
        properties: {
          asOf: scan.run.asOf,
          complete: scan.run.complete,
          openFindings: scan.findings.filter(isOpen).length,
        },
        results,
      },
    ],
  };
};

/**
 * SARIF holds one run object whose results GitHub reads whole anyway (its upload limit is 10 MB
 * zipped and 25,000 results); the results array is still written one result at a time.
 */
export const writeSarif = async (scan: Scan, out: Writable): Promise<void> => {
  const sink = createSink(out);
  const doc = buildSarif(scan);
  const [run] = doc.runs as ({ results: unknown[] } & Record<string, unknown>)[];
  const { results, ...head } = run ?? { results: [] };
  const headText = JSON.stringify({ ...doc, runs: [{ ...head, results: [] }] }, null, 2);
  const marker = '"results": []';
  const at = headText.lastIndexOf(marker);
  await sink.write(headText.slice(0, at) + '"results": [');
  for (const [i, r] of results.entries()) {
    await sink.write(`${i ? ',' : ''}\n        ${JSON.stringify(r)}`);
  }
  await sink.write(`${results.length ? '\n      ' : ''}]` + headText.slice(at + marker.length) + '\n');
  await sink.flush();
};

export const sarifReporter: Reporter = {
  id: 'sarif',
  fileName: 'nhiscan.sarif',
  mediaType: 'application/sarif+json',
  description: 'SARIF 2.1.0 for GitHub code scanning (upload with github/codeql-action/upload-sarif)',
  write: writeSarif,
};
