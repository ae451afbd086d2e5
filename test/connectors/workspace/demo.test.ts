// The demo's Google Workspace account (connectors/workspace/demo.ts serving
// fixtures/demo/workspace/) scanned by the real connector and client over loopback, with the
// demo's people directory: each planted problem raises its finding, the clean apps beside them
// raise nothing.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceDemoEndpoint, workspaceRoute } from '../../../connectors/workspace/demo.js';
import { workspaceProvider } from '../../../connectors/workspace/provider.js';
import { policies } from '../../../policies/index.js';
import { buildConfig } from '../../../src/config.js';
import { type DemoServer, startDemoServer } from '../../../src/demo/server.js';
import { DirectoryConfig, loadDirectory } from '../../../src/directory.js';
import { silentLogger } from '../../../src/log.js';
import type { ScanResult } from '../../../src/model.js';
import { fixturesDir } from '../../../src/paths.js';
import { runScan } from '../../../src/scan.js';

const DEMO = join(fixturesDir, 'demo');

/** [policy, app, severity]: every finding the demo domain must raise, and no other. */
export const WORKSPACE_PLANTED: [string, string, string][] = [
  ['workspace-high-risk-scopes', 'MailMerge Studio', 'high'],
  ['workspace-departed-grantor', 'Legacy Expense Sync', 'high'],
  ['workspace-unverified-app', 'anonymous', 'high'],
  ['workspace-high-risk-scopes', 'anonymous', 'high'],
  ['workspace-rare-app-high-risk', 'Directory Helper', 'high'],
  ['workspace-high-risk-scopes', 'Directory Helper', 'critical'],
  ['excess-privilege', 'Directory Helper', 'critical'],
];
export const WORKSPACE_CLEAN = ['MeetingRooms Scheduler', 'Acme Intranet SSO', 'Acme Notes'];

describe('the demo Google Workspace account', () => {
  let server: DemoServer;
  let result: ScanResult;

  beforeAll(async () => {
    server = await startDemoServer({ workspace: workspaceRoute(join(DEMO, 'workspace')) });
    const config = buildConfig(
      {
        asOf: '2026-11-01T00:00:00Z',
        // As in the demo config: Workspace records no owner for an OAuth app.
        ownership: { owners: { 'workspace:acme.example:oauth_app/*': 'maria.garcia@acme.example' } },
        providers: {
          workspace: {
            domain: 'acme.example',
            auth: { type: 'none' },
            endpoint: workspaceDemoEndpoint(server.url),
          },
        },
      },
      { connectors: { workspace: workspaceProvider }, policies },
      'demo',
      DEMO,
    );
    const directory = loadDirectory(join(DEMO, 'people.csv'), DirectoryConfig.parse({ path: 'people.csv' }));
    result = await runScan({
      config,
      clock: { asOf: new Date('2026-11-01T00:00:00Z'), now: () => new Date() },
      log: silentLogger,
      directory,
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('inventories the seven apps with complete coverage and the delegation note', () => {
    expect(result.coverage.map((c) => [c.target, c.scope, c.status])).toEqual([
      ['workspace:acme.example', 'acme.example', 'complete'],
    ]);
    expect(result.coverage[0]!.counts).toEqual({ 'workspace.oauth_app': 7 });
    expect(result.coverage[0]!.notes.join('\n')).toMatch(/domain-wide delegation are not listable/);
    expect(server.requests.every((r) => r.route === 'workspace' && r.status === 200)).toBe(true);
  });

  it('raises each planted finding, and nothing else', () => {
    const got = result.findings.map((f) => [f.policyId, f.identityName, f.severity]);
    expect(got.map((g) => g.join(' ')).sort()).toEqual(WORKSPACE_PLANTED.map((p) => p.join(' ')).sort());
    for (const f of result.findings) expect(f.controls.some((c) => c.framework === 'SOC2')).toBe(true);
    const departed = result.findings.find((f) => f.policyId === 'workspace-departed-grantor')!;
    expect(departed.evidence).toMatchObject({
      onlyDeparted: true,
      departed: [
        {
          email: 'tom.baker@acme.example',
          why: ['suspended in Workspace', 'directory status "DEPROVISIONED"'],
        },
      ],
    });
  });

  it.each(WORKSPACE_CLEAN)('raises nothing on the clean app %s', (name) => {
    expect(result.identities.some((i) => i.name === name)).toBe(true);
    expect(result.findings.filter((f) => f.identityName === name)).toEqual([]);
  });
});
