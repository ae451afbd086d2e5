// The CIS benchmark recommendations this provider's identities bear on, registered as a framework
// by the connector. The CIS text is copyrighted: ids as CIS numbers them in the version the label
// names, with our own short paraphrase. Verified against two independent public compliance mappings.
import { type Framework, catalog } from '../../src/controls/framework.js';

/** CIS Amazon Web Services Foundations Benchmark v3.0.0 (v4.0.1 numbers IAM the same). */
export const CIS_AWS: Record<string, string> = {
  '1.4': 'Keep no access key on the root user account.',
  '1.11': 'Do not create access keys at setup for IAM users who have a console password.',
  '1.12': 'Disable credentials (passwords, access keys) unused for 45 days or more.',
  '1.13': 'Keep at most one active access key per IAM user.',
  '1.14': 'Rotate access keys at least every 90 days.',
  '1.15': 'Give IAM users permissions only through groups (no policy attached to the user).',
  '1.16': 'Attach no IAM policy that grants full "*:*" administrative privileges.',
  '1.20': 'Enable IAM Access Analyzer to find resources and roles shared outside the account.',
};

export const cisAwsFramework: Framework = {
  id: 'cisAws',
  label: 'CIS-AWS-3.0',
  title: 'CIS Amazon Web Services Foundations Benchmark v3.0.0',
  controls: catalog(CIS_AWS),
  provider: 'aws',
};
