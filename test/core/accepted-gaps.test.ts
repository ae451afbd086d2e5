// Gaps that make a scan incomplete (exit 3) versus gaps that do not: recovered ones, ones no
// permission can close (notes), and ones the operator accepted in the config (reason + expiry).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { applyAcceptedGaps, AcceptedGapRule } from '../../src/accepted-gaps.js';
import { systemClock } from '../../src/clock.js';
import { buildConfig } from '../../src/config.js';
import type { AnyConnector, Target } from '../../src/connector.js';
import { UsageError } from '../../src/errors.js';
import { EXIT, exitCodeFor } from '../../src/exit-codes.js';
import { type Logger, silentLogger } from '../../src/log.js';
import { type Coverage, type Gap, isOpenGap } from '../../src/model.js';
import { renderSummary } from '../../src/report/terminal.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { runScan } from '../../src/scan.js';

const AS_OF = new Date('2026-06-01T00:00:00Z');

type GapInput = Omit<Gap, 'recovered'> & { recovered?: boolean };

/** One target `fake:acme` that reads one identity and records the gaps given. */
const connectorWith = (gaps: GapInput[]): AnyConnector => ({
  id: 'fake',
  title: 'fake',
  config: z.strictObject({ enabled: z.boolean().default(true) }),
  targets: (): Target[] => [{ id: 'fake:acme', provider: 'fake', label: 'fake acme', data: undefined }],
  collect: async function* (_target, _config, ctx) {
    await Promise.resolve();
    ctx.setScope('acme');
    yield {
      uid: 'fake:acme/bot',
      provider: 'fake',
      kind: 'fake.robot',
      name: 'bot',
      location: { provider: 'fake', scope: 'acme' },
      createdAt: '2026-01-01T00:00:00Z',
    };
    for (const g of gaps) ctx.gap(g);
  },
});

const denied: GapInput = {
  code: 'access_denied',
  call: 'GET /orgs/{org}/codespaces/secrets',
  message: 'denied',
  permission: 'organization_codespaces_secrets=read',
};
const noApi: GapInput = {
  code: 'not_supported',
  call: 'fake:oauth-apps',
  message: 'the provider has no API for this',
  closable: false,
};

const warnings: string[] = [];
const log: Logger = { ...silentLogger, warn: (m: string) => warnings.push(m) };

const scan = async (gaps: GapInput[], extra: Record<string, unknown> = {}) => {
  const config = buildConfig(
    { providers: { fake: {} }, ...extra },
    { connectors: { fake: connectorWith(gaps) }, policies: {} },
    'test.yaml',
    process.cwd(),
  );
  const result = await runScan({ config, clock: systemClock(AS_OF), log });
  return { config, result };
};

const accept = (rule: Record<string, unknown>) => ({
  acceptedGaps: [{ reason: 'Codespaces are not used in this organisation', expires: '2026-12-31', ...rule }],
});

describe('isOpenGap', () => {
  it('counts only gaps that lost data, that a permission can close and that no rule accepts', () => {
    const base = { recovered: false };
    expect(isOpenGap(base)).toBe(true);
    expect(isOpenGap({ recovered: true })).toBe(false);
    expect(isOpenGap({ ...base, closable: false })).toBe(false);
    expect(isOpenGap({ ...base, closable: true })).toBe(true);
    expect(isOpenGap({ ...base, accepted: { id: 'a', reason: 'r', expires: '2027-01-01' } })).toBe(false);
  });
});

describe('gaps no permission can close', () => {
  it('are listed but leave the target complete: exit 0', async () => {
    const { result } = await scan([noApi]);
    expect(result.coverage[0]).toMatchObject({ status: 'complete', gaps: [{ closable: false }] });
    expect(result.run.complete).toBe(true);
    expect(exitCodeFor(result, 'high')).toBe(EXIT.ok);
    const summary = renderSummary(result, { failOn: 'high', color: false });
    expect(summary).toContain('fake:oauth-apps not_supported');
    expect(summary).toContain('no permission closes it');
  });

  it('beside an open gap the target is still partial: exit 3', async () => {
    const { result } = await scan([noApi, denied]);
    expect(result.coverage[0]!.status).toBe('partial');
    expect(exitCodeFor(result, 'high')).toBe(EXIT.incomplete);
  });
});

