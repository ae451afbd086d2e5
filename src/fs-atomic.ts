// Every file nhiscan writes goes through here: a temporary file in the same folder, fsync, rename,
// fsync the folder. A crash or kill -9 at any moment leaves either the previous file or the new
// one, never a truncated mix (a 0-byte result beside a stale digest destroyed yesterday's evidence).
import { createHash, randomBytes } from 'node:crypto';
import { link, open, rename, unlink, copyFile, constants } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Writable } from 'node:stream';

const tmpName = (path: string): string =>
  join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);

/** fsync a folder so a rename inside it survives a power cut (a no-op where the OS refuses). */
export const fsyncDir = async (dir: string): Promise<void> => {
  let fh;
  try {
    fh = await open(dir, constants.O_RDONLY);
    await fh.sync();
  } catch (err) {
    // Some filesystems (and Windows) cannot fsync a directory; the rename itself is still atomic.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw err;
  } finally {
    await fh?.close();
  }
};

/** A file being written: stream into `stream`, then `finish()` (fsync, close), then `commit()`. */
export interface AtomicFile {
  readonly path: string;
  readonly tmp: string;
  /** Hashes every byte on its way to disk. */
  readonly stream: Writable;
  /** Flushes and fsyncs the temporary file; returns its SHA-256 and size. */
  finish(): Promise<{ sha256: string; bytes: number }>;
  /** Renames the temporary file over `path` (call after finish). */
  commit(): Promise<void>;
  /** Removes the temporary file; the previous `path` is untouched. */
  abort(): Promise<void>;
}

export const openAtomicFile = async (path: string): Promise<AtomicFile> => {
  const tmp = tmpName(path);
  const fh = await open(tmp, 'wx', 0o644);
  const hash = createHash('sha256');
  let bytes = 0;
  let closed = false;
  const stream = new Writable({
    highWaterMark: 1 << 16,
    write(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      fh.write(chunk).then(
        () => {
          cb();
        },
        (err: unknown) => {
          cb(err as Error);
        },
      );
    },
  });
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await fh.close();
  };
  return {
    path,
    tmp,
    stream,
    async finish() {
      await new Promise<void>((resolve, reject) => {
        stream.once('error', reject);
        stream.end(() => {
          resolve();
        });
      });
      await fh.sync();
      await close();
      return { sha256: hash.digest('hex'), bytes };
    },
    async commit() {
      await rename(tmp, path);
    },
    async abort() {
      stream.destroy();
      await close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
    },
  };
};

/** Writes `data` to `path` atomically (temp file, fsync, rename, fsync the folder). */
export const writeFileAtomic = async (path: string, data: string | Uint8Array): Promise<string> => {
  const file = await openAtomicFile(path);
  try {
    await writeAll(file.stream, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    const { sha256 } = await file.finish();
    await file.commit();
    await fsyncDir(dirname(path));
    return sha256;
  } catch (err) {
    await file.abort();
    throw err;
  }
};

const writeAll = (stream: Writable, data: Uint8Array): Promise<void> =>
  new Promise((resolve, reject) => {
    stream.write(data, (err) => {
      if (err) reject(err);
      else resolve();
    });
  });

/**
 * Commits several finished files as one step: every temporary file is already complete and
 * fsynced, so only the renames remain (microseconds apart), then one folder fsync.
 */
export const commitAll = async (files: readonly AtomicFile[]): Promise<void> => {
  for (const f of files) await f.commit();
  for (const dir of new Set(files.map((f) => dirname(f.path)))) await fsyncDir(dir);
};

/**
 * Places a finished, never-again-modified file at `dest` atomically: a hard link (no copy of a
 * large result) to a temporary name, then rename; a copy where the filesystem has no hard links.
 */
export const placeCopyAtomic = async (source: string, dest: string): Promise<void> => {
  const tmp = tmpName(dest);
  try {
    await link(source, tmp);
  } catch {
    await copyFile(source, tmp, constants.COPYFILE_EXCL);
    const fh = await open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
  try {
    await rename(tmp, dest);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
};
