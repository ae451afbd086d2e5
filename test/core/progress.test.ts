// The progress display (src/progress.ts): plain periodic lines off a terminal, a redrawn block on
// one, nothing with --quiet; fed by the scan (identities, the call trace, rate-limit waits) and
// never writing to stdout. A fake clock moves time; no test sleeps.
import { PassThrough } from 'node:stream';
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { traceCalls } from '../../connectors/aws/trace.js';
import { tokenClient } from '../../connectors/github/client.js';
import { newRequestStats } from '../../connectors/github/etag-cache.js';
import { runDemo } from '../../src/demo/index.js';
import { type ScanEvent, createLogger, silentLogger, withEvents } from '../../src/log.js';
import {
  type Progress,
  type ProgressOptions,
  createProgress,
  duration,
  effectiveMode,
  parseProgressInterval,
  parseProgressMode,
} from '../../src/progress.js';
import { IAM, fixture, useTestEnvironment } from '../connectors/aws/harness.js';
import { API, ORG, fixture as ghFixture } from '../connectors/github/harness.js';

const ESC = '\x1b';

/** A clock the test moves, and a stream that records what was written. */
const setup = (
  over: Partial<ProgressOptions> & { isTTY?: boolean; hasColors?: boolean } = {},
): { progress: Progress; written: string[]; advance: (ms: number) => void; stopped: () => boolean } => {
  let now = Date.parse('2026-12-04T14:00:00Z');
  const written: string[] = [];
  let stopped = false;
  const progress = createProgress({
    mode: 'auto',
    stream: {
      write: (t: string) => written.push(t),
      isTTY: over.isTTY ?? false,
      columns: 200,
      hasColors: () => over.hasColors ?? false,
    },
    clock: { now: () => new Date(now) },
    // The timer is the test: it calls tick() after moving the clock.
    schedule: () => () => {
      stopped = true;
    },
    env: {},
    ...over,
  });
  return {
    progress,
    written,
    advance: (ms) => {
      now += ms;
    },
    stopped: () => stopped,
  };
};

const feed = (p: Progress): void => {
  p.started('aws', 'aws:profile/prod');
  p.started('github', 'github:org/octo');
  for (let i = 0; i < 3; i++) p.identity('aws', 'aws:profile/prod');
  p.event('aws', 'aws:profile/prod', { kind: 'call', phase: 'start' });
  p.event('aws', 'aws:profile/prod', { kind: 'call', phase: 'done' });
  p.event('aws', 'aws:profile/prod', { kind: 'rate-limit-wait' });
  p.event('github', 'github:org/octo', { kind: 'call', phase: 'start' });
  for (let i = 0; i < 4; i++) p.event('github', 'github:org/octo', { kind: 'call', phase: 'done' });
  p.event('github', 'github:org/octo', { kind: 'rate-limit-wait', seconds: 60 });
};

describe('plain mode (not a terminal)', () => {
  it('writes a total line and one per running target every interval, without escape codes', () => {
    const { progress, written, advance } = setup({ intervalSeconds: 30 });
    feed(progress);
    advance(29_000);
    progress.tick();
    expect(written).toEqual([]);
    advance(1_000);
    progress.tick();
    expect(written.join('')).toBe(
      'progress 0:30 0 targets done, 2 running: 3 identities, 5 calls, 2 rate-limit waits (60 s); ETA unknown\n' +
        'progress   aws:profile/prod: 3 identities, 1 call, 1 rate-limit wait, 0:30\n' +
        'progress   github:org/octo: 0 identities, 4 calls, 1 rate-limit wait (60 s), 0:30\n',
    );
    // Not again before the next interval.
    advance(10_000);
    progress.tick();
    expect(written).toHaveLength(1);
    for (const w of written) expect(w).not.toContain(ESC);
  });

  it('gives an ETA only once the targets are known and one has finished', () => {
    const { progress, written, advance } = setup({ intervalSeconds: 10 });
    feed(progress);
    advance(10_000);
    progress.tick();
    expect(written.at(-1)).toContain('ETA unknown');
    progress.planned([
      { provider: 'aws', target: 'aws:profile/prod' },
      { provider: 'github', target: 'github:org/octo' },
      { provider: 'aws', target: 'aws:profile/dev' },
      { provider: 'aws', target: 'aws:profile/test' },
    ]);
    advance(10_000);
    progress.tick();
    expect(written.at(-1)).toMatch(/0\/4 targets done, 2 running: .*; ETA unknown\n/);
    progress.finished('aws', 'aws:profile/prod');
    advance(10_000);
    progress.tick();
    // 30 s for one target, three left: about 1:30.
    expect(written.at(-1)).toMatch(/^progress 0:30 1\/4 targets done, 1 running: .*; ETA ~1:30\n/);
    expect(written.at(-1)).not.toContain('aws:profile/prod:');
  });

  it('--progress tty on a pipe falls back to plain lines: never escape codes in a log', () => {
    const { progress, written, advance } = setup({ mode: 'tty', isTTY: false, intervalSeconds: 1 });
    feed(progress);
    progress.log('scanning prod …');
    advance(1_000);
    progress.tick();
    progress.finish();
    expect(written.join('')).toMatch(/^scanning prod …\nprogress 0:01 /);
    expect(written.join('')).not.toContain(ESC);
  });
});

