// The GitHub targets a config block names: light (no Octokit), so the registry lists them
// without loading the connector's collect code.
import type { Target } from '../../src/connector.js';
import type { GithubConfig } from './config.js';

export interface GithubTarget {
  /** One organisation, every organisation the App is installed on, or every one of an enterprise. */
  org: string | { installed: true } | { enterprise: string };
}

/** One target per organisation, or one for every organisation the App is installed on. */
const orgTargets = (config: GithubConfig): Target<GithubTarget>[] => {
  if (config.orgs === undefined) return [];
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
  return config.orgs.map(orgTarget);
};

/** The target of one organisation (configured, or listed by an installation or an enterprise). */
export const orgTarget = (org: string): Target<GithubTarget> => ({
  id: `github:${org}`,
  provider: 'github',
  label: `GitHub ${org}`,
  data: { org },
});

/** The configured organisations, then the enterprise's listing (each of its orgs a target). */
export const githubTargets = (config: GithubConfig): Target<GithubTarget>[] => [
  ...orgTargets(config),
  ...(config.enterprise
    ? [
        {
          id: `github:enterprise/${config.enterprise.slug}`,
          provider: 'github',
          label: `GitHub: every organisation of enterprise ${config.enterprise.slug}`,
          data: { org: { enterprise: config.enterprise.slug } },
        },
      ]
    : []),
];
