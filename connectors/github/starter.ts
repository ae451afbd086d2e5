// The GitHub block of the config `nhiscan init` writes (src/init.ts assembles every connector's).
import type { ConnectorStarter } from '../../src/connector.js';

export const githubStarter: ConnectorStarter = {
  enabled: false,
  block: `github:
  orgs: [acme]
  auth:
    type: app                      # recommended; or: { type: token, tokenEnv: GITHUB_TOKEN }
    appId: 123456
    privateKeyEnv: NHISCAN_GITHUB_APP_KEY
  appOwners:
    renovate: platform-team@acme.io
  # etagCache: .nhiscan/github-etags.json   # with token auth: ETags kept between runs`,
  soc1Example: `- name: billing-service
  provider: github
  org: acme
  repository: 'billing-*'`,
};
