// Runs the policy layer over a finished inventory. Pure: same identities, same asOf, same
// config → same findings with the same ids, and the same evaluation records.
//
// Every policy in force records one EvaluationRecord per identity, so the counts add up:
// pass + fail + unknown + not-applicable = identities, per policy. A policy is in force when it
// is enabled, in the base settings or in one of its provider/kind overrides; a policy disabled
// everywhere records nothing (run.policies says it is off). Where it is in force, an identity is
//   - not-applicable when the policy's `appliesTo` excludes its provider or kind (the policy is
//     not called), or when an override disables the policy for it ("disabled by config"),
//   - unknown when the policy threw on it (also a coverage gap), or said it lacked the data,
//   - otherwise what the policy's verdicts fold to (see Verdict in src/policy.ts).
import { type ControlResolver, createControlResolver } from './controls/index.js';
import { type EffectivePolicy, variantFor } from './config.js';
import { sha256 } from './hash.js';
import {
  type ControlRef,
  type EvaluationCounts,
  type EvaluationRecord,
  type EvaluationStatus,
  type EvaluationSummary,
  Finding,
  type Gap,
  type Identity,
} from './model.js';
import {
  type AnyPolicy,
  type PolicyContext,
  type Verdict,
  outsideAppliesTo,
  remediationFor,
} from './policy.js';
import { errorMessage } from './errors.js';

/** Same problem on the same resource → same id, scan after scan. */
export const findingUid = (
  policyId: string,
  identityUid: string,
  credentialUid?: string,
  key?: string,
): string =>
  'nhi-' + sha256([policyId, identityUid, credentialUid ?? '', key ?? ''].join('\u0000')).slice(0, 20);

/** The id of a finding on something shared (FindingDraft.shared): the same whoever reports it. */
export const sharedFindingUid = (policyId: string, sharedUid: string, key?: string): string =>
  findingUid(policyId, `shared:${sharedUid}`, undefined, key);

export interface Evaluation {
  findings: Finding[];
  /** A policy that threw on an identity: recorded, never swallowed. */
  failures: { identityUid: string; gap: Gap }[];
  /**
   * One per policy in force × identity, in identity then policy order. Held compactly while the
   * policies run (millions at scale) and built as objects on first read (see recordsOf).
   */
  readonly evaluations: EvaluationRecord[];
  summary: EvaluationSummary;
}

/** The reason recorded when a provider/kind override switches a policy off for an identity. */
export const DISABLED_BY_CONFIG = 'disabled by config (policies.<id>.overrides) for this provider or kind';

/** Enabled in the base settings or in at least one override: it records evaluations. */
export const inForce = (p: EffectivePolicy): boolean =>
  p.enabled || p.overrides.some((o) => o.enabled === true);

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

/** A policy's verdicts on one identity → its one status (see Verdict). */
export const foldVerdicts = (verdicts: readonly Verdict[]): { status: EvaluationStatus; reason?: string } => {
  // One verdict (the usual case) folds to itself: no arrays built per policy × identity.
  const [only] = verdicts;
  if (verdicts.length === 1 && only) {
    if (only.status === 'pass' || only.status === 'fail') return { status: only.status };
    return { status: only.status, reason: only.reason };
  }
  const unknowns = unique(verdicts.flatMap((v) => (v.status === 'unknown' ? [v.reason] : [])));
  if (verdicts.some((v) => v.status === 'fail'))
    return unknowns.length > 0
      ? { status: 'fail', reason: `also unknown: ${unknowns.join('; ')}` }
      : { status: 'fail' };
  if (unknowns.length > 0) return { status: 'unknown', reason: unknowns.join('; ') };
  if (verdicts.some((v) => v.status === 'pass')) return { status: 'pass' };
  const na = unique(verdicts.flatMap((v) => (v.status === 'not-applicable' ? [v.reason] : [])));
  return { status: 'not-applicable', reason: na.join('; ') };
};

/** Verdicts are the policy's word, so they are checked like input: nothing fails open. */
const checkVerdicts = (policyId: string, verdicts: unknown): Verdict[] => {
  if (!Array.isArray(verdicts) || verdicts.length === 0)
    throw new Error(
      `policy ${policyId} returned no verdict (expected pass, fail, unknown or not-applicable)`,
    );
  for (const v of verdicts as Verdict[]) {
    const status = (v as { status?: unknown } | null)?.status;
    if (status === 'fail') {
      const drafts = (v as { findings?: unknown }).findings;
      if (!Array.isArray(drafts) || drafts.length === 0)
        throw new Error(`policy ${policyId} returned a fail verdict without findings`);
    } else if (status === 'unknown' || status === 'not-applicable') {
      const reason = (v as { reason?: unknown }).reason;
      if (typeof reason !== 'string' || reason.trim() === '')
        throw new Error(`policy ${policyId} returned ${status} without a reason`);
    } else if (status !== 'pass') {
      throw new Error(`policy ${policyId} returned a verdict with status ${JSON.stringify(status)}`);
    }
  }
  return verdicts as Verdict[];
};

