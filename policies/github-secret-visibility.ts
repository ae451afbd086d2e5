// github-secret-visibility: an organisation secret visible to all repositories is readable by
// every workflow in every repository the org has now or creates later, including public ones and
// repositories with weak review. Scoping it to the repositories that use it bounds who can read it.
// GITHUB-SPECIFIC: reads the org secrets the GitHub connector records.
import { z } from 'zod';
import type { Policy } from '../src/policy.js';
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
  rationale:
    'A secret any repository can read is exposed to every workflow, contributor and compromised dependency across the organisation; selecting the repositories that use it keeps the credential where it is needed.',
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
  evaluate(identity, options) {
    const attrs = secretAttributes(identity);
    if (!attrs || attrs.scope !== 'organization' || attrs.visibility === undefined) return [];
    if (attrs.visibility === 'selected' || !options.visibilities.includes(attrs.visibility)) return [];
    if (options.ignoreSecrets.includes(identity.name)) return [];
    const secret = identity.credentials.find((c) => c.type === 'secret');
    const scope = attrs.visibility === 'all' ? 'all repositories' : 'all private repositories';
    return [
      {
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
      },
    ];
  },
};
