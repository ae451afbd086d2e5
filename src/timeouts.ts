// Deadlines, so a scan never hangs: one per request (every SDK client of every connector) and one
// per target (the whole target, retries included). Both come from the config's `timeouts:`.
import { z } from 'zod';

export const DEFAULT_TIMEOUTS = { requestSeconds: 30, targetMinutes: 30 } as const;

export const TimeoutsConfig = z
  .strictObject({
    /** A request (connection included) that has not answered in this long fails as a `timeout` gap. */
    requestSeconds: z.number().positive().max(3600).default(DEFAULT_TIMEOUTS.requestSeconds),
    /** A target (an account, project, org) still collecting after this long is cut off as a `timeout` gap. */
    targetMinutes: z
      .number()
      .positive()
      .max(24 * 60)
      .default(DEFAULT_TIMEOUTS.targetMinutes),
  })
  .default({ ...DEFAULT_TIMEOUTS });
export type TimeoutsConfig = z.infer<typeof TimeoutsConfig>;
