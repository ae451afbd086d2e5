// AWS-SPECIFIC. The service and resource control policies that limit one member account, read
// through AWS Organizations: the account's OU path up to the root (ListParents), the policies
// attached at each level (ListPoliciesForTarget) and their documents (DescribePolicy, once per
// policy). Every level must allow an action for the account to use it. Usually only the management
// account or a delegated administrator may read these: a denial is a gap and a note that SCPs were
// not applied, never "no SCPs".
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  OrganizationsClient,
  type OrganizationsClientConfig,
  type PolicyType,
} from '@aws-sdk/client-organizations';
import { z } from 'zod';
import type { CollectContext } from '../../src/connector.js';
import { errorName } from '../../src/errors.js';
import type { AwsConfig } from './config.js';
import { awsGap } from './errors.js';
import type { LimitSource, PrivilegeLimits } from './privilege.js';
import { traceCalls } from './trace.js';

/** An OU path is at most five OUs deep below the root; a longer walk means a cycle or a bad answer. */
const MAX_DEPTH = 8;
const MAX_PAGES = 50;

// Permissive: the fields used, as the SDK parses them.
const Organization = z.looseObject({
  Organization: z
    .looseObject({ MasterAccountId: z.string().optional(), Id: z.string().optional() })
    .optional(),
});
const Parents = z.looseObject({
  Parents: z.array(z.looseObject({ Id: z.string(), Type: z.string().optional() })).optional(),
});
const PolicyPage = z.looseObject({
  Policies: z.array(z.looseObject({ Id: z.string(), Name: z.string().optional() })).optional(),
  NextToken: z.string().optional(),
});
const PolicyDetail = z.looseObject({
  Policy: z.looseObject({ Content: z.string().optional() }).optional(),
});

class Unreadable extends Error {}

const KINDS: { kind: 'scp' | 'rcp'; filter: PolicyType; label: string }[] = [
  { kind: 'scp', filter: 'SERVICE_CONTROL_POLICY', label: 'SCPs' },
  { kind: 'rcp', filter: 'RESOURCE_CONTROL_POLICY', label: 'RCPs' },
];

/**
 * The limits AWS Organizations puts on `account`, or notes saying why none were applied. Standalone
 * accounts and the management account have none (SCPs and RCPs never restrict the management account).
 */
export const organizationLimits = async (
  clientConfig: OrganizationsClientConfig,
  config: AwsConfig,
  account: string,
  ctx: CollectContext,
): Promise<PrivilegeLimits> => {
  if (!config.organizationPolicies) {
    return { notes: ['SCPs and RCPs not applied: organizationPolicies is off in the AWS config'] };
  }
  const client = traceCalls(new OrganizationsClient(clientConfig), 'organizations', ctx.log);
  const send = async <T>(
    call: string,
    request: (opts: { abortSignal: AbortSignal }) => Promise<unknown>,
    schema: z.ZodType<T>,
  ): Promise<T> => {
    let raw: unknown;
    try {
      raw = await request({ abortSignal: ctx.signal });
    } catch (err) {
      if (errorName(err) === 'AWSOrganizationsNotInUseException') throw err;
      ctx.gap(awsGap(call, err, { resource: account }));
      throw new Unreadable(call);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      ctx.gap({
        code: 'invalid_response',
        call,
        resource: account,
        message: `${call} returned an unexpected shape`,
      });
      throw new Unreadable(call);
    }
    return parsed.data;
  };
  try {
    const org = await send(
      'organizations:DescribeOrganization',
      (o) => client.send(new DescribeOrganizationCommand({}), o),
      Organization,
    );
    if (org.Organization?.MasterAccountId === account) {
      return { notes: ['management account of its organization: SCPs and RCPs do not apply to it'] };
    }
    // The path from the account up to the root: the account itself is a level too.
    const path: string[] = [account];
    for (let child = account, depth = 0; ; depth++) {
      if (depth >= MAX_DEPTH) {
        ctx.gap({
          code: 'invalid_response',
          call: 'organizations:ListParents',
          resource: account,
          message: `no root within ${MAX_DEPTH} levels`,
        });
        throw new Unreadable('organizations:ListParents');
      }
      const parents = await send(
        'organizations:ListParents',
        (o) => client.send(new ListParentsCommand({ ChildId: child }), o),
        Parents,
      );
      const parent = parents.Parents?.[0];
      if (!parent || path.includes(parent.Id)) break;
      path.push(parent.Id);
      if (parent.Type === 'ROOT') break;
      child = parent.Id;
    }
    const documents = new Map<string, string>();
    const out: PrivilegeLimits = { notes: [] };
    for (const { kind, filter, label } of KINDS) {
      const levels: LimitSource[] = [];
      for (const target of [...path].reverse()) {
        const ids: { id: string; name: string }[] = [];
        let token: string | undefined;
        for (let page = 0; page < MAX_PAGES; page++) {
          const res = await send(
            'organizations:ListPoliciesForTarget',
            (o) =>
              client.send(
                new ListPoliciesForTargetCommand({
                  TargetId: target,
                  Filter: filter,
                  ...(token ? { NextToken: token } : {}),
                }),
                o,
              ),
            PolicyPage,
          );
          ids.push(...(res.Policies ?? []).map((p) => ({ id: p.Id, name: p.Name ?? p.Id })));
          token = res.NextToken;
          if (!token) break;
        }
        // With the policy type enabled every level has at least one policy attached (FullAWSAccess
        // by default); none means the type is not enabled in this organisation, so it limits nothing.
        if (ids.length === 0) continue;
        const policies = [];
        for (const { id, name } of ids) {
          let content = documents.get(id);
          if (content === undefined) {
            const detail = await send(
              'organizations:DescribePolicy',
              (o) => client.send(new DescribePolicyCommand({ PolicyId: id }), o),
              PolicyDetail,
            );
            content = detail.Policy?.Content ?? '';
            documents.set(id, content);
          }
          policies.push({
            prefix: `${kind}:${target}/${name}`,
            document: content === '' ? undefined : content,
            missingBecause: 'DescribePolicy returned no Content',
            missingIsGap: true,
          });
        }
        levels.push({ kind, name: target, policies });
      }
      if (levels.length === 0) out.notes = [...(out.notes ?? []), `${label} not enabled in the organization`];
      if (kind === 'scp') out.scps = levels;
      else out.rcps = levels;
    }
    return out;
  } catch (err) {
    if (errorName(err) === 'AWSOrganizationsNotInUseException') {
      return { notes: ['the account is not in an AWS organization: no SCPs or RCPs apply'] };
    }
    if (err instanceof Unreadable) {
      const note = `SCPs and RCPs not applied: ${err.message} could not be read (see coverage), so privilege levels are upper bounds`;
      ctx.note(note);
      return { notes: [note] };
    }
    throw err;
  } finally {
    client.destroy();
  }
};
