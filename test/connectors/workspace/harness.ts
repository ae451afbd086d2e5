// Shared pieces of the Workspace suites: the real connector and the real @googleapis/admin
// client against the demo's Admin SDK route on a loopback server, fed with the typed fixture
// (fixtures/workspace/domain.ts) written to a temporary folder, so a test can change the domain
// (deny a user, drop a page) before it starts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkspaceConfig, type WorkspaceConfigInput } from '../../../connectors/workspace/config.js';
import { workspaceDemoEndpoint, workspaceRoute } from '../../../connectors/workspace/demo.js';
import { workspaceConnector } from '../../../connectors/workspace/index.js';
import { demoDomainFile } from '../../../fixtures/workspace/domain.js';
import { systemClock } from '../../../src/clock.js';
import { createCollectContext } from '../../../src/collect-context.js';
import { type DemoRoute, type DemoServer, startDemoServer } from '../../../src/demo/server.js';
import { ScanError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/log.js';
import { type Gap, Identity } from '../../../src/model.js';

export const AS_OF = new Date('2026-11-01T00:00:00Z');

export type DomainFile = ReturnType<typeof demoDomainFile>;

export interface Domain {
  server: DemoServer;
  endpoint: string;
  close(): Promise<void>;
}

/** The demo domain (changed by `edit`) served on 127.0.0.1, optionally behind `wrap`. */
export const serveDomain = async (
  edit: (d: DomainFile) => void = () => {},
  wrap: (route: DemoRoute) => DemoRoute = (r) => r,
): Promise<Domain> => {
  const dir = mkdtempSync(join(tmpdir(), 'nhiscan-workspace-'));
  const file = demoDomainFile();
  edit(file);
  writeFileSync(join(dir, 'domain.json'), JSON.stringify(file));
  const server = await startDemoServer({ workspace: wrap(workspaceRoute(dir)) });
  return {
    server,
    endpoint: workspaceDemoEndpoint(server.url),
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export const config = (endpoint: string, overrides: Partial<WorkspaceConfigInput> = {}): WorkspaceConfig =>
  WorkspaceConfig.parse({
    domain: 'acme.example',
    auth: { type: 'none' },
    endpoint,
    maxRetries: 0,
    ...overrides,
  });

export interface Collected {
  identities: Identity[];
  gaps: Gap[];
  notes: string[];
  scope: string | undefined;
  principal: string | undefined;
  error?: ScanError;
}

export const collect = async (
  cfg: WorkspaceConfig,
  o: { signal?: AbortSignal; requestTimeoutMs?: number } = {},
): Promise<Collected> => {
  const { ctx, record } = createCollectContext({
    clock: systemClock(AS_OF),
    concurrency: 4,
    log: silentLogger,
    signal: o.signal ?? new AbortController().signal,
    baseDir: process.cwd(),
    ...(o.requestTimeoutMs ? { requestTimeoutMs: o.requestTimeoutMs } : {}),
  });
  const identities: Identity[] = [];
  let error: ScanError | undefined;
  try {
    for (const target of workspaceConnector.targets(cfg))
      for await (const i of workspaceConnector.collect(target, cfg, ctx)) identities.push(Identity.parse(i));
  } catch (err) {
    if (!(err instanceof ScanError)) throw err;
    error = err;
  }
  return {
    identities,
    gaps: record.gaps,
    notes: record.notes,
    scope: record.scope,
    principal: record.principal,
    ...(error ? { error } : {}),
  };
};
