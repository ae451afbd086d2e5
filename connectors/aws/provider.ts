// The AWS connector as the registry lists it: what it declares (config, targets, demo, starter,
// CIS benchmark) without the SDK; the collect code (index.ts) is imported when a scan runs.
import { type ConnectorLight, lazyConnector } from '../../src/connector.js';
import { cisAwsFramework } from './cis.js';
import { AwsConfig } from './config.js';
import { awsDemo } from './demo.js';
import { awsStarter } from './starter.js';
import { type AwsTargetData, targetsOf } from './targets.js';
import { awsPermissions } from './permissions.js';

export const awsLight: ConnectorLight<AwsConfig, AwsTargetData> = {
  id: 'aws',
  title: 'Amazon Web Services (IAM)',
  config: AwsConfig,
  targets: targetsOf,
  demo: awsDemo,
  starter: awsStarter,
  permissions: awsPermissions,
  frameworks: [cisAwsFramework],
};

export const awsProvider = lazyConnector(awsLight, async () => (await import('./index.js')).awsConnector);
