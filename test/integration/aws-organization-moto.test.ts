// An AWS Organization of several accounts in a real moto_server, scanned from the management
// account with one `type: organization` target entry: the OU tree is listed, a suspended and an
// excluded account are skipped, each member is reached by sts:AssumeRole (moto serves each
// account's IAM to the credentials assumed into it), the SCPs on each member's OU path limit its
// privilege, and trust in another account of the organisation is not external.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  AttachPolicyCommand,
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationCommand,
  CreateOrganizationalUnitCommand,
  CreatePolicyCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
  TagResourceCommand,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { scanCommand } from '../../src/commands.js';
import { silentLogger } from '../../src/log.js';
import { MOTO_CREDENTIALS, MOTO_PRESENT, MOTO_REQUIRED, type Moto, startMoto, stubAwsEnv } from './moto.js';
import type { ScanResult } from '../../src/model.js';

const MANAGEMENT = '123456789012';
const OUTSIDE = '999999999999';
const ROLE = 'OrganizationAccountAccessRole';
const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const trusting = (account: string): string =>
  doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' });

interface Estate {
  prod: string;
  dev: string;
  excluded: string;
  suspended: string;
  prodOu: string;
}

/** The organisation, its OUs and an SCP, and a few identities in each member, through the SDK. */
const seed = async (endpoint: string): Promise<Estate> => {
  const client = { endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS };
  const org = new OrganizationsClient(client);
  const sts = new STSClient(client);
  const account = async (name: string): Promise<string> =>
    (await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` })))
      .CreateAccountStatus!.AccountId!;
  const iamIn = async (id: string): Promise<IAMClient> => {
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${id}:role/${ROLE}`, RoleSessionName: 'seed' }),
    );
    return new IAMClient({
      ...client,
      credentials: {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken!,
      },
    });
  };
  try {
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const rootId = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!;
    const prodOu = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'prod' })))
      .OrganizationalUnit!.Id!;
    const prod = await account('prod');
    const dev = await account('dev');
    const excluded = await account('sandbox');
    const suspended = await account('closed');
    await org.send(
      new MoveAccountCommand({ AccountId: prod, SourceParentId: rootId, DestinationParentId: prodOu }),
    );
    await org.send(
      new TagResourceCommand({ ResourceId: excluded, Tags: [{ Key: 'nhiscan', Value: 'skip' }] }),
    );
    await org.send(new CloseAccountCommand({ AccountId: suspended }));
    // An SCP on the prod OU: no IAM writes there.
    await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
    const scp = await org.send(
      new CreatePolicyCommand({
        Name: 'no-iam-writes',
        Description: 'deny IAM writes',
        Type: 'SERVICE_CONTROL_POLICY',
        Content: doc({ Effect: 'Deny', Action: 'iam:*', Resource: '*' }),
      }),
    );
    await org.send(new AttachPolicyCommand({ PolicyId: scp.Policy!.PolicySummary!.Id!, TargetId: prodOu }));

    for (const [id, iam] of [
      [prod, await iamIn(prod)],
      [dev, await iamIn(dev)],
      [MANAGEMENT, new IAMClient(client)],
    ] as const) {
      await iam.send(
        new CreateUserCommand({ UserName: `deploy-bot-${id}`, Tags: [{ Key: 'owner', Value: 'a@b.c' }] }),
      );
      await iam.send(new CreateAccessKeyCommand({ UserName: `deploy-bot-${id}` }));
      await iam.send(
        new PutUserPolicyCommand({
          UserName: `deploy-bot-${id}`,
          PolicyName: 'everything',
          PolicyDocument: doc({ Effect: 'Allow', Action: '*', Resource: '*' }),
        }),
      );
      iam.destroy();
    }
    const prodIam = await iamIn(prod);
    await prodIam.send(
      new CreateRoleCommand({ RoleName: 'from-dev', AssumeRolePolicyDocument: trusting(dev) }),
    );
    await prodIam.send(
      new CreateRoleCommand({ RoleName: 'from-outside', AssumeRolePolicyDocument: trusting(OUTSIDE) }),
    );
    prodIam.destroy();
    return { prod, dev, excluded, suspended, prodOu };
  } finally {
    org.destroy();
    sts.destroy();
  }
};

