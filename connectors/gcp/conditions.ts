// IAM conditions on allow bindings, decided where they can be without the request in hand.
// Decided: a conjunction (`&&`) of
//   request.time  <, <=, >, >=  timestamp("…")      — against the scan's clock (asOf)
//   resource.name.startsWith("…")                    — the binding reaches only resources so named
// Anything else (`||`, `!`, resource.type, tags, request.host, api attributes…) is left
// undecided: the binding is "conditional" and its expression goes into the evidence.
import { normalizeTimestamp } from '../../src/clock.js';

export type ConditionVerdict =
  /** Holds at scan time with no resource limit (a time window that is open). */
  | { kind: 'holds'; note: string }
  /** Cannot hold at scan time: the window has closed or not yet opened. */
  | { kind: 'never'; note: string }
  /** Holds for resources whose names start with one of these prefixes (all must match: one prefix each term). */
  | { kind: 'scoped'; prefixes: string[]; note: string }
  | { kind: 'undecided' };

const TIME = /^request\.time\s*(<=|>=|<|>)\s*timestamp\(\s*(["'])([^"']+)\2\s*\)$/;
const PREFIX = /^resource\.name\.startsWith\(\s*(["'])([^"']*)\1\s*\)$/;

/** The top-level `&&` terms, or undefined when the expression has anything but a plain conjunction. */
const conjunction = (expression: string): string[] | undefined => {
  const terms: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && (c === '|' || c === '!' || c === '?')) {
      // `!=` is a comparison this evaluator does not decide either.
      return undefined;
    } else if (depth === 0 && c === '&' && expression[i + 1] === '&') {
      terms.push(expression.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  if (quote || depth !== 0) return undefined;
  terms.push(expression.slice(start));
  return terms.map((t) => stripParens(t.trim()));
};

const stripParens = (term: string): string => {
  let t = term;
  while (t.startsWith('(') && t.endsWith(')') && conjunction(t.slice(1, -1))?.length === 1)
    t = t.slice(1, -1).trim();
  return t;
};

const holdsAt = (op: string, asOf: number, at: number): boolean =>
  op === '<' ? asOf < at : op === '<=' ? asOf <= at : op === '>' ? asOf > at : asOf >= at;

/** Decides `expression` at `asOf` where it can (see above). */
export const evaluateCondition = (expression: string, asOf: Date): ConditionVerdict => {
  const terms = conjunction(expression.trim());
  if (!terms || terms.some((t) => t === '')) return { kind: 'undecided' };
  const prefixes: string[] = [];
  const notes: string[] = [];
  for (const term of terms) {
    const time = TIME.exec(term);
    if (time) {
      const [, op = '<', , when = ''] = time;
      // Only full ISO 8601 instants: anything else is not a date we decide on.
      const iso = normalizeTimestamp(when);
      if (iso === undefined) return { kind: 'undecided' };
      const at = Date.parse(iso);
      if (!holdsAt(op, asOf.getTime(), at)) {
        return {
          kind: 'never',
          note: op.startsWith('<') ? `expired ${when}` : `not in force until ${when}`,
        };
      }
      notes.push(op.startsWith('<') ? `until ${when}` : `since ${when}`);
      continue;
    }
    const prefix = PREFIX.exec(term);
    if (prefix) {
      prefixes.push(prefix[2] ?? '');
      continue;
    }
    return { kind: 'undecided' };
  }
  if (prefixes.length > 0) {
    notes.push(`only resources named ${prefixes.map((p) => `${p}*`).join(' and ')}`);
    return { kind: 'scoped', prefixes, note: notes.join(', ') };
  }
  return { kind: 'holds', note: notes.join(', ') };
};
