// Runs the demo estate through a fault proxy: the config's providers narrowed to the ones a test
// needs, tiny timeouts, the real scan command (what the CLI runs) writing to a temp folder.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { scanCommand, type ScanCommandResult } from '../../src/commands.js';
import { buildConfig } from '../../src/config.js';
import { DEMO_CONFIG, DEMO_DIR, pointAtDemoServer, useDemoEnv } from '../../src/demo/index.js';
import { swapEnv } from '../../src/demo/env.js';
import type { DemoServer } from '../../src/demo/server.js';
import { silentLogger } from '../../src/log.js';
import type { Coverage } from '../../src/model.js';
import { builtins } from '../../src/registry.js';

export interface FaultScanOptions {
  /** The proxy (or server) the providers are pointed at. */
  url: string;
  /** Provider blocks to keep, with overrides merged over the demo's. */
  providers: Record<string, Record<string, unknown>>;
  timeouts?: { requestSeconds?: number; targetMinutes?: number };
  signal?: AbortSignal;
  env?: Record<string, string>;
}

/** The demo config's asOf: the estate's credential reports are generated then. */
export const DEMO_AS_OF = new Date('2026-11-01T00:00:00Z');

export const demoRaw = (): Record<string, unknown> =>
  parseYaml(readFileSync(DEMO_CONFIG, 'utf8')) as Record<string, unknown>;

export const faultScan = async (opts: FaultScanOptions): Promise<ScanCommandResult> => {
  const raw = demoRaw();
  const demoProviders = raw.providers as Record<string, Record<string, unknown>>;
  raw.providers = Object.fromEntries(
    Object.entries(opts.providers).map(([id, over]) => [id, { ...demoProviders[id], ...over }]),
  );
  raw.failOn = 'none';
  raw.timeouts = { requestSeconds: 2, targetMinutes: 1, ...opts.timeouts };
  const server = { url: opts.url } as DemoServer;
  const config = pointAtDemoServer(buildConfig(raw, builtins, DEMO_CONFIG, DEMO_DIR), server);
  // Two attempts, so a persistent fault ends quickly; the SDK reads AWS_MAX_ATTEMPTS.
  const restoreDemo = useDemoEnv(server, { asOf: DEMO_AS_OF });
  const restoreOwn = swapEnv({ AWS_MAX_ATTEMPTS: '2', ...opts.env });
  try {
    return await scanCommand({
      config,
      out: mkdtempSync(join(tmpdir(), 'nhiscan-faults-')),
      log: silentLogger,
      print: () => undefined,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } finally {
    restoreOwn();
    restoreDemo();
  }
};

export const coverageOf = (result: ScanCommandResult, target: string): Coverage => {
  const c = result.result.coverage.find((x) => x.target === target);
  if (!c) throw new Error(`no coverage entry for ${target}`);
  return c;
};

/** Unrecovered gaps as "code call" strings. */
export const openGaps = (c: Coverage): string[] =>
  c.gaps.filter((g) => !g.recovered).map((g) => `${g.code} ${g.call}`);
