import { githubSecretVisibility } from '../../policies/github-secret-visibility.js';
import { orgSecret, repoSecret } from './github-identities.js';
import { daysAgo } from './identity-builder.js';
import { runCases } from './run-cases.js';

runCases(githubSecretVisibility, {
  valid: [
    { name: 'selected repositories', identity: orgSecret('NPM_TOKEN', 'selected') },
    { name: 'private repositories (not flagged by default)', identity: orgSecret('NPM_TOKEN', 'private') },
    { name: 'repository secret', identity: repoSecret('DEPLOY_KEY') },
    {
      name: 'ignored secret',
      identity: orgSecret('SLACK_WEBHOOK', 'all'),
      options: { ignoreSecrets: ['SLACK_WEBHOOK'] },
    },
  ],
  invalid: [
    {
      name: 'Actions secret visible to all repositories',
      identity: orgSecret('LEGACY_DEPLOY_KEY', 'all'),
      expect: [
        {
          key: 'visibility-all',
          credentialUid: 'LEGACY_DEPLOY_KEY',
          evidence: { secretFamily: 'actions', visibility: 'all', lastRotatedAt: daysAgo(750) },
        },
      ],
    },
    {
      name: 'Dependabot secret visible to all private repositories, when configured',
      identity: orgSecret('REGISTRY_TOKEN', 'private', 'dependabot'),
      options: { visibilities: ['all', 'private'] },
      expect: [
        {
          key: 'visibility-private',
          credentialUid: 'REGISTRY_TOKEN',
          evidence: { secretFamily: 'dependabot' },
        },
      ],
    },
  ],
});
