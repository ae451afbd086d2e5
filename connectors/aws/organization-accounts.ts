// AWS-SPECIFIC. An organisation target's `expand`: from the management account or a delegated
// administrator, the OU tree from the root down (ListRoots, then ListOrganizationalUnitsForParent
// and ListAccountsForParent per level), tags only when a selector names one, then one target per
// active account in account-id order. Each member is reached by sts:AssumeRole of the configured
// role; an account the role cannot be assumed in fails as its own target. A level that cannot be
// listed is a gap (its accounts are missing, not absent); the accounts listed are still scanned.
import {
  OrganizationsClient,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
  paginateListTagsForResource,
  DescribeOrganizationCommand,
} from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { z } from 'zod';
import type { CollectContext, Target } from '../../src/connector.js';
import { mapLimit } from '../../src/concurrency.js';
import { ScanError } from '../../src/errors.js';
import { compareCodeUnits } from '../../src/order.js';
import {
  type ClientSettings,
  type CredentialProvider,
  requestHandlerSettings,
  retrySettings,
} from './collect.js';
import type { AccountSelector, AwsConfig } from './config.js';
import { awsGap, targetError } from './errors.js';
import { CallerIdentity } from './schema.js';
import { traceCalls } from './trace.js';
import type { AwsTargetData, OrganizationMembership, OrganizationSource } from './targets.js';

/** Organizations nests OUs at most five deep below the root; deeper means a bad answer. */
const MAX_DEPTH = 8;
/** Pages per listing: 20 accounts a page by default, so 10,000 accounts under one parent. */
const MAX_PAGES = 500;

// Permissive: the fields used, as the SDK parses them.
const Account = z.looseObject({
  Id: z.string().regex(/^\d{12}$/),
  Name: z.string().optional(),
  Status: z.string().optional(),
  State: z.string().optional(),
});
const AccountsPage = z.looseObject({ Accounts: z.array(Account).optional() });
const OusPage = z.looseObject({
  OrganizationalUnits: z.array(z.looseObject({ Id: z.string().min(1) })).optional(),
});
const RootsPage = z.looseObject({ Roots: z.array(z.looseObject({ Id: z.string().min(1) })).optional() });
const TagsPage = z.looseObject({
  Tags: z.array(z.looseObject({ Key: z.string(), Value: z.string().optional() })).optional(),
});
const Organization = z.looseObject({
  Organization: z.looseObject({ Id: z.string().min(1), MasterAccountId: z.string().regex(/^\d{12}$/) }),
});

export interface ListedAccount {
  id: string;
  name?: string | undefined;
  /** `State` (the newer field) when sent, else `Status`; undefined when neither was. */
  state?: string | undefined;
  /** From the account's parent up to the root. */
  parents: string[];
  tags?: Record<string, string>;
}

const matches = (selector: AccountSelector, account: ListedAccount): boolean =>
  selector.accounts.includes(account.id) ||
  account.parents.some((p) => selector.ous.includes(p)) ||
  Object.entries(selector.tags).some(([k, v]) => account.tags?.[k] === v);

const hasTags = (s: AccountSelector | undefined): boolean =>
  s !== undefined && Object.keys(s.tags).length > 0;

/** Which listed accounts are scanned, and why the others are not (for the parent's notes). */
export const selectAccounts = (
  accounts: readonly ListedAccount[],
  source: Pick<OrganizationSource, 'include' | 'exclude'>,
): { selected: ListedAccount[]; skipped: string[] } => {
  const selected: ListedAccount[] = [];
  const skipped: string[] = [];
  for (const account of [...accounts].sort((a, b) => compareCodeUnits(a.id, b.id))) {
    // Only an account known to be something other than active is skipped: no state is not "suspended".
    if (account.state !== undefined && account.state !== 'ACTIVE') {
      skipped.push(`${account.id} (${account.state})`);
    } else if (source.include && !matches(source.include, account)) {
      skipped.push(`${account.id} (not included)`);
    } else if (source.exclude && matches(source.exclude, account)) {
      skipped.push(`${account.id} (excluded)`);
    } else selected.push(account);
  }
  return { selected, skipped };
};

export interface ExpandOptions {
  config: AwsConfig;
  source: OrganizationSource;
  credentials: CredentialProvider;
  credentialsCall: string;
  clientSettings: ClientSettings;
}

