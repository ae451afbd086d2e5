// The Workspace block of the config `nhiscan init` writes (src/init.ts assembles every connector's).
import type { ConnectorStarter } from '../../src/connector.js';

export const workspaceStarter: ConnectorStarter = {
  enabled: false,
  block: `workspace:
  domain: acme.example                         # the primary domain
  auth:
    type: delegated                            # a service account with domain-wide delegation
    keyFile: nhiscan-workspace-key.json        # or keyEnv: NHISCAN_WORKSPACE_KEY
    subject: nhiscan-reader@acme.example       # the read-only admin it acts as
  # inventory: tokens                          # tokens (every user's grants, default) or reports`,
  soc1Example: `- name: corporate-workspace
  provider: workspace`,
};
