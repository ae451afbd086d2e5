// `--shard I/N`: which targets a shard collects. Round-robin over the target list sorted by
// provider and target id (not the config order), so the split depends only on the set of targets,
// and the accounts an organisation lists spread over the shards rather than landing in one.
import { UsageError } from './errors.js';
import { compareCodeUnits } from './order.js';

export interface ShardSpec {
  /** 1-based. */
  index: number;
  count: number;
}

/** More shards than this is a typo: every shard lists the organisations again. */
export const MAX_SHARDS = 1000;

export const parseShard = (text: string): ShardSpec => {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new UsageError(
      `--shard: expected I/N with 1 <= I <= N <= ${MAX_SHARDS} (e.g. 2/4), found "${text}"`,
    );
  }
  return { index, count };
};

/** Sets `shard` on each target that is collected (discovery entries stay with shard 1). */
export const assignShards = (
  plan: { provider: string; target: string; discovery: boolean; shard: number }[],
  count: number,
): void => {
  const targets = plan
    .filter((p) => !p.discovery)
    .sort((a, b) => compareCodeUnits(a.provider, b.provider) || compareCodeUnits(a.target, b.target));
  targets.forEach((p, rank) => {
    p.shard = (rank % count) + 1;
  });
  for (const p of plan) if (p.discovery) p.shard = 1;
};
