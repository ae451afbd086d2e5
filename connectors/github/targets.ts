// The GitHub targets a config block names: light (no Octokit), so the registry lists them
// without loading the connector's collect code.
import type { Target } from '../../src/connector.js';
import type { GithubConfig } from './config.js';

export interface GithubTarget {
  /** One organisation, or every organisation the App is installed on. */
  org: string | { installed: true };
}

/** One target per organisation, or one for every organisation the App is installed on. */
export const githubTargets = (config: GithubConfig): Target<GithubTarget>[] => {
  if (config.orgs === 'installed') {
    const appId = config.auth.type === 'app' ? String(config.auth.appId) : '?';
    return [
      {
        id: `github:app/${appId}/installed`,
        provider: 'github',
        label: `GitHub: every organisation App ${appId} is installed on`,
        data: { org: { installed: true } },
      },
    ];
  }
  return config.orgs.map((org) => ({
    id: `github:${org}`,
    provider: 'github',
    label: `GitHub ${org}`,
    data: { org },
  }));
};
