// github-token-scopes: a personal token acts with its owner's reach. Classic scopes such as repo,
// admin:org or delete_repo cover every repository the owner can touch; a fine-grained token that
// writes to all repositories is the same risk with better labels.
// GITHUB-SPECIFIC: fine-grained PAT grants and SSO-authorised credentials from the GitHub connector.
// Administrator-level tokens are also reported by excess-privilege.
import { z } from 'zod';
import { type FindingDraft, type Policy, judged, notApplicable, unknown } from '../src/policy.js';
import { REFERENCES } from './lib/common.js';
import {
  CODE_CHANGE_PERMISSIONS,
  CODE_CHANGE_SCOPES,
  credentialAuthorizationAttributes,
  githubLabel,
  grantsWrite,
  tokenAttributes,
} from './lib/github.js';
import { compareCodeUnits } from '../src/order.js';

const Options = z.strictObject({
  broadScopes: z
    .array(z.string().min(1))
    .default([
      'repo',
      'admin:org',
      'delete_repo',
      'workflow',
      'write:org',
      'admin:org_hook',
      'admin:repo_hook',
      'write:packages',
      'delete:packages',
      'admin:enterprise',
      'site_admin',
    ])
    .describe('Classic OAuth scopes that fire.'),
  flagAllRepositoriesWrite: z
    .boolean()
    .default(true)
    .describe('Fire on a fine-grained token with write access to all repositories.'),
});
type Options = z.infer<typeof Options>;

export const githubTokenScopes: Policy<Options> = {
  id: 'github-token-scopes',
  title: 'GitHub token with broad scopes',
  description:
    'Fires on an SSO-authorised classic token carrying broad scopes (repo, admin:org, delete_repo, workflow, write:org, hook and package admin, …) and on a fine-grained personal access token with write access to all repositories of the organisation. A personal token used by automation should reach the few repositories and permissions the job needs; broad classic scopes or write on every repository make each leaked token an organisation-wide incident.',
  appliesTo: {
    providers: ['github'],
    kinds: ['github.credential_authorization', 'github.fine_grained_pat', 'github.scan_token'],
  },
  severity: 'high',
  options: Options,
  controls: {
    soc2: ['CC6.3'],
    soc1: ['ITGC-LA-3'],
    owaspNhi: ['NHI5'],
    nistCsf: ['PR.AA-05'],
    cisControls: ['6.8'],
  },
  remediation: {
    default: 'Regenerate the token for only the repositories and permissions the job uses.',
    byKind: {
      'github.credential_authorization':
        "Replace the classic token with a fine-grained token (or a GitHub App) limited to the repositories and permissions the job uses, then revoke the classic token's SSO authorisation.",
      'github.scan_token':
        "Run the scan with a GitHub App (read-only permissions) or a fine-grained token limited to the scan's read permissions, then revoke this token.",
      'github.fine_grained_pat':
        'Regenerate the token with "Only select repositories" and the permissions the job uses; the organisation can revoke it under Personal access tokens → Active tokens.',
    },
  },
  references: [
    REFERENCES.githubPats,
    'https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps',
    REFERENCES.owaspNhi,
    REFERENCES.cisControls,
  ],
  findings: [
    {
      key: 'classic-scopes',
      title: 'Token with <scopes>',
      extraControls: { soc2: ['CC8.1', 'CC9.2'] },
      evidence: ['credentialType', 'scopes', 'broadScopes'],
    },
    {
      key: 'all-repositories-write',
      title: 'Token writes <permissions> on all repositories',
      extraControls: { soc2: ['CC8.1'] },
      evidence: ['repositorySelection', 'repositoryWrites', 'privilegeLevel'],
    },
  ],
  evaluate(identity, options) {
    const drafts: FindingDraft[] = [];
    const auth = credentialAuthorizationAttributes(identity);
    if (identity.kind === 'github.credential_authorization' && !auth)
      return [unknown('the credential facts recorded by the connector could not be read')];
    // The scan's own fine-grained token: GitHub reports no scopes for it, so they are unknown.
    if (identity.kind === 'github.scan_token' && identity.attributes.scopesKnown !== true)
      return [unknown('a fine-grained token: GitHub does not report its permissions to the token itself')];
    if (auth) {
      const broad = auth.scopes.filter((s) => options.broadScopes.includes(s)).sort();
      if (broad.length > 0) {
        const soc2 = [
          ...(broad.some((s) => CODE_CHANGE_SCOPES.includes(s)) ? ['CC8.1'] : []),
          // A token issued to an OAuth app is a third party acting with the user's reach.
          ...(auth.credentialType === 'OAuth app token' ? ['CC9.2'] : []),
        ];
        drafts.push({
          key: 'classic-scopes',
          title: `Token with ${broad.join(', ')}`,
          message: `${githubLabel(identity)} carries the classic scopes ${broad.join(', ')}.`,
          evidence: { credentialType: auth.credentialType, scopes: auth.scopes, broadScopes: broad },
          ...(soc2.length > 0 ? { extraControls: { soc2 } } : {}),
          remediation:
            'Replace it with a fine-grained token (or a GitHub App) limited to the repositories and permissions the job uses.',
        });
      }
      return [judged(drafts)];
    }
    const token = tokenAttributes(identity);
    if (!token) return [unknown('the token facts recorded by the connector could not be read')];
    if (!options.flagAllRepositoriesWrite) return [notApplicable('flagAllRepositoriesWrite is off')];
    if (token.repositorySelection === undefined)
      return [unknown('GitHub did not report which repositories the token reaches')];
    if (token.repositorySelection !== 'all') return [judged([])];
    const writes = Object.entries(token.permissions.repository ?? {})
      .filter(([, a]) => grantsWrite(a))
      .map(([permission, access]) => ({ permission, access }))
      .sort((a, b) => compareCodeUnits(a.permission, b.permission));
    if (writes.length === 0) return [judged([])];
    const changesCode = writes.some((w) => CODE_CHANGE_PERMISSIONS.includes(w.permission));
    drafts.push({
      key: 'all-repositories-write',
      title: `Token writes ${writes.map((w) => w.permission).join(', ')} on all repositories`,
      message: `${githubLabel(identity)} has ${writes.map((w) => `${w.permission}:${w.access}`).join(', ')} on every repository of ${identity.location.scope}.`,
      evidence: {
        repositorySelection: 'all',
        repositoryWrites: writes,
        privilegeLevel: identity.privilege.level,
      },
      ...(changesCode ? { extraControls: { soc2: ['CC8.1'] } } : {}),
      remediation: 'Regenerate the token for only the repositories the job uses.',
    });
    return [judged(drafts)];
  },
};
