// A scan of an org with an App holding admin on all repositories, a
// fine-grained PAT that never expires and was last used 200 days ago, a write deploy key added by
// a departed member, a two-year-old org secret visible to all repositories and a webhook without a
// secret reports each with its SOC 2 tag, and reports the endpoints it could not read with the
// permission that would unlock them. Through the real pipeline: buildConfig → runScan → the
// GitHub connector (real Octokit, nock) → the generic and GitHub policies.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubConnector } from '../../../connectors/github/index.js';
import { githubAppPermissions } from '../../../policies/github-app-permissions.js';
import { githubDeployKeyWrite } from '../../../policies/github-deploy-key-write.js';
import { githubSecretVisibility } from '../../../policies/github-secret-visibility.js';
import { githubTokenExpiry } from '../../../policies/github-token-expiry.js';
import { githubTokenScopes } from '../../../policies/github-token-scopes.js';
import { githubWebhookExposure } from '../../../policies/github-webhook-exposure.js';
import { githubWorkflowPermissions } from '../../../policies/github-workflow-permissions.js';
import { policies as genericPolicies } from '../../../policies/index.js';
import { systemClock } from '../../../src/clock.js';
import { type Registries, buildConfig } from '../../../src/config.js';
import { DirectoryConfig, buildDirectory } from '../../../src/directory.js';
import { silentLogger } from '../../../src/log.js';
import type { Finding, ScanResult } from '../../../src/model.js';
import { runScan } from '../../../src/scan.js';
import { APP_ID, APP_KEY_ENV, AS_OF, ORG, appKeys, mockWholeOrg } from './harness.js';

const registries: Registries = {
  connectors: { github: githubConnector },
  policies: {
    ...genericPolicies,
    [githubAppPermissions.id]: githubAppPermissions,
    [githubTokenExpiry.id]: githubTokenExpiry,
    [githubTokenScopes.id]: githubTokenScopes,
    [githubDeployKeyWrite.id]: githubDeployKeyWrite,
    [githubWebhookExposure.id]: githubWebhookExposure,
    [githubSecretVisibility.id]: githubSecretVisibility,
    [githubWorkflowPermissions.id]: githubWorkflowPermissions,
  },
};

// The people directory (an identity-provider export): former-dev has left.
const people = buildDirectory(
  [
    { login: 'octocat', status: 'ACTIVE' },
    { login: 'hubot', status: 'ACTIVE' },
    { login: 'monalisa', status: 'ACTIVE' },
    { login: 'former-dev', status: 'DEPROVISIONED' },
  ],
  DirectoryConfig.parse({ path: 'people.csv' }),
  'people.csv',
);

const soc2 = (f: Finding): string[] => f.controls.filter((c) => c.framework === 'SOC2').map((c) => c.id);

const findingsOn = (result: ScanResult, identityUid: string): Record<string, string[]> =>
  Object.fromEntries(
    result.findings
      .filter((f) => f.identityUid === identityUid)
      .map((f) => [`${f.policyId}${f.evidence && 'unusedDays' in f.evidence ? ':unused' : ''}`, soc2(f)]),
  );

beforeEach(() => {
  process.env[APP_KEY_ENV] = appKeys.privateKey;
});
afterEach(() => {
  Reflect.deleteProperty(process.env, APP_KEY_ENV);
});

