// `nhiscan init`: a commented starter config that validates as written (a test loads it).
import { existsSync } from 'node:fs';
import type { AnyConnector } from './connector.js';
import { UsageError, errorMessage } from './errors.js';
import { writeFileAtomic } from './fs-atomic.js';
import { builtins } from './registry.js';

const indent = (text: string, by: string): string =>
  text
    .split('\n')
    .map((line) => by + line)
    .join('\n');

/** The starter config, with each registered connector's block (connectors/<id>/starter.ts). */
export const starterConfig = (connectors: readonly AnyConnector[]): string => {
  const starters = connectors.flatMap((c) => (c.starter ? [{ id: c.id, ...c.starter }] : []));
  const providers = starters.map((s) => indent(s.block, s.enabled ? '  ' : '#  ')).join('\n');
  const soc1Examples = starters
    .flatMap((s) => (s.soc1Example ? [indent(s.soc1Example, '#  ')] : []))
    .join('\n');
  const overrideExample = starters.find((s) => !s.enabled)?.id ?? starters[0]?.id ?? 'my-provider';
  return `# nhiscan configuration. Validate it with: nhiscan scan --config nhiscan.config.yaml
# Secrets never go in this file: providers use their usual credential chains, or the names of
# environment variables that hold a token or key.
version: 1

# Exit 1 when an open finding is at or above this severity (info, low, medium, high, critical, none).
failOn: high
# Where the ScanResult JSON is written (relative to this file).
output:
  dir: nhiscan-out

# Tag / label keys that name an identity's owner; the first one present wins.
ownership:
  tagKeys: [owner, nhi-owner, owner-email, contact]

# People and their status, as exported from your identity provider (CSV or JSON). Owners who are
# not active here are reported as departed.
# directory:
#   path: people.csv
#   idFields: [email, login]
#   statusField: status
#   activeValues: [ACTIVE, PROVISIONED]

# Accepted risks: a YAML file of exceptions, each with a match, justification, approver and expiry.
# exceptions: nhiscan.exceptions.yaml

providers:
${providers}

# Financial-reporting (SOC 1) scope: findings on identities in, or with write access into, these
# get SOC 1 objectives too. SOC 2 criteria apply everywhere.
financialScope: []
${soc1Examples}
#  - name: financial-data
#    tag: { key: data-classification, value: financial }

# Your own SOC 1 control objectives (ids and wording from your SOC 1 report).
# controls:
#   soc1:
#     mode: extend                     # or replace
#     objectives:
#       - id: CO-4.2
#         title: Service credentials are rotated at least quarterly.
#         covers: [ITGC-LA-4]

# Policy thresholds; \`nhiscan policies\` lists every policy and option.
policies:
  rotation-age:
    options:
      maxAgeDays: 90
  staleness:
    options:
      maxUnusedDays: 90
  # external-trust:
  #   options:
  #     trustedAccountIds: ['111111111111']
  #   overrides:
  #     - provider: ${overrideExample}
  #       severity: medium

# Plug-ins: modules exporting a \`connector\` or a \`policy\` / \`policies\` of the built-in shape.
# plugins: [./plugins/vault-connector.mjs]
`;
};

export const writeStarterConfig = async (path: string, force: boolean): Promise<void> => {
  if (!force && existsSync(path)) {
    throw new UsageError(`${path} exists; pass --force to overwrite it`);
  }
  try {
    await writeFileAtomic(path, starterConfig(Object.values(builtins.connectors)));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot write ${path}: ${code === 'ENOENT' ? 'its folder does not exist' : errorMessage(err)}`,
    );
  }
};
