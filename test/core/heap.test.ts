import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from '../../src/heap.js';

describe('heap growth bound (issue 14)', () => {
  it('caps V8 heap growth when nothing sizes the heap', () => {
    expect(heapGrowthFlag([], undefined)).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(heapGrowthFlag(['--import', 'file:///x/rss-hook.js'], '--enable-source-maps')).toBe(
      '--heap-growing-percent=50',
    );
  });

  it('leaves the heap alone when the command line or NODE_OPTIONS already sizes it', () => {
    expect(heapGrowthFlag(['--max-old-space-size=4096'], undefined)).toBeUndefined();
    expect(heapGrowthFlag([], '--max_old_space_size=8192')).toBeUndefined();
    expect(heapGrowthFlag([], '--enable-source-maps --heap-growing-percent=20')).toBeUndefined();
    expect(heapGrowthFlag(['--max-heap-size=600'], '')).toBeUndefined();
    // A flag that only starts alike is not a choice of heap size.
    expect(heapGrowthFlag(['--max-semi-space-size=16'], '--max-old-space-size-x')).toBe(
      '--heap-growing-percent=50',
    );
  });

  it('the CLI sets it before any command runs', () => {
    const cli = readFileSync(new URL('../../src/cli.ts', import.meta.url), 'utf8');
    const bound = cli.indexOf('\nboundHeapGrowth();');
    expect(bound).toBeGreaterThan(0);
    expect(bound).toBeLessThan(cli.indexOf('await program.parseAsync('));
  });
});
