// Starting a real moto_server on loopback for the AWS emulator suites, and pointing the SDK's
// default chain at it (its own endpoint override and static credentials; nothing nhiscan-specific).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { vi } from 'vitest';

const onPath = (name: string): boolean =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, name)));

export const MOTO_PRESENT = onPath('moto_server');
export const MOTO_REQUIRED = process.env.NHISCAN_REQUIRE_MOTO === '1';
/** moto accepts any credentials; the SDK needs some. */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });

const waitUntilUp = async (url: string, child: ChildProcess, log: () => string): Promise<void> => {
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${url}/moto-api/`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto_server did not answer on ${url} within 45s:\n${log()}`);
};

export interface Moto {
  endpoint: string;
  stop: () => void;
}

/** A fresh moto_server on a free loopback port, answering before this resolves. */
export const startMoto = async (env: Record<string, string> = {}): Promise<Moto> => {
  if (!MOTO_PRESENT) throw new Error('NHISCAN_REQUIRE_MOTO=1 but moto_server is not on PATH');
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-p', String(port), '-H', '127.0.0.1'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const stop = (): void => void child.kill('SIGTERM');
  try {
    await waitUntilUp(endpoint, child, () => log.slice(-4000));
  } catch (err) {
    stop();
    throw err;
  }
  return { endpoint, stop };
};

/** The scan reaches moto through AWS_ENDPOINT_URL and the default chain; no file on this machine counts. */
export const stubAwsEnv = (endpoint: string, dir: string): void => {
  vi.stubEnv('AWS_ENDPOINT_URL', endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', MOTO_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', MOTO_CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_SESSION_TOKEN', '');
  vi.stubEnv('AWS_PROFILE', '');
  vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'no-aws-config'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'no-aws-credentials'));
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
};