describe('acceptedGaps in the config', () => {
  it('a clean night with only accepted gaps exits 0; the gap stays listed, marked accepted', async () => {
    warnings.length = 0;
    const { result } = await scan([denied], accept({ id: 'no-codespaces', call: '*/codespaces/*' }));
    expect(result.coverage[0]!.status).toBe('complete');
    expect(result.coverage[0]!.gaps).toEqual([
      expect.objectContaining({
        call: denied.call,
        accepted: {
          id: 'no-codespaces',
          reason: 'Codespaces are not used in this organisation',
          expires: '2026-12-31',
        },
      }),
    ]);
    expect(result.run.complete).toBe(true);
    expect(exitCodeFor(result, 'high')).toBe(EXIT.ok);
    expect(result.acceptedGaps).toEqual([
      {
        id: 'no-codespaces',
        reason: 'Codespaces are not used in this organisation',
        expires: '2026-12-31',
        status: 'active',
        gaps: ['fake:acme GET /orgs/{org}/codespaces/secrets access_denied'],
        warnings: [],
      },
    ]);
    expect(warnings).toEqual([]);
    const md = renderMarkdown(result);
    expect(md).toContain('Accepted gaps and gaps no permission closes (1)');
    expect(md).toContain('accepted until 2026-12-31');
    expect(renderSummary(result, { failOn: 'high', color: false })).toContain(
      'accepted no-codespaces until 2026-12-31',
    );
  });

  it('without the rule the same night exits 3 (the rule is what makes it 0)', async () => {
    const { result } = await scan([denied]);
    expect(result.acceptedGaps).toBeUndefined();
    expect(exitCodeFor(result, 'high')).toBe(EXIT.incomplete);
  });

  it('an expired rule stops applying, warns, and reports what it would cover', async () => {
    warnings.length = 0;
    const { result } = await scan([denied], accept({ id: 'old', call: denied.call, expires: '2026-05-31' }));
    expect(result.coverage[0]!.status).toBe('partial');
    expect(result.coverage[0]!.gaps[0]!.accepted).toBeUndefined();
    expect(exitCodeFor(result, 'high')).toBe(EXIT.incomplete);
    expect(result.acceptedGaps?.[0]).toMatchObject({ status: 'expired', gaps: [expect.any(String)] });
    expect(warnings).toEqual([
      expect.stringMatching(/^accepted gap old: expired 2026-05-31: no longer applies/),
    ]);
  });

  it('is in force to the end of its expiry day', async () => {
    const { result } = await scan([denied], accept({ call: denied.call, expires: '2026-06-01' }));
    expect(result.acceptedGaps?.[0]?.status).toBe('active');
  });

  it('warns on a blanket rule, a duplicate id and an expiry over a year out', async () => {
    warnings.length = 0;
    const { result } = await scan([denied], {
      acceptedGaps: [
        { id: 'all', target: 'fake:*', reason: 'we accept everything here', expires: '2027-12-31' },
        { id: 'all', call: 'nothing', reason: 'matches no gap at all', expires: '2026-12-31' },
      ],
    });
    expect(result.acceptedGaps?.map((o) => [o.status, o.warnings.length])).toEqual([
      ['active', 3],
      ['unmatched', 1],
    ]);
    expect(warnings.join('\n')).toMatch(/accepts every gap of fake:\*/);
    expect(warnings.join('\n')).toMatch(/the id all is used by 2/);
    expect(warnings.join('\n')).toMatch(/expires 2027-12-31, more than 365 days/);
  });

  it('is part of the config hash', async () => {
    const a = await scan([denied]);
    const b = await scan([denied], accept({ call: denied.call }));
    expect(a.result.run.configHash).not.toBe(b.result.run.configHash);
  });

  it('needs a reason and an ISO expiry; bad rules are usage errors naming the key', () => {
    const build = (rule: Record<string, unknown>) => () =>
      buildConfig({ acceptedGaps: [rule] }, { connectors: {}, policies: {} }, 'test.yaml', process.cwd());
    expect(build({ call: 'x', expires: '2027-01-01' })).toThrow(UsageError);
    expect(build({ call: 'x', expires: '2027-01-01' })).toThrow(/acceptedGaps\[0\]\.reason/);
    expect(build({ call: 'x', reason: 'a long enough reason' })).toThrow(/acceptedGaps\[0\]\.expires/);
    expect(build({ call: 'x', reason: 'a long enough reason', expires: '01/31/2027' })).toThrow(
      /acceptedGaps\[0\]\.expires: expected an ISO 8601 date/,
    );
    expect(build({ reason: 'a long enough reason', expires: '2027-01-01' })).toThrow(
      /must match on at least one of/,
    );
    expect(build({ call: 'x', reason: 'a long enough reason', expires: '2027-01-01', bogus: 1 })).toThrow(
      /acceptedGaps\[0\]: unknown key "bogus"/,
    );
  });

  it('never turns a failed target complete, and leaves recovered and not-closable gaps alone', () => {
    const coverage: Coverage[] = [
      {
        provider: 'fake',
        target: 'fake:down',
        status: 'failed',
        startedAt: AS_OF.toISOString(),
        finishedAt: AS_OF.toISOString(),
        counts: {},
        gaps: [{ ...denied, recovered: false }],
        notes: [],
      },
      {
        provider: 'fake',
        target: 'fake:up',
        status: 'complete',
        startedAt: AS_OF.toISOString(),
        finishedAt: AS_OF.toISOString(),
        counts: {},
        gaps: [
          { ...noApi, recovered: false },
          { ...denied, recovered: true },
        ],
        notes: [],
      },
    ];
    const rules = [
      AcceptedGapRule.parse({ provider: 'fake', reason: 'accept every fake gap', expires: '2027-01-01' }),
    ];
    const [outcome] = applyAcceptedGaps(coverage, rules, AS_OF);
    expect(coverage[0]!.status).toBe('failed');
    expect(coverage[0]!.gaps[0]!.accepted).toBeDefined();
    expect(coverage[1]!.gaps.every((g) => g.accepted === undefined)).toBe(true);
    expect(outcome?.gaps).toEqual(['fake:down GET /orgs/{org}/codespaces/secrets access_denied']);
  });
});
