import { describe, expect, it } from 'vitest';
import { excessPrivilege } from '../../policies/excess-privilege.js';
import { ESCALATION_SETS } from '../../policies/lib/aws-escalation.js';
import { describeGrant } from '../../connectors/aws/iam-actions.js';
import type { Grant, Identity } from '../../src/model.js';
import { awsRole, awsUser, gcpServiceAccount, grant } from './identity-builder.js';
import { appInstallation, patGrant } from './github-identities.js';
import { evaluate, runCases } from './run-cases.js';

const withGrants = (name: string, grants: Grant[], extra: Partial<Identity> = {}) =>
  awsUser(name, { privilege: { level: 'write', grants, reasons: [], attached: [] }, ...extra });

const passRoleEc2 = grant(['iam:PassRole', 'ec2:RunInstances'], '*', {
  source: 'managed:arn:aws:iam::111122223333:policy/deploy#0',
  sid: 'Launch',
});
const adminPolicy = 'arn:aws:iam::aws:policy/AdministratorAccess';
const adminGrant = grant('*', '*', { source: `managed:${adminPolicy}#0` });

runCases(excessPrivilege, {
  valid: [
    {
      name: 'no admin seen, but some policies were not read: unknown, not a pass',
      identity: awsUser('policies-unread', { unknownFacts: ['privilege'] }),
      status: 'unknown',
    },
    {
      name: 'a Google service account whose privilege was not read in full: unknown',
      identity: gcpServiceAccount('partly-read', { unknownFacts: ['privilege'] }),
      status: 'unknown',
    },
    { name: 'no grants', identity: awsUser('nothing') },
    {
      name: 'read-only and scoped write grants',
      identity: withGrants('scoped', [
        grant(['s3:GetObject', 's3:PutObject'], 'arn:aws:s3:::artifacts/*'),
        grant('ec2:Describe*'),
      ]),
    },
    {
      name: 'service wildcard on a specific resource',
      identity: withGrants('bucket-admin', [
        grant('s3:*', ['arn:aws:s3:::artifacts', 'arn:aws:s3:::artifacts/*']),
      ]),
    },
    {
      name: 'iam:PassRole scoped to one role, ec2:RunInstances on *',
      identity: withGrants('scoped-pass', [
        grant('iam:PassRole', 'arn:aws:iam::111122223333:role/app-instance'),
        grant('ec2:RunInstances'),
      ]),
    },
    {
      name: 'iam:PassRole on the roles under one path only, ec2:RunInstances on *',
      identity: withGrants('path-pass', [
        grant('iam:PassRole', 'arn:aws:iam::111122223333:role/app/*'),
        grant('ec2:RunInstances'),
      ]),
    },
    {
      name: 'iam:PassRole and ec2:RunInstances both on all roles: no instance can be launched',
      identity: withGrants('roles-only', [
        grant(['iam:PassRole', 'ec2:RunInstances'], 'arn:aws:iam::111122223333:role/*'),
      ]),
    },
    {
      name: 'service wildcard on one bucket and its objects, written as an ARN wildcard',
      identity: withGrants('one-bucket', [grant('s3:*', 'arn:aws:s3:::reports*/*')]),
    },
    {
      name: "service wildcard on another service's ARN",
      identity: withGrants('wrong-service', [grant('sqs:*', 'arn:aws:s3:::*')]),
    },
    {
      name: 'iam:PassRole on all roles removed by a Deny on all roles',
      identity: withGrants('denied-roles', [
        grant('iam:PassRole'),
        grant('ec2:RunInstances'),
        grant('iam:PassRole', 'arn:aws:iam::*:role/*', { effect: 'Deny', source: 'user-inline:guard#0' }),
      ]),
    },
    {
      name: 'half an escalation set (PassRole without a compute action)',
      identity: withGrants('half', [grant('iam:PassRole')]),
    },
    {
      name: 'escalation action removed by an unconditional Deny',
      identity: withGrants('denied', [
        grant('iam:CreatePolicyVersion'),
        grant('iam:CreatePolicyVersion', '*', { effect: 'Deny', source: 'user-inline:guard#0' }),
      ]),
    },
    {
      name: 'service wildcard removed by an unconditional Deny',
      identity: withGrants('denied-wild', [grant('sqs:*'), grant('sqs:*', '*', { effect: 'Deny' })]),
    },
    {
      name: 'provider-managed role with admin (skipped by default)',
      identity: awsRole('AWSServiceRoleForOrganizations', {
        managedBy: 'provider',
        privilege: { level: 'admin', grants: [adminGrant], reasons: ['x'], attached: [adminPolicy] },
      }),
    },
    {
      name: 'escalation set ignored through ignoreActions',
      identity: withGrants('ignored', [passRoleEc2]),
      options: { ignoreActions: ['ec2:RunInstances'] },
    },
    {
      name: 'service wildcard ignored through ignoreActions',
      identity: withGrants('ignored-wild', [grant('cloudwatch:*')]),
      options: { ignoreActions: ['cloudwatch:*'] },
    },
    {
      name: 'wildcard and escalation checks switched off',
      identity: withGrants('off', [grant('sqs:*'), passRoleEc2]),
      options: { serviceWildcards: false, escalation: false },
    },
    {
      name: 'non-AWS identity: IAM grammar checks do not apply',
      identity: gcpServiceAccount('sa-write', {
        privilege: {
          level: 'write',
          grants: [grant('iam:PassRole'), grant('ec2:RunInstances')],
          reasons: [],
          attached: [],
        },
      }),
    },
  ],
  invalid: [
    {
      name: 'AdministratorAccess attached: admin, critical',
      identity: awsRole('deploy-admin', {
        privilege: {
          level: 'admin',
          grants: [adminGrant],
          reasons: [describeGrant(adminGrant)],
          attached: [adminPolicy, 'arn:aws:iam::111122223333:policy/other'],
        },
      }),
      expect: [
        {
          key: 'admin',
          severity: 'critical',
          evidence: { level: 'admin', reasons: [describeGrant(adminGrant)], adminPolicies: [adminPolicy] },
        },
      ],
    },
    {
      name: 'admin also flags nothing else (no wildcard or escalation noise)',
      identity: withGrants('inline-admin', [grant('*'), grant('s3:*')], {
        privilege: {
          level: 'admin',
          grants: [grant('*'), grant('s3:*')],
          reasons: ['user-inline:all#0'],
          attached: [],
          boundary: 'arn:aws:iam::111122223333:policy/boundary',
        },
      }),
      expect: [
        {
          key: 'admin',
          severity: 'critical',
          evidence: {
            adminPolicies: [],
            reasons: ['user-inline:all#0'],
            permissionsBoundary: 'arn:aws:iam::111122223333:policy/boundary',
          },
        },
      ],
    },
    {
      name: 'admin on a non-AWS provider (GCP owner role)',
      identity: gcpServiceAccount('sa-owner', {
        privilege: {
          level: 'admin',
          grants: [],
          reasons: ['roles/owner on project acme-prod'],
          attached: ['roles/owner'],
        },
      }),
      expect: [{ key: 'admin', severity: 'critical', evidence: { adminPolicies: ['roles/owner'] } }],
    },
    {
      name: 'provider-managed admin when includeProviderManaged',
      identity: awsRole('AWSServiceRoleForX', {
        managedBy: 'provider',
        privilege: { level: 'admin', grants: [adminGrant], reasons: ['x'], attached: [adminPolicy] },
      }),
      options: { includeProviderManaged: true },
      expect: [{ key: 'admin', severity: 'critical' }],
    },
    {
      name: 'service wildcards on *',
      identity: withGrants('wild', [
        grant(['s3:*', 'dynamodb:*'], '*', { sid: 'Data' }),
        grant('s3:GetObject'),
      ]),
      expect: [
        {
          key: 'service-wildcard',
          evidence: {
            services: ['dynamodb', 's3'],
            wildcards: [
              {
                action: 's3:*',
                statement: describeGrant(grant(['s3:*', 'dynamodb:*'], '*', { sid: 'Data' })),
              },
              {
                action: 'dynamodb:*',
                statement: describeGrant(grant(['s3:*', 'dynamodb:*'], '*', { sid: 'Data' })),
              },
            ],
          },
        },
      ],
    },
    {
      name: 'iam:PassRole on every role of the account (role/*) + ec2:RunInstances on *',
      identity: withGrants('pass-any-role', [
        grant('iam:PassRole', 'arn:aws:iam::111122223333:role/*', { source: 'user-inline:deploy#0' }),
        grant(['ec2:RunInstances', 'ec2:Describe*'], '*', { source: 'user-inline:deploy#1' }),
      ]),
      expect: [{ key: 'escalation', evidence: { setIds: ['CreateEC2WithExistingIP'] } }],
    },
    {
      name: 'service wildcards on every resource of the service ("arn:aws:s3:::*", GovCloud "function:*")',
      identity: withGrants('arn-wild', [
        grant('s3:*', 'arn:aws:s3:::*'),
        grant('lambda:*', 'arn:aws-us-gov:lambda:*:111122223333:function:*'),
      ]),
      expect: [{ key: 'service-wildcard', evidence: { services: ['lambda', 's3'] } }, { key: 'escalation' }],
    },
    {
      name: 'iam:PassRole + ec2:RunInstances on *',
      identity: withGrants('pass-ec2', [passRoleEc2]),
      expect: [
        {
          key: 'escalation',
          evidence: {
            setIds: ['CreateEC2WithExistingIP'],
            sets: [
              {
                id: 'CreateEC2WithExistingIP',
                actions: ['iam:PassRole', 'ec2:RunInstances'],
                grants: [
                  { action: 'iam:PassRole', statement: describeGrant(passRoleEc2) },
                  { action: 'ec2:RunInstances', statement: describeGrant(passRoleEc2) },
                ],
              },
            ],
          },
        },
      ],
    },
    {
      name: 'actions split across statements and wildcards (iam:Pass*, lambda:*)',
      identity: withGrants('lambda-path', [
        grant('iam:Pass*', '*', { source: 'group-inline:ops/pass#0' }),
        grant('lambda:*', '*', { source: 'user-inline:lambda#1' }),
      ]),
      expect: [
        { key: 'service-wildcard', evidence: { services: ['lambda'] } },
        {
          key: 'escalation',
          evidence: {
            setIds: [
              'PassExistingRoleToNewLambdaThenInvoke',
              'PassExistingRoleToNewLambdaThenInvokeCrossAccount',
              'PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo',
              'EditExistingLambdaFunctionWithRole',
              'AddExistingLambdaLayerToLambdaFunctionWithRole',
            ],
          },
        },
      ],
    },
    {
      name: 'single-action IAM paths',
      identity: withGrants('iam-writer', [
        grant([
          'iam:CreatePolicyVersion',
          'iam:AttachUserPolicy',
          'iam:PutRolePolicy',
          'iam:UpdateAssumeRolePolicy',
          'iam:CreateAccessKey',
        ]),
      ]),
      expect: [
        {
          key: 'escalation',
          evidence: {
            setIds: [
              'CreateNewPolicyVersion',
              'AttachUserPolicy',
              'PutRolePolicy',
              'CreateAccessKey',
              'UpdateRolePolicyToAssumeIt',
            ],
          },
        },
      ],
    },
    {
      name: 'Allow NotAction on * grants escalation actions (not admin when conditioned)',
      identity: withGrants('notaction', [grant(['s3:*'], '*', { notAction: true, conditional: true })]),
      expect: [
        {
          key: 'escalation',
          evidence: { setIds: expect.arrayContaining(['CreateNewPolicyVersion', 'SSMSendCommand']) },
        },
      ],
    },
    {
      name: 'ssm:SendCommand on *',
      identity: withGrants('ssm', [grant('ssm:SendCommand')]),
      expect: [{ key: 'escalation', evidence: { setIds: ['SSMSendCommand'] } }],
    },
    {
      name: 'ignoreActions leaves other sets in place',
      identity: withGrants('partly-ignored', [grant(['iam:CreateAccessKey', 'iam:CreateLoginProfile'])]),
      options: { ignoreActions: ['iam:CreateAccess*'] },
      expect: [{ key: 'escalation', evidence: { setIds: ['CreateLoginProfile'] } }],
    },
  ],
});

