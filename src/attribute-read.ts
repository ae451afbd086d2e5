// Policies read an identity's typed attributes (connectors/<id>/attributes.ts) through a permissive
// zod parse: one AWS role is read by a dozen policies, and at 100,000 identities those parses were
// a fifth of the policy layer. The parse of an attributes object is kept beside that object (a
// WeakMap: it goes when the identity goes). Identities are final once emitted, and what a reader
// returns is read, never changed, by the policies.
import type { z } from 'zod';

/** `schema.safeParse(value)`'s data (undefined when it fails), parsed once per object. */
export const memoisedRead = <S extends z.ZodType>(
  schema: S,
): ((value: unknown) => z.output<S> | undefined) => {
  const memo = new WeakMap<object, { data: z.output<S> | undefined }>();
  const parse = (value: unknown): z.output<S> | undefined => {
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  };
  return (value) => {
    if (typeof value !== 'object' || value === null) return parse(value);
    let hit = memo.get(value);
    if (!hit) memo.set(value, (hit = { data: parse(value) }));
    return hit.data;
  };
};
