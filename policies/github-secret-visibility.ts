// github-secret-visibility: an organisation secret visible to all repositories is readable by
// every workflow in every repository the org has now or creates later, including public ones and
// repositories with weak review. Scoping it to the repositories that use it bounds who can read it.
// GITHUB-SPECIFIC: reads the org secrets the GitHub connector records.
import { z } from 'zod';
import { type Policy, fail, notApplicable, pass, unknown } from '../src/policy.js';
import { REFERENCES } from './lib/common.js';
import { githubLabel, secretAttributes } from './lib/github.js';

const Options = z.strictObject({
  visibilities: z
    .array(z.enum(['all', 'private']))
    .default(['all'])
    .describe('Org secret visibilities that fire ("private": every private and internal repository).'),
  ignoreSecrets: z.array(z.string().min(1)).default([]).describe('Secret names meant for every repository.'),
});
type Options = z.infer<typeof Options>;

export const githubSecretVisibility: Policy<Options> = {
  id: 'github-secret-visibility',
  title: 'Organisation secret visible to every repository',
  description:
    'Fires on an organisation Actions, Dependabot or Codespaces secret visible to all repositories (or, if configured, to all private ones). A secret any repository can read is exposed to every workflow, contributor and compromised dependency across the organisation; selecting the repositories that use it keeps the credential where it is needed. Repository and environment secrets are visible only where they live: not applicable.',
  appliesTo: {
    providers: ['github'],
    kinds: ['github.actions_secret', 'github.dependabot_secret', 'github.codespaces_secret'],
  },
  severity: 'medium',
  options: Options,
  controls: {
    soc2: ['CC6.6', 'CC6.7'],
    soc1: ['ITGC-LA-1'],
    owaspNhi: ['NHI2', 'NHI8'],
    cisGithub: ['2.1.7'],
    nistCsf: ['PR.AA-05'],
    cisControls: ['3.3'],
  },
  remediation: {
    default:
      'Change the secret\'s repository access to "Selected repositories" and list only the repositories that use it (org settings → Secrets and variables).',
  },
  references: [
    'https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions',
    'https://docs.github.com/en/rest/actions/secrets#create-or-update-an-organization-secret',
    REFERENCES.owaspNhi,
    REFERENCES.cisControls,
  ],
  findings: [
    {
      key: 'visibility-<all | private>',
      title: '<Family> secret visible to all (private) repositories',
      evidence: ['secretFamily', 'visibility', 'lastRotatedAt', 'createdAt'],
    },
  ],
  evaluate(identity, options) {
    const attrs = secretAttributes(identity);
    if (!attrs) return [unknown('the secret facts recorded by the connector could not be read')];
    if (attrs.scope !== 'organization')
      return [notApplicable(`a ${attrs.scope} secret is visible only where it is defined`)];
    if (attrs.visibility === undefined) return [unknown("GitHub did not report the secret's visibility")];
    if (attrs.visibility === 'selected' || !options.visibilities.includes(attrs.visibility)) return [pass()];
    if (options.ignoreSecrets.includes(identity.name))
      return [notApplicable(`${identity.name} is accepted in ignoreSecrets`)];
    const secret = identity.credentials.find((c) => c.type === 'secret');
    const scope = attrs.visibility === 'all' ? 'all repositories' : 'all private repositories';
    return [
      fail({
        key: `visibility-${attrs.visibility}`,
        ...(secret ? { credentialUid: secret.uid } : {}),
        title: `${attrs.secretFamily === 'actions' ? 'Actions' : attrs.secretFamily === 'dependabot' ? 'Dependabot' : 'Codespaces'} secret visible to ${scope}`,
        message: `${githubLabel(identity)} can be read by workflows in ${scope} of ${identity.location.scope}.`,
        evidence: {
          secretFamily: attrs.secretFamily,
          visibility: attrs.visibility,
          lastRotatedAt: secret?.lastRotatedAt,
          createdAt: secret?.createdAt,
        },
        remediation: `Change the secret's access to "selected repositories" and list only the repositories that use it.`,
      }),
    ];
  },
};
