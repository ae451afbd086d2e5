// The list of frameworks in force: the provider-neutral catalogs here, each connector's, each plug-in's.
import { cisControlsFramework } from './cis-controls.js';
import type { Framework } from './framework.js';
import { nistCsfFramework } from './nist-csf.js';
import { owaspNhiFramework } from './owasp-nhi.js';
import { soc1Framework } from './soc1.js';
import { soc2Framework } from './soc2.js';

/**
 * Every framework in force, in the order findings list their references: SOC 2, SOC 1, OWASP NHI,
 * the connectors' benchmarks (registry order), CIS Controls, NIST CSF, then plug-ins' frameworks.
 * A framework id registered twice is a mistake in a connector or plug-in, reported by name.
 */
export const frameworkList = (
  connectorFrameworks: readonly Framework[],
  pluginFrameworks: readonly Framework[] = [],
): Framework[] => {
  const all = [
    soc2Framework,
    soc1Framework,
    owaspNhiFramework,
    ...connectorFrameworks,
    cisControlsFramework,
    nistCsfFramework,
    ...pluginFrameworks,
  ];
  const seen = new Set<string>();
  for (const f of all) {
    if (seen.has(f.id)) throw new Error(`framework id "${f.id}" is registered twice`);
    seen.add(f.id);
  }
  return all;
};
