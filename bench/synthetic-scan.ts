// A synthetic Scan of any size, shaped like a real one (identities with credentials, findings with
// control tags, evaluation records, coverage with gaps, exceptions), for the report benchmark and
// the reporters' tests. Deterministic: the same size gives the same Scan.
import type { Coverage, EvaluationRecord, Finding, Identity, Scan } from '../src/model.js';

export interface SyntheticOptions {
  identities: number;
  /** Names planted on the first identities: hostile text from the cloud. */
  hostileNames?: readonly string[];
}

const ASOF = '2026-11-01T00:00:00.000Z';
const day = (n: number): string => new Date(Date.parse(ASOF) - n * 86_400_000).toISOString();
const PROVIDERS = [
  { provider: 'aws', scope: '111111111111', kind: 'aws.iam_user', cred: 'access_key' },
  { provider: 'gcp', scope: 'acme-prod', kind: 'gcp.service_account', cred: 'sa_key' },
  { provider: 'github', scope: 'acme', kind: 'github.deploy_key', cred: 'deploy_key' },
] as const;
const POLICIES = ['rotation-age', 'stale-credential', 'no-owner', 'admin-privilege'] as const;
const SOC2: Record<(typeof POLICIES)[number], string[]> = {
  'rotation-age': ['CC6.1', 'CC6.2'],
  'stale-credential': ['CC6.2', 'CC6.3'],
  'no-owner': ['CC6.2'],
  'admin-privilege': ['CC6.3'],
};
const SEV = ['high', 'medium', 'low', 'critical'] as const;

export const DEFAULT_HOSTILE = [
  '</script><script>window.pwned=true</script>',
  '=HYPERLINK("http://evil.example","x")',
  'svc-<b>bold</b> & "quoted" | pipe',
];

export const syntheticScan = (opts: SyntheticOptions): Scan => {
  const hostile = opts.hostileNames ?? DEFAULT_HOSTILE;
  const identities: Identity[] = [];
  const findings: Finding[] = [];
  const evaluations: EvaluationRecord[] = [];
  for (let n = 0; n < opts.identities; n++) {
    const p = PROVIDERS[n % PROVIDERS.length] ?? PROVIDERS[0];
    const name = hostile[n] ?? `svc-${n}`;
    const uid = `${p.provider}:${p.scope}/${p.kind}/${n}`;
    const age = (n * 37) % 400;
    identities.push({
      uid,
      provider: p.provider,
      kind: p.kind,
      name,
      location: { provider: p.provider, scope: p.scope },
      createdAt: day(age + 10),
      lastUsedAt: n % 5 === 0 ? null : day(n % 120),
      owner: n % 4 === 0 ? null : { value: `team-${n % 17}@example.com`, source: 'tag:owner' },
      tags: { env: n % 2 ? 'prod' : 'dev' },
      credentials: [
        {
          uid: `${p.cred}-${n}`,
          type: p.cred,
          status: 'active',
          createdAt: day(age),
          lastRotatedAt: day(age),
          lastUsedAt: n % 5 === 0 ? null : day(n % 120),
          managedBy: 'user',
          attributes: {},
        },
      ],
      privilege: { level: n % 9 === 0 ? 'admin' : 'read', grants: [], reasons: [], attached: [] },
      trust: [],
      financialScope: { inScope: n % 3 === 0, reasons: [] },
      managedBy: 'user',
      attributes: {},
    });
    for (const [k, policyId] of POLICIES.entries()) {
      const fails =
        (policyId === 'rotation-age' && age > 90) ||
        (policyId === 'stale-credential' && n % 5 === 0) ||
        (policyId === 'no-owner' && n % 4 === 0) ||
        (policyId === 'admin-privilege' && n % 9 === 0);
      const unknown = !fails && policyId === 'stale-credential' && n % 11 === 0;
      const fuid = `f-${n}-${k}`;
      if (fails) {
        findings.push({
          uid: fuid,
          policyId,
          severity: SEV[k] ?? 'medium',
          title: `${policyId} on ${name}`,
          message: `${name} fails ${policyId}`,
          provider: p.provider,
          identityUid: uid,
          identityKind: p.kind,
          identityName: name,
          location: { provider: p.provider, scope: p.scope },
          credentialUid: `${p.cred}-${n}`,
          evidence: { ageDays: age },
          remediation: 'Rotate or remove it.',
          controls: [
            ...SOC2[policyId].map((id) => ({ framework: 'SOC2', id, title: `SOC 2 ${id}` })),
            ...(n % 3 === 0 ? [{ framework: 'SOC1', id: 'ITGC-AC-01', title: 'Logical access' }] : []),
            { framework: 'CIS-AWS-3.0', id: '1.14', title: 'Access keys rotated every 90 days or less' },
          ],
          ...(n % 13 === 0
            ? {
                exception: {
                  id: 'EXC-1',
                  justification: 'vendor integration',
                  approver: 'ciso@example.com',
                  expires: '2027-01-31',
                  status: 'active' as const,
                },
              }
            : {}),
        });
      }
      evaluations.push({
        policyId,
        identityUid: uid,
        status: fails ? 'fail' : unknown ? 'unknown' : 'pass',
        ...(unknown ? { reason: 'no last-used date' } : {}),
        findings: fails ? [fuid] : [],
      });
    }
  }
  const coverage: Coverage[] = PROVIDERS.map((p, i) => ({
    provider: p.provider,
    target: `${p.provider}:${p.scope}`,
    scope: p.scope,
    status: i === 1 ? 'partial' : 'complete',
    startedAt: ASOF,
    finishedAt: ASOF,
    principal: `scanner@${p.scope}`,
    counts: { [p.kind]: identities.filter((x) => x.provider === p.provider).length },
    gaps:
      i === 1
        ? [
            {
              code: 'access_denied',
              call: 'iam.projects.serviceAccounts.keys.list',
              message: 'Permission denied',
              permission: 'iam.serviceAccountKeys.list',
              recovered: false,
            },
          ]
        : [],
    notes: [],
  }));
  const byPolicy: Record<string, { pass: number; fail: number; unknown: number; notApplicable: number }> = {};
  for (const e of evaluations) {
    const c = (byPolicy[e.policyId] ??= { pass: 0, fail: 0, unknown: 0, notApplicable: 0 });
    if (e.status === 'not-applicable') c.notApplicable++;
    else c[e.status]++;
  }
  return {
    schemaVersion: 1,
    run: {
      id: '00000000-0000-4000-8000-000000000001',
      tool: { name: 'nhiscan', version: '0.1.0' },
      startedAt: ASOF,
      finishedAt: ASOF,
      asOf: ASOF,
      configHash: 'synthetic',
      policies: Object.fromEntries(
        POLICIES.map((id, k) => [
          id,
          {
            enabled: true,
            severity: SEV[k] ?? 'medium',
            options: id === 'rotation-age' ? { maxAgeDays: 90 } : {},
            overrides: [],
          },
        ]),
      ),
      plugins: [],
      complete: false,
    },
    identities,
    findings,
    coverage,
    exceptions: [
      {
        id: 'EXC-1',
        justification: 'vendor integration',
        approver: 'ciso@example.com',
        expires: '2027-01-31',
        status: 'active',
        findings: findings.filter((f) => f.exception).map((f) => f.uid),
      },
    ],
    evaluationSummary: { identities: identities.length, byPolicy, byControl: {} },
    evaluations,
  };
};
