// Accepted risk. An exception never hides a finding: the finding stays in every output, marked
// excepted with its justification, so the evidence shows the exception process operating. An
// expired exception re-opens its finding; an exception that matches nothing is reported too.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ExpiryDate, addDays, endOfExpiry, isoInstant } from './clock.js';
import { formatIssues } from './config.js';
import { UsageError, errorMessage } from './errors.js';
import { sha256 } from './hash.js';
import type { ExceptionOutcome, Finding } from './model.js';
import { globMatch } from './glob.js';
import { parseYamlText } from './yaml.js';

export const ExceptionRule = z.strictObject({
  id: z.string().min(1).optional(),
  match: z
    .strictObject({
      /** A finding id (stable across scans). */
      finding: z.string().min(1).optional(),
      policy: z.string().min(1).optional(),
      /** Glob on the identity uid (ARN, SA email, github:…) or its name. */
      identity: z.string().min(1).optional(),
      credential: z.string().min(1).optional(),
      provider: z.string().min(1).optional(),
      /** Account / project / org. */
      scope: z.string().min(1).optional(),
    })
    .refine((m) => m.finding ?? m.policy ?? m.identity ?? m.credential, {
      message: 'an exception must match on at least one of finding, policy, identity, credential',
    }),
  justification: z.string().trim().min(10, 'say why the risk is accepted (10 characters at least)'),
  approver: z.string().trim().min(1, 'an exception needs an approver'),
  ticket: z.string().min(1).optional(),
  expires: ExpiryDate,
});
export type ExceptionRule = z.infer<typeof ExceptionRule>;

export const ExceptionsFile = z.strictObject({ exceptions: z.array(ExceptionRule) });

export const loadExceptions = (path: string): ExceptionRule[] => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`exceptions file ${path}: ${errorMessage(err)}`);
  }
  const raw = parseYamlText(text, `exceptions file ${path}`);
  const parsed = ExceptionsFile.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    throw new UsageError(`invalid exceptions file ${path}:\n  ${formatIssues(parsed.error).join('\n  ')}`);
  }
  return parsed.data.exceptions;
};

/** An exception reaching further than this past the scan's date is flagged: risk gets re-reviewed. */
export const LONG_EXPIRY_DAYS = 365;

/**
 * What an auditor would question, per rule (same order): a blanket identity match, an id used
 * twice, an expiry more than a year out. Warnings, not errors: the file stays in force.
 */
export const exceptionWarnings = (rules: readonly ExceptionRule[], asOf: Date): string[][] => {
  const ids = new Map<string, number>();
  for (const rule of rules) if (rule.id !== undefined) ids.set(rule.id, (ids.get(rule.id) ?? 0) + 1);
  return rules.map((rule) => {
    const out: string[] = [];
    const { identity } = rule.match;
    if (identity !== undefined && /^\*+$/.test(identity))
      out.push(`matches every identity (identity: '${identity}')`);
    if (rule.id !== undefined && (ids.get(rule.id) ?? 0) > 1)
      out.push(`the id ${rule.id} is used by ${ids.get(rule.id)} exceptions`);
    const expires = isoInstant(rule.expires);
    if (expires && expires > addDays(asOf, LONG_EXPIRY_DAYS))
      out.push(`expires ${rule.expires}, more than ${LONG_EXPIRY_DAYS} days after the scan's date`);
    return out;
  });
};

const ruleId = (rule: ExceptionRule): string =>
  rule.id ?? 'exc-' + sha256(JSON.stringify(rule.match)).slice(0, 12);

const matches = (rule: ExceptionRule, f: Finding): boolean => {
  const m = rule.match;
  return (
    (m.finding === undefined || m.finding === f.uid) &&
    (m.policy === undefined || m.policy === f.policyId) &&
    (m.identity === undefined ||
      globMatch(m.identity, f.identityUid) ||
      globMatch(m.identity, f.identityName)) &&
    (m.credential === undefined ||
      (f.credentialUid !== undefined && globMatch(m.credential, f.credentialUid))) &&
    (m.provider === undefined || m.provider === f.provider) &&
    (m.scope === undefined || globMatch(m.scope, f.location.scope))
  );
};

/** Marks findings covered by an exception; the first matching rule wins. Exceptions end at the end of their expiry day (UTC). */
export const applyExceptions = (
  findings: readonly Finding[],
  rules: readonly ExceptionRule[],
  asOf: Date,
): { findings: Finding[]; outcomes: ExceptionOutcome[] } => {
  // What a finding carries about its exception, worked out once per rule.
  const warnings = exceptionWarnings(rules, asOf);
  const marks = rules.map((rule, i) => ({
    rule,
    warnings: warnings[i] ?? [],
    hits: [] as string[],
    exception: {
      id: ruleId(rule),
      justification: rule.justification,
      approver: rule.approver,
      ...(rule.ticket !== undefined ? { ticket: rule.ticket } : {}),
      expires: rule.expires,
      status: endOfExpiry(rule.expires) < asOf.getTime() ? ('expired' as const) : ('active' as const),
    },
  }));
  const out = findings.map((f) => {
    const mark = marks.find((m) => matches(m.rule, f));
    if (!mark) return f;
    mark.hits.push(f.uid);
    return { ...f, exception: mark.exception };
  });
  const outcomes = marks.map(({ hits, exception, warnings: w }): ExceptionOutcome => ({
    ...exception,
    status: hits.length === 0 ? 'unmatched' : exception.status,
    findings: hits,
    warnings: w,
  }));
  return { findings: out, outcomes };
};
