// IAM service last accessed data with the real SDK client against nock. moto 5.2.1 does not
// implement GenerateServiceLastAccessedDetails / GetServiceLastAccessedDetails, so the answers
// are fixtures shaped as the IAM API reference documents them (awsQuery XML).
import { IAMClient } from '@aws-sdk/client-iam';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  attachServiceLastAccessed,
  markBlocked,
  readServiceLastAccessed,
  wantsLastAccessed,
} from '../../../connectors/aws/last-accessed.js';
import type { Sleep } from '../../../connectors/aws/credential-report-fetch.js';
import type { IdentityInput } from '../../../src/model.js';
import { ACCOUNT, arn, awsConfig, recordingContext, reply, useTestEnvironment } from './harness.js';

const JOB = 'examplef-1305-c245-eba4-71fe298bcda7';
const DEPLOY = arn('role', 'deploy');
const iam = (): IAMClient => new IAMClient({ region: 'us-east-1', maxAttempts: 1 });

/** A sleep that only records how long it was asked to wait. */
const fakeSleep = (): Sleep & { waits: number[] } => {
  const waits: number[] = [];
  const sleep = (ms: number): Promise<void> => {
    waits.push(ms);
    return Promise.resolve();
  };
  return Object.assign(sleep, { waits });
};

const generate = () =>
  reply({
    action: 'GenerateServiceLastAccessedDetails',
    fixture: 'generate-service-last-accessed-details.xml',
    params: { Arn: DEPLOY },
  });