/** The member accounts of the organisation the source credentials can list, as targets. */
export const expandOrganization = async (
  opts: ExpandOptions,
  ctx: CollectContext,
): Promise<Target<AwsTargetData>[]> => {
  const clientConfig = {
    region: opts.config.region,
    credentials: opts.credentials,
    requestHandler: requestHandlerSettings(ctx.requestTimeoutMs),
    ...retrySettings(),
    ...opts.clientSettings,
  };
  const sts = traceCalls(new STSClient(clientConfig), 'sts', ctx.log);
  const org = traceCalls(new OrganizationsClient(clientConfig), 'organizations', ctx.log);
  const signal = { abortSignal: ctx.signal };
  try {
    try {
      await opts.credentials();
    } catch (err) {
      throw targetError(opts.credentialsCall, err);
    }
    let caller: string;
    try {
      const parsed = CallerIdentity.safeParse(await sts.send(new GetCallerIdentityCommand({}), signal));
      if (!parsed.success) throw new Error('GetCallerIdentity returned no 12-digit Account or no Arn');
      caller = parsed.data.Account;
      ctx.setPrincipal(parsed.data.Arn);
    } catch (err) {
      throw targetError('sts:GetCallerIdentity', err);
    }
    let organization: z.infer<typeof Organization>['Organization'];
    try {
      const parsed = Organization.safeParse(await org.send(new DescribeOrganizationCommand({}), signal));
      if (!parsed.success) {
        throw new ScanError({
          code: 'invalid_response',
          call: 'organizations:DescribeOrganization',
          message: 'DescribeOrganization returned no organisation Id or MasterAccountId',
        });
      }
      organization = parsed.data.Organization;
    } catch (err) {
      throw err instanceof ScanError ? err : targetError('organizations:DescribeOrganization', err);
    }
    ctx.setScope(organization.Id);

    // Each page through the target's limiter; a parse failure is an invalid response, a failed
    // call the SDK error: either way the caller records a gap for that level.
    const pages = async <P, T>(
      call: string,
      paginate: () => AsyncIterable<unknown>,
      schema: z.ZodType<P>,
      pick: (page: P) => T[],
    ): Promise<T[]> =>
      ctx.limit(async () => {
        const out: T[] = [];
        let n = 0;
        for await (const page of paginate()) {
          const parsed = schema.safeParse(page);
          if (!parsed.success) {
            throw new ScanError({
              code: 'invalid_response',
              call,
              message: `${call} returned an unexpected shape`,
            });
          }
          out.push(...pick(parsed.data));
          if (++n >= MAX_PAGES) {
            throw new ScanError({ code: 'invalid_response', call, message: `more than ${MAX_PAGES} pages` });
          }
        }
        return out;
      });
    const gapOf = (call: string, err: unknown, resource: string): void => {
      ctx.gap(err instanceof ScanError ? { ...err.gap, resource } : awsGap(call, err, { resource }));
    };

    let roots: string[];
    try {
      roots = await pages(
        'organizations:ListRoots',
        () => paginateListRoots({ client: org }, {}, signal),
        RootsPage,
        (p) => (p.Roots ?? []).map((r) => r.Id),
      );
    } catch (err) {
      throw err instanceof ScanError ? err : targetError('organizations:ListRoots', err);
    }

    // The tree, level by level: every node's accounts and child OUs. `path` runs from the node up.
    const accounts: ListedAccount[] = [];
    let level = roots.map((id) => ({ id, path: [id] }));
    for (let depth = 0; level.length > 0; depth++) {
      if (depth > MAX_DEPTH) {
        ctx.gap({
          code: 'invalid_response',
          call: 'organizations:ListOrganizationalUnitsForParent',
          message: `OUs nested deeper than ${MAX_DEPTH} levels: the accounts below were not listed`,
        });
        break;
      }
      const next = await mapLimit(level, ctx.concurrency, async (node) => {
        try {
          const listed = await pages(
            'organizations:ListAccountsForParent',
            () => paginateListAccountsForParent({ client: org }, { ParentId: node.id }, signal),
            AccountsPage,
            (p) => p.Accounts ?? [],
          );
          for (const a of listed)
            accounts.push({ id: a.Id, name: a.Name, state: a.State ?? a.Status, parents: node.path });
        } catch (err) {
          gapOf('organizations:ListAccountsForParent', err, node.id);
        }
        try {
          const ous = await pages(
            'organizations:ListOrganizationalUnitsForParent',
            () => paginateListOrganizationalUnitsForParent({ client: org }, { ParentId: node.id }, signal),
            OusPage,
            (p) => (p.OrganizationalUnits ?? []).map((o) => o.Id),
          );
          return ous.map((id) => ({ id, path: [id, ...node.path] }));
        } catch (err) {
          gapOf('organizations:ListOrganizationalUnitsForParent', err, node.id);
          return [];
        }
      });
      level = next.flat();
    }

    // Tags cost a call per account: read only when a selector names one.
    if (hasTags(opts.source.include) || hasTags(opts.source.exclude)) {
      await mapLimit(accounts, ctx.concurrency, async (account) => {
        try {
          const tags = await pages(
            'organizations:ListTagsForResource',
            () => paginateListTagsForResource({ client: org }, { ResourceId: account.id }, signal),
            TagsPage,
            (p) => p.Tags ?? [],
          );
          account.tags = Object.fromEntries(tags.map((t) => [t.Key, t.Value ?? '']));
        } catch (err) {
          // Without its tags the account could be wrongly in or out: it is left out, and said so.
          gapOf('organizations:ListTagsForResource', err, account.id);
        }
      });
    }
    const readable = accounts.filter(
      (a) => a.tags !== undefined || !(hasTags(opts.source.include) || hasTags(opts.source.exclude)),
    );
    const { selected, skipped } = selectAccounts(readable, opts.source);
    if (skipped.length > 0) ctx.note(`accounts not scanned: ${skipped.join(', ')}`);

    const zone = opts.source.zoneOfTrust === 'organization' ? new Set(accounts.map((a) => a.id)) : undefined;
    return selected.map((account) => {
      const direct = account.id === caller;
      const membership: OrganizationMembership = {
        id: organization.Id,
        managementAccountId: organization.MasterAccountId,
        parents: account.parents,
        ...(zone ? { zoneOfTrust: zone } : {}),
        direct,
      };
      const name = account.name ? ` ${account.name}` : '';
      return {
        id: `aws:account/${account.id}`,
        provider: 'aws',
        label: direct
          ? `AWS account ${account.id}${name} (organization ${organization.Id}, source credentials)`
          : `AWS account ${account.id}${name} (organization ${organization.Id}, role ${opts.source.roleName})`,
        data: {
          type: 'assume-role',
          accountId: account.id,
          roleArn: `arn:${opts.source.partition}:iam::${account.id}:role/${opts.source.roleName}`,
          sessionName: opts.source.sessionName,
          externalId: opts.source.externalId,
          externalIdEnv: opts.source.externalIdEnv,
          sourceProfile: opts.source.sourceProfile,
          organization: membership,
        },
      } satisfies Target<AwsTargetData>;
    });
  } finally {
    sts.destroy();
    org.destroy();
  }
};