const zero = (): EvaluationCounts => ({ pass: 0, fail: 0, unknown: 0, notApplicable: 0 });
const STATUSES: readonly EvaluationStatus[] = ['pass', 'fail', 'unknown', 'not-applicable'];
const STATUS_CODE: Record<EvaluationStatus, number> = { pass: 0, fail: 1, unknown: 2, 'not-applicable': 3 };
const COUNT_KEYS: readonly (keyof EvaluationCounts)[] = ['pass', 'fail', 'unknown', 'notApplicable'];

/**
 * The evaluation records, compact: record i is identity ⌊i / policies⌋ × policy i mod policies
 * (the loop's order), its status a byte, its reason an index into a table of distinct reasons (0:
 * none), its findings only where it raised some. At 100,000 identities × 30 policies the objects
 * cost ~150 bytes each (≈ 450 MB) and most of the policy layer's GC; most runs only count them.
 */
interface CompactRecords {
  identities: readonly Identity[];
  policyIds: readonly string[];
  status: Uint8Array;
  reasonId: Uint32Array;
  reasons: string[];
  findings: Map<number, string[]>;
}

/** The records as objects, same fields in the same key order as they were always built. */
const recordsOf = (c: CompactRecords): EvaluationRecord[] => {
  const out: EvaluationRecord[] = new Array<EvaluationRecord>(c.status.length);
  const p = c.policyIds.length;
  for (let i = 0; i < c.status.length; i++) {
    const policyId = c.policyIds[i % p] as string;
    const identityUid = (c.identities[Math.floor(i / p)] as Identity).uid;
    const status = STATUSES[c.status[i] as number] as EvaluationStatus;
    const findings = c.findings.get(i) ?? [];
    const r = c.reasonId[i] as number;
    out[i] =
      r === 0
        ? { policyId, identityUid, status, findings }
        : { policyId, identityUid, status, reason: c.reasons[r], findings };
  }
  return out;
};

