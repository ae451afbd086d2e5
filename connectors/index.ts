// The connector registry: an explicit map, checked by a test against the folder listing. Each
// entry is the connector's light part (connectors/<id>/provider.ts); its API clients load when a
// scan runs.
import type { AnyConnector } from '../src/connector.js';
import { awsProvider } from './aws/provider.js';
import { entraProvider } from './entra/provider.js';
import { gcpProvider } from './gcp/provider.js';
import { githubProvider } from './github/provider.js';
import { workspaceProvider } from './workspace/provider.js';

export const connectors = {
  aws: awsProvider,
  gcp: gcpProvider,
  github: githubProvider,
  entra: entraProvider,
  workspace: workspaceProvider,
} satisfies Record<string, AnyConnector>;
