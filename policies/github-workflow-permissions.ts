// github-workflow-permissions: every workflow run gets a GITHUB_TOKEN. With the permissive default
// it can push code, publish packages and change releases in its repository, so one compromised
// action or dependency in any workflow can; letting it approve pull requests removes the review.
// GITHUB-SPECIFIC: reads the default workflow permissions the GitHub connector records.
import { z } from 'zod';
import { type FindingDraft, type Policy, judged, notApplicable, unknown } from '../src/policy.js';
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
  description:
    "Fires when an organisation's or repository's default GITHUB_TOKEN permissions are read-write, and when workflows may create and approve pull requests (low in an archived repository; a repository repeating its organisation's setting is judged once, on the organisation). The default token is handed to every job, including third-party actions; read-only by default, with write granted per workflow in its permissions block, keeps one bad step from pushing code or approving its own change.",
  appliesTo: { providers: ['github'], kinds: ['github.workflow_token'] },
  severity: 'medium',
  options: Options,
  controls: {
    soc2: ['CC6.3'],
    soc1: ['ITGC-LA-3', 'ITGC-CM-1'],
    owaspNhi: ['NHI5'],
    nistCsf: ['PR.AA-05', 'PR.PS-01'],
    cisControls: ['4.1', '6.8'],
  },
  remediation: {
    default:
      'Set "Workflow permissions" to "Read repository contents and packages permissions", clear "Allow GitHub Actions to create and approve pull requests", and grant write in the workflows that need it (permissions: block) — in the organisation\'s or repository\'s Actions settings.',
  },
  references: [
    'https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication',
    'https://docs.github.com/en/organizations/managing-organization-settings/disabling-or-limiting-github-actions-for-your-organization#setting-the-permissions-of-the-github_token-for-your-organization',
    'https://owasp.org/www-project-non-human-identities-top-10/2025/top-10-2025/',
    'https://www.cisecurity.org/controls/v8',
  ],
  findings: [
    {
      key: 'read-write-default',
      title: 'Workflows get a read-write token by default',
      extraControls: { soc2: ['CC8.1'] },
      evidence: [
        'scope',
        'repository',
        'repositoryArchived',
        'defaultWorkflowPermissions',
        'canApprovePullRequestReviews',
      ],
    },
    {
      key: 'can-approve-pull-requests',
      title: 'Workflows can approve pull requests',
      extraControls: { soc2: ['CC8.1'] },
      evidence: [
        'scope',
        'repository',
        'repositoryArchived',
        'defaultWorkflowPermissions',
        'canApprovePullRequestReviews',
      ],
    },
  ],
  evaluate(identity, options) {
    const attrs = workflowTokenAttributes(identity);
    if (!attrs) return [unknown('the default workflow permissions were not read')];
    // A repository that only repeats its organisation's setting is reported once, on the org.
    if (attrs.sameAsOrg === true) return [notApplicable("repeats its organisation's setting, judged there")];
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
    if (
      drafts.length === 0 &&
      options.flagCanApprovePullRequests &&
      attrs.canApprovePullRequestReviews === undefined
    )
      return [unknown('GitHub did not report whether workflows may approve pull requests')];
    return [judged(drafts)];
  },
};
