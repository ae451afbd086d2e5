// Financial-reporting (SOC 1) scope. The config declares what is in scope with selectors; an
// identity is in scope when it sits in, or holds write/admin access into, something selected.
// The identity records which selector matched and why, so an auditor can see it.
import { z } from 'zod';
import { globMatch } from './glob.js';
import type { Identity } from './model.js';

export const FinancialScopeSelector = z
  .strictObject({
    /** Shown in evidence: why this identity is in scope. */
    name: z.string().min(1),
    provider: z.string().min(1).optional(),
    /** Account id, project id or org (globs allowed); `account`/`project`/`org` are aliases. */
    scope: z.string().min(1).optional(),
    account: z.string().min(1).optional(),
    project: z.string().min(1).optional(),
    org: z.string().min(1).optional(),
    /** Repository (or other resource inside the scope) name glob, e.g. "billing-*". */
    repository: z.string().min(1).optional(),
    /** Resource tag / label; value omitted = any value. */
    tag: z.strictObject({ key: z.string().min(1), value: z.string().optional() }).optional(),
  })
  .refine((s) => s.scope ?? s.account ?? s.project ?? s.org ?? s.repository ?? s.tag, {
    message: 'a selector needs at least one of scope/account/project/org, repository or tag',
  });
export type FinancialScopeSelector = z.infer<typeof FinancialScopeSelector>;

const scopeOf = (s: FinancialScopeSelector): string | undefined => s.scope ?? s.account ?? s.project ?? s.org;

const tagMatches = (
  tags: Record<string, string>,
  tag: NonNullable<FinancialScopeSelector['tag']>,
): string | undefined => {
  const hit = Object.entries(tags).find(([k]) => k.toLowerCase() === tag.key.toLowerCase());
  if (!hit) return undefined;
  return tag.value === undefined || globMatch(tag.value, hit[1], true) ? `${hit[0]}=${hit[1]}` : undefined;
};

/** Why the identity's own location matches, or undefined. */
const locationMatch = (identity: Identity, s: FinancialScopeSelector): string | undefined => {
  if (s.provider && s.provider !== identity.provider) return undefined;
  const scope = scopeOf(s);
  if (scope && !globMatch(scope, identity.location.scope)) return undefined;
  if (s.repository && !(identity.location.resource && globMatch(s.repository, identity.location.resource)))
    return undefined;
  let tagWhy: string | undefined;
  if (s.tag) {
    tagWhy = tagMatches(identity.tags, s.tag);
    if (!tagWhy) return undefined;
  }
  const { scope: at, resource } = identity.location;
  // An IAM path ("/", "/service-role/") says nothing useful here; a repository does.
  const inside = resource && !resource.startsWith('/') ? `/${resource}` : '';
  return tagWhy ? `tagged ${tagWhy}` : `sits in ${identity.provider} ${at}${inside}`;
};

/**
 * Why one of the identity's write/admin grants reaches into the selected scope, or undefined.
 * Grants name resources as ARNs (AWS), `repo:<org>/<name>` (GitHub) or `projects/<id>` (GCP).
 */
const accessMatch = (identity: Identity, s: FinancialScopeSelector): string | undefined => {
  if (identity.privilege.level !== 'write' && identity.privilege.level !== 'admin') return undefined;
  if (s.tag || (s.provider && s.provider !== identity.provider)) return undefined; // tags of targets are not known
  const scope = scopeOf(s);
  for (const grant of identity.privilege.grants) {
    if (grant.effect !== 'Allow') continue;
    for (const resource of grant.resources) {
      const [, org, repo] = /^repo:([^/]+)\/(.+)$/.exec(resource) ?? [];
      if (org !== undefined && repo !== undefined) {
        const orgOk = !scope || globMatch(scope, org);
        const repoOk = !s.repository || repo === '*' || globMatch(s.repository, repo);
        if (orgOk && repoOk) return `can write to ${resource} (${grant.source})`;
        continue;
      }
      if (!scope || s.repository) continue;
      const [, account] = /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(resource) ?? [];
      if (account !== undefined && account !== identity.location.scope && globMatch(scope, account)) {
        return `can write to ${resource} (${grant.source})`;
      }
      const [, project] = /^projects\/([^/]+)/.exec(resource) ?? [];
      if (project !== undefined && globMatch(scope, project))
        return `can write to ${resource} (${grant.source})`;
    }
  }
  return undefined;
};

export const applyFinancialScope = (
  identity: Identity,
  selectors: readonly FinancialScopeSelector[],
): Identity => {
  const reasons: string[] = [];
  for (const s of selectors) {
    const why = locationMatch(identity, s) ?? accessMatch(identity, s);
    if (why) reasons.push(`selector "${s.name}": ${why}`);
  }
  return reasons.length ? { ...identity, financialScope: { inScope: true, reasons } } : identity;
};
