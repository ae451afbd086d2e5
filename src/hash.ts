import { createHash } from 'node:crypto';
import { compareCodeUnits } from './order.js';

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Stable JSON: object keys sorted, so equal data hashes equally whatever the key order. */
export const stableStringify = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => compareCodeUnits(a, b)),
        )
      : v,
  );
