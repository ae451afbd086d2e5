// The built-in connectors and policies, and the frameworks in force without plug-ins (the
// provider-neutral catalogs plus each connector's benchmark). The one place in src/ that names
// the connectors; a test checks it against the folders.
import { connectors } from '../connectors/index.js';
import { policies } from '../policies/index.js';
import type { Registries } from './config.js';
import { frameworkList } from './controls/frameworks.js';

export const builtins: Registries & { frameworks: NonNullable<Registries['frameworks']> } = {
  connectors,
  policies,
  frameworks: frameworkList(Object.values(connectors).flatMap((c) => c.frameworks ?? [])),
};
