// A worker thread of `--workers N` (src/target-workers.ts): runs connectors' collect loops for the
// targets the main thread hands it and streams back, in order, what each loop does to its context.
// Nothing here judges, writes or decides a target's status: the main thread does, as for a target
// it collects itself.
import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';
import { parentPort } from 'node:worker_threads';
import type { Clock } from './clock.js';
import { type OpenedSession, createCollectContext, openSession } from './collect-context.js';
import type { Registries } from './config.js';
import type { AnyConnector, CollectContext } from './connector.js';
import { ScanError, errorMessage, errorName } from './errors.js';
import { type Logger, writesAt } from './log.js';
import { loadPlugins } from './plugins.js';
import { builtins } from './registry.js';
import {
  type FromWorker,
  type ToWorker,
  type WorkerJob,
  type WorkerOp,
  fromAbortReason,
  toWorkerError,
} from './target-workers.js';

const port = parentPort;
if (!port) throw new Error('nhiscan: target-worker.js runs only as a worker thread');

const send = (m: FromWorker): void => {
  port.postMessage(m);
};

/** Lines not about one target (a session opening or closing) go to the scan's log. */
const workerLog: Logger = Object.fromEntries(
  (['debug', 'info', 'warn', 'error'] as const).map((level) => [
    level,
    (message: string) => {
      send({ type: 'log', level, message });
    },
  ]),
) as unknown as Logger;

// Aborted when the scan is interrupted or the pool closes: sessions pass it to their own calls.
const life = new AbortController();
setMaxListeners(0, life.signal);
const registries = new Map<string, Promise<Registries>>();
const sessions = new Map<number, { connector: AnyConnector; opened: Promise<OpenedSession> }>();
/** The targets in flight: stop one with an error (it fails; its collect loop is left behind). */
const running = new Map<
  number,
  { controller: AbortController; fail: (err: unknown) => void; target: WorkerJob['target'] }
>();
/** Which target the code running now belongs to, through timers and promises. */
const current = new AsyncLocalStorage<number>();
/** After an uncaught exception: no new target; the thread exits once the others are done. */
let retired = false;

const clockOf = (job: WorkerJob): Clock => ({ asOf: new Date(job.asOf), now: () => new Date() });

const connectorOf = async (job: WorkerJob): Promise<AnyConnector> => {
  const key = JSON.stringify([job.baseDir, job.plugins]);
  let loaded = registries.get(key);
  if (!loaded) {
    loaded =
      job.plugins.length > 0 ? loadPlugins(job.plugins, job.baseDir, builtins) : Promise.resolve(builtins);
    registries.set(key, loaded);
  }
  const connector = (await loaded).connectors[job.connectorId];
  if (!connector) throw new Error(`no connector "${job.connectorId}" in a worker thread`);
  return connector;
};

const sessionOf = (job: WorkerJob, connector: AnyConnector): Promise<OpenedSession> => {
  let entry = sessions.get(job.block);
  if (!entry) {
    entry = {
      connector,
      opened: openSession(connector, job.providerConfig, {
        clock: clockOf(job),
        log: workerLog,
        signal: life.signal,
        baseDir: job.baseDir,
        requestTimeoutMs: job.requestTimeoutMs,
      }),
    };
    sessions.set(job.block, entry);
  }
  return entry.opened;
};

