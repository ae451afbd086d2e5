// AWS-SPECIFIC. Reading IAM role trust statements: principal accounts, federated issuers and
// the condition operators that do (or do not) restrict who may assume the role.
import type { Trust } from '../../src/model.js';

/** The 12-digit account of an AWS principal written as an ARN or a bare account id. */
export const principalAccount = (principal: string): string | undefined => {
  if (/^\d{12}$/.test(principal)) return principal;
  // arn:partition:service:region:account:resource — iam and sts ARNs leave region empty.
  const m = /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(principal);
  return m?.[1];
};

/** The issuer a federated principal names: "token.actions.githubusercontent.com" from
 *  "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com", or the bare
 *  web-identity provider ("cognito-identity.amazonaws.com", "accounts.google.com"). */
export const federatedIssuer = (principal: string): string | undefined => {
  const m = /^arn:[^:]+:iam::\d{12}:oidc-provider\/(.+)$/.exec(principal);
  if (m?.[1]) return m[1].toLowerCase();
  if (principal.startsWith('arn:')) return undefined; // e.g. a SAML provider: per-tenant
  return principal.toLowerCase();
};

/**
 * "ForAnyValue:StringLikeIfExists" → { base: "stringlike", passesWhenAbsent: true }. Both
 * `…IfExists` and `ForAllValues:` (true for an empty set: IAM documents that it "also returns
 * true if there are no context keys in the request") let a request without the key through.
 */
const parseOperator = (operator: string): { base: string; passesWhenAbsent: boolean } => {
  const forAll = /^ForAllValues:/i.test(operator);
  const noSet = operator.replace(/^For(Any|All)Values?:/i, '');
  const ifExists = /IfExists$/i.test(noSet);
  return {
    base: (ifExists ? noSet.slice(0, -'IfExists'.length) : noSet).toLowerCase(),
    passesWhenAbsent: ifExists || forAll,
  };
};

export interface ConditionHit {
  operator: string;
  key: string;
  values: string[];
}

/** Every condition on `key` (case-insensitive, as IAM compares condition keys), under any operator. */
export const conditionsOn = (trust: Trust, key: string): ConditionHit[] => {
  const want = key.toLowerCase();
  const hits: ConditionHit[] = [];
  for (const [operator, keys] of Object.entries(trust.conditions)) {
    for (const [k, values] of Object.entries(keys)) {
      if (k.toLowerCase() === want) hits.push({ operator, key: k, values });
    }
  }
  return hits;
};

/** A pattern made only of wildcards ("*", "**", "?*") admits any value. */
export const isOnlyWildcard = (value: string): boolean => /^[*?]*$/.test(value);

/**
 * Does a condition restrict `key` to known values? Only positive string matches do: a `Null`
 * check or a negated operator admits any value, and `…IfExists` or `ForAllValues:` pass when the
 * caller simply omits the key (so they protect nothing for an optional key like sts:ExternalId;
 * `allowIfExists` is for keys every request carries, like a token's `sub`). With a `Like`
 * operator, one value that `isBroad` judges too wide makes the whole condition too wide.
 */
export const restricts = (
  hit: ConditionHit,
  opts: { allowIfExists: boolean; isBroad: (value: string) => boolean },
): boolean => {
  const { base, passesWhenAbsent } = parseOperator(hit.operator);
  if (passesWhenAbsent && !opts.allowIfExists) return false;
  if (base !== 'stringequals' && base !== 'stringequalsignorecase' && base !== 'stringlike') return false;
  if (hit.values.length === 0) return false;
  // StringEquals compares literally: "*" there matches only the string "*".
  return base !== 'stringlike' || !hit.values.some(opts.isBroad);
};

/**
 * A `*`/`?` pattern that does not pin the tenant: "*", "repo:*", "repo:acme*" (matches
 * "acme-evil/…"), "organization:acme*". The text before the first wildcard, minus a leading
 * claim name ("repo:", "project_path:", "organization:"), must end the tenant's name with a
 * separator ("repo:acme/…", "organization:acme:…") for the pattern to be tenant-specific.
 */
export const isTenantWildcard = (value: string): boolean => {
  const cut = value.search(/[*?]/);
  if (cut === -1) return false;
  const literal = value.slice(0, cut).replace(/^[A-Za-z_]+:/, '');
  return !/[/:]/.test(literal);
};
