import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { AwsConfig as AwsConfigSchema } from '../../../connectors/aws/config.js';
import { awsGap, gapCodeOf } from '../../../connectors/aws/errors.js';
import { awsConnector, credentialsFor, sharedCredentials, targetsOf } from '../../../connectors/aws/index.js';
import { ScanError } from '../../../src/errors.js';
import type { GapCode } from '../../../src/model.js';
import { awsConfig, recordingContext } from './harness.js';

const sdkError = (name: string, status?: number): Error =>
  Object.assign(new Error(`${name} happened`), {
    name,
    ...(status ? { $metadata: { httpStatusCode: status } } : {}),
  });

describe('gapCodeOf', () => {
  it.each<[string, number | undefined, GapCode]>([
    ['AccessDenied', 403, 'access_denied'],
    ['AccessDeniedException', 400, 'access_denied'],
    ['UnauthorizedOperation', 403, 'access_denied'],
    ['ExpiredToken', 403, 'auth_failed'],
    ['InvalidClientTokenId', 403, 'auth_failed'],
    ['SignatureDoesNotMatch', 403, 'auth_failed'],
    ['UnrecognizedClientException', 400, 'auth_failed'],
    ['CredentialsProviderError', undefined, 'auth_failed'],
    ['Throttling', 400, 'throttled'],
    ['ThrottlingException', 400, 'throttled'],
    ['NoSuchEntity', 404, 'not_found'],
    ['NoSuchEntityException', 404, 'not_found'],
    ['ServiceFailure', 500, 'unavailable'],
    ['ServiceFailureException', 500, 'unavailable'],
    ['SomethingNew', 503, 'unavailable'],
    ['SomethingNew', 403, 'access_denied'],
    ['SomethingNew', 400, 'unknown'],
  ])('%s (HTTP %s) → %s', (name, status, code) => {
    expect(gapCodeOf(sdkError(name, status))).toBe(code);
  });

  it('puts the IAM action in `permission` only for denials', () => {
    expect(awsGap('iam:GetCredentialReport', sdkError('AccessDenied', 403))).toEqual({
      code: 'access_denied',
      call: 'iam:GetCredentialReport',
      permission: 'iam:GetCredentialReport',
      message: 'AccessDenied: AccessDenied happened',
    });
    expect(awsGap('iam:GetCredentialReport', sdkError('Throttling', 400))).not.toHaveProperty('permission');
  });
});

