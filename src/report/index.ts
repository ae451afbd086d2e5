import { jsonReporter } from './json.js';
import type { Reporter } from './types.js';

export const reporters = { json: jsonReporter } satisfies Record<string, Reporter>;
export type ReporterId = keyof typeof reporters;
export { writeReport } from './json.js';
export type { Reporter } from './types.js';
