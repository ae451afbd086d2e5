// The AWS block of the config `nhiscan init` writes (src/init.ts assembles every connector's).
import type { ConnectorStarter } from '../../src/connector.js';

export const awsStarter: ConnectorStarter = {
  enabled: true,
  block: `aws:
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
    #   externalIdEnv: NHISCAN_EXTERNAL_ID`,
  soc1Example: `- name: billing-account
  provider: aws
  account: '111111111111'`,
};
