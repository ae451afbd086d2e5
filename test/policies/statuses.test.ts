// What each policy records for an identity, not only what it finds: pass, fail, unknown (the data
// it needs was not available) and not-applicable, each where the policy can produce it. Through
// the real evaluation path (src/evaluate.ts), so `appliesTo` and the verdict folding are covered.
import { describe, expect, it } from 'vitest';
import { policies } from '../../policies/index.js';
import { Identity, type EvaluationStatus } from '../../src/model.js';
import type { AnyPolicy } from '../../src/policy.js';
import { email, gcpAccount, gcpApiKey, gcpWifProvider, saKey } from './gcp-identities.js';
import {
  appInstallation,
  credentialAuthorization,
  deployKey,
  orgSecret,
  patGrant,
  repoSecret,
  webhook,
  workflowToken,
} from './github-identities.js';
import { entraApp, fic, grant, perm, secret } from './entra-identities.js';
import { accessKey, awsRole, awsRoot, awsUser, credential, daysAgo, trust } from './identity-builder.js';
import { judge } from './run-cases.js';
import { G, grantor, workspaceApp } from './workspace-identities.js';

/** The identity with some attributes replaced (undefined: removed), re-validated. */
const withAttributes = (identity: Identity, patch: Record<string, unknown>): Identity => {
  const attributes = Object.fromEntries(
    Object.entries({ ...identity.attributes, ...patch }).filter(([, v]) => v !== undefined),
  );
  return Identity.parse({ ...identity, attributes });
};

type Row = [
  name: string,
  identity: Identity,
  status: EvaluationStatus,
  reason?: RegExp,
  options?: Record<string, unknown>,
];

const key = accessKey;
const noDates = credential('AKIANODATE', { createdAt: undefined, lastRotatedAt: undefined });
const serviceLinked = awsRole('AWSServiceRoleForSupport', { managedBy: 'provider' });

