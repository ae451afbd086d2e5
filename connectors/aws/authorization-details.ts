// GetAccountAuthorizationDetails, read once per target: users, groups, roles and managed policies
// with their documents, indexed for the identity builders. A failed page is a gap; what the
// earlier pages returned is kept.
import { type IAMClient, paginateGetAccountAuthorizationDetails } from '@aws-sdk/client-iam';
import type { CollectContext } from '../../src/connector.js';
import { awsGap } from './errors.js';
import {
  AuthorizationDetailsPage,
  GroupDetail,
  ManagedPolicyDetail,
  RoleDetail,
  UserDetail,
  parseItems,
} from './schema.js';

export const GAAD_CALL = 'iam:GetAccountAuthorizationDetails';
/** The largest page IAM allows. */
export const GAAD_PAGE_SIZE = 1000;
export const GAAD_FILTER = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;

export interface AuthorizationDetails {
  users: UserDetail[];
  roles: RoleDetail[];
  groups: Map<string, GroupDetail>;
  /** Managed policy ARN → default version document (raw, as returned). */
  policies: Map<string, string | undefined>;
  /** False when a page failed: absent facts are then unknown, not absent. */
  complete: boolean;
  pages: number;
}

/** The default version's document of a managed policy. */
export const defaultDocument = (p: ManagedPolicyDetail): string | undefined =>
  (
    p.PolicyVersionList.find((v) => v.IsDefaultVersion === true) ??
    p.PolicyVersionList.find((v) => v.VersionId !== undefined && v.VersionId === p.DefaultVersionId)
  )?.Document;

export const readAuthorizationDetails = async (
  iam: IAMClient,
  ctx: CollectContext,
  pageSize = GAAD_PAGE_SIZE,
): Promise<AuthorizationDetails> => {
  const out: AuthorizationDetails = {
    users: [],
    roles: [],
    groups: new Map(),
    policies: new Map(),
    complete: true,
    pages: 0,
  };
  let invalid = 0;
  const input = { Filter: [...GAAD_FILTER] };
  try {
    for await (const raw of paginateGetAccountAuthorizationDetails({ client: iam, pageSize }, input, {
      abortSignal: ctx.signal,
    })) {
      out.pages += 1;
      const page = AuthorizationDetailsPage.parse(raw);
      const users = parseItems(UserDetail, page.UserDetailList);
      const roles = parseItems(RoleDetail, page.RoleDetailList);
      const groups = parseItems(GroupDetail, page.GroupDetailList);
      const policies = parseItems(ManagedPolicyDetail, page.Policies);
      invalid += users.invalid + roles.invalid + groups.invalid + policies.invalid;
      out.users.push(...users.items);
      out.roles.push(...roles.items);
      for (const g of groups.items) out.groups.set(g.GroupName, g);
      for (const p of policies.items) out.policies.set(p.Arn, defaultDocument(p));
    }
  } catch (err) {
    out.complete = false;
    const gap = awsGap(GAAD_CALL, err);
    ctx.gap({
      ...gap,
      message: `${gap.message} (after ${out.pages} page${out.pages === 1 ? '' : 's'}; what they returned is kept)`,
    });
  }
  if (invalid > 0) {
    out.complete = false;
    ctx.gap({
      code: 'invalid_response',
      call: GAAD_CALL,
      message: `${invalid} entr${invalid === 1 ? 'y' : 'ies'} without the fields nhiscan needs (name, ARN) were skipped`,
    });
  }
  return out;
};
