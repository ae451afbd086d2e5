// ownership: every NHI needs a person who answers for it: to approve its access, rotate it and
// retire it. The core resolves `owner` from the configured tag keys (src/owner.ts); this policy
// judges the result and, with a people directory, whether that person is still here.
import { z } from 'zod';
import { Severity } from '../src/model.js';
import {
  type FindingDraft,
  type Policy,
  type Remediation,
  fail,
  judged,
  notApplicable,
  remediationFor,
  unknown,
} from '../src/policy.js';
import { REFERENCES, identityLabel } from './lib/common.js';

const Options = z.strictObject({
  requireOwner: z.boolean().default(true).describe('Fire when no owner could be found.'),
  unknownOwnerSeverity: Severity.default('low').describe(
    'Severity when the owner is not in the directory (often a team name rather than a person).',
  ),
  requireOwnerWhereUntracked: z
    .boolean()
    .default(true)
    .describe(
      'Judge identities whose provider records no owner (GitHub App installations, secrets, webhooks and OAuth apps; Workspace OAuth apps; Entra managed identities) by the same rule as every other kind: "no-owner" unless config names one (ownership.owners, providers.github.appOwners). Off: all of them are "unknown" instead.',
    ),
});
type Options = z.infer<typeof Options>;

/** For kinds with no owner field and no tags, config is the one place to name the owner. */
const byUid = (example: string): string =>
  `The provider records no owner for this kind: name the accountable person or team in the config, by uid glob: ownership.owners: { '${example}': platform-team } (first match wins; the identity's uid is in the finding).`;

/** How an owner is set differs per kind: a tag, a description, a config entry. */
const REMEDIATION: Remediation = {
  default:
    "Record the accountable person or team where the identity's connector reads owners (see the connector's readme), in a tag named by ownership.tagKeys, or by uid glob under ownership.owners in the config.",
  byKind: {
    'aws.iam_user':
      'Tag the user with one of the ownership.tagKeys (default owner, nhi-owner, owner-email, contact) naming the accountable person or team: aws iam tag-user --user-name NAME --tags Key=owner,Value=alice@example.com.',
    'aws.iam_role':
      'Tag the role with one of the ownership.tagKeys (default owner, nhi-owner, owner-email, contact) naming the accountable person or team: aws iam tag-role --role-name NAME --tags Key=owner,Value=alice@example.com.',
    'gcp.service_account':
      'Write "owner: alice@example.com" in the service account\'s description (gcloud iam service-accounts update EMAIL --description …), or name it in the owners mapping file or project label configured under providers.gcp.ownerSources.',
    'gcp.api_key':
      'Add an owner annotation to the key (a key named by ownership.tagKeys), or map the key under providers.gcp.ownerSources (mapping file).',
    'gcp.wif_provider':
      'Write "owner: alice@example.com" in the workload identity provider\'s description, or map it in the owners mapping file under providers.gcp.ownerSources.',
    'github.app_installation':
      'Name the accountable person or team for the App in the config: providers.github.appOwners.<app-slug>: platform-team (GitHub has no tags or owner field for installations).',
    'github.deploy_key':
      'GitHub records who added a deploy key; one without added_by was added by an integration: replace it with a key added by an accountable person, or push with a GitHub App instead, or name its owner under ownership.owners by uid (github:ORG/REPO/deploy-key/ID).',
    'github.actions_secret': byUid('github:ORG/*actions-secret/NAME'),
    'github.dependabot_secret': byUid('github:ORG/*dependabot-secret/NAME'),
    'github.codespaces_secret': byUid('github:ORG/*codespaces-secret/NAME'),
    'github.webhook': byUid('github:ORG/REPO/webhook/ID'),
    'github.oauth_app': byUid('github:ORG/oauth-app/ID'),
    'workspace.oauth_app': byUid('workspace:DOMAIN:oauth_app/CLIENT_ID'),
    'entra.application':
      'Add an owner to the app registration (Entra admin center › App registrations › Owners, or az ad app owner add), or name one under ownership.owners by uid (entra:TENANT/applications/APP_ID).',
    'entra.service_principal':
      'Add an owner to the enterprise application (Entra admin center › Enterprise applications › Owners), or name one under ownership.owners by uid.',
    'entra.managed_identity': byUid('entra:TENANT/servicePrincipals/ID'),
  },
};