const TABLE: Record<keyof typeof policies, Row[]> = {
  'rotation-age': [
    ['key rotated 10 days ago', awsUser('a', { credentials: [key('K1', 10)] }), 'pass'],
    ['key 400 days old', awsUser('b', { credentials: [key('K2', 400)] }), 'fail'],
    [
      'key with no date',
      awsUser('c', { credentials: [noDates] }),
      'unknown',
      /neither a creation nor a rotation date/,
    ],
    [
      'one old key and one undated: fail, the unknown noted',
      awsUser('d', { credentials: [key('K3', 400), noDates] }),
      'fail',
      /also unknown/,
    ],
    ['a role holds no credential', awsRole('r'), 'not-applicable', /no active, user-managed credential/],
    ['service-linked role', serviceLinked, 'not-applicable', /managed by the provider/],
  ],
  staleness: [
    ['key used yesterday', awsUser('a', { credentials: [key('K1', 10)] }), 'pass'],
    [
      'key unused for 200 days',
      awsUser('b', { credentials: [key('K2', 300, { lastUsedAt: daysAgo(200) })] }),
      'fail',
    ],
    [
      'key whose use is not known',
      awsUser('c', { credentials: [key('K3', 300, { lastUsedAt: undefined })] }),
      'unknown',
      /no last-used date/,
    ],
    [
      'App installation: no usage record at all',
      appInstallation('renovate', { contents: 'read' }),
      'unknown',
      /no last use/,
    ],
    [
      'only an inactive key',
      awsUser('d', { credentials: [key('K4', 300, { status: 'inactive', lastUsedAt: undefined })] }),
      'not-applicable',
      /inactive/,
    ],
    ['role used two days ago', awsRole('r'), 'pass'],
    [
      'role never used since creation 400 days ago',
      awsRole('old', { lastUsedAt: null, createdAt: daysAgo(200) }),
      'fail',
    ],
    ['service-linked role', serviceLinked, 'not-applicable', /managed by the provider/],
  ],
  'multiple-active-keys': [
    ['one active key', awsUser('a', { credentials: [key('K1', 10)] }), 'pass'],
    ['two active keys', awsUser('b', { credentials: [key('K1', 10), key('K2', 20)] }), 'fail'],
    [
      'one active, one of unknown status',
      awsUser('c', { credentials: [key('K1', 10), key('K2', 20, { status: 'unknown' })] }),
      'unknown',
      /status of K2 not known/,
    ],
    ['no keys', awsRole('r'), 'not-applicable', /holds no user-managed/],
  ],
  'excess-privilege': [
    ['no privilege', awsUser('a'), 'pass'],
    [
      'administrator',
      awsUser('b', {
        privilege: { level: 'admin', attached: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
      }),
      'fail',
    ],
    ['a GitHub App reading', appInstallation('ro', { contents: 'read' }), 'pass'],
    ['service-linked role', serviceLinked, 'not-applicable', /managed by the provider/],
  ],
  'external-trust': [
    ['trusted by a service only', awsRole('svc', { trust: [trust('service', 'ec2.amazonaws.com')] }), 'pass'],
    ['trusted by anyone', awsRole('any', { trust: [trust('any', '*')] }), 'fail'],
    [
      'role whose trust policy was not read',
      awsRole('unread', { trust: [] }),
      'unknown',
      /trust policy was not read/,
    ],
    ['a user nobody can assume', awsUser('u'), 'not-applicable', /no trust relationship/],
  ],
  ownership: [
    ['owned', awsUser('a'), 'pass'],
    ['no owner tag', awsUser('b', { owner: null, tags: {} }), 'fail'],
    [
      // One rule for every kind: GitHub records no creator, and the config names no owner.
      'org secret: GitHub records no creator, no owner in the config',
      orgSecret('NPM_TOKEN', 'selected'),
      'fail',
    ],
    [
      'owners not read (Entra owners refused)',
      awsUser('c', { owner: null, tags: {}, unknownFacts: ['owner'] }),
      'unknown',
      /owners were not read/,
    ],
    ['service-linked role', serviceLinked, 'not-applicable', /managed by the provider/],
  ],
  'aws-root-access-keys': [
    ['an active root access key', awsRoot([{ active: true, ageDays: 30 }]), 'fail'],
    [
      'the root user holding only a certificate',
      Identity.parse({ ...awsRoot([{ active: true, ageDays: 30 }]), credentials: [] }),
      'pass',
    ],
    ['an IAM user is not the root user', awsUser('a'), 'not-applicable', /aws\.root_account/],
  ],
  'aws-confused-deputy': [
    [
      'trusts ecs-tasks with no source condition',
      awsRole('task', { trust: [trust('service', 'ecs-tasks.amazonaws.com')] }),
      'fail',
    ],
    [
      'trusts ecs-tasks pinned to the account',
      awsRole('task-pinned', {
        trust: [
          trust('service', 'ecs-tasks.amazonaws.com', {
            StringEquals: { 'aws:SourceAccount': ['111122223333'] },
          }),
        ],
      }),
      'pass',
    ],
    [
      'trust policy not read',
      awsRole('unread', { trust: [], unknownFacts: ['trust'] }),
      'unknown',
      /not read/,
    ],
    ['service-linked role', serviceLinked, 'not-applicable', /managed by the provider/],
  ],
  'aws-user-attached-policies': [
    [
      'a managed policy on the user',
      withAttributes(awsUser('a'), {
        managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
        inlinePolicies: [],
      }),
      'fail',
    ],
    [
      'policies only through groups',
      withAttributes(awsUser('b'), { managedPolicies: [], inlinePolicies: ['x'] }),
      'pass',
    ],
    ['policies not read', awsUser('c', { unknownFacts: ['tags', 'privilege'] }), 'unknown', /not read/],
    ['a role is not a user', awsRole('r'), 'not-applicable', /aws\.iam_user/],
  ],
  'aws-unused-services': [
    [
      'every granted service used',
      withAttributes(awsUser('a'), {
        serviceLastAccessed: {
          status: 'complete',
          services: [{ namespace: 's3', name: 'Amazon S3', lastAuthenticated: daysAgo(2) }],
        },
      }),
      'pass',
    ],
    [
      'a service never used by a 400-day-old user',
      withAttributes(awsUser('b'), {
        serviceLastAccessed: {
          status: 'complete',
          services: [{ namespace: 'ec2', name: 'Amazon EC2', lastAuthenticated: null }],
        },
      }),
      'fail',
    ],
    [
      'the job did not finish',
      withAttributes(awsUser('c'), { serviceLastAccessed: { status: 'unknown', reason: 'timeout' } }),
      'unknown',
      /service last accessed data unknown: timeout/,
    ],
    ['not asked for', awsUser('d'), 'not-applicable', /serviceLastAccessed/],
  ],
  'human-use': [
    ['keys, no console password', awsUser('a', { credentials: [key('K1', 10)] }), 'pass'],
    [
      'keys and a console password',
      withAttributes(awsUser('b', { credentials: [key('K1', 10)] }), { consolePassword: true }),
      'fail',
    ],
    [
      'keys, password state not read',
      withAttributes(awsUser('c', { credentials: [key('K1', 10)] }), { consolePassword: undefined }),
      'unknown',
      /console password was not read/,
    ],
    ['a role (outside appliesTo)', awsRole('r'), 'not-applicable', /aws\.iam_user only/],
  ],
  'gcp-basic-roles': [
    ['no basic role', gcpAccount('a'), 'pass'],
    [
      'editor on the project',
      gcpAccount('b', { bindings: [{ role: 'roles/editor', resource: 'projects/acme-prod' }] }),
      'fail',
    ],
    [
      'disabled account',
      gcpAccount('c', {
        disabled: true,
        bindings: [{ role: 'roles/editor', resource: 'projects/acme-prod' }],
      }),
      'not-applicable',
      /disabled/,
    ],
    ['an AWS user (outside appliesTo)', awsUser('u'), 'not-applicable', /gcp identities only/],
  ],
  'gcp-impersonation': [
    ['nobody can act as it', gcpAccount('a'), 'pass'],
    [
      'a group that can act as it, its members unread',
      gcpAccount('g', {
        canActAs: [
          {
            principal: 'group:deployers@acme.example',
            role: 'roles/iam.serviceAccountUser',
            resource: 'projects/acme-prod/serviceAccounts/g@acme-prod.iam.gserviceaccount.com',
          },
        ],
        actAsGroupsUnread: ['group:deployers@acme.example'],
      }),
      'unknown',
      /could not be read/,
    ],
    [
      'project-wide Service Account User',
      gcpAccount('b', {
        canActAs: [
          {
            principal: 'user:bob@acme.example',
            role: 'roles/iam.serviceAccountUser',
            resource: 'projects/acme-prod',
          },
        ],
      }),
      'fail',
    ],
    [
      'every check switched off',
      gcpAccount('c'),
      'not-applicable',
      /every check is switched off/,
      { projectLevel: false, domainWide: false, adminAndUser: false, externalMembers: false },
    ],
    ['an AWS user (outside appliesTo)', awsUser('u'), 'not-applicable', /gcp identities only/],
  ],
  'gcp-api-key-unrestricted': [
    [
      'restricted to a server and an API',
      gcpApiKey('k1', {
        applicationRestriction: 'server',
        apiTargets: ['maps-backend.googleapis.com'],
        restrictions: { serverKeyRestrictions: { allowedIps: ['203.0.113.4'] } },
      }),
      'pass',
    ],
    ['no restriction at all', gcpApiKey('k2', {}), 'fail'],
    [
      'deleted key',
      gcpApiKey('k3', {}, { credentials: [credential('k3', { type: 'api_key', status: 'revoked' })] }),
      'not-applicable',
      /revoked/,
    ],
    [
      'both checks off',
      gcpApiKey('k4', {}),
      'not-applicable',
      /both checks are switched off/,
      { requireApplicationRestriction: false, requireApiRestriction: false },
    ],
  ],
  'gcp-wif-no-condition': [
    [
      'GitHub Actions with a condition',
      gcpWifProvider('gh', { attributeCondition: "assertion.repository_owner == 'acme'" }),
      'pass',
    ],
    ['GitHub Actions without a condition', gcpWifProvider('open', {}), 'fail'],
    [
      'issuer not recorded',
      gcpWifProvider('noissuer', { issuerUri: undefined }),
      'unknown',
      /issuer was not recorded/,
    ],
    [
      'protocol not recorded',
      gcpWifProvider('noproto', { protocol: undefined }),
      'unknown',
      /protocol was not recorded/,
    ],
    ['disabled provider', gcpWifProvider('off', { disabled: true }), 'not-applicable', /disabled/],
  ],
  'gcp-user-managed-keys': [
    ['no user-managed key', gcpAccount('a'), 'pass'],
    ['a user-managed key', gcpAccount('b', {}, { credentials: [saKey('k1', 10)] }), 'fail'],
    ['an AWS user (outside appliesTo)', awsUser('u'), 'not-applicable', /gcp identities only/],
  ],
  'github-app-permissions': [
    ['read-only App', appInstallation('reader', { contents: 'read' }), 'pass'],
    ['App writing contents everywhere', appInstallation('writer', { contents: 'write' }), 'fail'],
    [
      'suspended App',
      appInstallation('paused', { contents: 'write' }, { suspended: true }),
      'not-applicable',
      /suspended/,
    ],
    [
      'App accepted in ignoreApps',
      appInstallation('ours', { contents: 'write' }),
      'not-applicable',
      /ignoreApps/,
      { ignoreApps: ['ours'] },
    ],
  ],
  'github-token-expiry': [
    ['token expiring in 30 days', patGrant(), 'pass'],
    ['token that never expires', patGrant({ token_expires_at: null }), 'fail'],
    [
      'token whose expiry was not reported',
      (() => {
        const pat = patGrant();
        const credentials = pat.credentials.map((c) =>
          Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'expiresAt')),
        );
        return Identity.parse({ ...pat, credentials });
      })(),
      'unknown',
      /did not report when the token expires/,
    ],
    [
      'a webhook (kind not judged)',
      webhook({ url: 'https://ci.acme.example/hook', secret: '********' }),
      'not-applicable',
      /not among the judged kinds/,
    ],
  ],
  'github-token-scopes': [
    ['classic token reading the org', credentialAuthorization(), 'pass'],
    ['classic token with repo', credentialAuthorization({ scopes: ['repo'] }), 'fail'],
    [
      'fine-grained token, selection not reported',
      withAttributes(patGrant(), { repositorySelection: undefined }),
      'unknown',
      /which repositories/,
    ],
    [
      'fine-grained check switched off',
      patGrant(),
      'not-applicable',
      /flagAllRepositoriesWrite is off/,
      { flagAllRepositoriesWrite: false },
    ],
  ],
  'github-deploy-key-write': [
    ['read-only key', deployKey(), 'pass'],
    ['write key', deployKey({ read_only: false }), 'fail'],
    [
      'write key on an accepted repository',
      deployKey({ read_only: false }),
      'not-applicable',
      /ignoreRepositories/,
      { ignoreRepositories: ['api'] },
    ],
  ],
  'github-secret-visibility': [
    ['org secret for selected repositories', orgSecret('SELECTED', 'selected'), 'pass'],
    ['org secret for all repositories', orgSecret('EVERYONE', 'all'), 'fail'],
    [
      'visibility not reported',
      withAttributes(orgSecret('HIDDEN', 'all'), { visibility: undefined }),
      'unknown',
      /visibility/,
    ],
    ['repository secret', repoSecret('LOCAL'), 'not-applicable', /visible only where it is defined/],
  ],
  'github-webhook-exposure': [
    [
      'HTTPS with a secret',
      webhook({ url: 'https://ci.acme.example/hook', secret: '********', insecure_ssl: '0' }),
      'pass',
    ],
    ['plain HTTP', webhook({ url: 'http://ci.acme.example/hook', secret: '********' }), 'fail'],
    ['URL unreadable', webhook({ secret: '********' }), 'unknown', /scheme is not known/],
    [
      'switched off',
      webhook({ url: 'http://ci.acme.example/hook' }, { active: false }),
      'not-applicable',
      /switched off/,
    ],
  ],
  'github-workflow-permissions': [
    [
      'read-only default',
      workflowToken({ default_workflow_permissions: 'read', can_approve_pull_request_reviews: false }),
      'pass',
    ],
    [
      'read-write default',
      workflowToken({ default_workflow_permissions: 'write', can_approve_pull_request_reviews: false }),
      'fail',
    ],
    [
      'approval setting not reported',
      withAttributes(
        workflowToken({ default_workflow_permissions: 'read', can_approve_pull_request_reviews: false }),
        { canApprovePullRequestReviews: undefined },
      ),
      'unknown',
      /approve pull requests/,
    ],
    [
      'repository repeating its organisation',
      workflowToken(
        { default_workflow_permissions: 'write', can_approve_pull_request_reviews: false },
        'api',
        { default_workflow_permissions: 'write', can_approve_pull_request_reviews: false },
      ),
      'not-applicable',
      /organisation's setting/,
    ],
  ],
  'entra-app-credentials': [
    ['one secret valid 180 days', entraApp('ok', {}, { credentials: [secret('s1', 10, 170)] }), 'pass'],
    ['a secret that never expires', entraApp('ne', {}, { credentials: [secret('s1', 10, null)] }), 'fail'],
    [
      'a secret whose end date was not reported',
      entraApp('u', {}, { credentials: [secret('s1', 10, 170, { expiresAt: undefined })] }),
      'unknown',
      /did not report when the client secret expires/,
    ],
    ['no secret or certificate', entraApp('none'), 'not-applicable', /no user-managed client secret/],
    ['an AWS user', awsUser('a', { credentials: [key('K1', 10)] }), 'not-applicable', /judges entra/],
  ],
  'entra-app-permissions': [
    [
      'read-only permission',
      entraApp('a', { applicationPermissions: [perm('User.Read.All')], directoryRoles: [] }),
      'pass',
    ],
    [
      'Mail.ReadWrite',
      entraApp('b', { applicationPermissions: [perm('Mail.ReadWrite')], directoryRoles: [] }),
      'fail',
    ],
    [
      'app role assignments not read',
      entraApp('c', { directoryRoles: [] }),
      'unknown',
      /application permissions \(app role assignments\) not read/,
    ],
    [
      'administrator: judged by excess-privilege',
      entraApp('d', { applicationPermissions: [], directoryRoles: [] }, { privilege: { level: 'admin' } }),
      'not-applicable',
      /excess-privilege/,
    ],
  ],
  'entra-tenant-wide-consent': [
    [
      'per-user consent to mail',
      entraApp('a', { delegatedGrants: [grant('Principal', 'Mail.ReadWrite')] }),
      'pass',
    ],
    [
      'tenant-wide Mail.ReadWrite',
      entraApp('b', { delegatedGrants: [grant('AllPrincipals', 'openid Mail.ReadWrite')] }),
      'fail',
    ],
    ['grants not read', entraApp('c'), 'unknown', /delegated permission grants not read/],
    ['a GitHub deploy key', deployKey(), 'not-applicable', /judges entra/],
  ],
  'entra-federated-credential': [
    [
      'environment subject',
      entraApp('a', { federatedCredentials: [fic('repo:acme/app:environment:prod')] }),
      'pass',
    ],
    [
      'pull_request subject',
      entraApp('b', { federatedCredentials: [fic('repo:acme/app:pull_request')] }),
      'fail',
    ],
    ['federated credentials not read', entraApp('c'), 'unknown', /federated identity credentials not read/],
    [
      'no federated credential',
      entraApp('d', { federatedCredentials: [] }),
      'not-applicable',
      /has no federated/,
    ],
  ],
  'workspace-high-risk-scopes': [
    ['sign-in scopes only', workspaceApp('Intranet', ['openid', `${G}userinfo.email`], ['a', 'b']), 'pass'],
    ['full Gmail', workspaceApp('Mailer', ['https://mail.google.com/'], ['a', 'b', 'c']), 'fail'],
    [
      'allowed by client id',
      workspaceApp('Ours', [`${G}drive`], ['a']),
      'pass',
      undefined,
      { allowedApps: ['ours.apps.googleusercontent.com'] },
    ],
    [
      'malformed attributes',
      withAttributes(workspaceApp('Broken', [], ['a']), { workspace: { clientId: 1 } }),
      'unknown',
      /missing or malformed/,
    ],
    ['a GitHub deploy key', deployKey(), 'not-applicable', /judges workspace/],
  ],
  'workspace-departed-grantor': [
    ['active users', workspaceApp('Sheets Sync', [`${G}spreadsheets.readonly`], ['a', 'b']), 'pass'],
    [
      'granted only by a suspended user',
      workspaceApp('Legacy', [`${G}spreadsheets.readonly`], [grantor('tom', [], { suspended: true })]),
      'fail',
    ],
    [
      'status not read and no directory',
      workspaceApp(
        'Reports-only',
        ['openid'],
        [grantor('x', ['openid'], { suspended: undefined, archived: undefined })],
        { source: 'reports' },
      ),
      'unknown',
      /neither Workspace user status nor a people directory/,
    ],
    ['an AWS role', awsRole('r'), 'not-applicable', /judges workspace/],
  ],
  'workspace-rare-app-high-risk': [
    ['high risk, many users', workspaceApp('Mailer', ['https://mail.google.com/'], ['a', 'b', 'c']), 'pass'],
    ['admin directory, one user', workspaceApp('Dir Helper', [`${G}admin.directory.user`], ['dev']), 'fail'],
    [
      'some users not read',
      workspaceApp('Partial', [`${G}drive`], ['a'], { usersComplete: false }),
      'not-applicable',
      /lower bound/,
    ],
  ],
  'workspace-unverified-app': [
    ['registered app', workspaceApp('Registered', [`${G}drive`], ['a']), 'pass'],
    ['anonymous app', workspaceApp('anonymous', [`${G}drive`], ['a'], { anonymous: true }), 'fail'],
    [
      'from token activity (no anonymous flag)',
      workspaceApp('Reported', ['openid'], ['a'], { anonymous: undefined, source: 'reports' }),
      'unknown',
      /not known/,
    ],
    ['a GitHub deploy key', deployKey(), 'not-applicable', /judges workspace/],
  ],
};

describe.each(Object.entries(TABLE))('%s records what it judged', (id, rows) => {
  const policy = (policies as Record<string, AnyPolicy>)[id]!;
  it.each(rows.map((r) => [r[0], r] as const))('%s', (_name, [, identity, status, reason, options]) => {
    const { record, findings } = judge(policy, identity, options);
    expect(record.status).toBe(status);
    if (reason) expect(record.reason).toMatch(reason);
    expect(findings.length > 0).toBe(status === 'fail');
  });
});

it('every policy has a status table, and each table shows pass, fail and not-applicable', () => {
  expect(Object.keys(TABLE).sort()).toEqual(Object.keys(policies).sort());
  for (const [id, rows] of Object.entries(TABLE)) {
    const statuses = new Set(rows.map((r) => r[2]));
    for (const s of ['pass', 'fail', 'not-applicable'] as const)
      expect(statuses.has(s), `${id}: ${s}`).toBe(true);
  }
  expect(email('x')).toContain('iam.gserviceaccount.com');
});
