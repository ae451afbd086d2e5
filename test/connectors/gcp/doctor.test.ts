// `nhiscan doctor` for Google Cloud: Resource Manager v3 testIamPermissions (the generated client
// the connector already uses, against nock) on the target's own project / folder / organisation;
// a permission the answer leaves out is MISSING with the coverage it costs, exit 3; all held → 0.
// Answers are typed against the client's Schema$TestIamPermissionsResponse.
import { GROUPS_GRANT } from '../../../connectors/gcp/groups.js';
import type { cloudresourcemanager_v3 } from '@googleapis/cloudresourcemanager';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { createGcpConnector } from '../../../connectors/gcp/index.js';
import { gcpPermissions } from '../../../connectors/gcp/permissions.js';
import { gcpLight } from '../../../connectors/gcp/provider.js';
import { systemClock } from '../../../src/clock.js';
import { buildConfig } from '../../../src/config.js';
import { renderDoctor, runDoctor } from '../../../src/doctor.js';
import { EXIT } from '../../../src/exit-codes.js';
import { silentLogger } from '../../../src/log.js';
import { callerDenied } from '../../../fixtures/gcp/errors.js';
import { api, fakeAuth } from './harness.js';

afterEach(() => {
  nock.cleanAll();
});

const doctor = (gcp: Record<string, unknown>) =>
  runDoctor({
    config: buildConfig(
      { providers: { gcp } },
      { connectors: { gcp: createGcpConnector({ authClient: fakeAuth() }) }, policies: {} },
      'test.yaml',
      process.cwd(),
    ),
    clock: systemClock(),
    log: silentLogger,
  });

type Body = { permissions: string[] };

/** projects.get / folders.get answers: where a resource sits. */
const parent = (path: string, of: string) =>
  api('cloudresourcemanager')
    .get(`/v3/${path}`)
    .reply(200, {
      // A project's name is its number; projectId is the name the config uses.
      ...(path.startsWith('projects/')
        ? { name: 'projects/415104041263', projectId: path.slice('projects/'.length) }
        : { name: path }),
      parent: of,
      state: 'ACTIVE',
    } satisfies cloudresourcemanager_v3.Schema$Project & cloudresourcemanager_v3.Schema$Folder);

/** Answers testIamPermissions on `path` with what was asked minus `lacking`; records what was asked. */
const answer = (path: string, lacking: string[] = []) => {
  const asked: string[][] = [];
  api('cloudresourcemanager')
    .post(`/v3/${path}:testIamPermissions`)
    .reply(200, (_uri, body) => {
      const { permissions } = body as Body;
      asked.push(permissions);
      return {
        permissions: permissions.filter((p) => !lacking.includes(p)),
      } satisfies cloudresourcemanager_v3.Schema$TestIamPermissionsResponse;
    });
  return asked;
};

