// Issue 14: "Google Cloud … with Cloud Asset Inventory where it saves calls at thousands of
// projects; measure both." The per-project path is measured (the fake's call counts); a Cloud
// Asset Inventory (CAI) discovery is modelled, not run: its client (@googleapis/cloudasset) is
// not a dependency, and no fake can say more than the documented page size does.
//
// The model, for an organization scope:
//   searchAllResources  (assetTypes: Project, Folder, ServiceAccount, ServiceAccountKey,
//                        apikeys Key, WorkloadIdentityPool(Provider); readMask versionedResources)
//                        = ⌈(projects + folders + accounts + keys + API keys + pools) ÷ 500⌉ calls
//   searchAllIamPolicies (assetTypes: Organization, Folder, Project, ServiceAccount)
//                        = ⌈(1 + folders + projects + accounts with a policy) ÷ 500⌉ calls
//   + what CAI does not answer, as measured: Policy Analyzer's last authentication (two queries
//     per project), deny policies (IAM v2, per attachment point), roles.get (per role).
// 500: "Page size is capped at 500 even if a larger value is given" — the pageSize parameter of
// both methods in Google's discovery document for cloudasset v1 (googleapis 178.0.0,
// build/src/apis/cloudasset/v1.d.ts; https://cloud.google.com/asset-inventory/docs/reference/rest/v1/TopLevel/searchAllResources).
// Quotas (https://cloud.google.com/asset-inventory/docs/quota): both methods 400 calls per minute
// per consumer project; SearchAllResources 1,500 and SearchAllIamPolicies 3,000 per minute per
// organization.
import type { GcpEstateCounts } from './fake-cloud/gcp.js';

export const CAI_PAGE_SIZE = 500;
/** Per minute per consumer project, each of searchAllResources and searchAllIamPolicies. */
export const CAI_QUOTA_PER_MINUTE = 400;

/** Operations (as the fake counts them) that a CAI discovery would still make, per project or attachment. */
const RESIDUAL = /^(policyanalyzer:|iam:policies\.|iam:roles\.get)/;

export interface CaiComparison {
  projects: number;
  /** Measured: every call the connector made on the per-project path. */
  perProjectCalls: number;
  /** Modelled: searchAllResources pages. */
  searchAllResources: number;
  /** Modelled: searchAllIamPolicies pages. */
  searchAllIamPolicies: number;
  /** Measured: the calls CAI would not replace (Policy Analyzer, deny policies, roles). */
  residual: number;
  /** searchAllResources + searchAllIamPolicies + residual. */
  caiCalls: number;
  /** perProjectCalls ÷ caiCalls. */
  saving: number;
  /** Minutes the CAI searches need at the default per-project quota (the busier of the two methods). */
  caiQuotaMinutes: number;
}

export const caiComparison = (
  counts: GcpEstateCounts,
  byOperation: Readonly<Record<string, number>>,
  perProjectCalls: number,
): CaiComparison => {
  const pages = (n: number): number => Math.max(1, Math.ceil(n / CAI_PAGE_SIZE));
  const searchAllResources = pages(
    counts.projects + counts.folders + counts.accounts + counts.keys + counts.apiKeys,
  );
  const searchAllIamPolicies = pages(1 + counts.folders + counts.projects + counts.accountPolicies);
  const residual = Object.entries(byOperation)
    .filter(([op]) => RESIDUAL.test(op))
    .reduce((sum, [, n]) => sum + n, 0);
  const caiCalls = searchAllResources + searchAllIamPolicies + residual;
  return {
    projects: counts.projects,
    perProjectCalls,
    searchAllResources,
    searchAllIamPolicies,
    residual,
    caiCalls,
    saving: caiCalls > 0 ? perProjectCalls / caiCalls : 0,
    caiQuotaMinutes: Math.max(searchAllResources, searchAllIamPolicies) / CAI_QUOTA_PER_MINUTE,
  };
};
