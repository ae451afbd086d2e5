// Known gaps an operator accepts. Like an exception for a finding: a reason and an expiry are
// required, the gap stays listed in coverage and every report (marked accepted), an expired rule
// stops applying (its gaps count again) and is warned about, and a blanket rule is warned about.
// Rules live in the config file, so the config hash covers them.
import { z } from 'zod';
import { ExpiryDate, addDays, endOfExpiry, isoInstant } from './clock.js';
import { globMatch } from './glob.js';
import { sha256 } from './hash.js';
import { type AcceptedGapOutcome, type Coverage, GapCode, isOpenGap } from './model.js';

/** Reaching further than this past the scan's date is flagged, as for exceptions. */
export const ACCEPTED_GAP_LONG_EXPIRY_DAYS = 365;

export const AcceptedGapRule = z
  .strictObject({
    id: z.string().min(1).optional(),
    /** Connector id, e.g. the one a `providers:` key names. */
    provider: z.string().min(1).optional(),
    /** Glob on the target id (`github:acme`, `aws:profile/prod`). */
    target: z.string().min(1).optional(),
    /** Glob on the call the gap names (`GET /orgs/{org}/codespaces/secrets`). */
    call: z.string().min(1).optional(),
    code: GapCode.optional(),
    /** Glob on the permission the gap names. */
    permission: z.string().min(1).optional(),
    /** Glob on the resource the gap is about. */
    resource: z.string().min(1).optional(),
    reason: z.string().trim().min(10, 'say why the gap is accepted (10 characters at least)'),
    expires: ExpiryDate,
  })
  .refine(
    (r) =>
      r.call !== undefined ||
      r.code !== undefined ||
      r.permission !== undefined ||
      r.resource !== undefined ||
      r.target !== undefined ||
      r.provider !== undefined,
    {
      message:
        'an accepted gap must match on at least one of provider, target, call, code, permission, resource',
    },
  );
export type AcceptedGapRule = z.infer<typeof AcceptedGapRule>;

const ruleId = (rule: AcceptedGapRule): string =>
  rule.id ??
  'gap-' +
    sha256(
      JSON.stringify([rule.provider, rule.target, rule.call, rule.code, rule.permission, rule.resource]),
    ).slice(0, 12);

const wildcard = (v: string | undefined): boolean => v === undefined || /^\*+$/.test(v);

/** Per rule (same order): a blanket rule, a duplicate id, an expiry over a year out. */
export const acceptedGapWarnings = (rules: readonly AcceptedGapRule[], asOf: Date): string[][] => {
  const ids = new Map<string, number>();
  for (const r of rules) if (r.id !== undefined) ids.set(r.id, (ids.get(r.id) ?? 0) + 1);
  return rules.map((r) => {
    const out: string[] = [];
    if (wildcard(r.call) && r.code === undefined && wildcard(r.permission) && wildcard(r.resource))
      out.push(
        `accepts every gap${(r.target ?? r.provider) ? ` of ${r.target ?? r.provider}` : ''} (no call, code, permission or resource named): real gaps will hide behind it`,
      );
    if (r.id !== undefined && (ids.get(r.id) ?? 0) > 1)
      out.push(`the id ${r.id} is used by ${ids.get(r.id)} accepted gaps`);
    const expires = isoInstant(r.expires);
    if (expires && expires > addDays(asOf, ACCEPTED_GAP_LONG_EXPIRY_DAYS))
      out.push(`expires ${r.expires}, more than ${ACCEPTED_GAP_LONG_EXPIRY_DAYS} days after the scan's date`);
    return out;
  });
};

const matches = (
  r: AcceptedGapRule,
  c: Pick<Coverage, 'provider' | 'target'>,
  g: Coverage['gaps'][number],
): boolean =>
  (r.provider === undefined || r.provider === c.provider) &&
  (r.target === undefined || globMatch(r.target, c.target)) &&
  (r.call === undefined || globMatch(r.call, g.call)) &&
  (r.code === undefined || r.code === g.code) &&
  (r.permission === undefined || (g.permission !== undefined && globMatch(r.permission, g.permission))) &&
  (r.resource === undefined || (g.resource !== undefined && globMatch(r.resource, g.resource)));

/**
 * Marks the open gaps an active rule covers (the first matching rule wins) and sets a `partial`
 * target whose gaps are then all closed to `complete`. Recovered and not-closable gaps are left as
 * they are: they never counted. Expired rules mark nothing. Mutates `coverage`.
 */
export const applyAcceptedGaps = (
  coverage: Coverage[],
  rules: readonly AcceptedGapRule[],
  asOf: Date,
): AcceptedGapOutcome[] => {
  const warnings = acceptedGapWarnings(rules, asOf);
  const marks = rules.map((rule, i) => ({
    rule,
    id: ruleId(rule),
    expired: endOfExpiry(rule.expires) < asOf.getTime(),
    warnings: [...(warnings[i] ?? [])],
    hits: [] as string[],
  }));
  for (const c of coverage) {
    for (const g of c.gaps) {
      if (!isOpenGap(g)) continue;
      // An active rule wins over an expired one; the expired one still records what it would cover.
      const mark =
        marks.find((m) => !m.expired && matches(m.rule, c, g)) ?? marks.find((m) => matches(m.rule, c, g));
      if (!mark) continue;
      mark.hits.push(`${c.target} ${g.call} ${g.code}`);
      if (!mark.expired) g.accepted = { id: mark.id, reason: mark.rule.reason, expires: mark.rule.expires };
    }
    // Only a target made incomplete by gaps alone turns complete; a failed one stays failed.
    if (c.status === 'partial' && !c.gaps.some(isOpenGap)) c.status = 'complete';
  }
  return marks.map((m) => {
    if (m.expired)
      m.warnings.push(
        `expired ${m.rule.expires}: no longer applies${m.hits.length ? ` (${m.hits.length} gap(s) count again)` : ''}`,
      );
    return {
      id: m.id,
      reason: m.rule.reason,
      expires: m.rule.expires,
      status: m.expired ? 'expired' : m.hits.length === 0 ? 'unmatched' : 'active',
      gaps: m.hits,
      warnings: m.warnings,
    };
  });
};
