// The progress display (issue 14): on a terminal, a few lines redrawn in place (one per running
// target and a total); elsewhere (CI, pipes) a plain line every N seconds with no escape codes;
// nothing with --quiet. It only counts what the scan already sees: the identities each target
// yields, the calls the call trace reports (src/permissions.ts) and the rate-limit waits the
// clients report. It writes to stderr only, so `--out -` keeps stdout clean.
import { styleText } from 'node:util';
import type { Clock } from './clock.js';
import { UsageError } from './errors.js';
import type { ScanEvent } from './log.js';

export const PROGRESS_MODES = ['auto', 'tty', 'plain', 'off'] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

/** Plain mode's default: one line every 30 seconds (a CI log stays readable). */
export const PLAIN_INTERVAL_SECONDS = 30;
/** Terminal mode redraws at most this often. */
export const TTY_REDRAW_MS = 100;

export const parseProgressMode = (text: string): ProgressMode => {
  const mode = PROGRESS_MODES.find((m) => m === text);
  if (!mode)
    throw new UsageError(`--progress: expected one of ${PROGRESS_MODES.join(', ')}, found "${text}"`);
  return mode;
};

export const parseProgressInterval = (text: string): number => {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 3600)
    throw new UsageError(`--progress-interval: expected whole seconds from 1 to 3600, found "${text}"`);
  return n;
};

/** The stream the display writes to: stderr in the CLI. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  hasColors?: () => boolean;
}

/** What the scan tells the display (src/scan.ts). Keys are `provider target-id`. */
export interface ProgressSink {
  /** The targets this run collects, known once discovery has listed them. */
  planned(targets: readonly { provider: string; target: string }[]): void;
  started(provider: string, target: string): void;
  identity(provider: string, target: string): void;
  event(provider: string, target: string, event: ScanEvent): void;
  finished(provider: string, target: string): void;
}

export interface Progress extends ProgressSink {
  /** Writes a log line without tearing the redrawn block (the logger writes through this). */
  log(line: string): void;
  /** Draws or prints if it is time (the timer calls it; tests call it after moving the clock). */
  tick(): void;
  /** Stops the timer and clears the terminal block (before the summary). Idempotent. */
  finish(): void;
  /** The lines as they would be shown now (total first). */
  lines(): string[];
}

