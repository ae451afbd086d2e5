// `nhiscan init`: a commented starter config that validates as written (a test loads it).
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { ENTRA_STARTER } from '../connectors/entra/starter.js';
import { UsageError } from './errors.js';

export const STARTER_CONFIG = `# nhiscan configuration. Validate it with: nhiscan scan --config nhiscan.config.yaml
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
  aws:
    targets:
      # The SDK's default chain: environment, AWS_PROFILE, SSO, instance or container role.
      - type: default
      # A named profile from ~/.aws/config (SSO profiles work).
      # - type: profile
      #   profile: security-audit
      # Member accounts reached with sts:AssumeRole from the default chain.
      # - type: assume-role
      #   accountIds: ['111111111111', '222222222222']
      #   roleName: NhiscanReadOnly
      #   externalIdEnv: NHISCAN_EXTERNAL_ID
#  github:
#    orgs: [acme]
#    auth:
#      type: app                      # recommended; or: { type: token, tokenEnv: GITHUB_TOKEN }
#      appId: 123456
#      privateKeyEnv: NHISCAN_GITHUB_APP_KEY
#    appOwners:
#      renovate: platform-team@acme.io
#    # etagCache: .nhiscan/github-etags.json   # with token auth: ETags kept between runs
#  gcp:
#    projects: [acme-prod]            # or organizations: ['123456789012'] / folders: [...]
#    ownerSources:
#      - { type: description, prefix: 'owner:' }
#      - { type: project-label, key: owner }
${ENTRA_STARTER}
# Financial-reporting (SOC 1) scope: findings on identities in, or with write access into, these
# get SOC 1 objectives too. SOC 2 criteria apply everywhere.
scope:
  soc1: []
  #  - name: billing-account
  #    provider: aws
  #    account: '111111111111'
  #  - name: billing-service
  #    provider: github
  #    org: acme
  #    repository: 'billing-*'
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
  #     - provider: github
  #       severity: medium

# Plug-ins: modules exporting a \`connector\` or a \`policy\` / \`policies\` of the built-in shape.
# plugins: [./plugins/vault-connector.mjs]
`;

export const writeStarterConfig = async (path: string, force: boolean): Promise<void> => {
  if (!force && existsSync(path)) {
    throw new UsageError(`${path} exists; pass --force to overwrite it`);
  }
  await writeFile(path, STARTER_CONFIG, 'utf8');
};
