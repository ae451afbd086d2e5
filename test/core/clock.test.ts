import { describe, expect, it } from 'vitest';
import { daysBetween, parseAsOf } from '../../src/clock.js';

describe('clock', () => {
  it('parses dates and timestamps for --as-of', () => {
    expect(parseAsOf('2026-01-31').toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(parseAsOf('2026-01-31T12:30:00+02:00').toISOString()).toBe('2026-01-31T10:30:00.000Z');
    expect(() => parseAsOf('yesterday')).toThrow(/expected an ISO 8601 date/);
  });

  it.each([
    ['2026-01-01T00:00:00Z', '2026-04-01T00:00:00Z', 90],
    ['2026-01-01T00:00:01Z', '2026-04-01T00:00:00Z', 89],
    [null, '2026-04-01T00:00:00Z', undefined],
    [undefined, '2026-04-01T00:00:00Z', undefined],
    ['not a date', '2026-04-01T00:00:00Z', undefined],
  ])('daysBetween(%s, %s) = %s', (from, to, days) => {
    expect(daysBetween(from, new Date(to))).toBe(days);
  });
});