describe.skipIf(!MOTO_PRESENT && !MOTO_REQUIRED)(
  'an AWS Organization in moto_server, one target entry',
  () => {
    let moto: Moto | undefined;
    let dir = '';
    let estate: Estate;
    let result: ScanResult;

    const writeConfig = (name: string, target: string[]): string => {
      const path = join(dir, name);
      writeFileSync(
        path,
        [
          'providers:',
          '  aws:',
          // moto 5.2.1 does not implement the service last accessed calls (its own suite uses nock).
          '    serviceLastAccessed: { enabled: false }',
          '    targets:',
          ...target,
          '',
        ].join('\n'),
      );
      return path;
    };

    beforeAll(async () => {
      moto = await startMoto();
      const endpoint = moto.endpoint;
      estate = await seed(endpoint);
      dir = mkdtempSync(join(tmpdir(), 'nhiscan-org-moto-'));
      stubAwsEnv(endpoint, dir);
      const config = writeConfig('nhiscan.config.yaml', [
        '      - type: organization',
        `        roleName: ${ROLE}`,
        '        exclude:',
        '          tags: { nhiscan: skip }',
      ]);
      ({ result } = await scanCommand({
        config,
        out: join(dir, 'out'),
        log: silentLogger,
        print: () => undefined,
      }));
    }, 180_000);

    afterAll(() => {
      vi.unstubAllEnvs();
      moto?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('lists the organisation once and scans each active, included account as a target of its own, in account order', () => {
      const [listing, ...accounts] = result.coverage;
      expect(listing).toMatchObject({ target: 'aws:organization', status: 'complete', gaps: [] });
      expect(listing?.scope).toMatch(/^o-/);
      expect(listing?.notes).toContain(
        `accounts not scanned: ${[`${estate.excluded} (excluded)`, `${estate.suspended} (SUSPENDED)`]
          .sort()
          .join(', ')}`,
      );
      const expected = [MANAGEMENT, estate.prod, estate.dev].sort();
      expect(accounts.map((c) => c.target)).toEqual(expected.map((id) => `aws:account/${id}`));
      expect(accounts.map((c) => c.scope)).toEqual(expected);
      for (const c of accounts) expect(c.status).toBe('complete');
      // Members through the role; the management account with the credentials that listed it.
      const principal = (id: string): string | undefined => accounts.find((c) => c.scope === id)?.principal;
      expect(principal(estate.prod)).toBe(`arn:aws:sts::${estate.prod}:assumed-role/${ROLE}/nhiscan`);
      expect(principal(MANAGEMENT)).toMatch(new RegExp(`^arn:aws:(iam|sts)::${MANAGEMENT}:`));
      for (const id of expected) {
        expect(result.identities.some((i) => i.uid === `arn:aws:iam::${id}:user/deploy-bot-${id}`)).toBe(
          true,
        );
      }
      expect(result.identities.some((i) => i.location.scope === estate.excluded)).toBe(false);
    });

    it('applies the SCPs of the OU path, read with the credentials that listed the organisation', () => {
      const bot = (id: string) =>
        result.identities.find((i) => i.uid === `arn:aws:iam::${id}:user/deploy-bot-${id}`);
      // "*" under an SCP denying iam:* is no longer admin in prod; in dev nothing limits it.
      expect(bot(estate.dev)?.privilege.level).toBe('admin');
      expect(bot(estate.prod)?.privilege.level).not.toBe('admin');
      expect(JSON.stringify(bot(estate.prod)?.privilege.limits)).toContain(estate.prodOu);
      expect(bot(MANAGEMENT)?.privilege.level).toBe('admin');
    });

    it('treats the organisation as the zone of trust for cross-account trust', () => {
      const cross = result.findings.filter(
        (f) =>
          f.policyId === 'external-trust' && f.identityUid.startsWith(`arn:aws:iam::${estate.prod}:role/`),
      );
      expect(cross.map((f) => f.identityUid)).toEqual([`arn:aws:iam::${estate.prod}:role/from-outside`]);
      const fromDev = result.identities.find((i) => i.uid === `arn:aws:iam::${estate.prod}:role/from-dev`);
      expect(fromDev?.trust[0]?.organization).toMatch(/^o-/);
    });

    it('with zoneOfTrust: account, another account of the organisation is external, and include narrows by OU', async () => {
      const config = writeConfig('account-zone.yaml', [
        '      - type: organization',
        `        roleName: ${ROLE}`,
        '        zoneOfTrust: account',
        '        include:',
        `          ous: [${estate.prodOu}]`,
      ]);
      const { result: narrow } = await scanCommand({
        config,
        out: join(dir, 'out-account-zone'),
        log: silentLogger,
        print: () => undefined,
      });
      expect(narrow.coverage.map((c) => c.target)).toEqual([
        'aws:organization',
        `aws:account/${estate.prod}`,
      ]);
      const cross = narrow.findings
        .filter((f) => f.policyId === 'external-trust')
        .map((f) => f.identityUid)
        .sort();
      // Moto creates the access role trusting the management account: outside the account zone too.
      expect(cross).toEqual([
        `arn:aws:iam::${estate.prod}:role/${ROLE}`,
        `arn:aws:iam::${estate.prod}:role/from-dev`,
        `arn:aws:iam::${estate.prod}:role/from-outside`,
      ]);
    }, 120_000);
  },
);