describe('excess-privilege: escalation table', () => {
  it('has unique ids and well-formed actions', () => {
    expect(new Set(ESCALATION_SETS.map((s) => s.id)).size).toBe(ESCALATION_SETS.length);
    for (const set of ESCALATION_SETS) {
      expect(set.actions.length).toBeGreaterThan(0);
      for (const a of set.actions) expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
    }
  });

  it('covers the Rhino Security Labs methods', () => {
    const ids = ESCALATION_SETS.map((s) => s.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'CreateNewPolicyVersion',
        'SetExistingDefaultPolicyVersion',
        'CreateEC2WithExistingIP',
        'CreateAccessKey',
        'CreateLoginProfile',
        'UpdateLoginProfile',
        'AttachUserPolicy',
        'AttachGroupPolicy',
        'AttachRolePolicy',
        'PutUserPolicy',
        'PutGroupPolicy',
        'PutRolePolicy',
        'AddUserToGroup',
        'UpdateRolePolicyToAssumeIt',
        'PassExistingRoleToNewLambdaThenInvoke',
        'PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo',
        'EditExistingLambdaFunctionWithRole',
        'PassExistingRoleToNewGlueDevEndpoint',
        'UpdateExistingGlueDevEndpoint',
        'PassExistingRoleToCloudFormation',
        'PassExistingRoleToNewDataPipeline',
        'PassRoleToNewSageMakerJupyterNotebook',
        'AccessExistingSageMakerJupyterNotebook',
        'PassExistingRoleToNewCodeStarProject',
      ]),
    );
  });

  it('each set fires on exactly its own actions granted on *, and not when one is missing', () => {
    for (const set of ESCALATION_SETS) {
      const full = evaluate(excessPrivilege, withGrants(`set-${set.id}`, [grant([...set.actions])]));
      const ids = (full.find((f) => f.evidence.setIds)?.evidence.setIds ?? []) as string[];
      expect(ids, set.id).toContain(set.id);
      if (set.actions.length > 1) {
        const partial = evaluate(
          excessPrivilege,
          withGrants(`partial-${set.id}`, [grant(set.actions.slice(1))]),
        );
        const partialIds = (partial.find((f) => f.evidence.setIds)?.evidence.setIds ?? []) as string[];
        expect(partialIds, set.id).not.toContain(set.id);
      }
    }
  });
});

