// --target / --provider: which targets a scan runs, in the config's order.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '../../src/clock.js';
import { buildConfig } from '../../src/config.js';
import type { AnyConnector, Target } from '../../src/connector.js';
import { UsageError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { runScan } from '../../src/scan.js';
import { type TargetSelection, targetSelector } from '../../src/target-select.js';

/** A connector whose "org:*" targets list two children each and whose other targets yield one identity. */
const connector = (id: string, targets: string[]): AnyConnector => ({
  id,
  title: id,
  config: z.strictObject({ enabled: z.boolean().default(true) }),
  targets: (): Target<string>[] =>
    targets.map((t) => ({ id: `${id}:${t}`, provider: id, label: t, data: t })),
  expand: (target: Target<string>) =>
    Promise.resolve(
      target.data.startsWith('org')
        ? ['b', 'a'].map((c) => ({
            id: `${target.id}/${c}`,
            provider: id,
            label: c,
            data: `${target.data}-${c}`,
          }))
        : undefined,
    ),
  collect: async function* (target: Target<string>, _config, ctx) {
    await Promise.resolve();
    ctx.setScope(target.data);
    yield {
      uid: `${id}:${target.data}/bot`,
      provider: id,
      kind: `${id}.bot`,
      name: 'bot',
      location: { provider: id, scope: target.data },
    };
  },
});

const scanned = async (select: TargetSelection): Promise<string[]> => {
  const config = buildConfig(
    { providers: { aws: {}, gcp: {} } },
    {
      connectors: { aws: connector('aws', ['one', 'org', 'two']), gcp: connector('gcp', ['p1', 'p2']) },
      policies: {},
    },
    'test',
    '/tmp',
  );
  const result = await runScan({
    config,
    clock: systemClock(new Date('2026-07-01T00:00:00Z')),
    log: silentLogger,
    select,
  });
  return result.coverage.map((c) => c.target);
};

describe('target selection', () => {
  it('runs every target without a selection, in the config order (children in the order listed)', async () => {
    expect(await scanned({ targets: [], providers: [] })).toEqual([
      'aws:one',
      'aws:org',
      'aws:org/b',
      'aws:org/a',
      'aws:two',
      'gcp:p1',
      'gcp:p2',
    ]);
  });

  it('selects by provider, with ! excluding', async () => {
    expect(await scanned({ targets: [], providers: ['gcp'] })).toEqual(['gcp:p1', 'gcp:p2']);
    expect(await scanned({ targets: [], providers: ['!aws'] })).toEqual(['gcp:p1', 'gcp:p2']);
  });

  it('selects targets by glob; a listed child is reached through its parent, which still records the listing', async () => {
    expect(await scanned({ targets: ['aws:org/a', 'gcp:*'], providers: [] })).toEqual([
      'aws:org',
      'aws:org/a',
      'gcp:p1',
      'gcp:p2',
    ]);
    expect(await scanned({ targets: ['aws:org', '!aws:org/b'], providers: [] })).toEqual([
      'aws:org',
      'aws:org/a',
    ]);
    expect(await scanned({ targets: ['!aws:*', 'gcp:p2'], providers: [] })).toEqual(['gcp:p2']);
    // comma-separated
    expect(await scanned({ targets: ['gcp:p1,aws:two'], providers: [] })).toEqual(['aws:two', 'gcp:p1']);
  });

  it('refuses a selection that matches nothing, naming the targets there are', async () => {
    await expect(scanned({ targets: ['azure:*'], providers: [] })).rejects.toThrow(UsageError);
    await expect(scanned({ targets: [], providers: ['entra'] })).rejects.toThrow(
      /aws:one, aws:org, aws:two, gcp:p1, gcp:p2/,
    );
    expect(() => targetSelector({ targets: ['!'], providers: [] })).toThrow(/--target: empty pattern/);
  });
});
