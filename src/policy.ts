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

/** Every control a policy tests, declared once beside the policy (tables are data, tested). */
export interface PolicyControls {
  /** SOC 2 Trust Services Criteria ids (src/controls/soc2.ts). Applied to every finding. */
  soc2: string[];
  /** nhiscan's default SOC 1 ITGC objective ids (src/controls/soc1.ts); applied in SOC 1 scope only. */
  soc1?: string[];
  owaspNhi?: string[];
  cisAws?: string[];
  cisGcp?: string[];
  cisGithub?: string[];
  /** CIS Critical Security Controls v8 safeguards (provider-neutral). */
  cisControls?: string[];
  nistCsf?: string[];
}

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
