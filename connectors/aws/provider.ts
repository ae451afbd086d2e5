// The AWS connector as the registry lists it: what it declares (config, targets, demo, starter,
// CIS benchmark) without the SDK; the collect code (index.ts) is imported when a scan runs.
import { type ConnectorLight, lazyConnector } from '../../src/connector.js';
import { cisAwsFramework } from './cis.js';
import { AwsConfig } from './config.js';
import { awsDemo } from './demo.js';
import { awsStarter } from './starter.js';
import { type AwsTargetData, targetsOf } from './targets.js';
import { awsPermissions } from './permissions.js';

// nhiscan supports Node.js 20 (package.json engines); the AWS SDK's notice that its releases after
// 2027-01 will not is for us to act on, not noise for every nightly scan's log. Set when the
// registry lists the connector, before any SDK client exists (clients emit it when built).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const awsLight: ConnectorLight<AwsConfig, AwsTargetData> = {
  id: 'aws',
  title: 'Amazon Web Services (IAM)',
  config: AwsConfig,
  targets: targetsOf,
  demo: awsDemo,
  starter: awsStarter,
  permissions: awsPermissions,
  frameworks: [cisAwsFramework],
  ocsfAccountType: { id: 10, name: 'AWS Account' },
  // Organisation targets list their member accounts at scan time.
  expands: true,
  doctors: true,
  // No session; an organisation member's target carries what expand learnt (plain data).
  workerThreads: true,
};

export const awsProvider = lazyConnector(awsLight, async () => (await import('./index.js')).awsConnector);