export const ownership: Policy<Options> = {
  id: 'ownership',
  title: 'Missing or departed owner',
  description:
    'Fires when no owner could be found for an identity (from the configured tag keys, or the source its connector reads), when the owner has left (no longer an organisation member, or inactive in the people directory), is an outside collaborator, or is not in the directory. An identity nobody owns is never reviewed, rotated or retired; one owned by someone who has left is in the same state with a false sense of cover. Kinds whose provider records no owner (GitHub App installations, secrets, webhooks, OAuth apps; Workspace OAuth apps; Entra managed identities) are judged by the same rule: their owner is named in config (ownership.owners by uid glob, providers.github.appOwners); with requireOwnerWhereUntracked off they are unknown instead. Unknown too when the owner source could not be read (tags or owners not read: a coverage gap). Not applicable where the provider reports the identity holds no access (a GitHub OAuth app the organisation denied or has not approved). Without a directory, departure is judged only where the provider reports membership.',
  appliesTo: {},
  severity: 'medium',
  options: Options,
  controls: {
    soc2: ['CC6.2', 'CC6.3'],
    soc1: ['ITGC-LA-2'],
    owaspNhi: ['NHI1'],
    nistCsf: ['PR.AA-01', 'ID.AM-08', 'GV.RR-04'],
    cisControls: ['5.5', '6.2'],
  },
  remediation: REMEDIATION,
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html',
    'https://docs.github.com/en/organizations/managing-programmatic-access-to-your-organization/reviewing-and-revoking-personal-access-tokens-in-your-organization',
    REFERENCES.owaspNhi,
    REFERENCES.cisControls,
  ],
  findings: [
    { key: 'no-owner', title: 'No owner', evidence: ['tags'] },
    {
      key: 'owner-departed',
      title: 'Owner has left',
      evidence: ['owner', 'ownerSource', 'orgMember', 'org', 'directoryStatus', 'directorySource'],
    },
    {
      key: 'owner-outside-collaborator',
      title: 'Owner is an outside collaborator',
      evidence: ['owner', 'ownerSource', 'outsideCollaborator', 'org', 'directoryStatus', 'directorySource'],
    },
    {
      key: 'owner-unknown',
      title: 'Owner not in the directory',
      evidence: ['owner', 'ownerSource', 'directoryStatus', 'directorySource'],
    },
  ],
  evaluate(identity, options, ctx) {
    // The provider answers for these.
    if (identity.managedBy === 'provider') return [notApplicable('managed by the provider')];
    // The account answers for its root user (its contacts); its keys are aws-root-access-keys' finding.
    if (identity.kind === 'aws.root_account')
      return [notApplicable('the root user belongs to the account, whose owner is its account contact')];
    // The provider says it holds no access (an OAuth app the org denied or has not approved).
    if (identity.attributes.holdsNoAccess === true)
      return [notApplicable('the provider reports it holds no access: nothing to own')];
    const who = identityLabel(identity);
    const { owner } = identity;
    if (!owner) {
      if (!options.requireOwner) return [notApplicable('requireOwner is off')];
      // Tags that were not read say nothing about the owner (a failed call is a gap, not "no owner").
      if (identity.unknownFacts?.includes('tags'))
        return [
          unknown("the identity's tags were not read (see the coverage gaps), so its owner is unknown"),
        ];
      if (identity.unknownFacts?.includes('owner'))
        return [
          unknown("the identity's owners were not read (see the coverage gaps), so its owner is unknown"),
        ];
      if (identity.attributes.providerRecordsOwner === false && !options.requireOwnerWhereUntracked)
        return [unknown('the provider records no creator for this kind, so no owner can be found')];
      return [
        fail({
          key: 'no-owner',
          title: 'No owner',
          message:
            identity.attributes.providerRecordsOwner === false
              ? `${who} has no owner: the provider records none for this kind and the config names none.`
              : `${who} has no owner: none of the configured owner tags is set.`,
          evidence: { tags: Object.keys(identity.tags) },
          // How an owner is set depends on the kind: a tag, a description, the config.
          remediation: remediationFor({ remediation: REMEDIATION }, identity.kind),
        }),
      ];
    }
    // Two witnesses can say the owner is gone: the provider (no longer a member of the GitHub
    // organisation) and the people directory. Either is enough; the evidence names both.
    const orgDeparted = identity.attributes.ownerOrgMember === false;
    const directory = ctx.directory;
    const person = directory?.find(owner.value);
    const drafts: FindingDraft[] = [];
    const directoryEvidence = directory
      ? { directoryStatus: person?.status ?? null, directorySource: directory.source }
      : {};
    if (orgDeparted || (person && !person.active)) {
      const why = [
        orgDeparted ? `no longer a member of ${identity.location.scope}` : undefined,
        person && !person.active ? `directory status "${person.status}"` : undefined,
      ].filter(Boolean);
      drafts.push({
        key: 'owner-departed',
        severity: 'high',
        title: 'Owner has left',
        message: `${who} is owned by "${owner.value}" (${owner.source}): ${why.join('; ')}.`,
        evidence: {
          owner: owner.value,
          ownerSource: owner.source,
          ...(orgDeparted ? { orgMember: false, org: identity.location.scope } : {}),
          ...directoryEvidence,
        },
        remediation: 'Assign an active owner, who should then review whether the identity is still needed.',
      });
    } else if (identity.attributes.ownerOutsideCollaborator === true) {
      // Not an organisation member at all: a contractor or vendor holds this identity.
      drafts.push({
        key: 'owner-outside-collaborator',
        severity: 'medium',
        title: 'Owner is an outside collaborator',
        message: `${who} is owned by "${owner.value}" (${owner.source}), an outside collaborator of ${identity.location.scope}, not a member.`,
        evidence: {
          owner: owner.value,
          ownerSource: owner.source,
          outsideCollaborator: true,
          org: identity.location.scope,
          ...directoryEvidence,
        },
        remediation:
          'Give the identity an owner inside the organisation, accountable for what the collaborator does with it.',
      });
    } else if (directory && !person) {
      drafts.push({
        key: 'owner-unknown',
        severity: options.unknownOwnerSeverity,
        title: 'Owner not in the directory',
        message: `${who} is owned by "${owner.value}" (${owner.source}), who is not in the people directory.`,
        evidence: { owner: owner.value, ownerSource: owner.source, ...directoryEvidence },
        remediation: 'Set the owner to a person listed in the directory, or correct the directory.',
      });
    }
    return [judged(drafts)];
  },
};
