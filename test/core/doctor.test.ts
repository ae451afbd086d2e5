// `nhiscan doctor`: per target, credentials and the manifest's permissions; a connector without a
// check is "not checked" (unknown, exit 3), never fine. GitHub through the demo server's org with
// the real Octokit: the installation's granted permissions against the manifest.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEMO_GITHUB_ENV, demoGithubEnv, githubRoute } from '../../connectors/github/demo.js';
import { githubProvider } from '../../connectors/github/provider.js';
import { githubPermissions } from '../../connectors/github/permissions.js';
import { systemClock } from '../../src/clock.js';
import { buildConfig } from '../../src/config.js';
import type { AnyConnector } from '../../src/connector.js';
import { type DemoServer, startDemoServer } from '../../src/demo/server.js';
import { renderDoctor, runDoctor } from '../../src/doctor.js';
import { EXIT } from '../../src/exit-codes.js';
import { silentLogger } from '../../src/log.js';
import { fixturesDir } from '../../src/paths.js';
import { setEnv } from '../env.js';

let demo: DemoServer;
let granted: DemoServer;
let dir: string;
let restoreEnv: () => void = () => undefined;

const fake: AnyConnector = {
  id: 'fake',
  title: 'Fake',
  config: z.strictObject({}),
  targets: () => [{ id: 'fake:one', provider: 'fake', label: 'fake one', data: undefined }],
  collect: async function* () {},
};

const doctor = (url: string, org = 'acme', extra: Record<string, unknown> = {}) => {
  process.env[DEMO_GITHUB_ENV.apiUrl] = `${url}/github`;
  return runDoctor({
    config: buildConfig(
      {
        providers: {
          github: {
            orgs: [org],
            auth: { type: 'app', appId: 4100, privateKeyEnv: DEMO_GITHUB_ENV.appKey },
            baseUrlEnv: DEMO_GITHUB_ENV.apiUrl,
          },
          ...extra,
        },
      },
      { connectors: { github: githubProvider, fake }, policies: {} },
      'test.yaml',
      process.cwd(),
    ),
    clock: systemClock(),
    log: silentLogger,
  });
};

beforeAll(async () => {
  demo = await startDemoServer({ github: githubRoute({ dir: join(fixturesDir, 'demo', 'github') }) });
  // The same org, its App granted every permission of the manifest.
  dir = mkdtempSync(join(tmpdir(), 'nhiscan-doctor-'));
  cpSync(join(fixturesDir, 'demo', 'github'), dir, { recursive: true });
  const file = join(dir, 'orgs', 'acme', 'installation.json');
  const installation = JSON.parse(readFileSync(file, 'utf8')) as { permissions: Record<string, string> };
  for (const e of githubPermissions.entries.filter((x) => !x.implicit)) {
    const [name = '', level = 'read'] = e.permission.split('=');
    installation.permissions[name] = level;
  }
  writeFileSync(file, JSON.stringify(installation));
  granted = await startDemoServer({ github: githubRoute({ dir }) });
  restoreEnv = setEnv(demoGithubEnv(demo.url));
});

afterAll(async () => {
  restoreEnv();
  await demo.close();
  await granted.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('nhiscan doctor', () => {
  it('names each permission the App installation lacks and the coverage it costs: exit 3', async () => {
    const outcome = await doctor(demo.url);
    expect(outcome.exitCode).toBe(EXIT.incomplete);
    const [t] = outcome.targets;
    expect(t).toMatchObject({
      target: 'github:acme',
      status: 'missing',
      principal: 'app/nhiscan-reader (installation 7001 on acme)',
    });
    expect(t!.checks.filter((c) => c.status === 'missing').map((c) => c.permission)).toEqual([
      'organization_dependabot_secrets=read',
      'dependabot_secrets=read',
      'codespaces_secrets=write',
    ]);
    // GitHub serves organisation Codespaces secrets to App installations too (issue 9): checked like the rest.
    expect(t!.checks.find((c) => c.permission === 'organization_codespaces_secrets=read')?.status).toBe(
      'granted',
    );
    const text = renderDoctor(outcome);
    expect(text).toContain('github:acme: PERMISSIONS MISSING');
    expect(text).toMatch(
      /MISSING organization_dependabot_secrets=read: without it, not seen: organisation Dependabot secrets/,
    );
    expect(text).not.toContain('ok      metadata=read');
    expect(renderDoctor(outcome, true)).toContain('ok      metadata=read (required)');
  });

  it('exits 0 when the installation holds every permission', async () => {
    const outcome = await doctor(granted.url);
    expect(outcome.targets.map((t) => t.status)).toEqual(['ok']);
    expect(outcome.exitCode).toBe(EXIT.ok);
  });

  it('reports failed credentials (App not installed) as failed, and a connector without a check as not checked', async () => {
    const outcome = await doctor(demo.url, 'nosuch', { fake: {} });
    expect(outcome.targets.map((t) => [t.target, t.status])).toEqual([
      ['github:nosuch', 'failed'],
      ['fake:one', 'unknown'],
    ]);
    expect(outcome.targets[0]!.message).toMatch(/GET \/orgs\/\{org\}\/installation/);
    expect(outcome.targets[1]!.message).toMatch(/^not checked/);
    expect(outcome.exitCode).toBe(EXIT.incomplete);
  });
});