describe('terminal mode', () => {
  it('redraws the block in place, at most every 100 ms, and clears it when finished', () => {
    const { progress, written, advance, stopped } = setup({ isTTY: true });
    feed(progress);
    advance(100);
    progress.tick();
    expect(written).toHaveLength(1);
    expect(written[0]).not.toContain(ESC); // nothing on screen yet to erase
    expect(written[0]?.split('\n')).toHaveLength(4); // total + two targets
    progress.identity('aws', 'aws:profile/prod');
    advance(50);
    progress.tick();
    expect(written).toHaveLength(1); // rate-limited
    advance(50);
    progress.tick();
    expect(written[1]?.startsWith(`${ESC}[3A${ESC}[J0:00 0 targets done, 2 running: 4 identities`)).toBe(
      true,
    );
    // Nothing changed: no redraw.
    advance(1_000);
    progress.tick();
    expect(written).toHaveLength(2);
    // A log line clears the block, is written, and the block comes back under it.
    progress.log('warn: something');
    expect(written.slice(2)).toEqual([
      `${ESC}[3A${ESC}[J`,
      'warn: something\n',
      expect.stringMatching(/^0:01 /),
    ]);
    progress.finish();
    expect(written.at(-1)).toBe(`${ESC}[3A${ESC}[J`);
    expect(stopped()).toBe(true);
    advance(1_000);
    progress.tick();
    progress.finish();
    expect(written.at(-1)).toBe(`${ESC}[3A${ESC}[J`); // nothing after finish
  });

  it('dims the target lines only when the stream has colours and NO_COLOR is unset', () => {
    const dim = `${ESC}[2m`;
    for (const [env, colours, expected] of [
      [{}, true, true],
      [{ NO_COLOR: '1' }, true, false],
      [{}, false, false],
    ] as const) {
      const { progress, written, advance } = setup({ isTTY: true, hasColors: colours, env });
      feed(progress);
      advance(100);
      progress.tick();
      expect(written.join('').includes(dim), JSON.stringify(env)).toBe(expected);
    }
  });
});

describe('--quiet and off', () => {
  it.each([
    ['--quiet', { quiet: true }],
    ['--progress off', { mode: 'off' as const }],
  ])('%s writes nothing', (_, over) => {
    for (const isTTY of [true, false]) {
      const { progress, written, advance } = setup({ ...over, isTTY, intervalSeconds: 1 });
      feed(progress);
      for (let i = 0; i < 5; i++) {
        advance(60_000);
        progress.tick();
      }
      progress.finish();
      expect(written).toEqual([]);
    }
  });

  it('effectiveMode', () => {
    expect(effectiveMode('auto', false, { isTTY: true })).toBe('tty');
    expect(effectiveMode('auto', false, {})).toBe('plain');
    expect(effectiveMode('plain', false, { isTTY: true })).toBe('plain');
    expect(effectiveMode('tty', true, { isTTY: true })).toBe('off');
  });
});

describe('flags', () => {
  it('parses the mode and interval, naming the flag when wrong', () => {
    expect(parseProgressMode('plain')).toBe('plain');
    expect(() => parseProgressMode('fancy')).toThrow(/--progress: expected one of auto, tty, plain, off/);
    expect(parseProgressInterval('5')).toBe(5);
    expect(() => parseProgressInterval('0')).toThrow(/--progress-interval/);
    expect(() => parseProgressInterval('1.5')).toThrow(/--progress-interval/);
  });

  it('duration', () => {
    expect(duration(7_000)).toBe('0:07');
    expect(duration(750_000)).toBe('12:30');
    expect(duration(3_723_000)).toBe('1:02:03');
  });
});

