// Each connector's permission manifest (connectors/<id>/permissions.ts) is the one source of what
// to grant: the readme sections and the README's lists are generated from it, and every call a
// connector makes during the demo scan (read from the call trace at debug level: AWS SDK commands
// through a client middleware, Octokit routes through a request hook, Google API methods through
// the client proxy) must be covered by one of its entries.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { runDemo } from '../../src/demo/index.js';
import { createLogger } from '../../src/log.js';
import { packageRoot } from '../../src/paths.js';
import {
  type PermissionManifest,
  parseCallLine,
  permissionDocs,
  permissionFor,
  replaceBlock,
  uncoveredCalls,
} from '../../src/permissions.js';
import { serviceActions, LIST, READ } from '../../connectors/aws/action-catalog.js';
import { awsPermissions } from '../../connectors/aws/permissions.js';
import { githubPermissions } from '../../connectors/github/permissions.js';
import { gcpPermissions } from '../../connectors/gcp/permissions.js';
import { GROUPS_GRANT } from '../../connectors/gcp/groups.js';
import { CALL_PERMISSION } from '../../connectors/entra/collect.js';
import { entraPermissions } from '../../connectors/entra/permissions.js';
import { workspacePermissions } from '../../connectors/workspace/permissions.js';

const manifests: PermissionManifest[] = Object.values(connectors).flatMap((c) =>
  c.permissions ? [c.permissions] : [],
);

describe('permission manifests', () => {
  it('every built-in connector declares one, on its light descriptor, under its own id', () => {
    for (const c of Object.values(connectors)) expect(c.permissions?.provider, c.id).toBe(c.id);
  });

  it('the committed readme sections and README lists are what the generator writes (then prettier)', async () => {
    const config = (await prettier.resolveConfig(join(packageRoot, 'README.md'))) ?? {};
    const docs = permissionDocs(packageRoot, manifests, (p) => readFileSync(p, 'utf8'));
    expect(docs.map((d) => d.path.slice(packageRoot.length + 1)).sort()).toEqual(
      ['README.md', ...manifests.map((m) => `connectors/${m.provider}/readme.md`)].sort(),
    );
    for (const d of docs) {
      const formatted = await prettier.format(d.text, { ...config, filepath: d.path });
      expect(readFileSync(d.path, 'utf8'), `${d.path}: run npm run docs`).toBe(formatted);
    }
  });

  it('a changed manifest makes the committed docs stale (the check above can fail)', async () => {
    const config = (await prettier.resolveConfig(join(packageRoot, 'README.md'))) ?? {};
    const changed = manifests.map((m) =>
      m.provider === 'aws'
        ? { ...m, entries: m.entries.filter((e) => e.permission !== 'iam:ListSSHPublicKeys') }
        : m,
    );
    const readme = permissionDocs(packageRoot, changed, (p) => readFileSync(p, 'utf8')).find((d) =>
      d.path.endsWith('README.md'),
    )!;
    const formatted = await prettier.format(readme.text, { ...config, filepath: readme.path });
    expect(formatted).not.toBe(readFileSync(readme.path, 'utf8'));
  });

  it('`nhiscan permissions PROVIDER --grants` prints what to grant; an unknown provider is a usage error', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [join(packageRoot, 'dist', 'src', 'cli.js'), 'permissions', ...args], {
        encoding: 'utf8',
      });
    const grants = cli('aws', '--grants');
    expect(grants.status).toBe(0);
    expect(JSON.parse(grants.stdout)).toEqual(awsPermissions.grants);
    const json = cli('--json');
    expect((JSON.parse(json.stdout) as PermissionManifest[]).map((m) => m.provider)).toEqual(
      manifests.map((m) => m.provider),
    );
    const unknown = cli('nosuch');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no connector "nosuch"/);
  });

  it('a file without the markers is a clear error naming the file', () => {
    expect(() => replaceBlock('no markers here', 'permissions', 'x', 'connectors/x/readme.md')).toThrow(
      /connectors\/x\/readme.md: no "<!-- permissions:start -->"/,
    );
  });

  it('AWS: every granted action exists in the Service Authorization Reference and is List or Read', () => {
    const granted = awsPermissions.grants.Statement.flatMap((s) => s.Action);
    expect(granted).toContain('iam:ListAccessKeys');
    for (const e of awsPermissions.entries) {
      const [service, action] = e.permission.split(':') as [string, string];
      const catalog = serviceActions(service);
      const i = catalog?.byKey.get(`${service}:${action.toLowerCase()}`);
      expect(i, e.permission).toBeDefined();
      // sts:AssumeRole (Write) is granted on the target roles only, never in the read-only policy.
      if (granted.includes(e.permission)) expect([LIST, READ], e.permission).toContain(catalog!.levels[i!]);
    }
    expect(granted).not.toContain('sts:AssumeRole');
  });

  it('GitHub: the App map holds read-only permissions only; errors.ts names permissions from the manifest', () => {
    expect(Object.values(githubPermissions.grants).every((v) => v === 'read')).toBe(true);
    expect(githubPermissions.grants).not.toHaveProperty('codespaces_secrets');
    expect(permissionFor(githubPermissions, 'GET /orgs/{org}/members')?.permission).toBe('members=read');
  });

  it('Google Cloud: the custom role holds every permission, none that reads key strings', () => {
    // Every IAM permission that needs a grant (doctor's testIamPermissions needs none); group members
    // need a Workspace admin role, which no custom role holds.
    expect(gcpPermissions.grants.customRole.includedPermissions).toEqual(
      gcpPermissions.entries
        .filter((e) => !e.implicit)
        .map((e) => e.permission)
        .filter((p) => p !== GROUPS_GRANT),
    );
    expect(gcpPermissions.grants.customRole.includedPermissions).not.toContain('apikeys.keys.getKeyString');
  });

  it('Entra: every call the connector names a permission for maps to that read-only permission', () => {
    for (const [call, permission] of Object.entries(CALL_PERMISSION))
      expect(permissionFor(entraPermissions, call)?.permission, call).toBe(permission);
    for (const e of entraPermissions.entries) expect(e.permission).toMatch(/\.Read(\.|$)/);
  });
});

