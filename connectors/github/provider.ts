// The GitHub connector as the registry lists it: what it declares (config, targets, demo,
// starter, CIS benchmark) without Octokit; the collect code (index.ts) is imported when a scan runs.
import { type ConnectorLight, lazyConnector } from '../../src/connector.js';
import { cisGithubFramework } from './cis.js';
import { GithubConfig } from './config.js';
import { githubDemo } from './demo.js';
import { githubStarter } from './starter.js';
import { type GithubTarget, githubTargets } from './targets.js';
import { githubPermissions } from './permissions.js';

export const githubLight: ConnectorLight<GithubConfig, GithubTarget> = {
  id: 'github',
  title: 'GitHub',
  config: GithubConfig,
  targets: githubTargets,
  expands: true,
  doctors: true,
  demo: githubDemo,
  starter: githubStarter,
  permissions: githubPermissions,
  frameworks: [cisGithubFramework],
  // A person's GitHub login: what token, deploy-key and App owners name.
  directoryIdFields: ['github'],
};

export const githubProvider = lazyConnector(
  githubLight,
  async () => (await import('./index.js')).githubConnector,
);