describe('rate-limit waits from the clients', () => {
  afterEach(() => {
    nock.cleanAll();
  });

  it('AWS: each throttled answer the SDK retries is reported', async () => {
    useTestEnvironment();
    const events: ScanEvent[] = [];
    const log = withEvents(silentLogger, (e) => events.push(e));
    nock(IAM).post('/').reply(400, fixture('error-throttling.xml'), { 'content-type': 'text/xml' });
    nock(IAM)
      .post('/')
      .reply(
        200,
        '<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult><IsTruncated>false</IsTruncated><Users/></ListUsersResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></ListUsersResponse>',
        { 'content-type': 'text/xml' },
      );
    const iam = traceCalls(new IAMClient({ region: 'us-east-1', maxAttempts: 2 }), 'iam', log);
    await iam.send(new ListUsersCommand({}));
    expect(events).toEqual([
      { kind: 'call', phase: 'start' },
      { kind: 'rate-limit-wait', seconds: undefined },
      { kind: 'call', phase: 'done' },
    ]);
  });

  it('GitHub: a secondary rate limit waited out is reported with its retry-after', async () => {
    const events: ScanEvent[] = [];
    const log = withEvents(createLogger('silent'), (e) => events.push(e));
    nock(API)
      .get(`/orgs/${ORG}/hooks`)
      .reply(403, ghFixture('error-403-secondary-rate-limit.json'), { 'retry-after': '1' });
    nock(API).get(`/orgs/${ORG}/hooks`).reply(200, ghFixture('org-hooks.json'));
    const octokit = tokenClient(
      {
        baseUrl: API,
        stats: newRequestStats(),
        cache: undefined,
        log,
        requestTimeoutMs: 10_000,
        rateLimitRetries: 2,
        rateLimitMaxWaitSeconds: 60,
      },
      'ghp_test',
    );
    await octokit.request('GET /orgs/{org}/hooks', { org: ORG });
    expect(events.filter((e) => e.kind === 'rate-limit-wait')).toEqual([
      { kind: 'rate-limit-wait', seconds: 1 },
    ]);
    expect(events.filter((e) => e.kind === 'call' && e.phase === 'done')).toHaveLength(1);
  });
});

describe('the demo scan feeds the display; stdout stays the JSON result', () => {
  it('counts every identity, calls per target, and writes only to its stream', async () => {
    {
      let now = 0;
      const written: string[] = [];
      // Each reading of the clock is a second later, and the display ticks on every identity: plain
      // lines come out during the scan without any real waiting.
      const progress = createProgress({
        mode: 'plain',
        stream: { write: (t: string) => written.push(t), isTTY: false },
        clock: { now: () => new Date((now += 1000)) },
        intervalSeconds: 30,
        schedule: () => () => undefined,
      });
      const ticking: Progress = {
        ...progress,
        identity: (p, t) => {
          progress.identity(p, t);
          progress.tick();
        },
      };
      const stdout = new PassThrough();
      const chunks: Buffer[] = [];
      stdout.on('data', (c: Buffer) => chunks.push(c));
      const err: string[] = [];
      const { result } = await runDemo({
        out: '-',
        log: silentLogger,
        print: () => undefined,
        color: false,
        failOn: 'none',
        output: { stdout, printErr: (t) => err.push(t), progress: ticking },
      });
      const json = Buffer.concat(chunks).toString('utf8');
      expect(() => JSON.parse(json) as unknown).not.toThrow();
      expect(json).not.toContain('progress ');
      expect(written.length).toBeGreaterThan(0);
      expect(
        written.every((w) =>
          w
            .split('\n')
            .slice(0, -1)
            .every((l) => l.startsWith('progress ')),
        ),
      ).toBe(true);
      const lines = progress.lines();
      // Every target finished; identities before de-duplication cover the result's.
      expect(lines[0]).toMatch(
        new RegExp(`^\\S+ ${result.coverage.length}/${result.coverage.length} targets done, 0 running`),
      );
      const identities = Number(/: ([\d,]+) identities/.exec(lines[0] ?? '')?.[1]?.replaceAll(',', ''));
      expect(identities).toBeGreaterThanOrEqual(result.identities.length);
      expect(Number(/, ([\d,]+) calls/.exec(lines[0] ?? '')?.[1]?.replaceAll(',', ''))).toBeGreaterThan(10);
      expect(lines[0]).toContain('ETA 0:00');
    }
  }, 240_000);
});
