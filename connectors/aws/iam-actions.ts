// The AWS IAM policy language's action grammar ("service:Verb*"), shared by the AWS connector
// (to normalise a privilege level) and the policies (to spot admin, wildcards and escalation).
// It is a grammar, not an API: no call is made here.
import { globMatch } from '../../src/glob.js';
import type { Grant } from '../../src/model.js';

/** Verbs whose actions only read. Conservative: anything else counts as write. */
const READ_VERBS = [
  'Get',
  'List',
  'Describe',
  'View',
  'Search',
  'Lookup',
  'BatchGet',
  'Query',
  'Scan',
  'Head',
];
const READ_VERBS_LOWER = READ_VERBS.map((v) => v.toLowerCase());

/** IAM wildcard match: `*` any run, `?` one char; case-insensitive as IAM evaluates actions. */
export const wildcardMatch = (pattern: string, value: string): boolean => globMatch(pattern, value, true);

export const serviceOf = (action: string): string =>
  (action.includes(':') ? action.slice(0, action.indexOf(':')) : action).toLowerCase();

/** `*` or `service:*`. */
export const isServiceWildcard = (pattern: string): boolean => /^[a-z0-9-]+:\*$/i.test(pattern);
export const isFullWildcard = (pattern: string): boolean => pattern === '*' || pattern === '*:*';

/** True when the action (or every action a pattern can match) only reads. */
export const isReadOnlyAction = (pattern: string): boolean => {
  if (isFullWildcard(pattern)) return false;
  // IAM matches action names case-insensitively: "s3:getobject" is "s3:GetObject".
  const verb = (pattern.includes(':') ? pattern.slice(pattern.indexOf(':') + 1) : pattern).toLowerCase();
  return READ_VERBS_LOWER.some((v) => verb.startsWith(v) && (verb.length > v.length || !verb.includes('*')));
};

/** A resource list that does not constrain: "*" (or "arn:aws:*:*:*…" spelled out). */
export const isUnconstrainedResource = (resources: readonly string[], notResource = false): boolean =>
  notResource || resources.some((r) => r === '*' || /^arn:[^:]+:\*(:\*)*$/.test(r) || r === 'arn:*');

/** Services whose ARNs have no resource-type segment: "arn:aws:s3:::reports/*" is one bucket. */
const UNTYPED_ARN_SERVICES = new Set(['s3']);
const ALL_OF_TYPE = /^(?:[A-Za-z0-9_.-]+[/:])?\*(?:[/:]\*)*$/;
const ALL_UNTYPED = /^\*(?:[/:]\*)*$/;

/**
 * A resource list that spans every resource `action` can act on: an unconstrained one, or an ARN
 * of the action's service whose resource part is only wildcards, after at most a resource type
 * ("arn:aws:s3:::*", "arn:aws:iam::123456789012:role/*", "arn:aws:lambda:*:*:function:*"). Region
 * and account do not narrow it: every role of the account is every role `iam:PassRole` can pass.
 */
export const coversAllResources = (
  resources: readonly string[],
  action: string,
  notResource = false,
): boolean => {
  if (isUnconstrainedResource(resources, notResource)) return true;
  const service = serviceOf(action);
  return resources.some((r) => {
    const parts = r.split(':');
    if (parts.length < 6 || parts[0] !== 'arn') return false;
    const arnService = (parts[2] ?? '').toLowerCase();
    if (arnService !== '*' && arnService !== service) return false;
    const resource = parts.slice(5).join(':');
    return (UNTYPED_ARN_SERVICES.has(arnService) ? ALL_UNTYPED : ALL_OF_TYPE).test(resource);
  });
};

/** Does this Allow grant cover `action`? (NotAction inverts the list.) */
export const grantCovers = (grant: Grant, action: string): boolean => {
  if (grant.effect !== 'Allow') return false;
  const hit = grant.actions.some((p) => wildcardMatch(p, action));
  return grant.notAction ? !hit : hit;
};

/** Is `action` allowed by some grant and not removed by an unconditional Deny on the same terms? */
export const allows = (
  grants: readonly Grant[],
  action: string,
  opts: { unconstrainedOnly?: boolean; unconditionalOnly?: boolean } = {},
): Grant | undefined => {
  // A Deny with NotResource still leaves the action allowed on the excluded resources: it
  // removes the action entirely only when the question is "allowed on everything?".
  const denied = grants.some(
    (g) =>
      g.effect === 'Deny' &&
      !g.conditional &&
      (g.notResource ? opts.unconstrainedOnly === true : coversAllResources(g.resources, action)) &&
      (g.notAction
        ? !g.actions.some((p) => wildcardMatch(p, action))
        : g.actions.some((p) => wildcardMatch(p, action))),
  );
  if (denied) return undefined;
  return grants.find(
    (g) =>
      grantCovers(g, action) &&
      (!opts.unconstrainedOnly || coversAllResources(g.resources, action, g.notResource)) &&
      (!opts.unconditionalOnly || !g.conditional),
  );
};

/** A one-line pointer to a grant's statement, for evidence and reasons. */
export const describeGrant = (g: Grant): string =>
  `${g.source}${g.sid ? ` (Sid ${g.sid})` : ''}: ${g.effect} ${g.notAction ? 'NotAction ' : ''}${g.actions.join(', ')} on ${g.notResource ? 'NotResource ' : ''}${g.resources.join(', ')}${g.conditional ? ' with conditions' : ''}`;