describe('every call the demo scan makes is covered by its manifest', () => {
  const observed = new Map<string, Set<string>>();
  let out: string;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'nhiscan-permissions-'));
    const log = createLogger('debug', (line) => {
      const call = parseCallLine(line);
      if (call) observed.set(call.provider, (observed.get(call.provider) ?? new Set()).add(call.call));
    });
    await runDemo({ out, log, print: () => undefined, color: false, failOn: 'none' });
  }, 240_000);

  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
  });

  it.each([
    ['aws', 'iam:GetAccountAuthorizationDetails', awsPermissions],
    ['github', 'GET /orgs/{org}/installations', githubPermissions],
    ['gcp', 'iam.projects.serviceAccounts.list', gcpPermissions],
    ['workspace', 'directory.tokens.list', workspacePermissions],
    // Graph requests, and each request inside a $batch, named by the trace middleware (entra/graph.ts).
    ['entra', 'GET /applications/{id}/owners', entraPermissions],
  ] as const)(
    '%s: the trace saw its calls (%s among them), and each maps to an entry',
    (provider, sample, manifest) => {
      const calls = observed.get(provider) ?? new Set<string>();
      expect(calls.has(sample), `${provider} trace: ${[...calls].join(', ')}`).toBe(true);
      expect(uncoveredCalls(manifest, calls)).toEqual([]);
    },
  );

  it.each([
    ['aws', 'iam:ListAccessKeys', awsPermissions],
    ['github', 'GET /orgs/{org}/hooks', githubPermissions],
    ['gcp', 'apikeys.projects.locations.keys.list', gcpPermissions],
  ] as const)('%s: removing the entry that covers %s makes the check fail', (provider, call, manifest) => {
    const calls = observed.get(provider) ?? new Set<string>();
    expect(calls.has(call)).toBe(true);
    const without = { ...manifest, entries: manifest.entries.filter((e) => !e.calls.includes(call)) };
    expect(uncoveredCalls(without, calls)).toContain(call);
  });
});
