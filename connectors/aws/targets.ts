// The AWS targets a config block names: light (no SDK), so the registry lists them without
// loading the connector's collect code.
import type { Target } from '../../src/connector.js';
import type { AccountSelector, AwsConfig } from './config.js';

/** What an organisation target lists its member accounts with. */
export interface OrganizationSource {
  roleName: string;
  sessionName: string;
  partition: 'aws' | 'aws-us-gov' | 'aws-cn';
  externalId?: string | undefined;
  externalIdEnv?: string | undefined;
  sourceProfile?: string | undefined;
  include?: AccountSelector | undefined;
  exclude?: AccountSelector | undefined;
  zoneOfTrust: 'organization' | 'account';
}

/** What an account listed by an organisation target knows of its organisation. */
export interface OrganizationMembership {
  id: string;
  managementAccountId: string;
  /** From the account's parent up to the root: the levels whose SCPs and RCPs apply. */
  parents: readonly string[];
  /** Accounts of the organisation, when it is the zone of trust (one array shared by every member). */
  zoneOfTrust?: ReadonlySet<string> | undefined;
  /** Scan the account with the source credentials instead of assuming the role (the account they belong to). */
  direct: boolean;
}

export type AwsTargetData =
  | { type: 'default' }
  | { type: 'profile'; profile: string }
  | {
      type: 'assume-role';
      accountId: string;
      roleArn: string;
      sessionName: string;
      externalId?: string | undefined;
      externalIdEnv?: string | undefined;
      sourceProfile?: string | undefined;
      /** Set on the accounts an organisation target listed. */
      organization?: OrganizationMembership | undefined;
    }
  | ({ type: 'organization' } & OrganizationSource);

export const targetsOf = (config: AwsConfig): Target<AwsTargetData>[] => {
  const out: Target<AwsTargetData>[] = [];
  const ids = new Set<string>();
  const push = (id: string, label: string, data: AwsTargetData): void => {
    // Two blocks reaching the same account with different roles still get distinct ids.
    let unique = id;
    if (ids.has(unique) && data.type === 'assume-role')
      unique = `${id}/${data.roleArn.split('/').pop() ?? ''}`;
    for (let n = 2; ids.has(unique); n += 1) unique = `${id}#${n}`;
    ids.add(unique);
    out.push({ id: unique, provider: 'aws', label, data });
  };
  for (const t of config.targets) {
    switch (t.type) {
      case 'default':
        push('aws:default', 'AWS (default credentials)', { type: 'default' });
        break;
      case 'profile':
        push(`aws:profile/${t.profile}`, `AWS profile ${t.profile}`, { type: 'profile', profile: t.profile });
        break;
      case 'assume-role':
        for (const accountId of t.accountIds) {
          const roleArn = `arn:${t.partition}:iam::${accountId}:role/${t.roleName}`;
          push(`aws:assume/${accountId}`, `AWS account ${accountId} (role ${t.roleName})`, {
            type: 'assume-role',
            accountId,
            roleArn,
            sessionName: t.sessionName,
            externalId: t.externalId,
            externalIdEnv: t.externalIdEnv,
            sourceProfile: t.sourceProfile,
          });
        }
        break;
      case 'organization': {
        const { type, ...source } = t;
        const from = t.sourceProfile ? `profile ${t.sourceProfile}` : 'default credentials';
        push(
          t.sourceProfile ? `aws:organization/${t.sourceProfile}` : 'aws:organization',
          `AWS Organization (accounts listed with ${from}, role ${t.roleName})`,
          { type, ...source },
        );
        break;
      }
    }
  }
  return out;
};
