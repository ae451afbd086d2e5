// The connector registry: an explicit map, checked by a test against the folder listing.
import type { AnyConnector } from '../src/connector.js';
import { awsConnector } from './aws/index.js';
import { entraConnector } from './entra/index.js';
import { gcpConnector } from './gcp/index.js';
import { githubConnector } from './github/index.js';

export const connectors = {
  aws: awsConnector,
  gcp: gcpConnector,
  github: githubConnector,
  entra: entraConnector,
} satisfies Record<string, AnyConnector>;
