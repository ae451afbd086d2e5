// The Entra block of the config `nhiscan init` writes (src/init.ts assembles every connector's).
import type { ConnectorStarter } from '../../src/connector.js';

export const entraStarter: ConnectorStarter = {
  enabled: false,
  block: `entra:
  tenants: [contoso.onmicrosoft.com]          # tenant ids (GUIDs) or verified domains
  auth:
    type: clientSecret                         # or certificate, workloadIdentity, managedIdentity, default
    clientId: 00000000-0000-0000-0000-000000000000
    clientSecretEnv: NHISCAN_ENTRA_SECRET      # the secret itself stays in the environment
  # cloud: usgov                               # public (default), usgov, usgovDod, china`,
  soc1Example: `- name: finance-tenant
  provider: entra`,
};
