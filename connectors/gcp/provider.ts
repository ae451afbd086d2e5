// The Google Cloud connector as the registry lists it: what it declares (config, targets, demo,
// starter, CIS benchmark) without the API clients; the collect code (index.ts) is imported when a
// scan runs.
import { type ConnectorLight, lazyConnector } from '../../src/connector.js';
import { cisGcpFramework } from './cis.js';
import { GcpConfig } from './config.js';
import { gcpDemo } from './demo.js';
import { gcpStarter } from './starter.js';
import { type GcpTargetData, gcpTargets } from './targets.js';
import { gcpPermissions } from './permissions.js';

export const gcpLight: ConnectorLight<GcpConfig, GcpTargetData> = {
  id: 'gcp',
  title: 'Google Cloud',
  config: GcpConfig,
  targets: gcpTargets,
  expands: true,
  doctors: true,
  demo: gcpDemo,
  starter: gcpStarter,
  permissions: gcpPermissions,
  frameworks: [cisGcpFramework],
  ocsfAccountType: { id: 5, name: 'GCP Account' },
  // Only providers.gcp.cloudAssetInventory loads it (connectors/gcp/cloud-asset.ts).
  optionSdks: { '@google-cloud/asset': '^6.3.3' },
};

export const gcpProvider = lazyConnector(gcpLight, async () => (await import('./index.js')).gcpConnector);
