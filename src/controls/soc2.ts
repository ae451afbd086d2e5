// SOC 2 Trust Services Criteria (2017, points of focus revised 2022) that bear on non-human
// identities. The AICPA text is copyrighted: ids with our own one-line descriptions.
import { type Framework, catalog } from './framework.js';

export const SOC2_CRITERIA = {
  'CC6.1': 'Logical access is restricted through identification, authentication and protected credentials.',
  'CC6.2': 'Access is granted on authorisation and removed when no longer needed.',
  'CC6.3': 'Access is role-based, least-privilege, and periodically reviewed.',
  'CC6.6': 'Access from outside the system boundary is restricted and authenticated.',
  'CC6.7': 'Data in transmission is protected and its movement restricted.',
  'CC6.8': 'Unauthorised or malicious software is prevented or detected.',
  'CC7.1': 'Configuration and vulnerabilities are monitored for changes that weaken security.',
  'CC7.2': 'Anomalous use of systems is monitored and investigated.',
  'CC8.1': 'Changes to infrastructure and software are authorised, tested and approved.',
  'CC9.2': 'Risks from vendors and business partners are assessed and managed.',
} as const satisfies Record<string, string>;

export type Soc2Criterion = keyof typeof SOC2_CRITERIA;

export const isSoc2Criterion = (id: string): id is Soc2Criterion => id in SOC2_CRITERIA;

export const soc2Framework: Framework = {
  id: 'soc2',
  label: 'SOC2',
  title: 'SOC 2 Trust Services Criteria (2017, revised points of focus 2022)',
  controls: catalog(SOC2_CRITERIA),
};
