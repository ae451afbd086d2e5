// Issue 14: "Google Cloud … with Cloud Asset Inventory where it saves calls at thousands of
// projects; measure both." Both are measured: each Google scenario runs twice on the same estate,
// per project (`gcp-org`) and with `providers.gcp.cloudAssetInventory` (`gcp-org-cai`: two
// assets.list listings of the organization instead of the per-project and per-account reads).
// This pairs the two runs' figures. The CAI run's minimum (bench/fake-cloud/gcp.ts
// gcpCaiMinimum) is what the earlier model computed, on assets.list's 1,000-a-page cap.

/** The figures of one run that the comparison shows. */
export interface RunFigures {
  calls: number;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
}

export interface CaiComparison {
  projects: number;
  perProject: RunFigures;
  cai: RunFigures & {
    /** assets.list pages (both listings). */
    listings: number;
    /** Calls CAI does not replace: project and folder listing, Policy Analyzer, deny policies, roles. */
    residual: number;
  };
  /** perProject.calls ÷ cai.calls. */
  saving: number;
}

const LISTING = 'cloudasset:assets.list';

const figures = (r: RunFigures): RunFigures => ({
  calls: r.calls,
  wallSeconds: r.wallSeconds,
  cpuSeconds: r.cpuSeconds,
  peakRssBytes: r.peakRssBytes,
});

/** The per-project run and the CAI run of one estate, side by side. */
export const caiComparison = (
  projects: number,
  perProject: RunFigures,
  cai: RunFigures & { byOperation: Readonly<Record<string, number>> },
): CaiComparison => {
  const listings = cai.byOperation[LISTING] ?? 0;
  return {
    projects,
    perProject: figures(perProject),
    cai: { ...figures(cai), listings, residual: cai.calls - listings },
    saving: cai.calls > 0 ? perProject.calls / cai.calls : 0,
  };
};
