// A tiny leveled logger to stderr. Never pass secrets to it: it writes what it is given.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export const createLogger = (
  level: LogLevel = 'info',
  write: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): Logger => {
  const at = ORDER.indexOf(level);
  const emit = (lvl: LogLevel, msg: string): void => {
    if (ORDER.indexOf(lvl) >= at && lvl !== 'silent') write(lvl === 'info' ? msg : `${lvl}: ${msg}`);
  };
  return {
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

export const silentLogger: Logger = createLogger('silent');
