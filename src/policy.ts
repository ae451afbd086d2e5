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
}

export interface Policy<O = unknown> {
  id: string;
  title: string;
  /** Why it matters, one or two sentences (shown by `nhiscan policies`). */
  rationale: string;
  severity: Severity;
  /** Options schema; every field has a default so `{}` parses. */
  options: z.ZodType<O>;
  controls: PolicyControls;
  evaluate(identity: Identity, options: O, ctx: PolicyContext): FindingDraft[];
}

export type AnyPolicy = Policy<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