describe('targetsOf', () => {
  it('gives one target per default, profile and assumed account, with stable ids', () => {
    const targets = targetsOf(
      awsConfig({
        targets: [
          { type: 'default' },
          { type: 'profile', profile: 'prod' },
          {
            type: 'assume-role',
            accountIds: ['111111111111', '222222222222'],
            roleName: 'Audit',
            externalId: 'x-1',
          },
          { type: 'assume-role', accountIds: ['111111111111'], roleName: 'Other' },
        ],
      }),
    );
    expect(targets.map((t) => [t.id, t.data])).toEqual([
      ['aws:default', { type: 'default' }],
      ['aws:profile/prod', { type: 'profile', profile: 'prod' }],
      [
        'aws:assume/111111111111',
        {
          type: 'assume-role',
          accountId: '111111111111',
          roleArn: 'arn:aws:iam::111111111111:role/Audit',
          sessionName: 'nhiscan',
          externalId: 'x-1',
          externalIdEnv: undefined,
          sourceProfile: undefined,
        },
      ],
      [
        'aws:assume/222222222222',
        {
          type: 'assume-role',
          accountId: '222222222222',
          roleArn: 'arn:aws:iam::222222222222:role/Audit',
          sessionName: 'nhiscan',
          externalId: 'x-1',
          externalIdEnv: undefined,
          sourceProfile: undefined,
        },
      ],
      [
        'aws:assume/111111111111/Other',
        {
          type: 'assume-role',
          accountId: '111111111111',
          roleArn: 'arn:aws:iam::111111111111:role/Other',
          sessionName: 'nhiscan',
          externalId: undefined,
          externalIdEnv: undefined,
          sourceProfile: undefined,
        },
      ],
    ]);
    expect(targets.every((t) => t.provider === 'aws')).toBe(true);
  });

  it('builds role ARNs in the partition of the region, and refuses a partition the region is not in', () => {
    const gov = targetsOf(
      awsConfig({
        region: 'us-gov-west-1',
        targets: [{ type: 'assume-role', accountIds: ['111111111111'], partition: 'aws-us-gov' }],
      }),
    );
    expect(gov.map((t) => t.data)).toMatchObject([
      { roleArn: 'arn:aws-us-gov:iam::111111111111:role/NhiscanReadOnly' },
    ]);
    const mismatch = AwsConfigSchema.safeParse({
      targets: [{ type: 'assume-role', accountIds: ['111111111111'], partition: 'aws-cn' }],
    });
    expect(mismatch.success).toBe(false);
    expect(mismatch.error?.issues.map((i) => i.path)).toEqual([['targets', 0, 'partition']]);
  });

  it('defaults to the default credential chain', () => {
    expect(targetsOf(awsConfig()).map((t) => t.id)).toEqual(['aws:default']);
  });

  it('refuses an externalIdEnv that names an unset variable, naming it', () => {
    vi.stubEnv('NHISCAN_UNSET_FOR_TEST', '');
    const [target] = targetsOf(
      awsConfig({
        targets: [
          { type: 'assume-role', accountIds: ['111111111111'], externalIdEnv: 'NHISCAN_UNSET_FOR_TEST' },
        ],
      }),
    );
    let thrown: unknown;
    try {
      credentialsFor(target!.data, awsConfig());
    } catch (err) {
      thrown = err;
    }
    vi.unstubAllEnvs();
    expect(thrown).toBeInstanceOf(ScanError);
    expect((thrown as ScanError).gap).toMatchObject({
      code: 'auth_failed',
      call: 'sts:AssumeRole',
      resource: 'arn:aws:iam::111111111111:role/NhiscanReadOnly',
    });
    expect((thrown as ScanError).message).toContain('NHISCAN_UNSET_FOR_TEST');
  });

  it('rejects unknown keys and bad account ids in the config block', () => {
    expect(() => awsConfig({ targets: [{ type: 'assume-role', accountIds: ['12345'] }] })).toThrow(
      /12-digit/,
    );
    expect(() => awsConfig({ endpoint: 'http://localhost' })).toThrow();
  });
});

describe('sharedCredentials', () => {
  const creds = (minutes: number | undefined) => ({
    accessKeyId: 'ASIAEXAMPLE',
    secretAccessKey: 'secret',
    ...(minutes === undefined ? {} : { expiration: new Date(Date.now() + minutes * 60_000) }),
  });

  it.each([
    ['long-lived credentials', undefined, 1],
    ['a session valid for an hour', 60, 1],
    ['a session about to expire', 2, 3],
  ])(
    'resolves %s once per validity (%s min → %i resolutions for 3 calls)',
    async (_label, minutes, expected) => {
      let calls = 0;
      const provider = sharedCredentials(() => {
        calls += 1;
        return Promise.resolve(creds(minutes));
      });
      await provider();
      await provider();
      await provider();
      expect(calls).toBe(expected);
    },
  );

  it('tries again after a failure instead of caching it', async () => {
    let calls = 0;
    const provider = sharedCredentials(() => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('sso expired')) : Promise.resolve(creds(undefined));
    });
    await expect(provider()).rejects.toThrow('sso expired');
    await expect(provider()).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLE' });
    expect(calls).toBe(2);
  });
});

describe('a profile that does not exist', () => {
  it('fails its target with auth_failed and says what to check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-aws-profile-'));
    writeFileSync(join(dir, 'config'), '[profile other]\nregion = us-east-1\n');
    for (const [k, v] of Object.entries({
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
      AWS_WEB_IDENTITY_TOKEN_FILE: '',
    }))
      vi.stubEnv(k, v);
    try {
      const config = awsConfig({ targets: [{ type: 'profile', profile: 'missing-profile' }] });
      const [target] = targetsOf(config);
      const ctx = recordingContext();
      let thrown: unknown;
      try {
        const identities = [];
        for await (const identity of awsConnector.collect(target!, config, ctx)) identities.push(identity);
        expect(identities).toEqual([]); // nothing can be read without credentials
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ScanError);
      expect((thrown as ScanError).gap).toMatchObject({ code: 'auth_failed', call: 'aws:credentials' });
      expect((thrown as ScanError).gap.message).toContain(
        'profile "missing-profile" exists in ~/.aws/config',
      );
    } finally {
      vi.unstubAllEnvs();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
