// Runs the policy layer over a finished inventory. Pure: same identities, same asOf, same
// config → same findings with the same ids.
import { type ControlResolver, createControlResolver } from './controls/index.js';
import { type EffectivePolicy, variantFor } from './config.js';
import { sha256 } from './hash.js';
import { Finding, type Gap, type Identity } from './model.js';
import type { PolicyContext } from './policy.js';
import { errorMessage } from './errors.js';

/** Same problem on the same resource → same id, scan after scan. */
export const findingUid = (
  policyId: string,
  identityUid: string,
  credentialUid?: string,
  key?: string,
): string =>
  'nhi-' + sha256([policyId, identityUid, credentialUid ?? '', key ?? ''].join('\u0000')).slice(0, 20);

export interface Evaluation {
  findings: Finding[];
  /** A policy that threw on an identity: recorded, never swallowed. */
  failures: { identityUid: string; gap: Gap }[];
}

export const evaluatePolicies = (
  identities: readonly Identity[],
  policies: readonly EffectivePolicy[],
  ctx: PolicyContext,
  controls: ControlResolver = createControlResolver(),
): Evaluation => {
  const findings: Finding[] = [];
  const failures: Evaluation['failures'] = [];
  const seen = new Set<string>();
  for (const identity of identities) {
    for (const effective of policies) {
      const { policy } = effective;
      const { enabled, severity, options } = variantFor(effective, identity);
      if (!enabled) continue;
      let drafts;
      try {
        drafts = policy.evaluate(identity, options, ctx);
      } catch (err) {
        failures.push({
          identityUid: identity.uid,
          gap: {
            code: 'unknown',
            call: `policy:${policy.id}`,
            resource: identity.uid,
            message: `policy ${policy.id} failed on this identity: ${errorMessage(err)}`,
            recovered: false,
          },
        });
        continue;
      }
      for (const d of drafts) {
        const declared = {
          ...policy.controls,
          soc2: [...new Set([...policy.controls.soc2, ...(d.extraControls?.soc2 ?? [])])],
        };
        const inScope = identity.financialScope.inScope;
        const uid = findingUid(policy.id, identity.uid, d.credentialUid, d.key);
        if (seen.has(uid)) continue;
        seen.add(uid);
        findings.push(
          Finding.parse({
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
            evidence: d.evidence,
            remediation: d.remediation,
            controls: [
              ...controls.base(declared, identity.provider, policy.id),
              ...(inScope ? controls.soc1(policy.id, declared) : []),
            ],
            soc1Scope: inScope ? identity.financialScope.reasons : undefined,
          }),
        );
      }
    }
  }
  return { findings, failures };
};
