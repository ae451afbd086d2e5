// The secret-leak suite (issue 10): known marker values planted in the environment (AWS secret
// key, GitHub token, a Google key file), in the config and the exceptions file, and in the
// providers' answers (webhook secrets, key material, token values). Succeeding and failing scans
// run through the built CLI; no marker may appear in stdout, stderr or ANY file in the output
// folder, and every reporter in the registry (src/report) is run over the result into that folder
// too, so a format added later is covered without touching this test.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR, startDemoEstate } from '../../src/demo/index.js';
import { gcpDemoEndpoints } from '../../connectors/gcp/demo.js';
import { demoGithubAppKey } from '../../connectors/github/demo.js';
import type { DemoServer } from '../../src/demo/server.js';
import { EXIT } from '../../src/exit-codes.js';
import { ScanResult } from '../../src/model.js';
import { CLI, ensureBuilt } from './built-cli.js';
import { reporters } from '../../src/report/index.js';
import { writeRun } from '../../src/report/output.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { DEMO_AS_OF, demoRaw } from './harness.js';

const run = promisify(execFile);

const MARK = {
  awsSecret: 'MARKawsSECRETkey0123456789abcdefghijklmn',
  githubToken: 'ghp_MARKgithubTOKEN0123456789abcdefghij',
  googleKey: 'MARKgoogleKEYFILEprivatekey0123456789',
  externalId: 'MARKexternalID0123456789',
  exceptionsFile: 'MARKexceptionsFILE0123456789',
  configFile: 'MARKconfigFILE0123456789',
  webhookSecret: 'MARKwebhookSECRET0123456789',
  plantedValue: 'MARKplantedVALUE0123456789',
  installationToken: 'ghs_MARKinstallationTOKEN0123456789',
  keyMaterial: 'MARKkeyMATERIALprivateKeyData0123456789',
} as const;
const MARKS = Object.values(MARK);

/** Adds `fields` to every object of every list in a JSON answer (or to the object itself). */
const plant =
  (fields: Record<string, unknown>) =>
  (text: string): string => {
    const data = JSON.parse(text) as unknown;
    const add = (o: unknown): unknown =>
      o && typeof o === 'object' && !Array.isArray(o) ? { ...o, ...fields } : o;
    if (Array.isArray(data)) return JSON.stringify(data.map(add));
    if (data && typeof data === 'object') {
      const lists = Object.entries(data).filter(([, v]) => Array.isArray(v));
      if (lists.length === 0) return JSON.stringify(add(data));
      return JSON.stringify(
        Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Array.isArray(v) ? v.map(add) : v])),
      );
    }
    return text;
  };

let demo: DemoServer;
let proxy: FaultProxy;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'nhiscan-leak-'));
  await ensureBuilt();
  demo = await startDemoEstate({ asOf: DEMO_AS_OF });
  proxy = await startFaultProxy(demo.url, [
    {
      match: (r) => /^\/github\/(orgs|repos)\/.+\/hooks(\?|$)/.test(r.url),
      fault: {
        type: 'rewrite',
        body: (t) =>
          plant({ value: MARK.plantedValue })(t).replace(
            /"config":\{/g,
            `"config":{"secret":"${MARK.webhookSecret}",`,
          ),
      },
    },
    {
      match: (r) => /^\/github\/.+\/secrets(\?|$)/.test(r.url),
      fault: {
        type: 'rewrite',
        body: plant({ value: MARK.plantedValue, encrypted_value: MARK.plantedValue }),
      },
    },
    {
      match: (r) => /^\/github\/app\/installations\/\d+\/access_tokens$/.test(r.url),
      fault: {
        type: 'rewrite',
        body: (t) => t.replace(/"token":"[^"]*"/, `"token":"${MARK.installationToken}"`),
      },
    },
    {
      match: (r) => /^\/gcp\/iam\/v1\/projects\/[^/]+\/serviceAccounts\/[^/]+\/keys(\?|$)/.test(r.url),
      fault: { type: 'rewrite', body: plant({ privateKeyData: MARK.keyMaterial }) },
    },
  ]);
}, 300_000);

afterAll(async () => {
  await proxy.close();
  await demo.close();
  rmSync(work, { recursive: true, force: true });
});

interface Scenario {
  name: string;
  /** Changes to the demo config (raw YAML data). */
  edit?: (raw: Record<string, unknown>, dir: string) => void;
  /** Text appended to the config file (a broken config). */
  brokenConfig?: string;
  exceptions?: string;
  env?: Record<string, string>;
  expectCodes: number[];
}

const googleKeyFile = (dir: string): string => {
  const path = join(dir, 'google-key.json');
  writeFileSync(
    path,
    JSON.stringify({
      type: 'service_account',
      project_id: 'acme-prod',
      private_key_id: MARK.googleKey,
      private_key: `-----BEGIN PRIVATE KEY-----\n${MARK.googleKey}\n-----END PRIVATE KEY-----\n`,
      client_email: 'scanner@acme-prod.iam.gserviceaccount.com',
      client_id: '1',
      token_uri: `${proxy.url}/gcp/token`,
    }),
  );
  return path;
};

