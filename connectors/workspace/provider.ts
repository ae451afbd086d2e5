// The Workspace connector as the registry lists it: config, targets, demo and starter without
// the Admin SDK client; the collect code (index.ts) is imported when a scan runs.
import { type ConnectorLight, lazyConnector } from '../../src/connector.js';
import { WorkspaceConfig } from './config.js';
import { workspaceDemo } from './demo.js';
import { workspacePermissions } from './permissions.js';
import { workspaceStarter } from './starter.js';

export interface WorkspaceTarget {
  domain: string;
  customer: string;
}

export const workspaceLight: ConnectorLight<WorkspaceConfig, WorkspaceTarget> = {
  id: 'workspace',
  title: 'Google Workspace',
  config: WorkspaceConfig,
  targets: (config) =>
    config.enabled
      ? [
          {
            id: `workspace:${config.domain.toLowerCase()}`,
            provider: 'workspace',
            label: `Google Workspace ${config.domain}`,
            data: { domain: config.domain, customer: config.customer },
          },
        ]
      : [],
  demo: workspaceDemo,
  starter: workspaceStarter,
  permissions: workspacePermissions,
  // An optional peer dependency: added by those who scan a Workspace domain.
  optionalSdks: { '@googleapis/admin': '32.1.0' },
};

export const workspaceProvider = lazyConnector(
  workspaceLight,
  async () => (await import('./index.js')).workspaceConnector,
);
