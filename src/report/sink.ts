// Buffered, back-pressure-aware writing for reporters: strings are gathered into ~64 KiB chunks
// and handed to the stream, waiting for 'drain' when it is full, so memory stays flat however
// large the estate.
import { once } from 'node:events';
import { Writable } from 'node:stream';

export interface Sink {
  write(text: string): Promise<void>;
  /** Hands over what is buffered (does not end the stream). */
  flush(): Promise<void>;
}

const CHUNK = 1 << 16;

export const createSink = (out: Writable): Sink => {
  let parts: string[] = [];
  let size = 0;
  const push = async (): Promise<void> => {
    if (size === 0) return;
    const chunk = parts.join('');
    parts = [];
    size = 0;
    if (!out.write(chunk)) await once(out, 'drain');
  };
  return {
    async write(text) {
      parts.push(text);
      size += text.length;
      if (size >= CHUNK) await push();
    },
    flush: push,
  };
};

/** Collects what a reporter writes, for tests and for small in-memory uses. */
export const collectText = async (write: (out: Writable) => Promise<void>): Promise<string> => {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  await write(out);
  return Buffer.concat(chunks).toString('utf8');
};
