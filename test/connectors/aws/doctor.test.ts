// `nhiscan doctor` for AWS through the real SDK clients, nock answering GetCallerIdentity and
// iam:SimulatePrincipalPolicy in the awsQuery XML the SDK parses (EvaluationResults/member with
// EvalActionName and EvalDecision allowed | implicitDeny | explicitDeny). moto_server does not
// implement SimulatePrincipalPolicy; the probe fallback is tested against it in
// test/integration/aws-doctor-moto.test.ts.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsConnector } from '../../../connectors/aws/index.js';
import { policySourceArn } from '../../../connectors/aws/doctor.js';
import { awsPermissions } from '../../../connectors/aws/permissions.js';
import { IAM, STS, awsConfig, fixture, recordingContext, reply, useTestEnvironment } from './harness.js';

const XML = { 'content-type': 'text/xml' };
const connector = createAwsConnector({ clientSettings: { maxAttempts: 1 } });
const config = awsConfig();
const target = connector.targets(config)[0]!;
const checked = awsPermissions.entries.filter((e) => !e.implicit);

/** The form's ActionNames.member.N, in order. */
const actionNames = (body: Record<string, string>): string[] =>
  Object.keys(body)
    .filter((k) => k.startsWith('ActionNames.member.'))
    .sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]))
    .map((k) => body[k]!);

const simulateReply = (denied: Record<string, string>): nock.Scope => {
  let asked: string[] = [];
  return nock(IAM)
    .post('/', (body: Record<string, string>) => {
      if (body.Action !== 'SimulatePrincipalPolicy') return false;
      if (body.PolicySourceArn !== 'arn:aws:iam::123456789012:user/nhiscan') return false;
      asked = actionNames(body);
      return true;
    })
    .reply(
      200,
      () => `<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <SimulatePrincipalPolicyResult>
    <IsTruncated>false</IsTruncated>
    <EvaluationResults>
${asked
  .map(
    (a) => `      <member>
        <MatchedStatements/>
        <MissingContextValues/>
        <EvalResourceName>*</EvalResourceName>
        <EvalDecision>${denied[a] ?? 'allowed'}</EvalDecision>
        <EvalActionName>${a}</EvalActionName>
      </member>`,
  )
  .join('\n')}
    </EvaluationResults>
  </SimulatePrincipalPolicyResult>
  <ResponseMetadata>
    <RequestId>31a1b2c3-4d5e-11ef-9c1a-0242ac120031</RequestId>
  </ResponseMetadata>
</SimulatePrincipalPolicyResponse>`,
      XML,
    );
};

beforeEach(() => {
  useTestEnvironment();
  nock.disableNetConnect();
  reply({ host: STS, action: 'GetCallerIdentity', fixture: 'sts-get-caller-identity.xml' });
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  vi.unstubAllEnvs();
});

describe('AWS doctor', () => {
  it('reports every permission granted when the simulation allows all', async () => {
    const scope = simulateReply({});
    const report = await connector.doctor!(target, config, recordingContext());
    expect(scope.isDone()).toBe(true);
    expect(report.principal).toBe('arn:aws:iam::123456789012:user/nhiscan');
    expect(report.checks.map((c) => c.permission)).toEqual(checked.map((e) => e.permission));
    expect(report.checks.every((c) => c.status === 'granted')).toBe(true);
  });

  it('names each denied action with the coverage it costs', async () => {
    simulateReply({ 'iam:ListAccessKeys': 'implicitDeny', 'iam:GetCredentialReport': 'explicitDeny' });
    const report = await connector.doctor!(target, config, recordingContext());
    const missing = report.checks.filter((c) => c.status !== 'granted');
    expect(missing).toEqual([
      {
        permission: 'iam:GetCredentialReport',
        status: 'missing',
        reads: checked.find((e) => e.permission === 'iam:GetCredentialReport')!.reads,
        required: false,
        detail: 'explicitDeny',
      },
      {
        permission: 'iam:ListAccessKeys',
        status: 'missing',
        reads: 'access key ids of a user',
        required: true,
        detail: 'implicitDeny',
      },
    ]);
  });

  it('probes each call when the simulation is denied: the simulation MISSING, nothing granted without an answer', async () => {
    nock(IAM)
      .post('/', (body: Record<string, string>) => body.Action === 'SimulatePrincipalPolicy')
      .reply(
        403,
        fixture('error-access-denied-list-access-keys.xml').replaceAll(
          'ListAccessKeys',
          'SimulatePrincipalPolicy',
        ),
        XML,
      );
    // No other call is answered (nock refuses them): every probe is without evidence.
    const report = await connector.doctor!(target, config, recordingContext());
    expect(report.checks.length).toBe(checked.length);
    expect(report.method).toContain('probed: iam:SimulatePrincipalPolicy was refused');
    const simulate = report.checks.find((c) => c.permission === 'iam:SimulatePrincipalPolicy');
    expect(simulate?.status).toBe('missing');
    expect(report.checks.some((c) => c.status === 'granted')).toBe(false);
    expect(report.checks.filter((c) => c.status === 'missing').map((c) => c.permission)).toEqual([
      'iam:SimulatePrincipalPolicy',
    ]);
  });
});

describe('policySourceArn', () => {
  it('turns an assumed-role session into its role and leaves users as they are', () => {
    expect(policySourceArn('arn:aws:sts::123456789012:assumed-role/Scanner/nhiscan-1')).toBe(
      'arn:aws:iam::123456789012:role/Scanner',
    );
    expect(policySourceArn('arn:aws:iam::123456789012:user/ci/nhiscan')).toBe(
      'arn:aws:iam::123456789012:user/ci/nhiscan',
    );
    expect(policySourceArn('arn:aws:iam::123456789012:root')).toBeUndefined();
  });
});
