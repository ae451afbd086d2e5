// CIS Critical Security Controls v8: a provider-neutral crosswalk. The CIS text is copyrighted:
// safeguard ids as CIS numbers them, with our own short paraphrase. Each provider's CIS benchmark
// lives in its connector's folder (connectors/<id>/cis.ts).
import { type Framework, catalog } from './framework.js';

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

export const cisControlsFramework: Framework = {
  id: 'cisControls',
  label: 'CIS-Controls-8',
  title: 'CIS Critical Security Controls v8',
  controls: catalog(CIS_CONTROLS_V8),
};
