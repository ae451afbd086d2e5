import { gcpBasicRoles } from '../../policies/gcp-basic-roles.js';
import { gcpAccount } from './gcp-identities.js';
import { runCases } from './run-cases.js';

const editor = { role: 'roles/editor', resource: 'projects/acme-prod' };

runCases(gcpBasicRoles, {
  valid: [
    {
      name: 'no basic role seen, but a project IAM policy was not read: unknown, not a pass',
      identity: gcpAccount('unread', { bindings: [] }, { unknownFacts: ['privilege'] }),
      status: 'unknown',
    },
    {
      name: 'predefined roles only',
      identity: gcpAccount('reporting', {
        bindings: [{ role: 'roles/bigquery.dataViewer', resource: 'projects/acme-prod' }],
      }),
    },
    { name: 'no bindings', identity: gcpAccount('idle') },
    { name: 'a disabled account', identity: gcpAccount('old', { disabled: true, bindings: [editor] }) },
    {
      name: 'roles/owner is left to excess-privilege',
      identity: gcpAccount('root', { bindings: [{ role: 'roles/owner', resource: 'projects/acme-prod' }] }),
    },
    {
      name: 'a conditional editor when conditional bindings are excluded',
      identity: gcpAccount('temp', { bindings: [{ ...editor, condition: 'until March' }] }),
      options: { includeConditional: false },
    },
    {
      name: 'an editor binding whose time condition has expired (judged inactive by the connector)',
      identity: gcpAccount('temp', {
        bindings: [{ ...editor, condition: 'until January', status: 'inactive' }],
      }),
    },
    {
      name: 'a Google-managed service agent',
      identity: gcpAccount('service-111111111111', { bindings: [editor] }, { managedBy: 'provider' }),
    },
  ],
  invalid: [
    {
      name: 'roles/editor on the project',
      identity: gcpAccount('deployer', { bindings: [editor] }),
      expect: [{ key: 'basic-role', evidence: { roles: ['roles/editor'], bindings: [editor] } }],
    },
    {
      name: 'the default compute account with editor',
      identity: gcpAccount('111111111111-compute', { defaultAccount: 'compute', bindings: [editor] }),
      expect: [{ key: 'basic-role', evidence: { defaultAccount: 'compute' } }],
    },
    {
      name: 'editor inherited from a folder, with a condition',
      identity: gcpAccount('ci', {
        bindings: [{ role: 'roles/editor', resource: 'folders/42', condition: 'business hours' }],
      }),
      expect: [
        {
          key: 'basic-role',
          evidence: {
            bindings: [{ role: 'roles/editor', resource: 'folders/42', condition: 'business hours' }],
          },
        },
      ],
    },
    {
      name: 'a configured role list',
      identity: gcpAccount('admin', { bindings: [{ role: 'roles/owner', resource: 'projects/acme-prod' }] }),
      options: { roles: ['roles/owner', 'roles/editor'] },
      expect: [{ key: 'basic-role', evidence: { roles: ['roles/owner'] } }],
    },
  ],
});
