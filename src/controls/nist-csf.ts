// NIST Cybersecurity Framework 2.0 subcategories NHIs bear on (public-domain text, shortened).
export const NIST_CSF_2 = {
  'PR.AA-01': 'Identities and credentials for authorized users, services, and hardware are managed.',
  'PR.AA-02': 'Identities are proofed and bound to credentials based on the context of interactions.',
  'PR.AA-03': 'Users, services, and hardware are authenticated.',
  'PR.AA-04': 'Identity assertions are protected, conveyed, and verified.',
  'PR.AA-05': 'Access permissions are defined, managed, enforced, reviewed; least privilege and separation of duties.',
  'PR.PS-01': 'Configuration management practices are established and applied.',
  'GV.SC-07': 'Supplier risks are identified, prioritized, assessed, responded to, and monitored.',
  'DE.CM-03': 'Personnel activity and technology usage are monitored to find adverse events.',
} as const satisfies Record<string, string>;
