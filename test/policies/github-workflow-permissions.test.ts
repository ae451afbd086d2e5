import { describe, expect, it } from 'vitest';
import { githubWorkflowPermissions } from '../../policies/github-workflow-permissions.js';
import { workflowToken } from './github-identities.js';
import { evaluate, runCases } from './run-cases.js';

const READ = { default_workflow_permissions: 'read', can_approve_pull_request_reviews: false } as const;
const WRITE = { default_workflow_permissions: 'write', can_approve_pull_request_reviews: false } as const;
const WRITE_APPROVE = {
  default_workflow_permissions: 'write',
  can_approve_pull_request_reviews: true,
} as const;

runCases(githubWorkflowPermissions, {
  valid: [
    { name: 'org default read-only', identity: workflowToken(READ) },
    { name: 'repository stricter than its org', identity: workflowToken(READ, 'api', WRITE) },
    {
      name: 'repository repeating its org (reported on the org)',
      identity: workflowToken(WRITE, 'api', WRITE),
    },
    {
      name: 'can approve, when that check is off',
      identity: workflowToken({ ...READ, can_approve_pull_request_reviews: true }),
      options: { flagCanApprovePullRequests: false },
    },
  ],
  invalid: [
    {
      name: 'org default read-write that can approve pull requests',
      identity: workflowToken(WRITE_APPROVE),
      expect: [
        {
          key: 'read-write-default',
          evidence: { scope: 'organization', defaultWorkflowPermissions: 'write' },
        },
        { key: 'can-approve-pull-requests', evidence: { canApprovePullRequestReviews: true } },
      ],
    },
    {
      name: 'archived repository (no workflow runs until unarchived): low',
      identity: workflowToken(WRITE_APPROVE, 'old-site', READ, { archived: true }),
      expect: [
        { key: 'read-write-default', severity: 'low', evidence: { repositoryArchived: true } },
        { key: 'can-approve-pull-requests', severity: 'low', evidence: { repositoryArchived: true } },
      ],
    },
    {
      name: 'repository more permissive than its org (org unknown)',
      identity: workflowToken(WRITE, 'api'),
      expect: [{ key: 'read-write-default', evidence: { scope: 'repository', repository: 'api' } }],
    },
  ],
});

describe('github-workflow-permissions: SOC 2 tags', () => {
  it('tags CC6.3 and CC8.1', () => {
    const [finding] = evaluate(githubWorkflowPermissions, workflowToken(WRITE));
    expect(finding?.controls.filter((c) => c.framework === 'SOC2').map((c) => c.id)).toEqual([
      'CC6.3',
      'CC8.1',
    ]);
  });
});
