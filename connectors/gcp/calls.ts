// One way to make a Google API call: through the target's limiter, with the answer checked
// against the permissive schema. Pagination follows `nextPageToken` until Google stops sending
// one (a repeated token is a broken answer, not an endless loop).
import type { z } from 'zod';
import type { CollectContext } from '../../src/connector.js';
import { invalidResponse } from './errors.js';

/** Google's list calls answer at most this many pages here: far above any real estate. */
const MAX_PAGES = 10_000;

export const callApi = async <S extends z.ZodType>(
  ctx: Pick<CollectContext, 'limit'>,
  call: string,
  schema: S,
  fn: () => Promise<{ data: unknown }>,
): Promise<z.output<S>> => {
  const res = await ctx.limit(fn);
  const parsed = schema.safeParse(res.data ?? {});
  if (!parsed.success) throw invalidResponse(call, parsed.error.issues[0]?.message ?? 'unknown');
  return parsed.data;
};

/** Every page of a list call, parsed; `fetch` gets the page token (undefined for the first page). */
export const listAll = async <S extends z.ZodType<{ nextPageToken?: string | undefined }>>(
  ctx: Pick<CollectContext, 'limit'>,
  call: string,
  schema: S,
  fetch: (pageToken: string | undefined) => Promise<{ data: unknown }>,
): Promise<z.output<S>[]> => {
  const pages: z.output<S>[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await callApi(ctx, call, schema, () => fetch(token));
    pages.push(page);
    token = page.nextPageToken || undefined;
    if (token !== undefined) {
      if (seen.has(token) || seen.size >= MAX_PAGES) throw invalidResponse(call, 'the page token repeats');
      seen.add(token);
    }
  } while (token !== undefined);
  return pages;
};
