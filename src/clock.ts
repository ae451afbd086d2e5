// One clock per scan: every age and staleness is measured against `asOf`, so a scan is
// reproducible and tests can age credentials by moving the clock, not the data.
const DAY_MS = 86_400_000;

export interface Clock {
  /** The instant every date is judged against. */
  readonly asOf: Date;
  /** Wall time, for run metadata and timing only; never for judging. */
  readonly now: () => Date;
}

export const systemClock = (asOf?: Date): Clock => ({ asOf: asOf ?? new Date(), now: () => new Date() });

/** Parses `--as-of`: a date (midnight UTC) or a full ISO timestamp. */
export const parseAsOf = (value: string): Date => {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new TypeError(`expected a date such as 2026-01-31 or 2026-01-31T12:00:00Z, found "${value}"`);
  }
  return date;
};

/** Whole days from `from` to `to` (floored), or undefined when `from` is not a date. */
export const daysBetween = (from: string | null | undefined, to: Date): number | undefined => {
  if (!from) return undefined;
  const t = Date.parse(from);
  if (Number.isNaN(t)) return undefined;
  return Math.floor((to.getTime() - t) / DAY_MS);
};

export const addDays = (date: Date, days: number): Date => new Date(date.getTime() + days * DAY_MS);

export const toIso = (date: Date): string => date.toISOString();
