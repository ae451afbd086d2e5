import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor } from '../../src/exit-codes.js';
import { ScanResult, type Finding } from '../../src/model.js';
import { renderSummary } from '../../src/report/terminal.js';

const finding = (
  severity: Finding['severity'],
  policyId: string,
  name: string,
  extra: Partial<Finding> = {},
): Finding => ({
  uid: `nhi-${policyId}-${name}`,
  policyId,
  severity,
  title: `${policyId} on ${name}`,
  message: 'm',
  provider: 'aws',
  identityUid: `arn:aws:iam::111111111111:user/${name}`,
  identityKind: 'aws.iam_user',
  identityName: name,
  location: { provider: 'aws', scope: '111111111111' },
  evidence: {},
  controls: [{ framework: 'SOC2', id: 'CC6.1', title: 't' }],
  ...extra,
});

const result = (findings: Finding[], gaps = false) =>
  ScanResult.parse({
    schemaVersion: 1,
    run: {
      id: '00000000-0000-4000-8000-000000000000',
      tool: { name: 'nhiscan', version: '0.0.0' },
      startedAt: '2026-11-01T00:00:00Z',
      finishedAt: '2026-11-01T00:00:01Z',
      asOf: '2026-11-01T00:00:00Z',
      configHash: 'h',
      policies: {},
      complete: !gaps,
    },
    identities: [],
    findings,
    coverage: [
      {
        provider: 'aws',
        target: 'aws:default',
        scope: '111111111111',
        status: gaps ? 'partial' : 'complete',
        startedAt: '2026-11-01T00:00:00Z',
        finishedAt: '2026-11-01T00:00:01Z',
        counts: {},
        gaps: gaps
          ? [
              {
                code: 'access_denied',
                call: 'iam:ListSSHPublicKeys',
                resource: 'ci',
                message: 'denied',
                permission: 'iam:ListSSHPublicKeys',
              },
            ]
          : [],
      },
    ],
  });

describe('terminal summary and exit codes', () => {
  const open = [finding('critical', 'excess-privilege', 'admin-bot'), finding('low', 'ownership', 'x')];
  const excepted = finding('critical', 'rotation-age', 'legacy', {
    exception: {
      id: 'e1',
      justification: 'vendor',
      approver: 'cto',
      expires: '2027-01-01',
      status: 'active',
    },
  });

  it('counts open findings by severity and policy, lists the worst and the gaps', () => {
    const text = renderSummary(result([...open, excepted], true), { failOn: 'high', color: false });
    expect(text).toContain('Findings: 2 open — critical 1, low 1; 1 excepted');
    expect(text).toContain('by policy: excess-privilege 1, ownership 1');
    expect(text).toMatch(/CRITICAL\s+excess-privilege\s+admin-bot/);
    expect(text).toContain('SCAN INCOMPLETE');
    expect(text).toContain('iam:ListSSHPublicKeys access_denied on ci');
    expect(text).toContain('1 open finding(s) at or above high.');
  });

  it.each([
    [[...open], false, 'high', EXIT.findings],
    [[...open], false, 'critical', EXIT.findings],
    [[finding('medium', 'staleness', 'a')], false, 'high', EXIT.ok],
    [[finding('medium', 'staleness', 'a')], true, 'high', EXIT.incomplete],
    [[...open], true, 'none', EXIT.incomplete],
    [[excepted], false, 'info', EXIT.ok],
    [
      [{ ...excepted, exception: { ...excepted.exception!, status: 'expired' as const } }],
      false,
      'high',
      EXIT.findings,
    ],
  ])('exit code for %#', (findings, gaps, failOn, code) => {
    expect(exitCodeFor(result(findings, gaps), failOn as 'high')).toBe(code);
  });
});
