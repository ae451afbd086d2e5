// The data every stage exchanges. Dates are ISO-8601 strings so a ScanResult round-trips
// through JSON unchanged; `null` means "the provider says there is no such date" (never used,
// never expires), while an absent field means "not known".
import { z } from 'zod';

export const Severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;
export const SEVERITY_ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
export const severityRank = (s: Severity): number => SEVERITY_ORDER.indexOf(s);

export const IsoDate = z.iso.datetime({ offset: true });
const NullableDate = IsoDate.nullable().optional();

export const Provider = z.string().min(1); // 'aws' | 'gcp' | 'github' | a plug-in's id
export type Provider = z.infer<typeof Provider>;

export const PrivilegeLevel = z.enum(['none', 'read', 'write', 'admin']);
export type PrivilegeLevel = z.infer<typeof PrivilegeLevel>;
export const PRIVILEGE_ORDER: readonly PrivilegeLevel[] = ['none', 'read', 'write', 'admin'];

export const CredentialType = z.enum([
  'access_key',
  'sa_key',
  'api_key',
  'token',
  'deploy_key',
  'secret',
  'ssh_key',
  'certificate',
  'password',
]);
export type CredentialType = z.infer<typeof CredentialType>;

export const CredentialStatus = z.enum(['active', 'inactive', 'expired', 'revoked', 'pending', 'unknown']);
export type CredentialStatus = z.infer<typeof CredentialStatus>;

export const Credential = z.object({
  /** Provider-native id (access key id, key name, deploy key id); never secret material. */
  uid: z.string().min(1),
  /**
   * The credential's identity from facts every source shares, when `uid` depends on which call
   * answered (AWS: a key id from ListAccessKeys, a slot from the credential report). Finding ids
   * derive from it, so a fallback path yields the same findings.
   */
  stableUid: z.string().min(1).optional(),
  type: CredentialType,
  status: CredentialStatus,
  createdAt: NullableDate,
  /** When the secret material last changed: creation for immutable keys. */
  lastRotatedAt: NullableDate,
  expiresAt: NullableDate,
  lastUsedAt: NullableDate,
  /** Where the "last used" facts came from and what else they say (service, region). */
  lastUsedDetail: z.record(z.string(), z.string()).optional(),
  /** System-managed credentials are inventoried but not judged for rotation. */
  managedBy: z.enum(['user', 'provider']).default('user'),
  attributes: z.record(z.string(), z.unknown()).default({}),
});
export type Credential = z.infer<typeof Credential>;

/** One permission an identity holds, with where it came from (the statement that grants it). */
export const Grant = z.object({
  effect: z.enum(['Allow', 'Deny']),
  actions: z.array(z.string()),
  /** True when the statement used NotAction: `actions` are then the exclusions. */
  notAction: z.boolean().default(false),
  resources: z.array(z.string()),
  notResource: z.boolean().default(false),
  conditional: z.boolean().default(false),
  /** The statement's conditions, operator → key → values, as written (shown in reasons). */
  conditions: z.record(z.string(), z.record(z.string(), z.array(z.string()))).optional(),
  /** e.g. "inline:deploy-policy#1", "managed:arn:aws:iam::aws:policy/AdministratorAccess#0". */
  source: z.string(),
  sid: z.string().optional(),
});
export type Grant = z.infer<typeof Grant>;

export const Privilege = z.object({
  level: PrivilegeLevel,
  grants: z.array(Grant).default([]),
  /** Human-readable reasons for the level, each naming the statement it rests on. */
  reasons: z.array(z.string()).default([]),
  /** Managed policies or roles attached by name (AdministratorAccess, roles/editor). */
  attached: z.array(z.string()).default([]),
  /** Set when a permissions boundary or similar caps the grants. */
  boundary: z.string().optional(),
  /** The level reachable when conditions that cannot be decided statically hold, when above `level`. */
  conditionalLevel: PrivilegeLevel.optional(),
  /**
   * Policies that cap the grants (AWS: the permissions boundary, each SCP level of the account's OU path,
   * RCPs): an action is allowed only if every limit allows it and nothing denies it.
   */
  limits: z
    .array(z.object({ kind: z.enum(['boundary', 'scp', 'rcp']), source: z.string(), grants: z.array(Grant) }))
    .optional(),
});
export type Privilege = z.infer<typeof Privilege>;

/**
 * Principal types every connector may write in `Trust.principalType`, and what they mean: anyone
 * (`*`, allUsers), an external identity provider (OIDC / SAML / a workload identity pool), a
 * provider's own service, something else. A connector adds its own (the AWS connector: `aws`, an
 * AWS account or principal — connectors/aws/attributes.ts), read by its provider's policies.
 */
export const TRUST_PRINCIPAL = {
  any: 'any',
  federated: 'federated',
  service: 'service',
  other: 'other',
} as const;

