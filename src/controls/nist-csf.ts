// NIST Cybersecurity Framework 2.0 subcategories NHIs bear on (NIST's public-domain text).
import { type Framework, catalog } from './framework.js';

export const NIST_CSF_2 = {
  'PR.AA-01':
    'Identities and credentials for authorized users, services, and hardware are managed by the organization',
  'PR.AA-02': 'Identities are proofed and bound to credentials based on the context of interactions',
  'PR.AA-03': 'Users, services, and hardware are authenticated',
  'PR.AA-04': 'Identity assertions are protected, conveyed, and verified',
  'PR.AA-05':
    'Access permissions, entitlements, and authorizations are defined in a policy, managed, enforced, and reviewed, and incorporate the principles of least privilege and separation of duties',
  'PR.PS-01': 'Configuration management practices are established and applied',
  'PR.DS-02': 'The confidentiality, integrity, and availability of data-in-transit are protected',
  'ID.AM-08': 'Systems, hardware, software, services, and data are managed throughout their life cycles',
  'GV.RR-04': 'Cybersecurity is included in human resources practices',
  'GV.SC-07':
    'The risks posed by a supplier, their products and services, and other third parties are understood, recorded, prioritized, assessed, responded to, and monitored over the course of the relationship',
  'DE.CM-03': 'Personnel activity and technology usage are monitored to find potentially adverse events',
} as const satisfies Record<string, string>;

export const nistCsfFramework: Framework = {
  id: 'nistCsf',
  label: 'NIST-CSF-2.0',
  title: 'NIST Cybersecurity Framework 2.0',
  controls: catalog(NIST_CSF_2),
};
