// `--verbose`: one line per completed API call with its outcome, duration and the SDK's retries
// (src/permissions.ts `logCallDone`), from the demo scan through the real SDK clients. The lines
// name calls as the manifests do and never carry a secret, a header or a query string.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/index.js';
import { createLogger } from '../../src/log.js';
import { logCallDone } from '../../src/permissions.js';
import { routeName } from '../../connectors/github/client.js';

const SECRET_NAME = /TOKEN|SECRET|KEY|PASSWORD|CREDENTIAL/i;

describe('--verbose logs every completed call with its duration', () => {
  const lines: string[] = [];
  const secrets = new Set<string>();
  let out: string;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'nhiscan-verbose-'));
    const log = createLogger('debug', (line) => {
      // The demo's credentials are in the environment while it runs.
      for (const [k, v] of Object.entries(process.env))
        if (SECRET_NAME.test(k) && v && v.length >= 8) secrets.add(v);
      lines.push(line);
    });
    await runDemo({ out, log, print: () => undefined, color: false, failOn: 'none' });
  }, 240_000);

  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
  });

  it.each([
    ['aws', 'iam:GetAccountAuthorizationDetails', true],
    ['aws', 'sts:GetCallerIdentity', true],
    ['github', 'GET /orgs/{org}/members', true],
    ['github', 'GET /orgs/{org}/installations', true],
    // The demo's acme-data denies the scanner: some of these end 403 (next test).
    ['gcp', 'iam.projects.serviceAccounts.list', false],
    ['gcp', 'cloudresourcemanager.projects.getIamPolicy', false],
    ['entra', 'GET /servicePrincipals', true],
    ['entra', 'POST /$batch', true],
    ['workspace', 'directory.users.list', true],
  ] as const)('%s %s: status, duration and retries', (provider, call, allAnswered) => {
    const prefix = `debug: api ${provider} ${call} -> `;
    const done = lines.filter((l) => l.startsWith(prefix));
    expect(
      done.length,
      lines.filter((l) => l.startsWith(`debug: api ${provider}`)).join('\n'),
    ).toBeGreaterThan(0);
    const shape = allAnswered ? /^200 \d+ms retries=\d+$/ : /^\d{3}( [A-Z_]+)? \d+ms retries=\d+$/;
    for (const l of done) expect(l.slice(prefix.length)).toMatch(shape);
    expect(done.some((l) => /^200 \d+ms retries=\d+$/.test(l.slice(prefix.length)))).toBe(true);
  });

  it('a Google refusal logs its status and Google status name (the demo denies acme-data)', () => {
    expect(
      lines.some((l) => /^debug: api gcp \S+ -> 403 PERMISSION_DENIED \d+ms retries=0$/.test(l)),
      lines.filter((l) => l.startsWith('debug: api gcp')).join('\n'),
    ).toBe(true);
  });

  it('a refused call logs its status and error code (the demo denies iam:ListSSHPublicKeys once)', () => {
    expect(lines.some((l) => /^debug: api aws iam:ListSSHPublicKeys -> 403 AccessDenied\b/.test(l))).toBe(
      true,
    );
  });

  it('no secret, query string or header reaches the lines', () => {
    expect(secrets.size).toBeGreaterThan(0);
    const api = lines.filter((l) => l.startsWith('debug: api '));
    for (const s of secrets) expect(api.join('\n')).not.toContain(s);
    for (const l of api) expect(l).not.toMatch(/\?|Authorization:|Bearer |token=/);
  });
});

describe('without --verbose', () => {
  it('the info level (the default) writes no call lines', () => {
    const written: string[] = [];
    logCallDone(
      createLogger('info', (l) => written.push(l)),
      'aws',
      'iam:ListUsers',
      { outcome: 200, ms: 3 },
    );
    expect(written).toEqual([]);
  });
});

describe('routeName', () => {
  it('names a paginated page by its manifest route, without the query string', () => {
    expect(
      routeName(
        'GET',
        'https://api.github.com/orgs/acme/members?per_page=100&page=2',
        'https://api.github.com',
      ),
    ).toBe('GET /orgs/{org}/members');
    expect(
      routeName('GET', 'https://ghe.example/api/v3/orgs/acme/hooks?page=3', 'https://ghe.example/api/v3'),
    ).toBe('GET /orgs/{org}/hooks');
    expect(routeName('GET', '/orgs/{org}/repos', 'https://api.github.com')).toBe('GET /orgs/{org}/repos');
    expect(routeName('GET', 'https://api.github.com/unknown/x?secret=1', 'https://api.github.com')).toBe(
      'GET /unknown/x',
    );
  });
});
