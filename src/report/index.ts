import { jsonReporter } from './json.js';
import type { Reporter } from './types.js';

export const reporters = { json: jsonReporter } satisfies Record<string, Reporter>;
export { writeReport } from './json.js';
export type { Reporter } from './types.js';
