// The Entra connector as the registry lists it: config, targets, demo and starter without the
// Azure and Graph clients; the collect code (index.ts) is imported when a scan runs.
import { type ConnectorLight, lazyConnector } from '../../src/connector.js';
import { EntraConfig } from './config.js';
import { entraDemo } from './demo.js';
import { entraStarter } from './starter.js';
import { entraPermissions } from './permissions.js';

export interface EntraTarget {
  tenant: string;
}

export const entraLight: ConnectorLight<EntraConfig, EntraTarget> = {
  id: 'entra',
  title: 'Microsoft Entra ID',
  config: EntraConfig,
  targets: (config) =>
    config.enabled
      ? config.tenants.map((tenant) => ({
          id: `entra:${tenant}`,
          provider: 'entra',
          label: `Entra tenant ${tenant}`,
          data: { tenant },
        }))
      : [],
  demo: entraDemo,
  starter: entraStarter,
  permissions: entraPermissions,
  // Optional peer dependencies (46 MB of the install): added by those who scan a tenant. The
  // demo's own (selfsigned, for its TLS certificate) is declared by entraDemo.
  optionalSdks: {
    '@azure/identity': '4.13.1',
    '@microsoft/microsoft-graph-client': '3.0.7',
  },
};

export const entraProvider = lazyConnector(
  entraLight,
  async () => (await import('./index.js')).entraConnector,
);
