// CIS Benchmarks recommendations NHIs bear on. The CIS text is copyrighted: ids as CIS numbers
// them in the versions named by the framework labels (controls/index.ts), with our own short
// paraphrase. Verified against two independent public compliance mappings each.

/** CIS Amazon Web Services Foundations Benchmark v3.0.0 (v4.0.1 numbers IAM the same). */
export const CIS_AWS: Record<string, string> = {
  '1.11': 'Do not create access keys at setup for IAM users who have a console password.',
  '1.12': 'Disable credentials (passwords, access keys) unused for 45 days or more.',
  '1.13': 'Keep at most one active access key per IAM user.',
  '1.14': 'Rotate access keys at least every 90 days.',
  '1.16': 'Attach no IAM policy that grants full "*:*" administrative privileges.',
  '1.20': 'Enable IAM Access Analyzer to find resources and roles shared outside the account.',
};

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

/** CIS GitHub Benchmark v1.0.0 (ids unchanged in v1.1.0 and v1.2.0). */
export const CIS_GITHUB: Record<string, string> = {
  '1.3.1': 'Review inactive accounts regularly and remove them.',
  '1.4.1': 'Installing an application requires an administrator\u2019s approval.',
  '1.4.2': 'Review stale applications and remove unused ones.',
  '1.4.3': 'Give each installed application least privilege (permissions and repository access).',
  '1.4.4': 'Use only secured (HTTPS, SSL-verified) webhooks.',
  '2.1.7': 'Scope build secrets as narrowly as possible (repository-level rather than organisation-level).',
};

/** CIS Critical Security Controls v8 safeguards (provider-neutral), paraphrased. */
export const CIS_CONTROLS_V8: Record<string, string> = {
  '3.3': 'Configure data access control lists on a need-to-know basis.',
  '3.10': 'Encrypt sensitive data in transit.',
  '4.1': 'Establish and maintain a secure configuration process.',
  '5.3': 'Disable dormant accounts after 45 days of inactivity, where supported.',
  '5.4': 'Restrict administrator privileges to dedicated administrator accounts.',
  '5.5': 'Keep an inventory of service accounts with owner, review date and purpose; review them quarterly.',
  '6.2': 'Revoke access promptly on termination, rights revocation or role change.',
  '6.8': 'Define and maintain role-based access control with least privilege.',
  '15.4': 'Ensure service provider contracts and access include security requirements.',
};
