// A tiny leveled logger to stderr. Never pass secrets to it: it writes what it is given.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export interface Logger {
  /**
   * The lowest level it writes, when it says (createLogger does): lines below it are dropped, so a
   * caller may skip building them, and a worker thread skips sending them (src/target-worker.ts).
   * Absent: any level may be written.
   */
  readonly level?: LogLevel;
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  /**
   * What a connector reports as it goes, for the progress display (src/progress.ts): the scan
   * gives each target a logger that routes these to it. No message, so nothing secret to leak.
   */
  event?(event: ScanEvent): void;
}

/**
 * A call started or completed (the call trace, src/permissions.ts), or a rate-limit wait (a
 * throttled answer the SDK retries; `seconds` when the provider said how long to wait).
 */
export type ScanEvent =
  { kind: 'call'; phase: 'start' | 'done' } | { kind: 'rate-limit-wait'; seconds?: number | undefined };

/** `log` whose events go to `onEvent` (and still to `log`'s own, when it has one). */
export const withEvents = (log: Logger, onEvent: (event: ScanEvent) => void): Logger => ({
  ...(log.level !== undefined ? { level: log.level } : {}),
  debug: (m) => {
    log.debug(m);
  },
  info: (m) => {
    log.info(m);
  },
  warn: (m) => {
    log.warn(m);
  },
  error: (m) => {
    log.error(m);
  },
  event: (e) => {
    log.event?.(e);
    onEvent(e);
  },
});

export const createLogger = (
  level: LogLevel = 'info',
  write: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): Logger => {
  const at = ORDER.indexOf(level);
  const emit = (lvl: LogLevel, msg: string): void => {
    if (ORDER.indexOf(lvl) >= at && lvl !== 'silent') write(lvl === 'info' ? msg : `${lvl}: ${msg}`);
  };
  return {
    level,
    debug: (m) => {
      emit('debug', m);
    },
    info: (m) => {
      emit('info', m);
    },
    warn: (m) => {
      emit('warn', m);
    },
    error: (m) => {
      emit('error', m);
    },
  };
};

/** Whether a logger of level `threshold` writes lines of `level` (true when it has none). */
export const writesAt = (threshold: LogLevel | undefined, level: Exclude<LogLevel, 'silent'>): boolean =>
  threshold === undefined || ORDER.indexOf(level) >= ORDER.indexOf(threshold);

export const silentLogger: Logger = createLogger('silent');
