// Policies read an identity's typed attributes (connectors/<id>/attributes.ts) through a permissive
// zod parse: one AWS role is read by a dozen policies, and at 100,000 identities those parses were
// a fifth of the policy layer. The parse of an attributes object is kept beside that object for a
// while: identities are judged one after the other, each by every policy in turn, so the reads
// that repeat are the recent ones. Bounded, not weak: kept beside every object (a WeakMap), the
// parsed copies lived as long as the scan held its identities, to the end (issue 14); a table that
// fills is dropped and rebuilt, never grown. Identities are final once emitted, and what a reader
// returns is read, never changed, by the policies.
import type { z } from 'zod';
import { boundedMemo } from './bounded-memo.js';

/** How many objects' parses a reader keeps at most. */
export const MAX_REMEMBERED_READS = 1_000;

/** `schema.safeParse(value)`'s data (undefined when it fails), parsed once per recent object. */
export const memoisedRead = <S extends z.ZodType>(
  schema: S,
): ((value: unknown) => z.output<S> | undefined) => {
  const memo = boundedMemo<object, z.output<S> | undefined>(MAX_REMEMBERED_READS);
  const parse = (value: unknown): z.output<S> | undefined => {
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  };
  return (value) =>
    typeof value !== 'object' || value === null ? parse(value) : memo(value, () => parse(value));
};