describe('nhiscan doctor, Google Cloud', () => {
  it('declares its doctor on the light descriptor', () => {
    expect(gcpLight.doctors).toBe(true);
  });

  it('names each permission a project lacks with the coverage it costs: exit 3', async () => {
    const asked = answer('projects/acme-prod', ['iam.serviceAccountKeys.list', 'apikeys.keys.list']);
    parent('projects/acme-prod', 'folders/4455');
    parent('folders/4455', 'organizations/123456789012');
    const askedFolder = answer('folders/4455');
    const askedOrg = answer('organizations/123456789012', ['resourcemanager.organizations.getIamPolicy']);
    const outcome = await doctor({ projects: ['acme-prod'] });
    expect(outcome.exitCode).toBe(EXIT.incomplete);
    const [t] = outcome.targets;
    expect(t).toMatchObject({ target: 'gcp:project/acme-prod', status: 'missing' });
    expect(t!.checks.filter((c) => c.status === 'missing').map((c) => c.permission)).toEqual([
      'resourcemanager.organizations.getIamPolicy',
      'iam.serviceAccountKeys.list',
      'apikeys.keys.list',
    ]);
    // Only what a project can answer for: listing permissions are for organisation / folder
    // targets; what is read on the folders / organisation above is asked of each of them.
    expect(askedFolder).toEqual([['resourcemanager.folders.get', 'resourcemanager.folders.getIamPolicy']]);
    expect(askedOrg).toEqual([['resourcemanager.organizations.getIamPolicy']]);
    expect(asked[0]).not.toContain('resourcemanager.projects.list');
    expect(asked[0]).not.toContain('resourcemanager.organizations.getIamPolicy');
    expect(asked[0]).toContain('resourcemanager.projects.getIamPolicy');
    const byPermission = Object.fromEntries(t!.checks.map((c) => [c.permission, c.status]));
    expect(byPermission['resourcemanager.projects.list']).toBe('not-needed');
    expect(byPermission['resourcemanager.folders.getIamPolicy']).toBe('granted');
    expect(t!.checks.find((c) => c.permission === 'resourcemanager.organizations.getIamPolicy')?.detail).toBe(
      'not held on organizations/123456789012',
    );
    expect(byPermission['iam.serviceAccounts.list']).toBe('granted');
    const text = renderDoctor(outcome);
    expect(text).toContain(
      'checked with cloudresourcemanager.projects.testIamPermissions on projects/acme-prod',
    );
    expect(text).toContain(
      'MISSING iam.serviceAccountKeys.list: without it, not seen: user- and Google-managed keys of each service account',
    );
  });

  it('a project directly under no organisation needs nothing above it; all held → exit 0', async () => {
    answer('projects/acme-solo');
    api('cloudresourcemanager')
      .get('/v3/projects/acme-solo')
      .reply(200, {
        name: 'projects/415104041262',
        projectId: 'acme-solo',
        state: 'ACTIVE',
      } satisfies cloudresourcemanager_v3.Schema$Project);
    const outcome = await doctor({ projects: ['acme-solo'] });
    expect(
      outcome.targets[0]!.checks.filter((c) => c.status === 'missing' || c.status === 'unknown'),
    ).toEqual([]);
    expect(outcome.exitCode).toBe(EXIT.ok);
  });

  it('exits 0 for an organisation target holding every permission', async () => {
    const asked = answer('organizations/123456789012');
    const outcome = await doctor({ organizations: ['123456789012'] });
    expect(outcome.targets.map((t) => t.status)).toEqual(['ok']);
    expect(outcome.exitCode).toBe(EXIT.ok);
    // Every IAM permission; the Groups Reader admin role is not one (the method says it is not checked).
    expect(asked[0]).toEqual(
      gcpPermissions.entries
        .filter(
          (e) => !e.implicit && e.permission !== GROUPS_GRANT && !e.permission.startsWith('cloudasset.'),
        )
        .map((e) => e.permission),
    );
    expect(outcome.targets[0]?.method).toContain(`not checked: ${GROUPS_GRANT}`);
  });

  it('asks for the Cloud Asset Inventory permissions only when cloudAssetInventory is on', async () => {
    const asked = answer('organizations/123456789012', ['cloudasset.assets.listIamPolicy']);
    const outcome = await doctor({ organizations: ['123456789012'], cloudAssetInventory: true });
    expect(asked[0]).toEqual(
      expect.arrayContaining(['cloudasset.assets.listResource', 'cloudasset.assets.listIamPolicy']),
    );
    const [t] = outcome.targets;
    expect(t!.checks.filter((c) => c.status === 'missing').map((c) => c.permission)).toEqual([
      'cloudasset.assets.listIamPolicy',
    ]);
    expect(t!.status).toBe('missing');
  });

  it('asks a folder, and does not ask for what the config switches off', async () => {
    const asked = answer('folders/4455', ['resourcemanager.folders.list']);
    api('cloudresourcemanager').get('/v3/folders/4455').reply(403, callerDenied());
    const outcome = await doctor({ folders: ['4455'], policyAnalyzer: false, apiKeys: false });
    expect(asked[0]).not.toContain('apikeys.keys.list');
    expect(asked[0]).not.toContain('policyanalyzer.serviceAccountLastAuthenticationActivities.query');
    const [t] = outcome.targets;
    expect(t!.checks.find((c) => c.permission === 'apikeys.keys.list')).toMatchObject({
      status: 'not-needed',
      detail: 'providers.gcp.apiKeys is off',
    });
    expect(t!.checks.filter((c) => c.status === 'missing').map((c) => c.permission)).toEqual([
      'resourcemanager.folders.list',
    ]);
    // The folder above could not be walked: what is read on the organisation is unknown, never granted.
    expect(t!.checks.find((c) => c.permission === 'resourcemanager.organizations.getIamPolicy')?.status).toBe(
      'unknown',
    );
    expect(t!.status).toBe('missing');
  });

  it('a project the caller cannot see fails the target; a malformed answer is unknown, never granted', async () => {
    api('cloudresourcemanager')
      .post('/v3/projects/acme-hidden:testIamPermissions')
      .reply(403, callerDenied());
    api('cloudresourcemanager')
      .post('/v3/projects/acme-odd:testIamPermissions')
      .reply(200, { permissions: 'iam.serviceAccounts.list' });
    const outcome = await doctor({ projects: ['acme-hidden', 'acme-odd'] });
    expect(outcome.targets.map((t) => [t.target, t.status])).toEqual([
      ['gcp:project/acme-hidden', 'failed'],
      ['gcp:project/acme-odd', 'unknown'],
    ]);
    expect(outcome.targets[0]!.message).toMatch(/^cloudresourcemanager\.projects\.testIamPermissions: /);
    expect(outcome.targets[1]!.checks.some((c) => c.status === 'granted')).toBe(false);
    expect(outcome.exitCode).toBe(EXIT.incomplete);
  });
});
