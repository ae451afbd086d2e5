// `nhiscan doctor` under token auth: a classic token's scopes (x-oauth-scopes on GET /user, the
// call the doctor already makes) against the scope each manifest permission needs; a fine-grained
// token (no scopes header) is "unknown, cannot be listed", never OK. Real Octokit against nock.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubProvider } from '../../../connectors/github/provider.js';
import {
  CLASSIC_SCOPES,
  classicScopeIncludes,
  githubPermissions,
} from '../../../connectors/github/permissions.js';
import { systemClock } from '../../../src/clock.js';
import { buildConfig } from '../../../src/config.js';
import { renderDoctor, runDoctor } from '../../../src/doctor.js';
import { EXIT } from '../../../src/exit-codes.js';
import { silentLogger } from '../../../src/log.js';
import { API, ORG, TOKEN_ENV, mockUser } from './harness.js';

const doctor = () =>
  runDoctor({
    config: buildConfig(
      { providers: { github: { orgs: [ORG], auth: { type: 'token', tokenEnv: TOKEN_ENV } } } },
      { connectors: { github: githubProvider }, policies: {} },
      'test.yaml',
      process.cwd(),
    ),
    clock: systemClock(),
    log: silentLogger,
  });

beforeEach(() => {
  process.env[TOKEN_ENV] = 'ghp_ExampleOnlyNotARealToken000000000000';
});
afterEach(() => {
  Reflect.deleteProperty(process.env, TOKEN_ENV);
  nock.cleanAll();
});

const statuses = (checks: { permission: string; status: string }[]) =>
  Object.fromEntries(checks.map((c) => [c.permission, c.status]));

describe('nhiscan doctor, GitHub token auth', () => {
  it('compares a classic token’s scopes with the manifest and names each missing scope: exit 3', async () => {
    mockUser(nock(API), { 'x-oauth-scopes': 'repo, read:org' });
    const outcome = await doctor();
    expect(outcome.exitCode).toBe(EXIT.incomplete);
    const [t] = outcome.targets;
    expect(t).toMatchObject({
      status: 'missing',
      principal: 'octocat (classic token, scopes: repo, read:org)',
    });
    expect(statuses(t!.checks)).toEqual({
      'metadata=read': 'granted',
      'members=read': 'granted',
      'organization_administration=read': 'missing',
      'organization_personal_access_tokens=read': 'not-needed',
      'organization_personal_access_token_requests=read': 'not-needed',
      'organization_secrets=read': 'missing',
      'organization_dependabot_secrets=read': 'missing',
      'organization_codespaces_secrets=read': 'missing',
      'organization_hooks=read': 'missing',
      'administration=read': 'granted',
      'secrets=read': 'granted',
      'actions=read': 'granted',
      'dependabot_secrets=read': 'granted',
      'codespaces_secrets=write': 'granted',
      'repository_hooks=read': 'granted',
      // The enterprise listing is not checked per organisation.
      'enterprise_organization_installations=read': 'not-needed',
      'read:enterprise': 'not-needed',
      // The audit log (OAuth apps, issue 9): a classic token's own scope.
      'read:audit_log': 'missing',
    });
    const text = renderDoctor(outcome);
    expect(text).toContain(
      'MISSING organization_hooks=read: without it, not seen: organisation webhooks (secret set, SSL verification; URLs reduced to scheme and host) (needs scope admin:org_hook)',
    );
    expect(text).toContain('MISSING organization_secrets=read');
  });

  it('exits 0 for a classic token holding every scope the manifest needs (admin:org includes read:org)', async () => {
    // read:audit_log: admin:org does not include it (the audit log's OAuth apps, issue 9).
    mockUser(nock(API), { 'x-oauth-scopes': 'admin:org, admin:org_hook, repo, read:audit_log' });
    const outcome = await doctor();
    expect(
      outcome.targets[0]!.checks.filter((c) => c.status !== 'granted' && c.status !== 'not-needed'),
    ).toEqual([]);
    expect(outcome.exitCode).toBe(EXIT.ok);
  });

  it('reports a classic token with no scopes as missing everything it needs', async () => {
    mockUser(nock(API), { 'x-oauth-scopes': '' });
    const outcome = await doctor();
    expect(outcome.targets[0]!.principal).toBe('octocat (classic token, scopes: none)');
    expect(outcome.targets[0]!.checks.filter((c) => c.status === 'granted')).toEqual([]);
    expect(outcome.exitCode).toBe(EXIT.incomplete);
  });

  it('reports a fine-grained token (no x-oauth-scopes) as unknown, cannot be listed, never ok', async () => {
    mockUser(nock(API));
    const outcome = await doctor();
    const [t] = outcome.targets;
    expect(t).toMatchObject({ status: 'unknown', principal: 'octocat (fine-grained token)' });
    expect(new Set(t!.checks.map((c) => c.status))).toEqual(new Set(['unknown']));
    expect(t!.checks[0]!.detail).toMatch(/cannot be checked/);
    expect(outcome.exitCode).toBe(EXIT.incomplete);
  });

  it('knows a classic scope (or "Apps only") for every permission of the manifest', () => {
    const missing = githubPermissions.entries
      .filter((e) => !e.implicit && !(e.permission in CLASSIC_SCOPES))
      .map((e) => e.permission);
    expect(missing).toEqual([]);
    expect(classicScopeIncludes(['admin:org'], 'read:org')).toBe(true);
    expect(classicScopeIncludes(['read:org'], 'admin:org')).toBe(false);
    expect(classicScopeIncludes(['admin:repo_hook'], 'read:repo_hook')).toBe(true);
  });
});