describe('excess-privilege: change management', () => {
  it('adds CC8.1 when the admin identity can push code or change workflows (GitHub)', () => {
    const app = appInstallation('deploy-bot-pro', { administration: 'write', contents: 'write' });
    expect(app.privilege.level).toBe('admin');
    const [finding] = evaluate(excessPrivilege, app);
    expect(finding?.controls.filter((c) => c.framework === 'SOC2').map((c) => c.id)).toEqual([
      'CC6.3',
      'CC8.1',
    ]);
    const [aws] = evaluate(excessPrivilege, awsUser('admin-bot', { privilege: { level: 'admin' } }));
    expect(aws?.controls.filter((c) => c.framework === 'SOC2').map((c) => c.id)).toEqual(['CC6.3']);
  });
});

describe('excess-privilege: GitHub effective reach', () => {
  const orgAdminPat = (login: string) =>
    patGrant({
      owner: { login },
      repository_selection: 'all',
      permissions: { organization: { organization_administration: 'write' } },
    });

  it('a fine-grained token with org administration of a member: not admin (it cannot exceed its owner)', () => {
    const pat = orgAdminPat('hubot');
    expect(pat.privilege.level).toBe('write');
    expect(evaluate(excessPrivilege, pat)).toEqual([]);
  });

  it('the same token of an org owner is admin, with its reach in the evidence', () => {
    const [finding] = evaluate(excessPrivilege, orgAdminPat('octocat'));
    expect(finding).toMatchObject({
      severity: 'critical',
      evidence: {
        level: 'admin',
        reach: {
          rank: 'org-admin',
          permissions: [
            { permission: 'organization_administration:write', rank: 'org-admin', on: 'organization' },
          ],
        },
      },
    });
  });

  it('an installation on selected repositories names them in the evidence', () => {
    const app = appInstallation('deploy-bot', { administration: 'write' }, { selection: 'selected' });
    const [finding] = evaluate(excessPrivilege, app);
    expect(finding?.evidence.reach).toMatchObject({
      rank: 'repo-admin',
      permissions: [{ permission: 'administration:write', on: 'selected (not listed)' }],
    });
  });
});

