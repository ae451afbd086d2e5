// Ids never depend on which call answered: the same access key gets the same finding id whether
// it was named by ListAccessKeys (key id), by the credential report alone (a slot, when
// ListAccessKeys failed), or by ListAccessKeys without any report.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsConnector } from '../../../connectors/aws/index.js';
import { systemClock } from '../../../src/clock.js';
import { buildConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/log.js';
import { runScan } from '../../../src/scan.js';
import { rotationAge } from '../../../policies/rotation-age.js';
import { GAAD_PARAMS, IAM, STS, arn, fixture, reply, useTestEnvironment } from './harness.js';

const connector = createAwsConnector({ clientSettings: { maxAttempts: 1 }, sleep: () => Promise.resolve() });
const XML = { 'content-type': 'text/xml' };

beforeEach(() => {
  useTestEnvironment();
});
afterEach(() => {
  vi.unstubAllEnvs();
  nock.cleanAll();
});

type Path = 'report+keys' | 'report only' | 'keys only';

const scanBy = async (path: Path) => {
  reply({ host: STS, action: 'GetCallerIdentity', fixture: 'sts-get-caller-identity.xml' });
  reply({ action: 'GetAccountAuthorizationDetails', fixture: 'gaad-single-user.xml', params: GAAD_PARAMS });
  if (path === 'keys only') {
    reply({
      action: 'GenerateCredentialReport',
      fixture: 'error-access-denied-generate-credential-report.xml',
      status: 403,
    });
  } else {
    reply({ action: 'GenerateCredentialReport', fixture: 'generate-credential-report-complete.xml' });
    reply({ action: 'GetCredentialReport', fixture: 'get-credential-report-single-user.xml' });
  }
  if (path === 'report only') {
    reply({ action: 'ListAccessKeys', fixture: 'error-access-denied-list-access-keys.xml', status: 403 });
  } else {
    reply({ action: 'ListAccessKeys', fixture: 'list-access-keys-solo-bot.xml' });
  }
  reply({ action: 'GetAccessKeyLastUsed', fixture: 'get-access-key-last-used-solo-bot.xml' });
  nock(IAM)
    .post('/', (b: Record<string, string>) => b.Action === 'GetLoginProfile')
    .reply(404, fixture('error-no-such-entity-login-profile.xml'), XML);
  nock(IAM)
    .post('/', (b: Record<string, string>) => b.Action === 'ListSigningCertificates')
    .reply(200, fixture('list-signing-certificates-empty.xml'), XML);
  const config = buildConfig(
    {
      providers: {
        aws: {
          targets: [{ type: 'default' }],
          organizationPolicies: false,
          sshPublicKeys: false,
          serviceLastAccessed: { enabled: false },
        },
      },
    },
    { connectors: { aws: connector }, policies: { 'rotation-age': rotationAge } },
    'test',
    '/tmp',
  );
  return runScan({ config, clock: systemClock(new Date('2025-07-01T12:00:00Z')), log: silentLogger });
};

describe('AWS: stable credential and finding ids', () => {
  it('gives the same finding ids whichever call named the key', async () => {
    const results = {
      'report+keys': await scanBy('report+keys'),
      'report only': await scanBy('report only'),
      'keys only': await scanBy('keys only'),
    };
    const user = arn('user', 'solo-bot');
    // The shown credential id differs (the report has no key ids) ...
    expect(results['report+keys'].findings.map((f) => f.credentialUid)).toEqual(['AKIAEXAMPLESOLOBOT01']);
    expect(results['report only'].findings.map((f) => f.credentialUid)).toEqual([`${user}#access_key_1`]);
    expect(results['keys only'].findings.map((f) => f.credentialUid)).toEqual(['AKIAEXAMPLESOLOBOT01']);
    // ... the finding id does not: the key is its user and its creation second in every path.
    const ids = Object.values(results).map((r) => r.findings.map((f) => f.uid));
    expect(ids[0]).toHaveLength(1);
    expect(ids[1]).toEqual(ids[0]);
    expect(ids[2]).toEqual(ids[0]);
    for (const r of Object.values(results)) {
      const identity = r.identities.find((i) => i.uid === user);
      expect(identity?.credentials.map((c) => c.stableUid)).toEqual([
        `${user}#access_key@2024-04-04T04:10:00Z`,
      ]);
    }
  });
});