interface TargetState {
  provider: string;
  target: string;
  startedMs: number;
  identities: number;
  callsStarted: number;
  callsDone: number;
  waits: number;
  waitSeconds: number;
  done: boolean;
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`): string => `${fmt(n)} ${n === 1 ? one : many}`;

/** `0:07`, `12:30`, `1:02:03`. */
export const duration = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
};

// The call trace reports a call when it starts (every traced connector) and when it ends (those that time
// their calls); one paginated listing is one start and a completion per page. The larger count is
// the closer one for every connector.
const callsOf = (t: Pick<TargetState, 'callsStarted' | 'callsDone'>): number =>
  Math.max(t.callsStarted, t.callsDone);

const waitsText = (waits: number, seconds: number): string =>
  waits === 0 ? '' : `, ${plural(waits, 'rate-limit wait')}${seconds > 0 ? ` (${fmt(seconds)} s)` : ''}`;

/**
 * The lines the display shows at `nowMs`: the total first, then each running target. The ETA is
 * only given once the number of targets is known and one has finished (elapsed per finished target
 * times those left); never invented otherwise.
 */
export const progressLines = (
  targets: readonly TargetState[],
  planned: number | undefined,
  startMs: number,
  nowMs: number,
): string[] => {
  const done = targets.filter((t) => t.done).length;
  const running = targets.filter((t) => !t.done);
  const sum = (f: (t: TargetState) => number): number => targets.reduce((a, t) => a + f(t), 0);
  const elapsed = nowMs - startMs;
  const left = planned === undefined ? undefined : Math.max(0, planned - done);
  const eta =
    left === undefined || done === 0
      ? 'ETA unknown'
      : left === 0
        ? 'ETA 0:00'
        : `ETA ~${duration((elapsed / done) * left)}`;
  const total =
    `${duration(elapsed)} ${planned === undefined ? `${fmt(done)} targets done` : `${fmt(done)}/${fmt(planned)} targets done`}` +
    `, ${fmt(running.length)} running: ${plural(
      sum((t) => t.identities),
      'identity',
      'identities',
    )}, ` +
    `${plural(sum(callsOf), 'call')}${waitsText(
      sum((t) => t.waits),
      sum((t) => t.waitSeconds),
    )}; ${eta}`;
  return [
    total,
    ...running.map(
      (t) =>
        // A connector without a call trace reports no calls: none shown, not "0".
        `  ${t.target}: ${plural(t.identities, 'identity', 'identities')}${callsOf(t) > 0 ? `, ${plural(callsOf(t), 'call')}` : ''}${waitsText(t.waits, t.waitSeconds)}, ${duration(nowMs - t.startedMs)}`,
    ),
  ];
};

export interface ProgressOptions {
  mode: ProgressMode;
  /** --quiet: nothing at all. */
  quiet?: boolean;
  stream: ProgressStream;
  clock: Pick<Clock, 'now'>;
  /** Plain mode: seconds between lines (default 30). */
  intervalSeconds?: number;
  /** Starts the periodic tick; default an unref'd setInterval. Tests pass none and call tick(). */
  schedule?: ((tick: () => void, ms: number) => () => void) | undefined;
  env?: NodeJS.ProcessEnv;
}

const intervalTimer = (tick: () => void, ms: number): (() => void) => {
  const timer = setInterval(tick, ms);
  timer.unref(); // never keeps the process alive
  return () => {
    clearInterval(timer);
  };
};

/** What `auto` and `tty` become on this stream: a terminal block only on a terminal. */
export const effectiveMode = (
  mode: ProgressMode,
  quiet: boolean,
  stream: Pick<ProgressStream, 'isTTY'>,
): 'tty' | 'plain' | 'off' => {
  if (quiet || mode === 'off') return 'off';
  if (mode === 'plain') return 'plain';
  // `tty` on a pipe or file falls back to plain lines: escape codes never land in a log.
  return stream.isTTY === true ? 'tty' : 'plain';
};

/** Colour as the stream allows it (NO_COLOR, FORCE_COLOR through `hasColors`). */
const colorFor = (stream: ProgressStream, env: NodeJS.ProcessEnv): boolean => {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return stream.isTTY === true && typeof stream.hasColors === 'function' && stream.hasColors();
};

// Cursor up N lines, then erase to the end of the screen.
const ERASE = (lines: number): string => (lines > 0 ? `\x1b[${lines}A\x1b[J` : '');

export const createProgress = (opts: ProgressOptions): Progress => {
  const mode = effectiveMode(opts.mode, opts.quiet ?? false, opts.stream);
  const { stream } = opts;
  const nowMs = (): number => opts.clock.now().getTime();
  const startMs = nowMs();
  const states = new Map<string, TargetState>();
  let planned: number | undefined;
  let drawn = 0; // lines of the block on screen (tty)
  let dirty = false;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastLine = startMs;
  let finished = false;
  const color = mode === 'tty' && colorFor(stream, opts.env ?? process.env);
  const intervalMs = (opts.intervalSeconds ?? PLAIN_INTERVAL_SECONDS) * 1000;

  const state = (provider: string, target: string): TargetState => {
    const key = `${provider} ${target}`;
    let s = states.get(key);
    if (!s) {
      s = {
        provider,
        target,
        startedMs: nowMs(),
        identities: 0,
        callsStarted: 0,
        callsDone: 0,
        waits: 0,
        waitSeconds: 0,
        done: false,
      };
      states.set(key, s);
    }
    return s;
  };
  const lines = (): string[] => progressLines([...states.values()], planned, startMs, nowMs());

  const draw = (): void => {
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    // Cut to the terminal's width: a wrapped line would break the count of lines to erase.
    const shown = lines().map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
    const painted = shown.map((l, i) =>
      color && i > 0 ? styleText('dim', l, { validateStream: false }) : l,
    );
    stream.write(ERASE(drawn) + painted.map((l) => `${l}\n`).join(''));
    drawn = shown.length;
    dirty = false;
    lastDraw = nowMs();
  };
  const clear = (): void => {
    if (drawn > 0) stream.write(ERASE(drawn));
    drawn = 0;
  };
  const changed = (): void => {
    dirty = true;
  };

  const tick = (): void => {
    if (finished || mode === 'off') return;
    const now = nowMs();
    if (mode === 'tty') {
      if (dirty && now - lastDraw >= TTY_REDRAW_MS) draw();
      return;
    }
    if (now - lastLine >= intervalMs) {
      lastLine = now;
      stream.write(
        lines()
          .map((l) => `progress ${l}\n`)
          .join(''),
      );
    }
  };
  const stop =
    mode === 'off'
      ? () => undefined
      : (opts.schedule ?? intervalTimer)(tick, mode === 'tty' ? TTY_REDRAW_MS : 1000);

  return {
    planned: (targets) => {
      // Discovery entries already shown count too; a target listed twice counts once.
      const keys = new Set([...states.keys(), ...targets.map((t) => `${t.provider} ${t.target}`)]);
      planned = keys.size;
      changed();
    },
    started: (provider, target) => {
      // A discovery target the connector then scans itself runs again under the same key.
      state(provider, target).done = false;
      changed();
    },
    identity: (provider, target) => {
      state(provider, target).identities += 1;
      changed();
    },
    event: (provider, target, e) => {
      const s = state(provider, target);
      if (e.kind === 'call') {
        if (e.phase === 'start') s.callsStarted += 1;
        else s.callsDone += 1;
      } else {
        s.waits += 1;
        s.waitSeconds += e.seconds ?? 0;
      }
      changed();
    },
    finished: (provider, target) => {
      state(provider, target).done = true;
      changed();
    },
    log: (line) => {
      if (mode !== 'tty' || finished) {
        stream.write(`${line}\n`);
        return;
      }
      clear();
      stream.write(`${line}\n`);
      if (states.size > 0) draw();
    },
    tick,
    lines,
    finish: () => {
      if (finished) return;
      finished = true;
      stop();
      if (mode === 'tty') clear();
    },
  };
};