export const evaluatePolicies = (
  identities: readonly Identity[],
  policies: readonly EffectivePolicy[],
  ctx: PolicyContext,
  controls: ControlResolver = createControlResolver(),
): Evaluation => {
  const findings: Finding[] = [];
  const failures: Evaluation['failures'] = [];
  const seen = new Set<string>();
  // Findings on something shared, by uid: later identities reaching it are added to its evidence.
  const sharedFindings = new Map<string, Finding>();
  const active = policies.filter(inForce);
  const byPolicy: Record<string, EvaluationCounts> = Object.fromEntries(
    active.map((p) => [p.policy.id, zero()]),
  );
  const policyCounts = active.map((p) => byPolicy[p.policy.id] ?? zero());
  const size = identities.length * active.length;
  const compact: CompactRecords = {
    identities,
    policyIds: active.map((p) => p.policy.id),
    status: new Uint8Array(size),
    reasonId: new Uint32Array(size),
    reasons: [''],
    findings: new Map(),
  };
  const reasonIds = new Map<string, number>();
  // The controls a policy stands for on one identity: its crosswalks filtered by provider, and
  // SOC 1 only in financial scope (as on its findings). Few distinct answers, so records are
  // counted per answer (a group) and spread over its control keys once at the end, in the order
  // the keys were first met (the byControl key order is part of the result).
  // Nested maps, not a joined string key: this runs once per policy × identity.
  interface ControlGroup {
    keys: string[];
    counts: EvaluationCounts;
  }
  const groups: ControlGroup[] = [];
  const controlGroups = new Map<AnyPolicy, Map<string, [ControlGroup?, ControlGroup?]>>();
  const groupOf = (policy: AnyPolicy, identity: Identity): ControlGroup => {
    const inScope = identity.financialScope.inScope;
    let byProvider = controlGroups.get(policy);
    if (!byProvider)
      controlGroups.set(policy, (byProvider = new Map<string, [ControlGroup?, ControlGroup?]>()));
    let pair = byProvider.get(identity.provider);
    if (!pair) byProvider.set(identity.provider, (pair = []));
    let group = pair[inScope ? 1 : 0];
    if (!group) {
      const refs: ControlRef[] = [
        ...controls.base(policy.controls, identity.provider, policy.id),
        ...(inScope ? controls.soc1(policy.id, policy.controls) : []),
      ];
      group = { keys: unique(refs.map((r) => `${r.framework}:${r.id}`)), counts: zero() };
      pair[inScope ? 1 : 0] = group;
      groups.push(group);
    }
    return group;
  };
  // Whether a policy judges a provider and kind (and the reason when it does not): memoised.
  const outside = new Map<AnyPolicy, Map<string, Map<string, string | null>>>();
  const outsideOf = (policy: AnyPolicy, identity: Identity): string | undefined => {
    let byProvider = outside.get(policy);
    if (!byProvider) outside.set(policy, (byProvider = new Map<string, Map<string, string | null>>()));
    let byKind = byProvider.get(identity.provider);
    if (!byKind) byProvider.set(identity.provider, (byKind = new Map<string, string | null>()));
    let reason = byKind.get(identity.kind);
    if (reason === undefined) {
      reason = outsideAppliesTo(policy.appliesTo, identity) ?? null;
      byKind.set(identity.kind, reason);
    }
    return reason ?? undefined;
  };
  // Record `at` (identity × policy in force, in loop order): a byte, a reason id, the counts.
  let at = 0;
  const record = (
    k: number,
    policy: AnyPolicy,
    identity: Identity,
    status: EvaluationStatus,
    reason: string | undefined,
    raised?: string[],
  ): void => {
    const code = STATUS_CODE[status];
    compact.status[at] = code;
    if (reason !== undefined) {
      let id = reasonIds.get(reason);
      if (id === undefined) {
        id = compact.reasons.push(reason) - 1;
        reasonIds.set(reason, id);
      }
      compact.reasonId[at] = id;
    }
    if (raised && raised.length > 0) compact.findings.set(at, raised);
    at += 1;
    const key = COUNT_KEYS[code] as keyof EvaluationCounts;
    (policyCounts[k] as EvaluationCounts)[key] += 1;
    groupOf(policy, identity).counts[key] += 1;
  };

  for (const identity of identities) {
    for (const [k, effective] of active.entries()) {
      const { policy } = effective;
      const notJudged = outsideOf(policy, identity);
      if (notJudged !== undefined) {
        record(k, policy, identity, 'not-applicable', notJudged);
        continue;
      }
      const { enabled, severity, options } = variantFor(effective, identity);
      if (!enabled) {
        record(k, policy, identity, 'not-applicable', DISABLED_BY_CONFIG);
        continue;
      }
      let verdicts: Verdict[];
      try {
        verdicts = checkVerdicts(policy.id, policy.evaluate(identity, options, ctx));
      } catch (err) {
        const message = `policy ${policy.id} failed on this identity: ${errorMessage(err)}`;
        failures.push({
          identityUid: identity.uid,
          gap: {
            code: 'unknown',
            call: `policy:${policy.id}`,
            resource: identity.uid,
            message,
            recovered: false,
          },
        });
        record(k, policy, identity, 'unknown', message);
        continue;
      }
      const raised: string[] = [];
      for (const v of verdicts) {
        if (v.status !== 'fail') continue;
        for (const d of v.findings) {
          const declared = {
            ...policy.controls,
            soc2: [...new Set([...policy.controls.soc2, ...(d.extraControls?.soc2 ?? [])])],
          };
          const inScope = identity.financialScope.inScope;
          // A credential's finding id rests on its stable identity, not on which call named it.
          const credentialKey =
            d.credentialUid === undefined
              ? undefined
              : (identity.credentials.find((c) => c.uid === d.credentialUid)?.stableUid ?? d.credentialUid);
          const uid = d.shared
            ? sharedFindingUid(policy.id, d.shared.uid, d.key)
            : findingUid(policy.id, identity.uid, credentialKey, d.key);
          const existing = sharedFindings.get(uid);
          if (existing) {
            const reaches = existing.evidence['reaches'] as string[];
            if (!reaches.includes(identity.uid)) reaches.push(identity.uid);
            // Reaching an identity in financial scope brings the SOC 1 objectives with it.
            if (inScope && !existing.soc1Scope) {
              existing.controls.push(...controls.soc1(policy.id, declared));
              existing.soc1Scope = identity.financialScope.reasons;
            }
            if (!raised.includes(uid)) raised.push(uid);
            continue;
          }
          if (seen.has(uid)) continue;
          seen.add(uid);
          raised.push(uid);
          const finding = Finding.parse({
            uid,
            policyId: policy.id,
            severity: d.severity ?? severity,
            title: d.title,
            message: d.message,
            provider: identity.provider,
            identityUid: identity.uid,
            identityKind: identity.kind,
            identityName: identity.name,
            location: identity.location,
            credentialUid: d.credentialUid,
            evidence: d.shared ? { ...d.evidence, reaches: [identity.uid] } : d.evidence,
            remediation: d.remediation ?? remediationFor(policy, identity.kind),
            controls: [
              ...controls.base(declared, identity.provider, policy.id),
              ...(inScope ? controls.soc1(policy.id, declared) : []),
            ],
            soc1Scope: inScope ? identity.financialScope.reasons : undefined,
          });
          findings.push(finding);
          if (d.shared) sharedFindings.set(uid, finding);
        }
      }
      const { status, reason } = foldVerdicts(verdicts);
      record(k, policy, identity, status, reason ? reason : undefined, raised);
    }
  }
  for (const f of sharedFindings.values()) (f.evidence['reaches'] as string[]).sort();
  const byControl: Record<string, EvaluationCounts> = {};
  for (const g of groups)
    for (const key of g.keys) {
      const c = (byControl[key] ??= zero());
      for (const n of COUNT_KEYS) c[n] += g.counts[n];
    }
  let built: EvaluationRecord[] | undefined;
  return {
    findings,
    failures,
    get evaluations() {
      return (built ??= recordsOf(compact));
    },
    summary: { identities: identities.length, byPolicy, byControl },
  };
};
