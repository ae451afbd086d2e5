// Policies read an identity's typed attributes (connectors/<id>/attributes.ts) through a permissive
// zod parse: one AWS role is read by a dozen policies, and at 100,000 identities those parses were
// a fifth of the policy layer. The parse of an attributes object is kept beside that object for a
// while: identities are judged one after the other, each by every policy in turn, so the reads
// that repeat are the recent ones. Bounded, not weak: kept beside every object (a WeakMap), the
// parsed copies lived as long as the scan held its identities, to the end (issue 14); a table that
// fills is dropped and rebuilt, never grown. Identities are final once emitted, and what a reader
// returns is read, never changed, by the policies.
import type { z } from 'zod';

/** How many objects' parses a reader keeps at most. */
export const MAX_REMEMBERED_READS = 1_000;

/** `schema.safeParse(value)`'s data (undefined when it fails), parsed once per recent object. */
export const memoisedRead = <S extends z.ZodType>(
  schema: S,
): ((value: unknown) => z.output<S> | undefined) => {
  const memo = new Map<object, { data: z.output<S> | undefined }>();
  const parse = (value: unknown): z.output<S> | undefined => {
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  };
  return (value) => {
    if (typeof value !== 'object' || value === null) return parse(value);
    let hit = memo.get(value);
    if (!hit) {
      if (memo.size >= MAX_REMEMBERED_READS) memo.clear();
      memo.set(value, (hit = { data: parse(value) }));
    }
    return hit.data;
  };
};
