import { describe, expect, it } from 'vitest';
import { mapWindow } from '../../src/concurrency.js';

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('mapWindow', () => {
  it('yields in order, keeps at most the window started and not yet yielded, and has no barrier', async () => {
    const events: string[] = [];
    let open = 0;
    let peak = 0;
    const delays = [5, 60, 5, 5, 5, 5];
    const out: number[] = [];
    for await (const v of mapWindow(delays, 3, async (ms, i) => {
      open += 1;
      peak = Math.max(peak, open);
      events.push(`start ${i}`);
      await wait(ms);
      events.push(`end ${i}`);
      open -= 1;
      return i;
    })) {
      out.push(v);
    }
    expect(out).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBeLessThanOrEqual(4);
    // Item 3 starts once item 0 is yielded, while item 1 (slow) still runs: no batch barrier.
    expect(events.indexOf('start 3')).toBeLessThan(events.indexOf('end 1'));
  });

  it('passes a failure on when its item is reached', async () => {
    const seen: number[] = [];
    const run = async (): Promise<void> => {
      for await (const v of mapWindow([1, 2, 3], 2, async (n) => {
        await wait(1);
        if (n === 2) throw new Error('boom');
        return n;
      }))
        seen.push(v);
    };
    await expect(run()).rejects.toThrow('boom');
    expect(seen).toEqual([1]);
  });
});
