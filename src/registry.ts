import { connectors } from '../connectors/index.js';
import { policies } from '../policies/index.js';
import type { Registries } from './config.js';

export const builtins: Registries = { connectors, policies };
