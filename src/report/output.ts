// The output folder: checked before the scan starts, locked while a scan writes into it, and laid
// out so a nightly run never overwrites yesterday's:
//
//   OUT/runs/<UTC start>-<run id>/   every file of one run (never modified afterwards)
//   OUT/latest                       symlink to the newest run folder (latest.json where symlinks fail)
//   OUT/nhiscan-result.json (+ .sha256, + every other format's file)  the newest run's files, as before
import { constants } from 'node:fs';
import {
  access,
  mkdir,
  open,
  readdir,
  readFile,
  readlink,
  rename,
  stat,
  symlink,
  unlink,
} from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { UsageError, errorMessage } from '../errors.js';
import { commitAll, fsyncDir, openAtomicFile, placeCopyAtomic, writeFileAtomic } from '../fs-atomic.js';
import type { Scan } from '../model.js';
import type { ReportContext, Reporter } from './types.js';

export const LOCK_FILE = '.nhiscan.lock';
/** Linux PATH_MAX and NAME_MAX; the longest name nhiscan writes inside OUT is well under both. */
const PATH_MAX = 4096;
const NAME_MAX = 255;
const LONGEST_INSIDE =
  'runs/20261231T235959Z-0123abcd/.nhiscan-findings-inventory.csv.sha256.123456.0123abcd.tmp';

const errnoReason = (err: unknown): string => {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the filesystem is read-only';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return errorMessage(err);
  }
};

/**
 * Checks that `dir` can hold the output, before any API call is made: not a file, not read-only,
 * not an over-long path. Creates it (and its parents) when missing. A usage error (exit 2) names why.
 */
export const preflightOutputDir = async (dir: string, flag = '--out'): Promise<string> => {
  const abs = resolve(dir);
  const tooLong = abs.split('/').find((part) => Buffer.byteLength(part) > NAME_MAX);
  if (tooLong !== undefined) {
    throw new UsageError(`${flag} ${dir}: a folder name is longer than ${NAME_MAX} bytes`);
  }
  if (Buffer.byteLength(join(abs, LONGEST_INSIDE)) >= PATH_MAX) {
    throw new UsageError(
      `${flag} ${dir}: the path is too long (the files inside it would pass ${PATH_MAX} bytes)`,
    );
  }
  const info = await stat(abs).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`${flag} ${dir}: cannot use it as the output folder: ${errnoReason(err)}`);
  });
  if (info && !info.isDirectory()) {
    throw new UsageError(`${flag} ${dir}: a file is in the way; the output needs a folder there`);
  }
  try {
    await mkdirParents(abs);
    await access(abs, constants.W_OK | constants.X_OK);
    // access() says yes to root on a read-only mount: create and remove a file to be sure.
    const probe = join(abs, `.nhiscan-probe.${process.pid}`);
    await (await open(probe, 'w')).close();
    await unlink(probe);
  } catch (err) {
    throw new UsageError(`${flag} ${dir}: cannot write the output there: ${errnoReason(err)}`);
  }
  return abs;
};

/**
 * mkdir -p one level at a time: Node 20's recursive mkdir never returns under /proc (it retries
 * ENOENT forever), and a read-only place must fail, not hang.
 */
export const mkdirParents = async (abs: string): Promise<void> => {
  const missing: string[] = [];
  let at = abs;
  while (!(await stat(at).catch(() => undefined))) {
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const dir of missing) {
    await mkdir(dir).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    });
  }
};

interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export interface OutputLock {
  readonly dir: string;
  release(): Promise<void>;
}

/**
 * Takes the output folder's lock: a file created exclusively (`wx`) holding pid, host and start
 * time. A lock whose process is gone (same host) is stale and taken over. When another live scan
 * holds it, waits up to `waitSeconds` (0: fail at once) and then fails with exit 2 naming the holder.
 */
