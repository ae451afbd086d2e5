// A GitHub App granted every permission nhiscan asks for, on an estate with nothing to find: the
// scan must exit 0. What no App permission can close (the OAuth apps GitHub has no API for outside
// the Enterprise Cloud audit log) is listed as a note, not counted as incomplete (issue 10: operators
// learned to ignore exit 3 because of these two gaps, which hid real ones).
import { cpSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GITHUB_ENV, demoGithubEnv, githubRoute } from '../../../connectors/github/demo.js';
import { githubConnector } from '../../../connectors/github/index.js';
import { systemClock } from '../../../src/clock.js';
import { buildConfig } from '../../../src/config.js';
import { type DemoServer, startDemoServer } from '../../../src/demo/server.js';
import { EXIT, exitCodeFor } from '../../../src/exit-codes.js';
import { silentLogger } from '../../../src/log.js';
import { fixturesDir } from '../../../src/paths.js';
import { runScan } from '../../../src/scan.js';
import { setEnv } from '../../env.js';

let server: DemoServer;
let dir: string;
let restoreEnv: () => void = () => undefined;

beforeAll(async () => {
  // The demo org with its planted denials lifted: every permission of the manifest granted.
  dir = mkdtempSync(join(tmpdir(), 'nhiscan-gh-all-'));
  cpSync(join(fixturesDir, 'demo', 'github'), dir, { recursive: true });
  writeFileSync(join(dir, '_responses.json'), '{}');
  const none = JSON.stringify({ total_count: 0, secrets: [] });
  for (const at of ['orgs/acme', 'repos/acme/legacy-site', 'repos/acme/payments-api', 'repos/acme/web-app']) {
    mkdirSync(join(dir, at, 'dependabot'), { recursive: true });
    writeFileSync(join(dir, at, 'dependabot', 'secrets.json'), none);
  }
  server = await startDemoServer({ github: githubRoute({ dir }) });
  restoreEnv = setEnv(demoGithubEnv(server.url));
});

afterAll(async () => {
  restoreEnv();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a GitHub App scan with every permission granted', () => {
  it('exits 0 on a clean estate; the gaps no permission closes are listed as notes', async () => {
    const config = buildConfig(
      {
        providers: {
          github: {
            orgs: ['acme'],
            auth: { type: 'app', appId: 4100, privateKeyEnv: DEMO_GITHUB_ENV.appKey },
            baseUrlEnv: DEMO_GITHUB_ENV.apiUrl,
          },
        },
      },
      // No policy: nothing to find, so only coverage decides the exit code.
      { connectors: { github: githubConnector }, policies: {} },
      'test.yaml',
      process.cwd(),
    );
    const result = await runScan({
      config,
      clock: systemClock(new Date('2026-11-01T00:00:00Z')),
      log: silentLogger,
    });
    const [coverage] = result.coverage;
    expect(coverage!.gaps.map((g) => [g.call, g.code, g.closable ?? null, g.recovered])).toEqual([
      ['github:oauth-app-authorizations', 'not_supported', false, true],
    ]);
    expect(coverage!.status).toBe('complete');
    expect(result.findings).toEqual([]);
    expect(result.run.complete).toBe(true);
    expect(exitCodeFor(result, 'high')).toBe(EXIT.ok);
  });
});
