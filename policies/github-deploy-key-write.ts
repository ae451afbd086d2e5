// github-deploy-key-write: a deploy key is an SSH key outside any person's account; with write
// access it pushes to the repository bypassing the author's identity, and it never expires.
// GITHUB-SPECIFIC: reads the deploy keys the GitHub connector records.
import { z } from 'zod';
import { type Policy, fail, notApplicable, pass, unknown } from '../src/policy.js';
import { REFERENCES } from './lib/common.js';
import { deployKeyAttributes, githubLabel } from './lib/github.js';

const Options = z.strictObject({
  ignoreRepositories: z
    .array(z.string().min(1))
    .default([])
    .describe('Repository names whose write deploy keys are accepted (e.g. a mirror that must push).'),
});
type Options = z.infer<typeof Options>;

export const githubDeployKeyWrite: Policy<Options> = {
  id: 'github-deploy-key-write',
  title: 'Deploy key with write access',
  description:
    'Fires on an active deploy key with write access (or whose read_only flag GitHub did not report); low on an archived repository. A write deploy key can push commits and tags without any person’s account, review or expiry; a read-only key, or a GitHub App token scoped to the job, covers almost every use.',
  appliesTo: { providers: ['github'], kinds: ['github.deploy_key'] },
  severity: 'high',
  options: Options,
  controls: {
    soc2: ['CC6.3'],
    soc1: ['ITGC-LA-3', 'ITGC-CM-1'],
    owaspNhi: ['NHI5', 'NHI7'],
    nistCsf: ['PR.AA-05'],
    cisControls: ['6.8'],
  },
  remediation: {
    default:
      'Replace the key with a read-only one, or push through a GitHub App installation token scoped to this repository; then delete the key (repository settings → Deploy keys).',
  },
  references: [
    'https://docs.github.com/en/authentication/connecting-to-github-with-ssh/managing-deploy-keys',
    REFERENCES.owaspNhi,
    REFERENCES.cisControls,
  ],
  findings: [
    {
      key: 'write',
      title: 'Deploy key can push',
      extraControls: { soc2: ['CC8.1'] },
      evidence: [
        'repository',
        'readOnly',
        'addedBy',
        'addedByOrgMember',
        'addedByOutsideCollaborator',
        'createdAt',
        'lastUsedAt',
        'repositoryArchived',
      ],
    },
  ],
  evaluate(identity, options) {
    const attrs = deployKeyAttributes(identity);
    if (!attrs) return [unknown('the deploy key facts recorded by the connector could not be read')];
    if (attrs.readOnly === true) return [pass()];
    if (attrs.repository && options.ignoreRepositories.includes(attrs.repository))
      return [notApplicable(`${attrs.repository} is accepted in ignoreRepositories`)];
    const key = identity.credentials.find((c) => c.type === 'deploy_key' && c.status === 'active');
    if (!key) return [notApplicable('the key is not active')];
    // An archived repository refuses every push: the key can write again only once someone
    // unarchives it.
    const archived = attrs.repositoryArchived === true;
    return [
      fail({
        key: 'write',
        credentialUid: key.uid,
        ...(archived ? { severity: 'low' as const } : {}),
        title:
          attrs.readOnly === false ? 'Deploy key can push' : 'Deploy key may push (read_only not reported)',
        message: `${githubLabel(identity)} has write access${attrs.addedBy ? `; it was added by ${attrs.addedBy}${attrs.ownerOrgMember === false ? ', who is no longer an org member' : ''}` : ''}.`,
        evidence: {
          repository: attrs.repository ?? identity.location.resource ?? null,
          readOnly: attrs.readOnly ?? null,
          addedBy: attrs.addedBy ?? null,
          ...(attrs.ownerOrgMember === undefined ? {} : { addedByOrgMember: attrs.ownerOrgMember }),
          // Not a member, yet not gone: someone outside the organisation put a push key here.
          ...(attrs.ownerOutsideCollaborator === true ? { addedByOutsideCollaborator: true } : {}),
          createdAt: key.createdAt,
          lastUsedAt: key.lastUsedAt,
          ...(archived ? { repositoryArchived: true } : {}),
        },
        // Pushing code is a change to the system: change management applies.
        extraControls: { soc2: ['CC8.1'] },
        remediation:
          'Replace the key with a read-only one, or push through a GitHub App installation token scoped to this repository; then delete the key.',
      }),
    ];
  },
};
