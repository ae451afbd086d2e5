// github-app-permissions: an installed GitHub App acts on its own, with its own credentials, in
// every repository it was given. Write on administration, contents, workflows or secrets lets a
// compromise of the App's vendor or key rewrite code and CI across the organisation.
// GITHUB-SPECIFIC: reads the installation permissions the GitHub connector records.
import { z } from 'zod';
import { type Policy, fail, notApplicable, pass, unknown } from '../src/policy.js';
import { REFERENCES } from './lib/common.js';
import {
  CODE_CHANGE_PERMISSIONS,
  githubLabel,
  installationAttributes,
  sensitiveWrites,
} from './lib/github.js';

const Options = z.strictObject({
  sensitivePermissions: z
    .array(z.string().min(1))
    .default([
      'administration',
      'contents',
      'workflows',
      'secrets',
      'actions',
      'environments',
      'repository_hooks',
      'organization_administration',
      'members',
      'organization_secrets',
      'organization_hooks',
      'organization_self_hosted_runners',
      'organization_personal_access_tokens',
    ])
    .describe('App permissions whose write (or admin) access fires.'),
  ignoreApps: z
    .array(z.string().min(1))
    .default([])
    .describe('App slugs reviewed and accepted (e.g. your own deployment App).'),
});
type Options = z.infer<typeof Options>;

export const githubAppPermissions: Policy<Options> = {
  id: 'github-app-permissions',
  title: 'GitHub App with sensitive write permissions',
  description:
    'Fires on an installed GitHub App with write (or admin) access to a sensitive permission (administration, contents, workflows, secrets, actions, environments, hooks, organisation administration, members, org secrets, runners, token policies); medium when limited to selected repositories. An installed App holds its permissions without a person in the loop: write access to code, workflows, secrets or administration turns a compromise of the App (or its vendor) into a compromise of every repository it reaches.',
  appliesTo: { providers: ['github'], kinds: ['github.app_installation'] },
  severity: 'high',
  options: Options,
  controls: {
    soc2: ['CC6.3'],
    soc1: ['ITGC-LA-3'],
    owaspNhi: ['NHI5', 'NHI3'],
    cisGithub: ['1.4.3'],
    nistCsf: ['PR.AA-05', 'GV.SC-07'],
    cisControls: ['6.8', '15.4'],
  },
  remediation: {
    default:
      "Reduce the App's permissions to read where it only reads, and limit it to the repositories it serves (org settings → GitHub Apps → Configure); for a third-party App, ask the vendor for a narrower permission set or uninstall it.",
  },
  references: [
    'https://docs.github.com/en/apps/using-github-apps/reviewing-and-modifying-installed-github-apps',
    'https://docs.github.com/en/apps/creating-github-apps/registering-a-github-app/choosing-permissions-for-a-github-app',
    REFERENCES.owaspNhi,
    REFERENCES.cisControls,
  ],
  findings: [
    {
      key: 'sensitive-write',
      title: '<app>: <permission>:<access>, … on <all | selected> repositories',
      extraControls: { soc2: ['CC8.1', 'CC9.2'] },
      evidence: [
        'appSlug',
        'appOwner',
        'thirdParty',
        'repositorySelection',
        'sensitiveWrites',
        'canChangeCode',
        'privilegeLevel',
      ],
    },
  ],
  evaluate(identity, options) {
    const attrs = installationAttributes(identity);
    if (!attrs) return [unknown('the installation facts recorded by the connector could not be read')];
    if (attrs.suspended) return [notApplicable('the installation is suspended')];
    if (options.ignoreApps.includes(attrs.appSlug))
      return [notApplicable(`${attrs.appSlug} is accepted in ignoreApps`)];
    const writes = sensitiveWrites(attrs.permissions, options.sensitivePermissions);
    if (writes.length === 0) return [pass()];
    const allRepos = attrs.repositorySelection === 'all';
    const orgWide = writes.some(
      (w) => w.permission.startsWith('organization_') || w.permission === 'members',
    );
    const changesCode = writes.some((w) => CODE_CHANGE_PERMISSIONS.includes(w.permission));
    const soc2 = [...(changesCode ? ['CC8.1'] : []), ...(attrs.thirdParty ? ['CC9.2'] : [])];
    const reach = allRepos ? 'all repositories' : 'selected repositories';
    return [
      fail({
        key: 'sensitive-write',
        // Selected repositories bound the damage; everything else reaches the whole org.
        ...(allRepos || orgWide ? {} : { severity: 'medium' as const }),
        title: `${attrs.appSlug}: ${writes.map((w) => `${w.permission}:${w.access}`).join(', ')} on ${reach}`,
        message: `${githubLabel(identity)} can write ${writes.map((w) => w.permission).join(', ')} on ${reach}${attrs.thirdParty ? `; the App belongs to ${attrs.appOwner ?? 'another account'}` : ''}.`,
        evidence: {
          appSlug: attrs.appSlug,
          ...(attrs.appOwner ? { appOwner: attrs.appOwner } : {}),
          thirdParty: attrs.thirdParty ?? null,
          repositorySelection: attrs.repositorySelection ?? null,
          sensitiveWrites: writes,
          canChangeCode: changesCode,
          privilegeLevel: identity.privilege.level,
        },
        ...(soc2.length > 0 ? { extraControls: { soc2 } } : {}),
        remediation: `Reduce ${attrs.appSlug}'s permissions to read where it only reads, and limit it to the repositories it serves (org settings → GitHub Apps → Configure).`,
      }),
    ];
  },
};