export const lockOutputDir = async (
  dir: string,
  waitSeconds = 0,
  /** SIGINT / SIGTERM: stop waiting at once (its reason is thrown), nothing written. */
  signal?: AbortSignal,
): Promise<OutputLock> => {
  const path = join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const deadline = Date.now() + waitSeconds * 1000;
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o644);
      try {
        await fh.writeFile(JSON.stringify(me) + '\n');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await removeLeftovers(dir);
      let released = false;
      return {
        dir,
        async release() {
          if (released) return;
          released = true;
          await unlink(path).catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new UsageError(`cannot lock the output folder ${dir}: ${errnoReason(err)}`);
      }
    }
    let holder: LockHolder | undefined;
    try {
      holder = JSON.parse(await readFile(path, 'utf8')) as LockHolder;
    } catch {
      // Being written this instant, or unreadable: treat as held and retry below.
    }
    if (holder && holder.host === me.host && typeof holder.pid === 'number' && !alive(holder.pid)) {
      // Stale: its process died (kill -9, power cut). Move it aside atomically so two scans racing
      // for the takeover cannot both win: only one rename of this exact file succeeds.
      const aside = `${path}.stale.${process.pid}`;
      try {
        await rename(path, aside);
        await unlink(aside);
      } catch {
        // Someone else took it over first; loop and compete for the new lock normally.
      }
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder
        ? `process ${holder.pid} on ${holder.host}, since ${holder.startedAt}`
        : 'another process';
      throw new UsageError(
        `the output folder ${dir} is in use by another nhiscan scan (${who}); ` +
          (waitSeconds > 0
            ? `still locked after waiting ${waitSeconds}s`
            : 'wait for it to finish, pass --wait-lock SECONDS, or choose another --out') +
          ` (lock file ${path})`,
      );
    }
    if (signal?.aborted) throw signal.reason;
    await new Promise<void>((r) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        r();
      };
      const timer = setTimeout(done, Math.min(250, 20 * (attempt + 1)));
      signal?.addEventListener('abort', done, { once: true });
    });
    if (signal?.aborted) throw signal.reason;
  }
};

/** Temporary files of a writer that died (kill -9): safe to remove once we hold the lock. */
const LEFTOVER = /^\..+\.\d+\.[0-9a-f]{8}\.tmp$|^\.latest\.\d+\.tmp$/;
const removeLeftovers = async (dir: string): Promise<void> => {
  for (const name of await readdir(dir)) {
    if (LEFTOVER.test(name)) await unlink(join(dir, name)).catch(() => undefined);
  }
};

export const runFolderName = (scan: Scan): string =>
  `${scan.run.startedAt.replace(/[-:]/g, '').replace(/\.\d+/, '')}-${scan.run.id.replace(/-/g, '').slice(0, 8)}`;

export interface WrittenRun {
  /** The run's own folder (OUT/runs/…). */
  runDir: string;
  /** The newest-run copies at the top of OUT, in format order: what `Wrote …` lists. */
  files: string[];
}

/**
 * Writes every reporter's file into a fresh run folder (each atomically, the result's `.sha256`
 * computed while the result streams), then points `latest` at it and places the same files at the
 * top of OUT. Each result/digest pair is renamed together after both temporary files are complete.
 */
export const writeRun = async (
  scan: Scan,
  dir: string,
  reporters: readonly Reporter[],
  context: ReportContext = {},
): Promise<WrittenRun> => {
  const runDir = join(dir, 'runs', runFolderName(scan));
  await mkdir(runDir, { recursive: true });
  const names: string[] = [];
  for (const reporter of reporters) {
    const file = await openAtomicFile(join(runDir, reporter.fileName));
    try {
      await reporter.write(scan, file.stream, context);
      const { sha256 } = await file.finish();
      const digest = await openAtomicFile(join(runDir, `${reporter.fileName}.sha256`));
      digest.stream.write(`${sha256}  ${reporter.fileName}\n`);
      await digest.finish();
      await commitAll([file, digest]);
    } catch (err) {
      await file.abort();
      throw err;
    }
    names.push(reporter.fileName, `${reporter.fileName}.sha256`);
  }
  await fsyncDir(join(dir, 'runs'));
  await pointLatest(dir, runDir);
  // The top-level copies: the result first, its digest right after (a reader never sees a new
  // digest beside an old result for more than the instant between two renames).
  for (const name of names) await placeCopyAtomic(join(runDir, name), join(dir, name));
  await fsyncDir(dir);
  return { runDir, files: reporters.map((r) => join(dir, r.fileName)) };
};

/** `OUT/latest` → the run folder, swapped atomically; `latest.json` where symlinks are refused. */
const pointLatest = async (dir: string, runDir: string): Promise<void> => {
  const target = relative(dir, runDir);
  const tmp = join(dir, `.latest.${process.pid}.tmp`);
  try {
    await unlink(tmp).catch(() => undefined);
    await symlink(target, tmp, 'dir');
    await rename(tmp, join(dir, 'latest'));
    if ((await readlink(join(dir, 'latest'))) !== target) throw new Error('latest did not take');
  } catch {
    await unlink(tmp).catch(() => undefined);
  }
  await writeFileAtomic(join(dir, 'latest.json'), JSON.stringify({ run: target }, null, 2) + '\n');
};