const scenarios: Scenario[] = [
  {
    name: 'a succeeding scan (token auth, ETag cache in the output folder, planted answers)',
    edit: (raw, dir) => {
      const p = raw.providers as Record<string, Record<string, unknown>>;
      p.github = {
        ...p.github,
        auth: { type: 'token', tokenEnv: 'LEAK_GITHUB_TOKEN' },
        etagCache: join(dir, 'out', 'github-etags.json'),
      };
      const aws = p.aws as { targets: Record<string, unknown>[] };
      aws.targets = aws.targets.map((t) =>
        t.type === 'assume-role' ? { ...t, externalId: MARK.externalId } : t,
      );
    },
    expectCodes: [EXIT.findings, EXIT.incomplete],
  },
  {
    name: 'a succeeding App scan (installation token planted)',
    expectCodes: [EXIT.findings, EXIT.incomplete],
  },
  {
    name: 'failing authentication: a Google key file that does not work, an AWS key the estate refuses',
    edit: (raw, dir) => {
      const p = raw.providers as Record<string, Record<string, unknown>>;
      p.gcp = { ...p.gcp, auth: { type: 'adc' } };
      raw.failOn = 'none';
      process.env.LEAK_GOOGLE_KEY = googleKeyFile(dir);
    },
    env: { AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNTOLEAKTEST' },
    expectCodes: [EXIT.incomplete],
  },
  {
    name: 'a config that does not parse',
    brokenConfig: `\nextra: [unclosed ${MARK.configFile}\n`,
    expectCodes: [EXIT.usage],
  },
  {
    name: 'a config with a wrong value',
    brokenConfig: `\nconcurrency: ${MARK.configFile}\n`,
    expectCodes: [EXIT.usage],
  },
  {
    name: 'an exceptions file that does not parse',
    exceptions: `exceptions:\n  - { id: x, secret: ${MARK.exceptionsFile}\n`,
    expectCodes: [EXIT.usage],
  },
  {
    name: 'an exceptions file with a wrong date',
    exceptions: `exceptions:\n  - match: { policy: rotation-age }\n    justification: planted ${MARK.exceptionsFile}\n    approver: a\n    expires: ${MARK.exceptionsFile}\n`,
    expectCodes: [EXIT.usage],
  },
];

const filesUnder = (dir: string): string[] => {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const path = join(dir, n);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
};

const leaked = (text: string): string[] => MARKS.filter((m) => text.includes(m));

describe('no planted secret leaves', () => {
  it.each(scenarios.map((s) => [s.name, s] as const))(
    '%s',
    async (_name, s) => {
      const dir = mkdtempSync(join(work, 'scan-'));
      const out = join(dir, 'out');
      mkdirSync(out);
      const raw = demoRaw();
      raw.directory = { path: join(DEMO_DIR, 'people.csv') };
      raw.exceptions = join(DEMO_DIR, 'nhiscan.exceptions.yaml');
      if (s.exceptions !== undefined) {
        writeFileSync(join(dir, 'exceptions.yaml'), s.exceptions);
        raw.exceptions = join(dir, 'exceptions.yaml');
      }
      const providers = raw.providers as Record<string, Record<string, unknown>>;
      providers.gcp = { ...providers.gcp, endpoints: gcpDemoEndpoints(proxy.url) };
      delete process.env.LEAK_GOOGLE_KEY;
      s.edit?.(raw, dir);
      const config = join(dir, 'nhiscan.config.yaml');
      writeFileSync(config, stringify(raw) + (s.brokenConfig ?? ''));
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH ?? '',
        NO_COLOR: '1',
        AWS_ENDPOINT_URL: `${proxy.url}/aws`,
        AWS_ACCESS_KEY_ID: 'nhiscan-demo-key',
        AWS_SECRET_ACCESS_KEY: MARK.awsSecret,
        AWS_REGION: 'us-east-1',
        AWS_CONFIG_FILE: join(dir, 'no-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_MAX_ATTEMPTS: '2',
        NHISCAN_DEMO_GITHUB_API_URL: `${proxy.url}/github`,
        NHISCAN_DEMO_GITHUB_APP_KEY: demoGithubAppKey(),
        LEAK_GITHUB_TOKEN: MARK.githubToken,
        ...(process.env.LEAK_GOOGLE_KEY
          ? { GOOGLE_APPLICATION_CREDENTIALS: process.env.LEAK_GOOGLE_KEY }
          : {}),
        ...s.env,
      };
      let code = 0;
      let stdout = '';
      let stderr = '';
      try {
        ({ stdout, stderr } = await run(
          process.execPath,
          [CLI, 'scan', '-c', config, '-o', out, '--verbose'],
          {
            env,
            cwd: dir,
            timeout: 60_000,
          },
        ));
      } catch (err) {
        const e = err as { code?: unknown; stdout?: string; stderr?: string };
        if (typeof e.code !== 'number') throw err;
        ({ code } = e as { code: number });
        stdout = e.stdout ?? '';
        stderr = e.stderr ?? '';
      }
      expect(s.expectCodes).toContain(code);
      expect(leaked(stdout)).toEqual([]);
      expect(leaked(stderr)).toEqual([]);
      const written = filesUnder(out);
      if (code !== EXIT.usage) {
        // Every format in the registry, written over this result into the same folder.
        const result = ScanResult.parse(JSON.parse(readFileSync(join(out, 'nhiscan-result.json'), 'utf8')));
        await writeRun({ ...result, evaluations: [] }, join(out, 'all-formats'), Object.values(reporters));
        expect(filesUnder(join(out, 'all-formats')).length).toBeGreaterThanOrEqual(
          Object.keys(reporters).length,
        );
        expect(written.length).toBeGreaterThan(0);
      }
      for (const file of filesUnder(out)) {
        expect({ file, leaked: leaked(readFileSync(file, 'latin1')) }).toEqual({ file, leaked: [] });
      }
    },
    90_000,
  );

  it('the planted answers reached the scanner (hooks, secrets, installation token, key material)', () => {
    expect(proxy.hits.map((n) => n > 0)).toEqual([true, true, true, true]);
  });
});
