// CIS Benchmarks recommendations NHIs bear on. The CIS text is copyrighted: ids as CIS numbers
// them, with our own short paraphrase. Versions are in the framework labels (controls/index.ts).
export const CIS_AWS: Record<string, string> = {};
export const CIS_GCP: Record<string, string> = {};
export const CIS_GITHUB: Record<string, string> = {};