beforeEach(() => {
  useTestEnvironment();
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('readServiceLastAccessed', () => {
  it('starts the job, polls while IN_PROGRESS, then reads every page', async () => {
    generate();
    reply({
      action: 'GetServiceLastAccessedDetails',
      fixture: 'get-service-last-accessed-details-in-progress.xml',
      params: { JobId: JOB },
      absent: ['Marker'],
    });
    reply({
      action: 'GetServiceLastAccessedDetails',
      fixture: 'get-service-last-accessed-details-page-1.xml',
      params: { JobId: JOB, MaxItems: '1000' },
      absent: ['Marker'],
    });
    reply({
      action: 'GetServiceLastAccessedDetails',
      fixture: 'get-service-last-accessed-details-page-2.xml',
      params: { JobId: JOB, Marker: 'AAEAAWpvYi1tYXJrZXItMQ==' },
    });
    const ctx = recordingContext();
    const sleep = fakeSleep();
    const answers = await readServiceLastAccessed(iam(), [DEPLOY], ctx, { maxWaitSeconds: 60, sleep });
    expect(answers.get(DEPLOY)).toEqual({
      status: 'complete',
      jobCompletedAt: '2025-07-01T12:00:01.241Z',
      services: [
        {
          namespace: 'cloudformation',
          name: 'AWS CloudFormation',
          lastAuthenticated: '2024-11-04T08:02:00.000Z',
          lastAuthenticatedRegion: 'us-east-1',
        },
        { namespace: 'ec2', name: 'Amazon Elastic Compute Cloud', lastAuthenticated: null },
        {
          namespace: 's3',
          name: 'Amazon Simple Storage Service',
          lastAuthenticated: '2025-06-29T19:11:00.000Z',
          lastAuthenticatedRegion: 'eu-west-1',
        },
      ],
    });
    expect(sleep.waits).toEqual([1000]);
    expect(ctx.gaps).toEqual([]);
    expect(nock.isDone()).toBe(true);
  });

  it('a FAILED job is a gap naming the principal and the job error, and its use unknown', async () => {
    generate();
    reply({
      action: 'GetServiceLastAccessedDetails',
      fixture: 'get-service-last-accessed-details-failed.xml',
      params: { JobId: JOB },
    });
    const ctx = recordingContext();
    const answers = await readServiceLastAccessed(iam(), [DEPLOY], ctx, {
      maxWaitSeconds: 60,
      sleep: fakeSleep(),
    });
    expect(answers.get(DEPLOY)).toMatchObject({ status: 'unknown', reason: /FAILED \(ServiceFailure/ });
    expect(ctx.gaps).toEqual([
      expect.objectContaining({
        code: 'unavailable',
        call: 'iam:GetServiceLastAccessedDetails',
        resource: DEPLOY,
        message: expect.stringMatching(/ended FAILED \(ServiceFailure: An internal error/),
      }),
    ]);
  });

  it('a refused GenerateServiceLastAccessedDetails is an access_denied gap with the permission', async () => {
    reply({
      action: 'GenerateServiceLastAccessedDetails',
      fixture: 'error-access-denied-generate-service-last-accessed.xml',
      status: 403,
    });
    const ctx = recordingContext();
    const answers = await readServiceLastAccessed(iam(), [DEPLOY], ctx, {
      maxWaitSeconds: 60,
      sleep: fakeSleep(),
    });
    expect(answers.get(DEPLOY)?.status).toBe('unknown');
    expect(ctx.gaps).toEqual([
      expect.objectContaining({
        code: 'access_denied',
        call: 'iam:GenerateServiceLastAccessedDetails',
        permission: 'iam:GenerateServiceLastAccessedDetails',
        resource: DEPLOY,
      }),
    ]);
  });

  it('a job still IN_PROGRESS after maxWaitSeconds is a timeout gap, the waits bounded by it', async () => {
    generate();
    reply({
      action: 'GetServiceLastAccessedDetails',
      fixture: 'get-service-last-accessed-details-in-progress.xml',
      params: { JobId: JOB },
      times: 10,
    });
    const ctx = recordingContext();
    const sleep = fakeSleep();
    const answers = await readServiceLastAccessed(iam(), [DEPLOY], ctx, { maxWaitSeconds: 5, sleep });
    expect(answers.get(DEPLOY)?.status).toBe('unknown');
    expect(sleep.waits).toEqual([1000, 2000, 2000]);
    expect(ctx.gaps).toEqual([
      expect.objectContaining({
        code: 'timeout',
        call: 'iam:GetServiceLastAccessedDetails',
        resource: DEPLOY,
        message: expect.stringMatching(/maxWaitSeconds = 5/),
      }),
    ]);
  });
});

const grant = (actions: string[], effect: 'Allow' | 'Deny' = 'Allow') => ({
  effect,
  actions,
  resources: ['*'],
  source: 'inline:p#0',
});
const principal = (overrides: Partial<IdentityInput> = {}): IdentityInput => ({
  uid: DEPLOY,
  provider: 'aws',
  kind: 'aws.iam_role',
  name: 'deploy',
  location: { provider: 'aws', scope: ACCOUNT },
  privilege: { level: 'write', grants: [grant(['s3:*', 'ec2:*'])] },
  ...overrides,
});

describe('which principals, and what the limits leave', () => {
  const config = awsConfig({ serviceLastAccessed: { enabled: true } }).serviceLastAccessed;

  it('asks about write and admin principals by default, never read-only, provider-managed or root', () => {
    expect(config).toEqual({ enabled: true, minLevel: 'write', maxWaitSeconds: 60 });
    expect(wantsLastAccessed(principal(), config)).toBe(true);
    expect(wantsLastAccessed(principal({ privilege: { level: 'read' } }), config)).toBe(false);
    expect(
      wantsLastAccessed(principal({ privilege: { level: 'read', conditionalLevel: 'admin' } }), config),
    ).toBe(true);
    expect(wantsLastAccessed(principal({ managedBy: 'provider' }), config)).toBe(false);
    expect(wantsLastAccessed(principal({ kind: 'aws.root_account' }), config)).toBe(false);
    expect(wantsLastAccessed(principal(), { ...config, minLevel: 'admin' })).toBe(false);
    expect(wantsLastAccessed(principal(), { ...config, enabled: false })).toBe(false);
  });

  it('marks a service the permissions boundary leaves nothing of as blocked', () => {
    const bounded = principal({
      privilege: {
        level: 'write',
        grants: [grant(['s3:*', 'ec2:*'])],
        limits: [{ kind: 'boundary', source: 'boundary:s3-only', grants: [grant(['s3:*'])] }],
      },
    });
    const services = [
      { namespace: 'ec2', name: 'Amazon EC2', lastAuthenticated: null },
      { namespace: 's3', name: 'Amazon S3', lastAuthenticated: null },
    ];
    const marked = markBlocked(bounded, services);
    expect(marked[0]?.blockedBy).toMatch(/permissions boundary boundary:s3-only does not allow it/);
    expect(marked[1]?.blockedBy).toBeUndefined();
    // Without the boundary nothing is blocked.
    expect(markBlocked(principal(), services).every((s) => s.blockedBy === undefined)).toBe(true);
  });

  it('writes the answer under attributes.serviceLastAccessed, and nothing for principals not asked', async () => {
    generate();
    reply({
      action: 'GetServiceLastAccessedDetails',
      fixture: 'get-service-last-accessed-details-failed.xml',
      params: { JobId: JOB },
    });
    const reader = principal({ uid: arn('role', 'reader'), privilege: { level: 'read' } });
    const deploy = principal();
    await attachServiceLastAccessed(iam(), [deploy, reader], config, recordingContext(), fakeSleep());
    expect(deploy.attributes?.['serviceLastAccessed']).toMatchObject({ status: 'unknown' });
    expect(reader.attributes?.['serviceLastAccessed']).toBeUndefined();
    expect(nock.isDone()).toBe(true);
  });
});