/** Who outside the identity's own account/project can assume or use it. */
export const Trust = z.object({
  /**
   * A value of TRUST_PRINCIPAL or of the emitting connector's own vocabulary. A string, not an
   * enum of every provider's values, so the core names no provider; the values written are
   * unchanged, so stored scans and published results read as before.
   */
  principalType: z.string().min(1),
  principal: z.string(),
  /** Conditions on the trust statement, operator → key → values, as written. */
  conditions: z.record(z.string(), z.record(z.string(), z.array(z.string()))).default({}),
  actions: z.array(z.string()).default([]),
  source: z.string(),
  sid: z.string().optional(),
  /** The organisation (zone of trust) the trusted principal belongs to with the identity, when the connector listed it. */
  organization: z.string().optional(),
});
export type Trust = z.infer<typeof Trust>;

export const Owner = z.object({
  value: z.string(),
  /** Where the value came from, e.g. "tag:owner", "description", "config". */
  source: z.string(),
});
export type Owner = z.infer<typeof Owner>;

/**
 * Where an identity lives. "Scope", everywhere in nhiscan, means one thing: the account, project,
 * org, tenant or domain an identity lives in (an AWS account id, a GCP project id, a GitHub org) —
 * `Location.scope`, `Coverage.scope` (what a target resolved to), `ctx.setScope`, the `scope` key of
 * an exception's `match` and of a `financialScope` selector (both match `Location.scope`), and the
 * `scope` columns of the store and of the CSV, period and diff outputs. What is in SOC 1 scope is
 * `financialScope` (config) and `financialScope` / `soc1Scope` on identities and findings; which
 * targets a run scans is `--target` / `--provider`. These names are fields of the published result
 * and columns of the store, so they stay (a rename would need a result and store migration).
 */
export const Location = z.object({
  provider: Provider,
  /** The account / project / org / tenant / domain (AWS account id, GCP project id, GitHub org). */
  scope: z.string(),
  /** A finer container when there is one: a repository, an IAM path. */
  resource: z.string().optional(),
});
export type Location = z.infer<typeof Location>;

/** Facts a connector could not read (a gap says why): policies that need one return `unknown`. */
export const UnknownFact = z.enum(['tags', 'privilege', 'trust', 'owner']);
export type UnknownFact = z.infer<typeof UnknownFact>;

export const Identity = z.object({
  /** Provider-native, globally unique: an ARN, a service-account email, `github:acme/installation/42`. */
  uid: z.string().min(1),
  provider: Provider,
  /** `aws.iam_user`, `aws.iam_role`, `gcp.service_account`, `github.deploy_key`, … */
  kind: z.string().min(1),
  name: z.string(),
  location: Location,
  createdAt: NullableDate,
  lastUsedAt: NullableDate,
  lastUsedDetail: z.record(z.string(), z.string()).optional(),
  owner: Owner.nullable().default(null),
  tags: z.record(z.string(), z.string()).default({}),
  credentials: z.array(Credential).default([]),
  privilege: Privilege.default({ level: 'none', grants: [], reasons: [], attached: [] }),
  trust: z.array(Trust).default([]),
  financialScope: z
    .object({ inScope: z.boolean(), reasons: z.array(z.string()) })
    .default({ inScope: false, reasons: [] }),
  /** Managed by the provider (AWS service-linked roles, Google-managed accounts). */
  managedBy: z.enum(['user', 'provider']).default('user'),
  /** Provider-specific facts policies may read (console password, IAM path, …). */
  attributes: z.record(z.string(), z.unknown()).default({}),
  /**
   * Facts a failed or incomplete call left unknown: empty tags, `none` privilege or no trust then
   * mean "not read", and policies that judge them report `unknown`, never a pass or an absence.
   */
  unknownFacts: z.array(UnknownFact).optional(),
});
export type Identity = z.infer<typeof Identity>;
export type IdentityInput = z.input<typeof Identity>;

export const ControlRef = z.object({
  framework: z.string(), // 'SOC2', 'SOC1', 'OWASP-NHI', 'CIS-AWS', …
  id: z.string(),
  title: z.string(),
});
export type ControlRef = z.infer<typeof ControlRef>;

export const Finding = z.object({
  /** Stable: a hash of policy, identity, credential and the finding's own key. */
  uid: z.string(),
  policyId: z.string(),
  severity: Severity,
  title: z.string(),
  message: z.string(),
  provider: Provider,
  identityUid: z.string(),
  identityKind: z.string(),
  identityName: z.string(),
  location: Location,
  credentialUid: z.string().optional(),
  /** The facts the policy used: dates, the statement, the tag. Never secret values. */
  evidence: z.record(z.string(), z.unknown()),
  remediation: z.string().optional(),
  controls: z.array(ControlRef),
  /** Why SOC 1 objectives apply: the `financialScope` selectors the identity matched. */
  soc1Scope: z.array(z.string()).optional(),
  exception: z
    .object({
      id: z.string(),
      justification: z.string(),
      approver: z.string(),
      ticket: z.string().optional(),
      expires: z.string(),
      status: z.enum(['active', 'expired']),
    })
    .optional(),
});
export type Finding = z.infer<typeof Finding>;

