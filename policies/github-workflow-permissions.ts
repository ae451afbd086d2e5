// github-workflow-permissions: every workflow run gets a GITHUB_TOKEN. With the permissive default
// it can push code, publish packages and change releases in its repository, so one compromised
// action or dependency in any workflow can; letting it approve pull requests removes the review.
// GITHUB-SPECIFIC: reads the default workflow permissions the GitHub connector records.
import { z } from 'zod';
import type { FindingDraft, Policy } from '../src/policy.js';
import { githubLabel, workflowTokenAttributes } from './lib/github.js';

const Options = z.strictObject({
  flagCanApprovePullRequests: z
    .boolean()
    .default(true)
    .describe('Also fire when workflows may approve pull requests.'),
});
type Options = z.infer<typeof Options>;

export const githubWorkflowPermissions: Policy<Options> = {
  id: 'github-workflow-permissions',
  title: 'Default workflow token can write',
  rationale:
    'The default GITHUB_TOKEN is handed to every job, including third-party actions; read-only by default, with write granted per workflow in its permissions block, keeps one bad step from pushing code or approving its own change.',
  severity: 'medium',
  options: Options,
  controls: {
    soc2: ['CC6.3'],
    soc1: ['ITGC-LA-3', 'ITGC-CM-1'],
    owaspNhi: ['NHI5'],
    nistCsf: ['PR.AA-05', 'PR.PS-01'],
    cisControls: ['4.1', '6.8'],
  },
  evaluate(identity, options) {
    const attrs = workflowTokenAttributes(identity);
    // A repository that only repeats its organisation's setting is reported once, on the org.
    if (!attrs || attrs.sameAsOrg === true) return [];
    const where =
      attrs.scope === 'organization' ? `organisation ${identity.location.scope}` : githubLabel(identity);
    // Workflows do not run in an archived repository; the setting matters again if it is unarchived.
    const archived = attrs.repositoryArchived === true;
    const evidence = {
      scope: attrs.scope,
      ...(attrs.repository ? { repository: attrs.repository } : {}),
      ...(archived ? { repositoryArchived: true } : {}),
      defaultWorkflowPermissions: attrs.defaultWorkflowPermissions,
      canApprovePullRequestReviews: attrs.canApprovePullRequestReviews ?? null,
    };
    const drafts: FindingDraft[] = [];
    if (attrs.defaultWorkflowPermissions === 'write') {
      drafts.push({
        key: 'read-write-default',
        ...(archived ? { severity: 'low' as const } : {}),
        title: 'Workflows get a read-write token by default',
        message: `Workflows in ${where} receive a GITHUB_TOKEN with read and write permissions unless they ask for less.`,
        evidence,
        extraControls: { soc2: ['CC8.1'] },
        remediation:
          'Set "Workflow permissions" to "Read repository contents and packages permissions" and grant write in the workflows that need it (permissions: block).',
      });
    }
    if (options.flagCanApprovePullRequests && attrs.canApprovePullRequestReviews === true) {
      drafts.push({
        key: 'can-approve-pull-requests',
        ...(archived ? { severity: 'low' as const } : {}),
        title: 'Workflows can approve pull requests',
        message: `Workflows in ${where} may create and approve pull requests, so a workflow can satisfy required reviews by itself.`,
        evidence,
        extraControls: { soc2: ['CC8.1'] },
        remediation: 'Clear "Allow GitHub Actions to create and approve pull requests".',
      });
    }
    return drafts;
  },
};
