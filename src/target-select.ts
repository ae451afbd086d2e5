// `--target GLOB` / `--provider ID`: which of the config's targets a scan runs. Each option is a
// list of globs (src/glob.ts) matched against target ids ("aws:account/1234*") or provider ids;
// a leading `!` excludes, and an exclusion wins. Targets keep the config's order (and a discovery
// target's children the connector's order), so a filtered scan is a deterministic subset.
import { UsageError } from './errors.js';
import { globMatch } from './glob.js';

export interface TargetSelection {
  /** Globs over target ids; `!glob` excludes. Empty: every target. */
  targets: readonly string[];
  /** Globs over provider ids; `!glob` excludes. Empty: every provider. */
  providers: readonly string[];
}

interface Split {
  include: string[];
  exclude: string[];
}

const split = (patterns: readonly string[], option: string): Split => {
  const out: Split = { include: [], exclude: [] };
  for (const raw of patterns.flatMap((p) => p.split(','))) {
    const p = raw.trim();
    const negated = p.startsWith('!');
    const glob = negated ? p.slice(1) : p;
    if (glob === '') throw new UsageError(`${option}: empty pattern in "${patterns.join(',')}"`);
    (negated ? out.exclude : out.include).push(glob);
  }
  return out;
};

const admits = (s: Split, value: string): boolean =>
  (s.include.length === 0 || s.include.some((g) => globMatch(g, value))) &&
  !s.exclude.some((g) => globMatch(g, value));

export interface TargetSelector {
  /** Whether the target itself is selected. */
  selects(target: { id: string; provider: string }): boolean;
  /**
   * For a target that lists others (an organisation): whether to run its listing, because it is
   * selected itself or an include pattern names its provider's targets (`aws:account/…`).
   */
  lists(target: { id: string; provider: string }): boolean;
  /** A target a selected or listing-only parent listed. */
  selectsChild(parent: { id: string; provider: string }, child: { id: string; provider: string }): boolean;
}

export const targetSelector = (selection: TargetSelection | undefined): TargetSelector => {
  const targets = split(selection?.targets ?? [], '--target');
  const providers = split(selection?.providers ?? [], '--provider');
  const selects = (t: { id: string; provider: string }): boolean =>
    admits(providers, t.provider) && admits(targets, t.id);
  return {
    selects,
    lists: (t) =>
      selects(t) ||
      (admits(providers, t.provider) &&
        !targets.exclude.some((g) => globMatch(g, t.id)) &&
        targets.include.some((g) => g.startsWith(`${t.provider}:`) || g.startsWith('*'))),
    // Selecting the parent selects what it lists, unless a pattern excludes the child.
    selectsChild: (parent, child) =>
      selects(child) || (selects(parent) && !targets.exclude.some((g) => globMatch(g, child.id))),
  };
};

export const isEmptySelection = (selection: TargetSelection | undefined): boolean =>
  !selection || (selection.targets.length === 0 && selection.providers.length === 0);