export const GapCode = z.enum([
  'access_denied',
  'auth_failed',
  'not_found',
  'throttled',
  'unavailable',
  'timeout',
  'invalid_response',
  'not_supported',
  'partial_data',
  /** The scan was stopped (SIGINT / SIGTERM) before this target finished. */
  'interrupted',
  'unknown',
]);
export type GapCode = z.infer<typeof GapCode>;

export const Gap = z.object({
  code: GapCode,
  /** The API call that failed, e.g. "iam:GetCredentialReport". */
  call: z.string(),
  message: z.string(),
  /** The resource the call was about, when it was about one. */
  resource: z.string().optional(),
  /** The permission that would unlock the call, when the provider says. */
  permission: z.string().optional(),
  /** What the scan did instead, e.g. "fell back to ListAccessKeys". */
  fallback: z.string().optional(),
  /** True when nothing was lost (a fallback recovered the data). */
  recovered: z.boolean().default(false),
  /**
   * false when no permission can close it (the provider has no API for the data, or it needs a
   * licence or another kind of credential): a note, listed but not counted as incomplete.
   */
  closable: z.boolean().optional(),
  /** Set when an `acceptedGaps` rule of the config covers it: listed, not counted as incomplete. */
  accepted: z.object({ id: z.string(), reason: z.string(), expires: z.string() }).optional(),
});
export type Gap = z.infer<typeof Gap>;

/**
 * A gap that makes its target incomplete (exit 3): data was lost, a permission (or a retry) could
 * close it, and no accepted-gap rule covers it. The one test exit codes, coverage and reports use.
 */
export const isOpenGap = (gap: Pick<Gap, 'recovered' | 'closable' | 'accepted'>): boolean =>
  !gap.recovered && gap.closable !== false && gap.accepted === undefined;

/** How a gap that is not open is shown: recovered, no permission closes it, or accepted. */
export const gapStanding = (
  gap: Pick<Gap, 'recovered' | 'closable' | 'accepted'>,
): 'open' | 'recovered' | 'not-closable' | 'accepted' =>
  gap.recovered ? 'recovered' : gap.accepted ? 'accepted' : gap.closable === false ? 'not-closable' : 'open';

export const TargetStatus = z.enum(['complete', 'partial', 'failed', 'skipped']);
export type TargetStatus = z.infer<typeof TargetStatus>;

export const Coverage = z.object({
  provider: Provider,
  /** Stable target id from the connector, e.g. "aws:profile/prod" or "aws:123456789012". */
  target: z.string(),
  /** The account / project / org the target resolved to, once known. */
  scope: z.string().optional(),
  status: TargetStatus,
  startedAt: IsoDate,
  finishedAt: IsoDate,
  /** The principal the scanner ran as there (ARN, SA email, App slug). */
  principal: z.string().optional(),
  counts: z.record(z.string(), z.number().int().nonnegative()),
  gaps: z.array(Gap),
  notes: z.array(z.string()).default([]),
  /** Set on the entry of a target that only listed others (an organisation's projects). */
  discovery: z.boolean().optional(),
});
export type Coverage = z.infer<typeof Coverage>;

/**
 * What a policy concluded about one identity: `fail` raised findings, `unknown` means the data the
 * policy needs was not available (never a silent pass), `not-applicable` means the policy does not
 * judge this kind of identity. One record per enabled policy x identity.
 */
export const EvaluationStatus = z.enum(['pass', 'fail', 'not-applicable', 'unknown']);
export type EvaluationStatus = z.infer<typeof EvaluationStatus>;

export const EvaluationRecord = z.object({
  policyId: z.string(),
  identityUid: z.string(),
  status: EvaluationStatus,
  /** For `unknown`: what was missing; for `not-applicable`: why; optional otherwise. */
  reason: z.string().optional(),
  /** Uids of the findings this evaluation raised (status `fail`). */
  findings: z.array(z.string()).default([]),
});
export type EvaluationRecord = z.infer<typeof EvaluationRecord>;

export const EvaluationCounts = z.object({
  pass: z.number().int().nonnegative(),
  fail: z.number().int().nonnegative(),
  unknown: z.number().int().nonnegative(),
  notApplicable: z.number().int().nonnegative(),
});
export type EvaluationCounts = z.infer<typeof EvaluationCounts>;

