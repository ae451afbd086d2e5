// SOC 1 has no fixed criteria: a service organisation writes its own control objectives. These
// are a conventional IT general controls (ITGC) set, ids ours; the config can replace or extend
// them with the organisation's own objective ids and wording (controls.soc1 in the config).
import { type Framework, catalog } from './framework.js';

export const DEFAULT_SOC1_OBJECTIVES = {
  'ITGC-LA-1': 'Logical access to in-scope systems is restricted to authorised users and service identities.',
  'ITGC-LA-2': 'Access is removed promptly when no longer needed or when its owner leaves.',
  'ITGC-LA-3': 'Privileged access is limited to those who need it and is periodically reviewed.',
  'ITGC-LA-4': 'Authenticators (passwords, keys, tokens) are protected and refreshed per policy.',
  'ITGC-LA-5': 'Access from outside the entity to in-scope systems is authorised and authenticated.',
  'ITGC-CM-1': 'Changes to in-scope programs and infrastructure are authorised before reaching production.',
  'ITGC-SD-1': 'Incompatible duties are segregated, including who administers and who uses an identity.',
} as const satisfies Record<string, string>;

/** The default ITGC set; the config's `controls.soc1` extends or replaces it per scan. */
export const soc1Framework: Framework = {
  id: 'soc1',
  label: 'SOC1',
  title: 'SOC 1 IT general controls (nhiscan default objectives)',
  controls: catalog(DEFAULT_SOC1_OBJECTIVES),
};
