import { ownership } from '../../policies/ownership.js';
import { awsRole, awsUser, ctx, directory, gcpServiceAccount } from './identity-builder.js';
import { appInstallation, deployKey, orgSecret, webhook } from './github-identities.js';
import { workspaceApp } from './workspace-identities.js';
import { runCases } from './run-cases.js';

const people = directory([
  { id: 'alice@example.com', status: 'ACTIVE', active: true },
  { id: 'bob@example.com', status: 'DEPROVISIONED', active: false },
]);

runCases(ownership, {
  valid: [
    {
      name: 'no owner read because the tags were not read (unknown, not "no owner")',
      identity: awsUser('tags-unread', { owner: null, tags: {}, unknownFacts: ['tags', 'privilege'] }),
      status: 'unknown',
    },
    { name: 'owner set, no directory configured', identity: awsUser('owned') },
    { name: 'owner active in the directory', identity: awsUser('owned-active'), ctx: ctx(people) },
    {
      name: 'owner matched case-insensitively',
      identity: awsUser('owned-case', { owner: { value: 'Alice@Example.com', source: 'tag:Owner' } }),
      ctx: ctx(people),
    },
    {
      name: 'no owner on a provider-managed role',
      identity: awsRole('AWSServiceRoleForSupport', { managedBy: 'provider', owner: null, tags: {} }),
    },
    {
      name: 'no owner where the provider records none, with requireOwnerWhereUntracked off (unknown)',
      identity: awsUser('secret-like', {
        owner: null,
        tags: {},
        attributes: { providerRecordsOwner: false },
      }),
      options: { requireOwnerWhereUntracked: false },
      status: 'unknown',
    },
    {
      name: 'an App installation without appOwners, with requireOwnerWhereUntracked off: unknown like a secret',
      identity: appInstallation('renovate', { contents: 'read' }),
      options: { requireOwnerWhereUntracked: false },
      status: 'unknown',
    },
    {
      name: 'a GitHub org secret with requireOwnerWhereUntracked off, through the connector\u2019s own mapping',
      identity: orgSecret('NPM_TOKEN', 'all'),
      options: { requireOwnerWhereUntracked: false },
      status: 'unknown',
    },
    {
      name: 'owners not read (an Entra owners call failed): unknown, not "no owner"',
      identity: awsUser('owners-unread', { owner: null, tags: {}, unknownFacts: ['owner'] }),
      status: 'unknown',
    },
    {
      name: 'a GitHub secret whose owner the config names (ownership.owners, resolved by the core)',
      identity: {
        ...orgSecret('NPM_TOKEN', 'all'),
        owner: { value: 'platform-team', source: 'config:ownership.owners[github:acme/*]' },
      },
    },
    {
      name: 'a deploy key added by a current member, through the connector\u2019s own mapping',
      identity: deployKey({ added_by: 'hubot' }),
    },
    {
      name: 'owner still a member of the organisation',
      identity: awsUser('member-owned', { attributes: { ownerOrgMember: true } }),
    },
    {
      name: 'no owner with requireOwner false',
      identity: awsUser('orphan-ok', { owner: null, tags: {} }),
      options: { requireOwner: false },
    },
  ],
  invalid: [
    // One rule for every kind whose provider records no owner: the same finding, the same
    // severity, and advice naming where that kind's owner is set.
    ...[
      { kind: 'org secret', identity: orgSecret('NPM_TOKEN', 'all'), advice: 'ownership.owners' },
      {
        kind: 'webhook',
        identity: webhook({ url: 'https://ci.example.com/hook' }),
        advice: 'ownership.owners',
      },
      {
        kind: 'App installation',
        identity: appInstallation('renovate', { contents: 'read' }),
        advice: 'providers.github.appOwners.<app-slug>',
      },
      {
        kind: 'Workspace OAuth app',
        identity: workspaceApp('Notes', [], ['ana']),
        advice: 'ownership.owners',
      },
      {
        kind: 'deploy key added by an integration',
        identity: deployKey({ added_by: null }),
        advice: 'ownership.owners',
      },
    ].map(({ kind, identity, advice }) => ({
      name: `a ${kind} with no owner: no-owner, medium, advice naming ${advice}`,
      identity,
      expect: [{ key: 'no-owner', severity: 'medium' as const, remediation: advice }],
    })),
    {
      name: 'no owner where the provider records none, when asked to require one',
      identity: awsUser('secret-strict', {
        owner: null,
        tags: {},
        attributes: { providerRecordsOwner: false },
      }),
      options: { requireOwnerWhereUntracked: true },
      expect: [{ key: 'no-owner' }],
    },
    {
      name: 'owner no longer a member of the organisation (no directory needed)',
      identity: awsUser('deploy-key-like', {
        location: { provider: 'github', scope: 'acme' },
        owner: { value: 'former-dev', source: 'github:added-by' },
        attributes: { ownerOrgMember: false },
      }),
      expect: [
        {
          key: 'owner-departed',
          severity: 'high',
          evidence: { owner: 'former-dev', ownerSource: 'github:added-by', orgMember: false, org: 'acme' },
        },
      ],
    },
    {
      name: 'a deploy key added by someone who left the org, through the connector\u2019s own mapping',
      identity: deployKey({ added_by: 'former-dev' }),
      expect: [
        {
          key: 'owner-departed',
          severity: 'high',
          evidence: { owner: 'former-dev', orgMember: false, org: 'acme' },
        },
      ],
    },
    {
      name: 'a deploy key added by an outside collaborator',
      identity: awsUser('vendor-key', {
        location: { provider: 'github', scope: 'acme' },
        owner: { value: 'vendor-dev', source: 'github:deploy-key-added-by' },
        attributes: { ownerOutsideCollaborator: true },
      }),
      expect: [
        {
          key: 'owner-outside-collaborator',
          severity: 'medium',
          evidence: { owner: 'vendor-dev', outsideCollaborator: true, org: 'acme' },
        },
      ],
    },
    {
      name: 'no owner: evidence lists the tag keys present',
      identity: awsUser('orphan', { owner: null, tags: { team: 'platform', env: 'prod' } }),
      expect: [{ key: 'no-owner', evidence: { tags: ['team', 'env'] } }],
    },
    {
      name: 'no owner on a GCP service account',
      identity: gcpServiceAccount('sa-orphan', { owner: null, tags: {} }),
      ctx: ctx(people),
      expect: [{ key: 'no-owner', evidence: { tags: [] } }],
    },
    {
      name: 'owner departed',
      identity: awsUser('left-behind', {
        owner: { value: 'bob@example.com', source: 'tag:owner' },
        tags: { owner: 'bob@example.com' },
      }),
      ctx: ctx(people),
      expect: [
        {
          key: 'owner-departed',
          severity: 'high',
          evidence: {
            owner: 'bob@example.com',
            ownerSource: 'tag:owner',
            directoryStatus: 'DEPROVISIONED',
            directorySource: 'people.csv',
          },
        },
      ],
    },
    {
      name: 'owner not in the directory',
      identity: awsUser('team-owned', { owner: { value: 'platform-team', source: 'tag:nhi-owner' } }),
      ctx: ctx(people),
      expect: [
        {
          key: 'owner-unknown',
          severity: 'low',
          evidence: {
            owner: 'platform-team',
            ownerSource: 'tag:nhi-owner',
            directoryStatus: null,
            directorySource: 'people.csv',
          },
        },
      ],
    },
    {
      name: 'unknown owner severity is configurable',
      identity: awsUser('ghost-owned', { owner: { value: 'carol@example.com', source: 'tag:owner' } }),
      ctx: ctx(people),
      options: { unknownOwnerSeverity: 'medium' },
      expect: [{ key: 'owner-unknown', severity: 'medium', evidence: { owner: 'carol@example.com' } }],
    },
  ],
});