const collect = async (job: WorkerJob): Promise<void> => {
  const controller = new AbortController();
  // Every in-flight SDK request adds a listener (as on the main thread's target signal).
  setMaxListeners(0, controller.signal);
  let finished = false;
  // Batched: one message per turn of the event loop (or per 256 operations), order kept.
  let outbox: WorkerOp[] = [];
  let scheduled = false;
  let broken: Error | undefined;
  const flush = (): void => {
    scheduled = false;
    if (outbox.length === 0 || broken !== undefined || finished) return;
    const ops = outbox;
    outbox = [];
    try {
      send({ type: 'ops', id: job.id, ops });
    } catch (err) {
      // Not plain data (a DataCloneError): the target fails with it rather than the thread.
      broken = err instanceof Error ? err : new Error(String(err));
      controller.abort(broken);
    }
  };
  const finish = (error?: unknown): void => {
    if (finished) return;
    flush();
    finished = true;
    running.delete(job.id);
    send(
      error === undefined && broken === undefined
        ? { type: 'done', id: job.id }
        : { type: 'failed', id: job.id, error: toWorkerError(broken ?? error) },
    );
    if (retired && running.size === 0) void close();
  };
  running.set(job.id, { controller, fail: finish, target: job.target });
  const push = (op: WorkerOp): void => {
    if (finished) return;
    outbox.push(op);
    if (outbox.length >= 256) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  // Only the lines the scan's log writes cross to it: with the call trace, a scan below
  // --verbose would otherwise send two debug lines per API call for the main thread to drop.
  const [debug, info, warn, error] = (['debug', 'info', 'warn', 'error'] as const).map((level) =>
    writesAt(job.logLevel, level)
      ? (m: string): void => {
          push(['log', level, m]);
        }
      : (): void => undefined,
  ) as [(m: string) => void, (m: string) => void, (m: string) => void, (m: string) => void];
  const log: Logger = {
    ...(job.logLevel !== undefined ? { level: job.logLevel } : {}),
    debug,
    info,
    warn,
    error,
    ...(job.events
      ? {
          event: (e) => {
            push(['event', e]);
          },
        }
      : {}),
  };
  try {
    const connector = await connectorOf(job);
    const opened = await sessionOf(job, connector);
    if (!opened.ok) throw opened.err;
    const { ctx } = createCollectContext({
      session: opened.session,
      clock: clockOf(job),
      concurrency: job.concurrency,
      log,
      signal: controller.signal,
      requestTimeoutMs: job.requestTimeoutMs,
      baseDir: job.baseDir,
    });
    // The record lives in the main thread: these reach it as operations, in order.
    const remote: CollectContext = {
      ...ctx,
      gap: (g) => {
        push(['gap', g]);
      },
      note: (n) => {
        push(['note', n]);
      },
      setScope: (s) => {
        push(['scope', s]);
      },
      setPrincipal: (p) => {
        push(['principal', p]);
      },
    };
    for await (const raw of connector.collect(job.target, job.providerConfig, remote)) {
      if (finished) return;
      push(['identity', raw]);
      if (broken !== undefined) break;
    }
    finish();
  } catch (err) {
    finish(err);
  }
};

let closing: Promise<void> | undefined;
const close = (): Promise<void> => (closing ??= closeNow());
const closeNow = async (): Promise<void> => {
  for (const { opened } of sessions.values()) {
    const o = await opened;
    if (o.ok && o.session)
      await o.session.close().catch((err: unknown) => {
        workerLog.error(`closing a connector session failed: ${errorMessage(err)}`);
      });
  }
  life.abort(new Error('the worker pool closed'));
  // Keep-alive sockets of the SDK clients would hold the thread open.
  process.exit(0);
};

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'collect':
      void current.run(m.job.id, () => collect(m.job));
      return;
    case 'abort': {
      const reason = fromAbortReason(m.reason);
      running.get(m.id)?.controller.abort(reason);
      if (m.reason.kind === 'interrupted') life.abort(reason);
      return;
    }
    case 'close':
      void close();
      return;
  }
});

// process.exit in a connector ends the whole thread. Its exit handlers still run in the caller's
// async context and their messages still arrive, so the main thread learns whose code it was
// (that target fails as the cause; the thread's other targets fail naming it).
process.on('exit', (code) => {
  if (closing !== undefined) return;
  send({ type: 'exiting', code, id: current.getStore() });
});

// A connector's error outside its collect loop (a timer, a stray callback) would end the thread
// and every target in it. When the code that threw belongs to one target, that target fails with
// it and the others finish; the thread then takes no new target (its state is suspect) and exits.
process.on('uncaughtException', (err) => {
  const id = current.getStore();
  const culprit = id === undefined ? undefined : running.get(id);
  const what = `${errorName(err)}: ${errorMessage(err)}`;
  if (!culprit) {
    send({ type: 'fatal', message: what });
    process.exit(1);
  }
  if (!retired) {
    retired = true;
    send({ type: 'retired' });
  }
  culprit.controller.abort(err);
  culprit.fail(
    new ScanError({
      code: 'unknown',
      call: `${culprit.target.provider}:worker`,
      resource: culprit.target.id,
      message: `uncaught in the worker thread collecting this target (the thread is retired): ${what}`,
    }),
  );
});
