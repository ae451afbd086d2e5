// Builds valid model objects for policy tests: every identity goes through `Identity.parse`, so
// a test can only build what a connector could emit. Dates are relative to one fixed clock.
import { REPORT_COLUMNS, parseCredentialReport } from '../../connectors/aws/credential-report.js';
import { buildRootAccount } from '../../connectors/aws/root-account.js';
import { addDays } from '../../src/clock.js';
import type { Directory, Person } from '../../src/directory.js';
import { Credential, Grant, Identity, Trust, type IdentityInput } from '../../src/model.js';
import type { PolicyContext } from '../../src/policy.js';
import type { z } from 'zod';

export const AS_OF = new Date('2026-03-01T00:00:00Z');
export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';

/** ISO timestamp `n` days before AS_OF (negative: after). */
export const daysAgo = (n: number): string => addDays(AS_OF, -n).toISOString();

export const ctx = (directory?: Directory): PolicyContext => ({ asOf: AS_OF, directory });

export type CredentialInput = z.input<typeof Credential>;

export const credential = (uid: string, overrides: Partial<CredentialInput> = {}): Credential =>
  Credential.parse({
    uid,
    type: 'access_key',
    status: 'active',
    createdAt: daysAgo(30),
    lastRotatedAt: daysAgo(30),
    lastUsedAt: daysAgo(1),
    managedBy: 'user',
    ...overrides,
  });

/** An AWS access key as the AWS connector emits it: created = last rotated. */
export const accessKey = (
  uid: string,
  ageDays: number,
  overrides: Partial<CredentialInput> = {},
): Credential =>
  credential(uid, {
    type: 'access_key',
    createdAt: daysAgo(ageDays),
    lastRotatedAt: daysAgo(ageDays),
    lastUsedDetail: { service: 's3', region: 'us-east-1', source: 'credential-report' },
    ...overrides,
  });

export const grant = (
  actions: string | string[],
  resources: string | string[] = '*',
  overrides: Partial<z.input<typeof Grant>> = {},
): Grant =>
  Grant.parse({
    effect: 'Allow',
    actions: Array.isArray(actions) ? actions : [actions],
    resources: Array.isArray(resources) ? resources : [resources],
    source: 'user-inline:test-policy#0',
    ...overrides,
  });

export const trust = (
  principalType: Trust['principalType'],
  principal: string,
  conditions: Trust['conditions'] = {},
  overrides: Partial<z.input<typeof Trust>> = {},
): Trust =>
  Trust.parse({
    principalType,
    principal,
    conditions,
    actions: [principalType === 'federated' ? 'sts:AssumeRoleWithWebIdentity' : 'sts:AssumeRole'],
    source: 'trust#0',
    ...overrides,
  });

export const identity = (overrides: Partial<IdentityInput> = {}): Identity =>
  Identity.parse({
    uid: `arn:aws:iam::${ACCOUNT}:user/ci-deployer`,
    provider: 'aws',
    kind: 'aws.iam_user',
    name: 'ci-deployer',
    location: { provider: 'aws', scope: ACCOUNT, resource: '/' },
    createdAt: daysAgo(400),
    owner: { value: 'alice@example.com', source: 'tag:owner' },
    tags: { owner: 'alice@example.com' },
    ...overrides,
  });

/** An IAM user per the AWS contract: use is judged per credential (lastUsedAt unset). */
export const awsUser = (name: string, overrides: Partial<IdentityInput> = {}): Identity =>
  identity({
    uid: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    name,
    attributes: { path: '/', userId: `AIDA${name.toUpperCase()}`, consolePassword: false, groups: [] },
    ...overrides,
  });

/** An IAM role per the AWS contract: identity-level use tracked for 400 days. */
export const awsRole = (name: string, overrides: Partial<IdentityInput> = {}): Identity =>
  identity({
    uid: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    kind: 'aws.iam_role',
    name,
    lastUsedAt: daysAgo(2),
    attributes: {
      path: '/',
      roleId: `AROA${name.toUpperCase()}`,
      serviceLinked: false,
      lastUsedTrackingDays: 400,
    },
    ...overrides,
  });

/** A GCP service account, to show provider-neutral policies apply beyond AWS. */
export const gcpServiceAccount = (name: string, overrides: Partial<IdentityInput> = {}): Identity =>
  identity({
    uid: `${name}@acme-prod.iam.gserviceaccount.com`,
    provider: 'gcp',
    kind: 'gcp.service_account',
    name,
    location: { provider: 'gcp', scope: 'acme-prod' },
    ...overrides,
  });

export const directory = (people: { id: string; status: string; active: boolean }[]): Directory => {
  const byId = new Map<string, Person>(
    people.map((p) => [p.id.toLowerCase(), { ids: [p.id], status: p.status, active: p.active }]),
  );
  return {
    source: 'people.csv',
    size: people.length,
    warnings: [],
    digest: 'test',
    find: (id) => byId.get(id.trim().toLowerCase()),
  };
};

/**
 * The account's root user as the AWS connector builds it from the credential report's
 * `<root_account>` row (connectors/aws/root-account.ts), with access key slots as given.
 */
export const awsRoot = (
  keys: { active: boolean; ageDays: number; lastUsedDays?: number }[],
  mfa = true,
): Identity => {
  const slot = (i: number): string[] => {
    const k = keys[i];
    if (!k) return ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
    const used = k.lastUsedDays === undefined ? 'N/A' : daysAgo(k.lastUsedDays);
    return [
      String(k.active),
      daysAgo(k.ageDays),
      used,
      used === 'N/A' ? 'N/A' : 'us-east-1',
      used === 'N/A' ? 'N/A' : 'iam',
    ];
  };
  const row = [
    '<root_account>',
    `arn:aws:iam::${ACCOUNT}:root`,
    daysAgo(2000),
    'not_supported',
    daysAgo(40),
    'not_supported',
    'not_supported',
    String(mfa),
    ...slot(0),
    ...slot(1),
    'false',
    'N/A',
    'false',
    'N/A',
  ];
  const report = parseCredentialReport(`${REPORT_COLUMNS.join(',')}\n${row.join(',')}\n`);
  const built = buildRootAccount(report.root!, ACCOUNT);
  if (!built) throw new Error('awsRoot: give at least one key');
  return Identity.parse(built);
};
