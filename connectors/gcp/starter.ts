// The Google Cloud block of the config `nhiscan init` writes (src/init.ts assembles every connector's).
import type { ConnectorStarter } from '../../src/connector.js';

export const gcpStarter: ConnectorStarter = {
  enabled: false,
  block: `gcp:
  projects: [acme-prod]            # or organizations: ['123456789012'] / folders: [...]
  ownerSources:
    - { type: description, prefix: 'owner:' }
    - { type: project-label, key: owner }`,
};
