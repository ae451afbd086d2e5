// OWASP Top 10 Non-Human Identities Risks, 2025 edition (ids and risk names as OWASP publishes them).
import { type Framework, catalog } from './framework.js';

export const OWASP_NHI_2025 = {
  NHI1: 'Improper Offboarding',
  NHI2: 'Secret Leakage',
  NHI3: 'Vulnerable Third-Party NHI',
  NHI4: 'Insecure Authentication',
  NHI5: 'Overprivileged NHI',
  NHI6: 'Insecure Cloud Deployment Configurations',
  NHI7: 'Long-Lived Secrets',
  NHI8: 'Environment Isolation',
  NHI9: 'NHI Reuse',
  NHI10: 'Human Use of NHI',
} as const satisfies Record<string, string>;

export const owaspNhiFramework: Framework = {
  id: 'owaspNhi',
  label: 'OWASP-NHI-2025',
  title: 'OWASP Top 10 Non-Human Identities Risks (2025)',
  controls: catalog(OWASP_NHI_2025),
};
