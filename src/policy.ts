// The policy contract: one file per policy under policies/, metadata beside `evaluate`.
// Policies read Identity data only; they never call an API.
import type { z } from 'zod';
import type { Directory } from './directory.js';
import type { Identity, Severity } from './model.js';

export interface PolicyContext {
  /** The scan's single clock. */
  asOf: Date;
  /** People and their status, when the config names a directory file. */
  directory: Directory | undefined;
  /**
   * Every identity of the scan, for policies that follow paths between identities (an AWS role
   * another principal can pass or assume). Absent when a policy runs on one identity alone.
   */
  inventory?: readonly Identity[];
}

/**
 * Every control a policy tests, declared once beside the policy: control ids per framework id
 * (src/controls/: soc2, soc1, owaspNhi, cisControls, nistCsf; each connector's benchmark, e.g.
 * cisAws; a plug-in's). SOC 2 applies to every finding; SOC 1 (nhiscan's default ITGC objective
 * ids) only in financial-reporting scope. An id no registered framework has fails at load.
 */
export type PolicyControls = { soc2: string[] } & Record<string, string[] | undefined>;

/** What a policy returns; the scan turns it into a Finding (ids, controls, location). */
export interface FindingDraft {
  /** Distinguishes several findings of one policy on one identity (e.g. "unused" vs "never-used"). */
  key?: string;
  credentialUid?: string;
  title: string;
  message: string;
  /** The facts used, with dates. Never secret values. */
  evidence: Record<string, unknown>;
  /** Overrides the policy's (configured) severity for this finding, e.g. worse when unconditioned. */
  severity?: Severity;
  remediation?: string;
  /** Extra control ids beyond the policy's own, e.g. CC8.1 when the identity can change code. */
  extraControls?: Partial<PolicyControls>;
  /**
   * Set when the problem lives on something shared rather than on this identity (a grant on a
   * project that reaches every account there): `uid` names it (e.g. resource + role + principal)
   * and the finding's id derives from it, so the core raises ONE finding however many identities
   * report it, and lists them in `evidence.reaches` (sorted). The first identity reporting it
   * carries it in the inventory; every one records it in its evaluation.
   */
  shared?: { uid: string };
}

/**
 * What a policy judged on one identity, or one part of it (a credential, a check). A policy
 * returns at least one; the core folds them into the identity's single EvaluationRecord: any
 * `fail` makes it fail (every finding kept), else any `unknown` makes it unknown, else any `pass`
 * makes it pass, else it is not-applicable. Never return nothing: say which of the four it was.
 */
export type Verdict =
  | { status: 'pass' }
  | { status: 'fail'; findings: FindingDraft[] }
  /** The data the policy needs was not available (no last-used date, tags not read, …). */
  | { status: 'unknown'; reason: string }
  /** Nothing here for this policy to check (a provider-managed credential, no key of the type). */
  | { status: 'not-applicable'; reason: string };

// One pass for all (frozen: nothing changes a verdict): a pass per policy × identity was garbage.
const PASS: Verdict = Object.freeze({ status: 'pass' as const });
export const pass = (): Verdict => PASS;
export const fail = (...findings: FindingDraft[]): Verdict => ({ status: 'fail', findings });
export const unknown = (reason: string): Verdict => ({ status: 'unknown', reason });
export const notApplicable = (reason: string): Verdict => ({ status: 'not-applicable', reason });
/** For checks that all ran: the drafts raised are a fail, none is a pass. */
export const judged = (drafts: FindingDraft[]): Verdict => (drafts.length > 0 ? fail(...drafts) : pass());

/**
 * Which identities a policy judges. The core records every other identity as not-applicable
 * without calling the policy. An omitted list means "any".
 */
export interface AppliesTo {
  providers?: readonly string[];
  /** Identity kinds, e.g. "aws.iam_user", "github.app_installation". */
  kinds?: readonly string[];
}

/** The action that fixes a finding, per identity kind (ownership is set differently per kind). */
export interface Remediation {
  /** For kinds without an entry of their own. */
  default: string;
  byKind?: Readonly<Record<string, string>>;
}

/**
 * A finding a policy can raise, for its doc page: the draft's `key` ("<…>" marks a part that
 * varies, absent when the policy sets none), a title, and the evidence keys it carries.
 */
export interface FindingSpec {
  key?: string;
  title: string;
  evidence: readonly string[];
  /** Controls a finding of this kind may add to the policy's own (`FindingDraft.extraControls`). */
  extraControls?: Partial<PolicyControls>;
}

/** The policy's controls plus every control its findings may add: what the policy can test. */
export const declaredControls = (policy: Pick<Policy, 'controls' | 'findings'>): PolicyControls => {
  const out: Record<string, string[]> = {};
  for (const source of [policy.controls, ...policy.findings.map((f) => f.extraControls ?? {})]) {
    for (const [framework, ids] of Object.entries(source)) {
      out[framework] = [...new Set([...(out[framework] ?? []), ...(ids ?? [])])];
    }
  }
  return { ...out, soc2: out.soc2 ?? [] };
};

export interface Policy<O = unknown> {
  id: string;
  title: string;
  /** What the policy checks and why it matters (shown by `nhiscan policies` and its doc page). */
  description: string;
  appliesTo: AppliesTo;
  severity: Severity;
  /** Options schema; every field has a default so `{}` parses. */
  options: z.ZodType<O>;
  controls: PolicyControls;
  /** Used for a finding whose draft names no remediation of its own. */
  remediation: Remediation;
  /** Provider documentation, CIS, OWASP NHI: where a reader checks the reasoning. */
  references: readonly string[];
  /** Every kind of finding it raises (a test checks the policy tests raise only these). */
  findings: readonly FindingSpec[];
  evaluate(identity: Identity, options: O, ctx: PolicyContext): Verdict[];
}

export type AnyPolicy = Policy<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The remediation a policy gives for one kind of identity. */
export const remediationFor = (policy: Pick<AnyPolicy, 'remediation'>, kind: string): string =>
  policy.remediation.byKind?.[kind] ?? policy.remediation.default;

/** Why the core did not call a policy on an identity (undefined: the policy applies). */
export const outsideAppliesTo = (
  appliesTo: AppliesTo,
  identity: { provider: string; kind: string },
): string | undefined => {
  if (appliesTo.providers && !appliesTo.providers.includes(identity.provider))
    return `judges ${appliesTo.providers.join(', ')} identities only; this is a ${identity.provider} identity`;
  if (appliesTo.kinds && !appliesTo.kinds.includes(identity.kind))
    return `judges ${appliesTo.kinds.join(', ')} only; this is a ${identity.kind}`;
  return undefined;
};
