import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  daysBetween,
  isoDay,
  isoSeconds,
  normalizeTimestamp,
  parseAsOf,
  parseIsoDay,
  shiftIsoDay,
} from '../../src/clock.js';
import { UsageError } from '../../src/errors.js';
import { packageRoot } from '../../src/paths.js';

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

describe('ISO dates: one set of helpers', () => {
  it.each([
    ['2026-11-01T12:00:00Z', '2026-11-01T12:00:00.000Z'],
    ['2026-11-01T12:00:00.123456789Z', '2026-11-01T12:00:00.123Z'],
    ['2026-11-01T14:00:00+02:00', '2026-11-01T12:00:00.000Z'],
    ['2026-11-01T12:00:00+0000', '2026-11-01T12:00:00.000Z'],
    ['2026-11-01T12:00:00', undefined],
    ['2026-11-01', undefined],
    ['Sun, 01 Nov 2026 12:00:00 GMT', undefined],
    ['11/01/2026', undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('normalizeTimestamp(%j) = %j: offset required, never guessed', (value, iso) => {
    expect(normalizeTimestamp(value)).toBe(iso);
  });

  it('normalizes an SDK Date, and refuses an invalid one', () => {
    expect(normalizeTimestamp(new Date('2026-11-01T12:00:00Z'))).toBe('2026-11-01T12:00:00.000Z');
    expect(normalizeTimestamp(new Date('nope'))).toBeUndefined();
  });

  it('days and seconds', () => {
    expect(isoDay('2026-11-01T23:59:59.999Z')).toBe('2026-11-01');
    expect(isoDay(new Date('2026-11-01T23:59:59.999Z'))).toBe('2026-11-01');
    expect(isoSeconds(new Date('2026-11-01T12:00:00.987Z'))).toBe('2026-11-01T12:00:00Z');
    expect(shiftIsoDay('2026-02-28', 1)).toBe('2026-03-01');
    expect(shiftIsoDay('2026-03-01', -89)).toBe('2025-12-02');
  });

  it('parseIsoDay takes YYYY-MM-DD calendar days only, naming the flag', () => {
    expect(parseIsoDay('2026-11-01', '--from').toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(() => parseIsoDay('2026-11-01T00:00:00Z', '--from')).toThrow(UsageError);
    expect(() => parseIsoDay('11/01/2026', '--to')).toThrow(/--to: expected an ISO date/);
    expect(() => parseIsoDay('2026-02-30', '--to')).toThrow(/--to: "2026-02-30" is not a calendar date/);
  });

  it('no other code turns an instant into an ISO day or second by hand', () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const byHand = ['src', 'connectors', 'policies']
      .flatMap((d) => walk(join(packageRoot, d)))
      .filter((path) => !path.endsWith(join('src', 'clock.ts')))
      .flatMap((path) =>
        readFileSync(path, 'utf8')
          .split('\n')
          .flatMap((line, i) =>
            /toISOString\(\)\s*\.(slice|replace|substring)\(/.test(line)
              ? [`${relative(packageRoot, path)}:${i + 1}`]
              : [],
          ),
      );
    expect(byHand).toEqual([]);
  });
});
