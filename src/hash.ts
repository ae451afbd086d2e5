import { hash } from 'node:crypto';
import { compareCodeUnits } from './order.js';

// One-shot (Node ≥ 20.12): the same digest as createHash().update().digest() without a Hash object per
// call (finding ids hash once per finding).
export const sha256 = (data: string | Uint8Array): string => hash('sha256', data, 'hex');

/** Stable JSON: object keys sorted, so equal data hashes equally whatever the key order. */
export const stableStringify = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => compareCodeUnits(a, b)),
        )
      : v,
  );
