import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor } from '../../src/exit-codes.js';
import { ScanResult, type Finding } from '../../src/model.js';
import { controlTags, renderSummary, useColor } from '../../src/report/terminal.js';

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

  const many = Array.from({ length: 18 }, (_, i) =>
    finding('medium', 'staleness', `bot-${String(i).padStart(2, '0')}`),
  );

  it('lists the worst 10 and counts the hidden ones; --limit and --all reach the rest', () => {
    const text = renderSummary(result(many), { failOn: 'high', color: false });
    expect(text).toContain('Worst findings (10 of 18):');
    expect(text).toContain('  8 more; --all to list (or --limit N)');
    expect(text).not.toContain('bot-10');
    const three = renderSummary(result(many), { failOn: 'high', color: false, top: 3 });
    expect(three).toContain('Worst findings (3 of 18):');
    expect(three).toContain('15 more; --all to list');
    const all = renderSummary(result(many), { failOn: 'high', color: false, top: Infinity });
    expect(all).toContain('Findings, worst first (18):');
    expect(all).toContain('bot-17');
    expect(all).not.toContain('more; --all');
  });

  it('says what the identity is, and for trust findings who outside can use it', () => {
    const trust = finding('high', 'external-trust', 'vendor-monitoring', {
      identityKind: 'aws.iam_role',
      evidence: {
        account: '111111111111',
        trust: [{ principalType: 'aws', principal: 'arn:aws:iam::333333333333:root' }],
      },
    });
    const text = renderSummary(result([trust]), { failOn: 'critical', color: false });
    expect(text).toMatch(/HIGH\s+external-trust\s+vendor-monitoring \(aws iam role, 111111111111\)/);
    expect(text).toContain('usable from outside by: arn:aws:iam::333333333333:root');
  });

  it('names each framework once: "SOC 2 CC6.6, CC6.1"', () => {
    const f = finding('high', 'external-trust', 'r', {
      controls: [
        { framework: 'SOC2', id: 'CC6.6', title: 't' },
        { framework: 'SOC2', id: 'CC6.1', title: 't' },
        { framework: 'SOC1', id: 'ITGC-LA-3', title: 't' },
        { framework: 'CIS-AWS-3.0', id: '1.20', title: 't' },
      ],
    });
    expect(controlTags(f)).toBe('SOC 2 CC6.6, CC6.1; SOC 1 ITGC-LA-3');
    expect(renderSummary(result([f]), { failOn: 'none', color: false })).toContain(
      ' — SOC 2 CC6.6, CC6.1; SOC 1 ITGC-LA-3',
    );
  });

  it('coverage lines say who the scan ran as, show the notes, and keep discovery apart', () => {
    const r = result([]);
    r.coverage[0]!.principal = 'arn:aws:iam::111111111111:role/NhiscanReadOnly';
    r.coverage[0]!.notes = ['credential report generated 2015-02-02: stale, keys listed per user'];
    r.coverage.unshift({
      ...r.coverage[0]!,
      provider: 'gcp',
      target: 'gcp:organizations/900000000001',
      scope: undefined,
      principal: undefined,
      notes: ['lists 2 target(s): gcp:projects/a, gcp:projects/b'],
      discovery: true,
    });
    const text = renderSummary(r, { failOn: 'high', color: false });
    expect(text).toContain('in 1 target(s)');
    expect(text).toContain('Coverage: 1 of 1 target(s) complete');
    expect(text).toContain('  discovery gcp:organizations/900000000001: complete');
    expect(text).toContain(
      '  aws:default (111111111111): complete, as arn:aws:iam::111111111111:role/NhiscanReadOnly',
    );
    expect(text).toContain('    note: credential report generated 2015-02-02: stale, keys listed per user');
  });

  it('after an authentication failure the last line does not read like a pass', () => {
    const r = result([], true);
    r.coverage[0]!.status = 'failed';
    r.coverage[0]!.gaps = [
      { code: 'auth_failed', call: 'sts:GetCallerIdentity', message: 'bad token', recovered: false },
    ];
    const lines = renderSummary(r, { failOn: 'high', color: false }).trimEnd().split('\n');
    expect(lines.at(-1)).toBe(
      'No open finding at or above high in what was seen; authentication failed for aws, so nothing there was scanned.',
    );
    expect(lines.at(-1)).not.toBe('No open finding at or above high.');
  });

  it('colour follows NO_COLOR / FORCE_COLOR / TTY through Node', () => {
    const tty = (colors: boolean) => ({ isTTY: true, hasColors: () => colors });
    expect(useColor(tty(true), {})).toBe(true);
    expect(useColor(tty(false), {})).toBe(false);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '0' })).toBe(false);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(false);
    const coloured = renderSummary(result(many), { failOn: 'high', color: true });
    expect(coloured).toContain('\u001b[');
    expect(renderSummary(result(many), { failOn: 'high', color: false })).not.toContain('\u001b[');
  });
});
