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
  SEVERITY_ORDER,
  type Severity,
} from './model.js';
import {
  type AnyPolicy,
  type FindingDraft,
  type PolicyContext,
  type PolicyControls,
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

/**
 * What a policy in force does with identities of one provider and kind, decided once per
 * (provider, kind) instead of once per identity × policy: not applicable (appliesTo), disabled by
 * an override, or judged with that kind's variant (severity, options).
 */
type Step =
  { judge: false; status: number; reasonId: number } | { judge: true; severity: Severity; options: unknown };
interface Plan {
  steps: Step[];
  /** The control group per policy × financial scope (index 2k + inScope), filled on first record. */
  groups: (ControlGroup | undefined)[];
}
interface ControlGroup {
  keys: string[];
  counts: EvaluationCounts;
}

/**
 * The policy's own fields of a draft, checked like input (a plug-in's policy is outside code).
 * Everything else a Finding holds comes from the identity, validated where it entered, or from
 * the core. Only when this says no does the Finding schema run, to throw its usual error.
 */
const draftIsValid = (d: FindingDraft, severity: unknown): boolean =>
  typeof d.title === 'string' &&
  typeof d.message === 'string' &&
  SEVERITY_ORDER.includes(severity as Severity) &&
  typeof d.evidence === 'object' &&
  d.evidence !== null &&
  !Array.isArray(d.evidence) &&
  (d.credentialUid === undefined || typeof d.credentialUid === 'string') &&
  (d.remediation === undefined || typeof d.remediation === 'string');

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
  const reasonIdOf = (reason: string): number => {
    let id = reasonIds.get(reason);
    if (id === undefined) {
      id = compact.reasons.push(reason) - 1;
      reasonIds.set(reason, id);
    }
    return id;
  };
  // The controls a policy stands for on one identity: its crosswalks filtered by provider, and
  // SOC 1 only in financial scope (as on its findings). Few distinct answers, so records are
  // counted per answer (a group) and spread over its control keys once at the end, in the order
  // the keys were first met (the byControl key order is part of the result): a group is made
  // when its first record is counted, never ahead.
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
  const plans = new Map<string, Map<string, Plan>>();
  const planOf = (identity: Identity): Plan => {
    let byKind = plans.get(identity.provider);
    if (!byKind) plans.set(identity.provider, (byKind = new Map<string, Plan>()));
    let plan = byKind.get(identity.kind);
    if (!plan) {
      const steps = active.map((effective): Step => {
        const notJudged = outsideAppliesTo(effective.policy.appliesTo, identity);
        if (notJudged !== undefined)
          return { judge: false, status: STATUS_CODE['not-applicable'], reasonId: reasonIdOf(notJudged) };
        const { enabled, severity, options } = variantFor(effective, identity);
        if (!enabled)
          return {
            judge: false,
            status: STATUS_CODE['not-applicable'],
            reasonId: reasonIdOf(DISABLED_BY_CONFIG),
          };
        return { judge: true, severity, options };
      });
      plan = { steps, groups: new Array<ControlGroup | undefined>(2 * active.length) };
      byKind.set(identity.kind, plan);
    }
    return plan;
  };
  // The declared controls of a draft (the policy's, plus the draft's extra SOC 2 ids) and their
  // references per provider: the same few answers for every finding of a policy.
  const declaredOf = new Map<AnyPolicy, PolicyControls>();
  const declaredFor = (policy: AnyPolicy, d: FindingDraft): PolicyControls => {
    const extra = d.extraControls?.soc2;
    if (extra !== undefined && extra.length > 0)
      return { ...policy.controls, soc2: [...new Set([...policy.controls.soc2, ...extra])] };
    let declared = declaredOf.get(policy);
    if (!declared)
      declaredOf.set(policy, (declared = { ...policy.controls, soc2: [...new Set(policy.controls.soc2)] }));
    return declared;
  };
  const baseRefs = new Map<PolicyControls, Map<string, ControlRef[]>>();
  const baseRefsOf = (declared: PolicyControls, provider: string, policyId: string): ControlRef[] => {
    let byProvider = baseRefs.get(declared);
    if (!byProvider) baseRefs.set(declared, (byProvider = new Map<string, ControlRef[]>()));
    let refs = byProvider.get(provider);
    if (!refs) byProvider.set(provider, (refs = controls.base(declared, provider, policyId)));
    return refs;
  };
  const soc1Refs = new Map<PolicyControls, ControlRef[]>();
  const soc1RefsOf = (declared: PolicyControls, policyId: string): ControlRef[] => {
    let refs = soc1Refs.get(declared);
    if (!refs) soc1Refs.set(declared, (refs = controls.soc1(policyId, declared)));
    return refs;
  };
  // Control refs are fresh objects per finding, as the Finding schema's parse made them: a
  // reporter or an exception may touch one finding's without touching another's.
  const copyRefs = (refs: readonly ControlRef[], into: ControlRef[]): void => {
    for (const r of refs) into.push({ framework: r.framework, id: r.id, title: r.title });
  };
  const { status: statusOf, reasonId: reasonOf } = compact;
  const P = active.length;

  for (let i = 0; i < identities.length; i++) {
    const identity = identities[i] as Identity;
    const plan = planOf(identity);
    const inScope = identity.financialScope.inScope;
    const scopeIndex = inScope ? 1 : 0;
    const base = i * P;
    for (let k = 0; k < P; k++) {
      const at = base + k;
      const step = plan.steps[k] as Step;
      const effective = active[k] as EffectivePolicy;
      const { policy } = effective;
      let code: number;
      if (!step.judge) {
        code = step.status;
        statusOf[at] = code;
        reasonOf[at] = step.reasonId;
      } else {
        let verdicts: Verdict[] | undefined;
        let message = '';
        try {
          verdicts = checkVerdicts(policy.id, policy.evaluate(identity, step.options, ctx));
        } catch (err) {
          message = `policy ${policy.id} failed on this identity: ${errorMessage(err)}`;
        }
        if (verdicts === undefined) {
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
          code = STATUS_CODE.unknown;
          statusOf[at] = code;
          reasonOf[at] = reasonIdOf(message);
        } else {
          let raised: string[] | undefined;
          for (const v of verdicts) {
            if (v.status !== 'fail') continue;
            raised ??= [];
            for (const d of v.findings) {
              const declared = declaredFor(policy, d);
              // A credential's finding id rests on its stable identity, not on which call named it.
              const credentialKey =
                d.credentialUid === undefined
                  ? undefined
                  : (identity.credentials.find((c) => c.uid === d.credentialUid)?.stableUid ??
                    d.credentialUid);
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
              const severity = d.severity ?? step.severity;
              const valid = draftIsValid(d, severity);
              const refs: ControlRef[] = [];
              copyRefs(baseRefsOf(declared, identity.provider, policy.id), refs);
              if (inScope) copyRefs(soc1RefsOf(declared, policy.id), refs);
              const { location } = identity;
              // Built in the Finding schema's key order (what its parse returned), location and
              // evidence copied as it copied them; the draft's own fields are checked, and the
              // schema runs only on a bad draft, to reject it with its usual error.
              const built: Finding = {
                uid,
                policyId: policy.id,
                severity,
                title: d.title,
                message: d.message,
                provider: identity.provider,
                identityUid: identity.uid,
                identityKind: identity.kind,
                identityName: identity.name,
                location:
                  location.resource === undefined
                    ? { provider: location.provider, scope: location.scope }
                    : { provider: location.provider, scope: location.scope, resource: location.resource },
                credentialUid: d.credentialUid,
                // The draft's own object stays the policy's (the schema's parse copied it too).
                evidence: d.shared
                  ? { ...d.evidence, reaches: [identity.uid] }
                  : valid
                    ? { ...d.evidence }
                    : d.evidence,
                remediation: d.remediation ?? remediationFor(policy, identity.kind),
                controls: refs,
                soc1Scope: inScope ? identity.financialScope.reasons : undefined,
              };
              const finding = valid ? built : Finding.parse(built);
              findings.push(finding);
              if (d.shared) sharedFindings.set(uid, finding);
            }
          }
          // One verdict (the usual case) folds to itself, without a folded object per record.
          const only = verdicts.length === 1 ? (verdicts[0] as Verdict) : undefined;
          let reason: string | undefined;
          if (only) {
            code = STATUS_CODE[only.status];
            if (only.status === 'unknown' || only.status === 'not-applicable') reason = only.reason;
          } else {
            const folded = foldVerdicts(verdicts);
            code = STATUS_CODE[folded.status];
            reason = folded.reason;
          }
          statusOf[at] = code;
          if (reason) reasonOf[at] = reasonIdOf(reason);
          if (raised !== undefined && raised.length > 0) compact.findings.set(at, raised);
        }
      }
      const key = COUNT_KEYS[code] as keyof EvaluationCounts;
      (policyCounts[k] as EvaluationCounts)[key] += 1;
      const g = 2 * k + scopeIndex;
      const group = plan.groups[g] ?? (plan.groups[g] = groupOf(policy, identity));
      group.counts[key] += 1;
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