/** Counts an auditor tests completeness against; the records themselves travel beside the result. */
export const EvaluationSummary = z.object({
  /** Identities in the population the policies were run over. */
  identities: z.number().int().nonnegative(),
  byPolicy: z.record(z.string(), EvaluationCounts),
  /** Keyed "FRAMEWORK:id", e.g. "SOC2:CC6.1". */
  byControl: z.record(z.string(), EvaluationCounts),
});
export type EvaluationSummary = z.infer<typeof EvaluationSummary>;

/** How each accepted-risk exception fared in this scan (stale ones are their own audit smell). */
export const ExceptionOutcome = z.object({
  id: z.string(),
  justification: z.string(),
  approver: z.string(),
  ticket: z.string().optional(),
  expires: z.string(),
  /** active: matched and in force; expired: past its date, its findings re-opened; unmatched: matches nothing. */
  status: z.enum(['active', 'expired', 'unmatched']),
  findings: z.array(z.string()),
  /** What an auditor would question: a blanket match, a duplicate id, an expiry over a year out. */
  warnings: z.array(z.string()).default([]),
});
export type ExceptionOutcome = z.infer<typeof ExceptionOutcome>;

/** How each `acceptedGaps` rule of the config fared in this scan (as exceptions do). */
export const AcceptedGapOutcome = z.object({
  id: z.string(),
  reason: z.string(),
  expires: z.string(),
  /** active: covered gaps; expired: past its date, its gaps count again; unmatched: covers nothing. */
  status: z.enum(['active', 'expired', 'unmatched']),
  /** The gaps it covers (or would cover, when expired), as `target call code`. */
  gaps: z.array(z.string()),
  /** What an auditor would question: a blanket rule, a duplicate id, an expiry over a year out. */
  warnings: z.array(z.string()).default([]),
});
export type AcceptedGapOutcome = z.infer<typeof AcceptedGapOutcome>;

export const ScanResult = z.object({
  schemaVersion: z.literal(1),
  run: z.object({
    id: z.string(),
    tool: z.object({ name: z.literal('nhiscan'), version: z.string() }),
    startedAt: IsoDate,
    finishedAt: IsoDate,
    /** The single clock every date was judged against. */
    asOf: IsoDate,
    configHash: z.string(),
    /** Effective policy configuration (defaults merged with the config file). */
    policies: z.record(
      z.string(),
      z.object({
        enabled: z.boolean(),
        severity: Severity,
        options: z.record(z.string(), z.unknown()),
        overrides: z
          .array(
            z.object({
              provider: z.string().optional(),
              kind: z.string().optional(),
              enabled: z.boolean().optional(),
              severity: Severity.optional(),
              options: z.record(z.string(), z.unknown()).optional(),
            }),
          )
          .default([]),
        /**
         * Who set `enabled`, in the order applied (the last holds): a plug-in's `disablePolicies`
         * (module path, its SHA-256, the reason) and the config file. Absent: the default, on.
         */
        setBy: z
          .array(
            z.discriminatedUnion('by', [
              z.object({
                by: z.literal('plugin'),
                enabled: z.boolean(),
                plugin: z.string(),
                sha256: z.string(),
                reason: z.string(),
              }),
              z.object({ by: z.literal('config'), enabled: z.boolean() }),
            ]),
          )
          .optional(),
      }),
    ),
    /**
     * Plug-in modules loaded for this scan: the path as written in the config and the SHA-256 of
     * the module file (a plug-in runs with the scanner's credentials). Results written before
     * digests were recorded hold bare paths.
     */
    plugins: z
      .array(
        z.union([z.string(), z.object({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })]),
      )
      .default([]),
    complete: z.boolean(),
    /** Stopped by SIGINT / SIGTERM: targets not finished are `failed` with an `interrupted` gap. */
    interrupted: z.boolean().default(false),
    /**
     * Merged from `--shard I/N` runs (`nhiscan merge`): how many shards, which reported, and which
     * did not (their targets are `failed` coverage with a gap).
     */
    shard: z
      .object({
        count: z.number().int().positive(),
        merged: z.array(z.number().int().positive()),
        missing: z.array(z.number().int().positive()),
      })
      .optional(),
  }),
  identities: z.array(Identity),
  findings: z.array(Finding),
  coverage: z.array(Coverage),
  exceptions: z.array(ExceptionOutcome).default([]),
  /** Present when the config has `acceptedGaps` rules. */
  acceptedGaps: z.array(AcceptedGapOutcome).optional(),
  evaluationSummary: EvaluationSummary.optional(),
});
export type ScanResult = z.infer<typeof ScanResult>;

/**
 * A finished scan as reporters read it: the result of record plus one evaluation record per
 * policy x identity (millions at scale, so they are written by the formats that need them:
 * the evidence bundle, OCSF, JUnit; not inside nhiscan-result.json).
 */
export type Scan = ScanResult & { evaluations: readonly EvaluationRecord[] };