describe('a GitHub org with planted problems', () => {
  it('reports each planted problem with its SOC 2 tag, and what it could not read with the permission to unlock it', async () => {
    // Two denials GitHub explains with x-accepted-github-permissions.
    mockWholeOrg({
      [`/orgs/${ORG}/credential-authorizations`]: 'organization_administration=read',
      [`/repos/${ORG}/website/dependabot/secrets`]: 'dependabot_secrets=read',
    });
    const config = buildConfig(
      {
        providers: {
          github: { orgs: [ORG], auth: { type: 'app', appId: Number(APP_ID), privateKeyEnv: APP_KEY_ENV } },
        },
      },
      registries,
      'nhiscan.config.yaml',
      process.cwd(),
    );
    const result = await runScan({ config, clock: systemClock(AS_OF), log: silentLogger, directory: people });

    // An App holding admin on all repositories (third party, can change code, no accountable owner).
    expect(findingsOn(result, `github:${ORG}/installation/25382`)).toEqual({
      'excess-privilege': ['CC6.3', 'CC8.1'],
      'github-app-permissions': ['CC6.3', 'CC8.1', 'CC9.2'],
      ownership: ['CC6.2', 'CC6.3'],
    });
    expect(
      result.findings.find((f) => f.policyId === 'excess-privilege' && f.identityName === 'admin-bot'),
    ).toMatchObject({
      severity: 'critical',
      evidence: {
        level: 'admin',
        reasons: expect.arrayContaining([
          `administration:write on all repositories of ${ORG} (installation-permissions)`,
        ]),
      },
    });

    // A fine-grained PAT that never expires, last used 200 days ago.
    expect(findingsOn(result, `github:${ORG}/pat/25382`)).toEqual({
      'staleness:unused': ['CC6.2', 'CC6.1'],
      'github-token-expiry': ['CC6.1'],
    });
    expect(
      result.findings.find((f) => f.policyId === 'staleness' && f.identityUid === `github:${ORG}/pat/25382`),
    ).toMatchObject({
      credentialUid: 'token:98717',
      evidence: { lastUsedAt: '2024-11-13T00:00:00.000Z', unusedDays: 200 },
    });

    // A write deploy key added by a departed member (over four years old, too).
    expect(findingsOn(result, `github:${ORG}/deploy-tools/deploy-key/2`)).toEqual({
      'github-deploy-key-write': ['CC6.3', 'CC8.1'],
      ownership: ['CC6.2', 'CC6.3'],
      'rotation-age': ['CC6.1'],
    });
    expect(
      result.findings.find(
        (f) => f.policyId === 'ownership' && f.identityUid === `github:${ORG}/deploy-tools/deploy-key/2`,
      ),
    ).toMatchObject({
      severity: 'high',
      evidence: {
        owner: 'former-dev',
        ownerSource: 'github:deploy-key-added-by',
        directoryStatus: 'DEPROVISIONED',
      },
    });

    // A two-year-old org secret visible to all repositories.
    expect(findingsOn(result, `github:${ORG}/actions-secret/LEGACY_DEPLOY_KEY`)).toMatchObject({
      'rotation-age': ['CC6.1'],
      'github-secret-visibility': ['CC6.6', 'CC6.7'],
    });
    expect(
      result.findings.find(
        (f) =>
          f.policyId === 'rotation-age' && f.identityUid === `github:${ORG}/actions-secret/LEGACY_DEPLOY_KEY`,
      ),
    ).toMatchObject({
      severity: 'high',
      evidence: { lastRotatedAt: '2023-05-20T09:00:00.000Z', ageDays: 742 },
    });

    // A webhook without a secret (delivering over plain http as well, in GitHub's own example).
    const hook = result.findings.filter(
      (f) => f.identityUid === `github:${ORG}/webhook/1` && f.policyId === 'github-webhook-exposure',
    );
    expect(hook.map((f) => [f.policyId, f.evidence.secretConfigured, soc2(f)])).toEqual([
      ['github-webhook-exposure', false, ['CC6.6', 'CC6.7']],
      ['github-webhook-exposure', false, ['CC6.6']],
    ]);

    // The endpoints it could not read, with the permission that would unlock them.
    const [coverage] = result.coverage;
    expect(coverage).toMatchObject({ target: `github:${ORG}`, scope: ORG, status: 'partial' });
    expect(coverage!.gaps.map((g) => [g.call, g.code, g.permission ?? null, g.resource ?? null])).toEqual([
      [
        'GET /orgs/{org}/credential-authorizations',
        'access_denied',
        'organization_administration=read',
        null,
      ],
      ['github:oauth-app-authorizations', 'not_supported', null, null],
      [
        'GET /repos/{owner}/{repo}/dependabot/secrets',
        'access_denied',
        'dependabot_secrets=read',
        `${ORG}/website`,
      ],
    ]);
    expect(coverage!.notes).toContainEqual(expect.stringMatching(/^GitHub: \d+ requests/));
    expect(result.run.complete).toBe(false);
  });
});