describe('excess-privilege: identities switched off', () => {
  it('reports admin on a suspended App installation or a disabled account at medium, saying so', () => {
    const suspended = appInstallation('paused-bot', { administration: 'write' }, { suspended: true });
    const [finding] = evaluate(excessPrivilege, suspended);
    expect(finding).toMatchObject({ severity: 'medium', evidence: { switchedOff: true } });
    const [live] = evaluate(excessPrivilege, appInstallation('live-bot', { administration: 'write' }));
    expect(live?.severity).toBe('critical');
  });
});

describe('excess-privilege: Google Cloud admin roles', () => {
  it.each([
    ['roles/owner', 'critical', undefined],
    ['roles/resourcemanager.projectIamAdmin', 'critical', undefined],
    ['roles/iam.serviceAccountKeyAdmin', 'critical', undefined],
    ['roles/storage.admin', 'high', 'service'],
    ['roles/compute.instanceAdmin.v1', 'high', 'service'],
  ])('%s → %s', (role, severity, scope) => {
    const sa = gcpServiceAccount('ops', {
      privilege: { level: 'admin', attached: [role], reasons: [`${role} on projects/acme-prod`] },
    });
    const [finding] = evaluate(excessPrivilege, sa);
    expect(finding?.severity).toBe(severity);
    expect(finding?.evidence.adminScope).toBe(scope);
  });
});
