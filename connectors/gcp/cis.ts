// The CIS benchmark recommendations this provider's identities bear on, registered as a framework
// by the connector. The CIS text is copyrighted: ids as CIS numbers them in the version the label
// names, with our own short paraphrase. Verified against two independent public compliance mappings.
import { type Framework, catalog } from '../../src/controls/framework.js';

/** CIS Google Cloud Platform Foundation Benchmark v3.0.0 (v4.0.0 numbers the same). */
export const CIS_GCP: Record<string, string> = {
  '1.4': 'Service accounts have only Google-managed keys (no user-managed keys).',
  '1.5': 'Service accounts hold no admin-level roles (owner, editor, *Admin).',
  '1.6': 'Users are not granted Service Account User or Token Creator at project level.',
  '1.7': 'Rotate user-managed / external service account keys at least every 90 days.',
  '1.8': 'Separate duties: no principal is both Service Account Admin and Service Account User.',
  '1.12': 'API keys exist only for services still in use.',
  '1.13': 'Restrict each API key to named hosts, referrers or apps.',
  '1.14': 'Restrict each API key to the APIs its application needs.',
  '1.15': 'Rotate API keys every 90 days.',
};

export const cisGcpFramework: Framework = {
  id: 'cisGcp',
  label: 'CIS-GCP-3.0',
  title: 'CIS Google Cloud Platform Foundation Benchmark v3.0.0',
  controls: catalog(CIS_GCP),
  provider: 'gcp',
};
