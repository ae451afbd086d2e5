// The connector scan lifecycle: a session opened once per provider block before its targets,
// handed to every target through the collect context, closed after the last one — also when
// targets fail — and a session that cannot be opened fails each of its provider's targets.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '../../src/clock.js';
import { buildConfig } from '../../src/config.js';
import type { Connector, ConnectorSession, Target } from '../../src/connector.js';
import { ScanError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { runScan } from '../../src/scan.js';

interface Counting extends ConnectorSession {
  serial: number;
  seenBy: string[];
}

const lifecycle = (opts: { failTarget?: string; failOpen?: boolean } = {}) => {
  const events: string[] = [];
  let opened = 0;
  const connector: Connector<{ accounts: string[] }, { account: string }, Counting> = {
    id: 'fake',
    title: 'fake',
    config: z.strictObject({ accounts: z.array(z.string()) }),
    targets: (config): Target<{ account: string }>[] =>
      config.accounts.map((account) => ({
        id: `fake:${account}`,
        provider: 'fake',
        label: account,
        data: { account },
      })),
    session: async () => {
      await new Promise((r) => setTimeout(r, 5));
      if (opts.failOpen)
        throw new ScanError(
          { code: 'auth_failed', call: 'fake:login', message: 'token refused' },
          'provider',
        );
      const session: Counting = {
        serial: ++opened,
        seenBy: [],
        close: () => {
          events.push(`close ${session.serial} after ${session.seenBy.length} target(s)`);
          return Promise.resolve();
        },
      };
      events.push(`open ${session.serial}`);
      return session;
    },
    collect: async function* (target, _config, ctx) {
      await Promise.resolve();
      ctx.session.seenBy.push(target.data.account);
      events.push(`collect ${target.data.account} with session ${ctx.session.serial}`);
      if (target.data.account === opts.failTarget) throw new Error('boom');
      yield {
        uid: `fake:${target.data.account}/bot`,
        provider: 'fake',
        kind: 'fake.robot',
        name: 'bot',
        location: { provider: 'fake', scope: target.data.account },
      };
    },
  };
  const config = buildConfig(
    { providers: { fake: { accounts: ['a', 'b', 'c'] } } },
    { connectors: { fake: connector }, policies: {} },
    'test',
    '/',
  );
  const scan = () =>
    runScan({ config, clock: systemClock(new Date('2026-11-01T00:00:00Z')), log: silentLogger });
  return { events, scan };
};

describe('connector sessions', () => {
  it('opens one session before the first target, hands it to every target, closes it after the last', async () => {
    const { events, scan } = lifecycle();
    const result = await scan();
    expect(events[0]).toBe('open 1');
    expect(events.slice(1, 4).sort()).toEqual([
      'collect a with session 1',
      'collect b with session 1',
      'collect c with session 1',
    ]);
    expect(events.slice(4)).toEqual(['close 1 after 3 target(s)']);
    expect(result.coverage.map((c) => c.status)).toEqual(['complete', 'complete', 'complete']);
  });

  it('closes the session when a target fails', async () => {
    const { events, scan } = lifecycle({ failTarget: 'b' });
    const result = await scan();
    expect(events.at(-1)).toBe('close 1 after 3 target(s)');
    expect(result.coverage.map((c) => c.status)).toEqual(['complete', 'failed', 'complete']);
  });

  it('fails every target of the provider with the error a session could not be opened with', async () => {
    const { events, scan } = lifecycle({ failOpen: true });
    const result = await scan();
    expect(events).toEqual([]);
    expect(result.coverage.map((c) => [c.target, c.status, c.gaps[0]?.message])).toEqual([
      ['fake:a', 'failed', 'token refused'],
      ['fake:b', 'failed', 'token refused'],
      ['fake:c', 'failed', 'token refused'],
    ]);
  });

  it('opens a fresh session for each scan', async () => {
    const { events, scan } = lifecycle();
    await scan();
    await scan();
    expect(events.filter((e) => e.startsWith('open') || e.startsWith('close'))).toEqual([
      'open 1',
      'close 1 after 3 target(s)',
      'open 2',
      'close 2 after 3 target(s)',
    ]);
  });
});
