// SCPs through AWS Organizations with the real SDK client against nock. Bodies follow the
// Organizations API reference (awsJson1_1: X-Amz-Target header, JSON in and out).
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { organizationLimits } from '../../../connectors/aws/organization.js';
import { computePrivilege } from '../../../connectors/aws/privilege.js';
import { ACCOUNT, awsConfig, recordingContext, useTestEnvironment } from './harness.js';

const ORG = 'https://organizations.us-east-1.amazonaws.com';
const JSON_TYPE = { 'Content-Type': 'application/x-amz-json-1.1' };
const OU = 'ou-exmp-11111111';
const ROOT = 'r-exmp';
const clientConfig = { region: 'us-east-1', maxAttempts: 1 };

const call = (op: string, body: (b: Record<string, unknown>) => boolean, status: number, reply: object) =>
  nock(ORG)
    .matchHeader('x-amz-target', `AWSOrganizationsV20161128.${op}`)
    .post('/', (b: Record<string, unknown>) => body(b))
    .reply(status, reply, JSON_TYPE);

const summary = (id: string, name: string) => ({
  Id: id,
  Arn: `arn:aws:organizations::999999999999:policy/o-exampleorgid/service_control_policy/${id}`,
  Name: name,
  Description: name,
  Type: 'SERVICE_CONTROL_POLICY',
  AwsManaged: id === 'p-FullAWSAccess',
});
const describeOrg = (master: string) =>
  call('DescribeOrganization', () => true, 200, {
    Organization: {
      Id: 'o-exampleorgid',
      Arn: 'arn:aws:organizations::999999999999:organization/o-exampleorgid',
      FeatureSet: 'ALL',
      MasterAccountId: master,
      MasterAccountEmail: 'root@example.com',
    },
  });

beforeEach(() => {
  useTestEnvironment();
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('organizationLimits', () => {
  it('reads the OU path and every level’s SCPs, and they cap an admin', async () => {
    describeOrg('999999999999');
    call('ListParents', (b) => b.ChildId === ACCOUNT, 200, {
      Parents: [{ Id: OU, Type: 'ORGANIZATIONAL_UNIT' }],
    });
    call('ListParents', (b) => b.ChildId === OU, 200, { Parents: [{ Id: ROOT, Type: 'ROOT' }] });
    for (const target of [ROOT, OU, ACCOUNT]) {
      const policies =
        target === OU
          ? [summary('p-FullAWSAccess', 'FullAWSAccess'), summary('p-denyiam', 'DenyIam')]
          : [summary('p-FullAWSAccess', 'FullAWSAccess')];
      call(
        'ListPoliciesForTarget',
        (b) => b.TargetId === target && b.Filter === 'SERVICE_CONTROL_POLICY',
        200,
        { Policies: policies },
      );
      // RCPs not enabled: nothing attached anywhere.
      call(
        'ListPoliciesForTarget',
        (b) => b.TargetId === target && b.Filter === 'RESOURCE_CONTROL_POLICY',
        200,
        { Policies: [] },
      );
    }
    // Each policy's document is read once, however many levels attach it.
    call('DescribePolicy', (b) => b.PolicyId === 'p-FullAWSAccess', 200, {
      Policy: {
        PolicySummary: summary('p-FullAWSAccess', 'FullAWSAccess'),
        Content: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
        }),
      },
    });
    call('DescribePolicy', (b) => b.PolicyId === 'p-denyiam', 200, {
      Policy: {
        PolicySummary: summary('p-denyiam', 'DenyIam'),
        Content: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: 'NoIam', Effect: 'Deny', Action: 'iam:*', Resource: '*' }],
        }),
      },
    });
    const ctx = recordingContext();
    const limits = await organizationLimits(
      clientConfig,
      awsConfig({ organizationPolicies: true }),
      ACCOUNT,
      ctx,
    );
    expect(nock.isDone()).toBe(true);
    expect(ctx.gaps).toEqual([]);
    expect(limits.scps?.map((l) => [l.name, l.policies.map((p) => p.prefix)])).toEqual([
      [ROOT, [`scp:${ROOT}/FullAWSAccess`]],
      [OU, [`scp:${OU}/FullAWSAccess`, `scp:${OU}/DenyIam`]],
      [ACCOUNT, [`scp:${ACCOUNT}/FullAWSAccess`]],
    ]);
    expect(limits.rcps).toEqual([]);
    expect(limits.notes).toEqual(['RCPs not enabled in the organization']);
    const admin = computePrivilege(
      [{ prefix: 'user-inline:p', document: { Statement: { Effect: 'Allow', Action: '*', Resource: '*' } } }],
      limits,
    );
    expect(admin.level).toBe('write');
    expect(admin.reasons.join('\n')).toContain(`denied by scp:${OU}/DenyIam#0 (Sid NoIam)`);
  });

  it('a denied call is a gap and a note that SCPs were not applied, never "no SCPs"', async () => {
    describeOrg('999999999999');
    call('ListParents', () => true, 400, {
      __type: 'AccessDeniedException',
      Message: "You don't have permissions to access this resource.",
    });
    const ctx = recordingContext();
    const limits = await organizationLimits(
      clientConfig,
      awsConfig({ organizationPolicies: true }),
      ACCOUNT,
      ctx,
    );
    expect(ctx.gaps).toEqual([
      expect.objectContaining({
        code: 'access_denied',
        call: 'organizations:ListParents',
        permission: 'organizations:ListParents',
        resource: ACCOUNT,
      }),
    ]);
    expect(limits.scps).toBeUndefined();
    expect(ctx.notes).toContainEqual(
      expect.stringMatching(/^SCPs and RCPs not applied: organizations:ListParents could not be read/),
    );
    expect(limits.notes).toEqual(ctx.notes.filter((n) => n.startsWith('SCPs and RCPs not applied')));
  });

  it('the management account and standalone accounts have no SCPs, and say so', async () => {
    describeOrg(ACCOUNT);
    expect(
      (
        await organizationLimits(
          clientConfig,
          awsConfig({ organizationPolicies: true }),
          ACCOUNT,
          recordingContext(),
        )
      ).notes,
    ).toEqual(['management account of its organization: SCPs and RCPs do not apply to it']);
    call('DescribeOrganization', () => true, 400, {
      __type: 'AWSOrganizationsNotInUseException',
      Message: 'Your account is not a member of an organization.',
    });
    const ctx = recordingContext();
    expect(
      (await organizationLimits(clientConfig, awsConfig({ organizationPolicies: true }), ACCOUNT, ctx)).notes,
    ).toEqual(['the account is not in an AWS organization: no SCPs or RCPs apply']);
    expect(ctx.gaps).toEqual([]);
  });

  it('makes no call when organizationPolicies is off', async () => {
    const limits = await organizationLimits(clientConfig, awsConfig(), ACCOUNT, recordingContext());
    expect(limits.notes).toEqual([
      'SCPs and RCPs not applied: organizationPolicies is off in the AWS config',
    ]);
  });
});
