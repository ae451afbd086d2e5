// `nhiscan doctor` and a scan against a real moto_server that enforces IAM: moto skips
// authorisation for its first INITIAL_NO_AUTH_ACTION_COUNT actions (the admin seeding below: create
// a user, give it an inline policy, create its key) and checks every later request against the
// signer's policies. The scanner's policy lacks iam:ListSSHPublicKeys and
// iam:GenerateCredentialReport, and iam:SimulatePrincipalPolicy (which moto does not implement),
// so doctor must fall back to probing each call and name exactly what is missing; the scan with the
// same keys must record the matching gaps.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { awsPermissions } from '../../connectors/aws/permissions.js';
import { systemClock } from '../../src/clock.js';
import { scanCommand } from '../../src/commands.js';
import { loadConfig } from '../../src/config.js';
import { type DoctorOutcome, renderDoctor, runDoctor } from '../../src/doctor.js';
import { EXIT } from '../../src/exit-codes.js';
import { silentLogger } from '../../src/log.js';
import type { ScanResult } from '../../src/model.js';
import { builtins } from '../../src/registry.js';
import { MOTO_CREDENTIALS, MOTO_PRESENT, MOTO_REQUIRED, type Moto, startMoto, stubAwsEnv } from './moto.js';

if (!MOTO_PRESENT && !MOTO_REQUIRED) {
  console.warn(
    'aws-doctor-moto: moto_server is not on PATH, skipping (pip install "moto[server]"; set NHISCAN_REQUIRE_MOTO=1 to make this a failure)',
  );
}

const WITHHELD = ['iam:ListSSHPublicKeys', 'iam:GenerateCredentialReport', 'iam:SimulatePrincipalPolicy'];
const SCANNER = 'nhiscan-scanner';

describe.skipIf(!MOTO_PRESENT && !MOTO_REQUIRED)(
  'AWS doctor and scan against an under-privileged moto',
  () => {
    let moto: Moto | undefined;
    let dir = '';
    let outcome: DoctorOutcome;
    let scan: { exitCode: number; result: ScanResult };

    beforeAll(async () => {
      // Exactly the three seeding actions run unauthenticated; every later request is checked.
      moto = await startMoto({ INITIAL_NO_AUTH_ACTION_COUNT: '3' });
      const admin = new IAMClient({
        endpoint: moto.endpoint,
        region: 'us-east-1',
        credentials: MOTO_CREDENTIALS,
      });
      await admin.send(new CreateUserCommand({ UserName: SCANNER }));
      const allowed = awsPermissions.entries
        .map((e) => e.permission)
        .filter((p) => !WITHHELD.includes(p))
        // AWS allows it to every caller; moto's policy check does not know that.
        .concat(['sts:GetCallerIdentity']);
      await admin.send(
        new PutUserPolicyCommand({
          UserName: SCANNER,
          PolicyName: 'nhiscan-read-most',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: allowed, Resource: '*' }],
          }),
        }),
      );
      const { AccessKey } = await admin.send(new CreateAccessKeyCommand({ UserName: SCANNER }));
      admin.destroy();

      dir = mkdtempSync(join(tmpdir(), 'nhiscan-doctor-moto-'));
      const config = join(dir, 'nhiscan.config.yaml');
      writeFileSync(
        config,
        [
          'providers:',
          '  aws:',
          // moto 5.2.1 does not implement the service last accessed calls.
          '    serviceLastAccessed: { enabled: false }',
          // Every user's SSH keys, so the scan calls ListSSHPublicKeys (for the scanner itself).
          '    sshPublicKeys: true',
          '    targets:',
          '      - type: default',
          '',
        ].join('\n'),
      );
      stubAwsEnv(moto.endpoint, dir);
      vi.stubEnv('AWS_ACCESS_KEY_ID', AccessKey!.AccessKeyId);
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', AccessKey!.SecretAccessKey);
      // An action moto lacks answers 500; one attempt keeps the suite quick.
      vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
      outcome = await runDoctor({
        config: await loadConfig(config, builtins),
        clock: systemClock(),
        log: silentLogger,
      });
      scan = await scanCommand({
        config,
        out: join(dir, 'out'),
        failOn: 'none',
        log: silentLogger,
        print: () => undefined,
      });
    }, 120_000);

    afterAll(() => {
      vi.unstubAllEnvs();
      moto?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('doctor probes each call, names the missing permissions and exits 3', () => {
      expect(outcome.exitCode).toBe(EXIT.incomplete);
      const [target] = outcome.targets;
      expect(target?.status).toBe('missing');
      expect(target?.principal).toBe(`arn:aws:iam::123456789012:user/${SCANNER}`);
      expect(target?.method).toContain('probed');
      const status = Object.fromEntries(target!.checks.map((c) => [c.permission, c.status]));
      expect(
        target!.checks
          .filter((c) => c.status === 'missing')
          .map((c) => c.permission)
          .sort(),
      ).toEqual([...WITHHELD].sort());
      // Allowed calls are granted on evidence: an answer, or ReportNotPresent (no report generated).
      for (const p of [
        'iam:GetAccountAuthorizationDetails',
        'iam:GetCredentialReport',
        'iam:ListAccessKeys',
        'iam:GetUser',
        'iam:GetAccessKeyLastUsed',
        'iam:GetLoginProfile',
        'iam:ListSigningCertificates',
      ])
        expect(status[p], JSON.stringify(target!.checks.find((c) => c.permission === p))).toBe('granted');
      expect(status['iam:GetServiceLastAccessedDetails']).toBe('not-needed');
      expect(status['sts:AssumeRole']).toBe('not-needed');
      const text = renderDoctor(outcome);
      expect(text).toContain('MISSING iam:ListSSHPublicKeys: without it, not seen: CodeCommit SSH key ids');
      expect(text).toContain('MISSING iam:GenerateCredentialReport');
    });

    it('a scan with the same keys records the matching gaps and exits 3', () => {
      expect(scan.exitCode).toBe(EXIT.incomplete);
      const [coverage] = scan.result.coverage;
      expect(coverage?.status).toBe('partial');
      const denied = new Set(
        coverage!.gaps.filter((g) => g.code === 'access_denied').map((g) => g.permission),
      );
      expect([...denied].sort()).toEqual(['iam:GenerateCredentialReport', 'iam:ListSSHPublicKeys']);
    });
  },
);
