// One clock per scan: every age and staleness is measured against `asOf`, so a scan is
// reproducible and tests can age credentials by moving the clock, not the data.
import { z } from 'zod';
import { UsageError } from './errors.js';

export const DAY_MS = 86_400_000;

export interface Clock {
  /** The instant every date is judged against. */
  readonly asOf: Date;
  /** Wall time, for run metadata and timing only; never for judging. */
  readonly now: () => Date;
}

export const systemClock = (asOf?: Date): Clock => ({ asOf: asOf ?? new Date(), now: () => new Date() });

/**
 * The only date forms user input may use (config, exceptions, `--as-of`): an ISO 8601 calendar
 * date (`2027-01-31`) or a full timestamp with an offset or `Z` (`2027-01-31T12:00:00Z`). A real
 * calendar day only (no 2027-02-30). Anything else (`01/31/2020`, `January 31, 2020`, `1`) is
 * refused: a date that parses "somehow" can make an exception never expire.
 */
export const IsoDateOnly = z.iso.date();
export const IsoTimestamp = z.iso.datetime({ offset: true });
export const IsoDateInput = z
  .string({ error: 'expected an ISO 8601 date such as 2027-01-31 or 2027-01-31T12:00:00Z' })
  .refine(
    (v) => IsoDateOnly.safeParse(v).success || IsoTimestamp.safeParse(v).success,
    'expected an ISO 8601 date such as 2027-01-31 or 2027-01-31T12:00:00Z (YYYY-MM-DD or a timestamp with Z or an offset)',
  );

/** An ISO date (midnight UTC) or timestamp as an instant; undefined for anything else. */
export const isoInstant = (value: string): Date | undefined => {
  if (IsoDateOnly.safeParse(value).success) return new Date(`${value}T00:00:00Z`);
  if (IsoTimestamp.safeParse(value).success) return new Date(value);
  return undefined;
};

// YAML 1.1 readers turn an unquoted date into a Date; keep the calendar day it names.
/** An expiry date (exceptions, accepted gaps): ISO 8601 only, a YAML date kept as its day. */
export const ExpiryDate = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
  .pipe(IsoDateInput);

/** In force to the end of its expiry day (UTC), or to its exact instant: the end as epoch ms. */
export const endOfExpiry = (expires: string): number =>
  IsoDateOnly.safeParse(expires).success
    ? new Date(`${expires}T23:59:59.999Z`).getTime()
    : (isoInstant(expires)?.getTime() ?? Number.NEGATIVE_INFINITY);

/** The earliest `--as-of` accepted: before it no cloud identity plane this scans existed. */
export const AS_OF_MIN = new Date('2006-01-01T00:00:00Z');
/** How far past now `--as-of` may reach (judging a year ahead is a planning aid; more is a typo). */
export const AS_OF_MAX_AHEAD_DAYS = 366;

/** Parses `--as-of`: an ISO date (midnight UTC) or a full ISO timestamp, within a sane range. */
export const parseAsOf = (value: string, now: Date = new Date()): Date => {
  const date = isoInstant(value);
  if (!date) {
    throw new TypeError(
      `expected an ISO 8601 date such as 2026-01-31 or 2026-01-31T12:00:00Z, found "${value.slice(0, 40)}"`,
    );
  }
  if (date < AS_OF_MIN || date > addDays(now, AS_OF_MAX_AHEAD_DAYS)) {
    throw new TypeError(
      `${value} is out of range: give a date from ${AS_OF_MIN.toISOString().slice(0, 10)} to a year from now`,
    );
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

/** The calendar day (UTC, `YYYY-MM-DD`) of an instant or of an ISO 8601 timestamp in UTC. */
export const isoDay = (value: Date | string): string =>
  (typeof value === 'string' ? value : value.toISOString()).slice(0, 10);

/** An instant to the second, as AWS and GitHub write timestamps (`2026-11-01T12:00:00Z`). */
export const isoSeconds = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;

/** The calendar day `days` after (or before) an ISO day. */
export const shiftIsoDay = (day: string, days: number): string =>
  isoDay(addDays(new Date(`${day}T00:00:00Z`), days));

// Date and time, then `Z` or an offset: without one, Date.parse reads local time.
const API_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A timestamp an API returned, as ISO 8601 UTC (`2026-11-01T12:00:00.000Z`); undefined when
 * absent or not an ISO 8601 timestamp with an offset (unknown, never guessed). For provider data:
 * user input goes through `IsoDateInput` / `parseAsOf` / `parseIsoDay`.
 */
export const normalizeTimestamp = (value: Date | string | null | undefined): string | undefined => {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (!value || !API_TIMESTAMP.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
};

/** A `YYYY-MM-DD` flag value (`--from`, `--to`) as midnight UTC; a usage error naming the flag otherwise. */
export const parseIsoDay = (text: string, flag: string): Date => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text))
    throw new UsageError(`${flag}: expected an ISO date such as 2026-11-01, found "${text}"`);
  if (!IsoDateOnly.safeParse(text).success) throw new UsageError(`${flag}: "${text}" is not a calendar date`);
  return new Date(`${text}T00:00:00Z`);
};
