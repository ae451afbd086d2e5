// Normalises an IAM principal's policies into a privilege level with the statements it rests on.
// The level is an upper-bound summary for triage, not a policy simulator: conditions and
// permissions boundaries are recorded, not evaluated.
import {
  coversAllResources,
  describeGrant,
  isFullWildcard,
  isReadOnlyAction,
  isUnconstrainedResource,
} from '../../src/iam-actions.js';
import type { Grant, Privilege, PrivilegeLevel } from '../../src/model.js';
import { PolicyDocumentError, parsePolicyDocument, toGrants } from './policy-document.js';

export const ADMINISTRATOR_ACCESS_SUFFIX = ':iam::aws:policy/AdministratorAccess';

/** One policy attached to (or embedded in) an identity, as the connector found it. */
export interface PolicySource {
  /** Grant.source prefix, e.g. "user-inline:deploy", "managed:arn:…", "group-managed:ops/arn:…". */
  prefix: string;
  /** The document (URL-encoded or JSON text, or parsed); undefined when it was not available. */
  document: string | object | undefined;
  /** Set for managed policies: recorded in `attached` whether or not the document is known. */
  arn?: string | undefined;
  /** Why the document is missing, for the reason text (e.g. "not returned by GetAccountAuthorizationDetails"). */
  missingBecause?: string | undefined;
  /** The document should have been there (the details were complete): its absence is a gap too. */
  missingIsGap?: boolean | undefined;
}

const isAdministratorAccess = (arn: string): boolean =>
  arn.endsWith(ADMINISTRATOR_ACCESS_SUFFIX) && arn.startsWith('arn:');

/**
 * An unconditioned Allow that amounts to administrator: "*" or NotAction on any resource, or
 * "*" / "iam:*" on every IAM resource ("arn:aws:iam::123456789012:*", "…:role/*"): whoever can
 * rewrite the account's roles or users can grant itself the rest.
 */
export const isAdminGrant = (g: Grant): boolean =>
  g.effect === 'Allow' &&
  !g.conditional &&
  ((isUnconstrainedResource(g.resources, g.notResource) && (g.notAction || g.actions.some(isFullWildcard))) ||
    (!g.notAction &&
      g.actions.some((a) => isFullWildcard(a) || a.toLowerCase() === 'iam:*') &&
      coversAllResources(g.resources, 'iam:*', g.notResource)));

/** An unconditional Deny of everything on everything cancels every Allow. */
const deniesEverything = (g: Grant): boolean =>
  g.effect === 'Deny' &&
  !g.conditional &&
  !g.notAction &&
  g.actions.some(isFullWildcard) &&
  isUnconstrainedResource(g.resources, g.notResource);

const writesSomething = (g: Grant): boolean =>
  g.effect === 'Allow' && (g.notAction || g.actions.some((a) => !isReadOnlyAction(a)));

export interface ComputedPrivilege extends Privilege {
  /** Documents that could not be decoded (or were missing when they should not be), for coverage gaps. */
  invalid: { prefix: string; message: string; code?: 'partial_data' }[];
}

export const computePrivilege = (sources: readonly PolicySource[], boundary?: string): ComputedPrivilege => {
  const grants: Grant[] = [];
  const attached: string[] = [];
  const notes: string[] = [];
  const invalid: ComputedPrivilege['invalid'] = [];
  const adminAttachments: string[] = [];

  for (const source of sources) {
    if (source.arn && !attached.includes(source.arn)) attached.push(source.arn);
    if (source.arn && isAdministratorAccess(source.arn) && !adminAttachments.includes(source.arn)) {
      adminAttachments.push(source.arn);
    }
    if (source.document === undefined) {
      if (source.missingIsGap) {
        invalid.push({
          prefix: source.prefix,
          message: `policy document ${source.missingBecause ?? 'not returned'}`,
          code: 'partial_data',
        });
      }
      notes.push(
        `${source.prefix}: policy document unavailable (${source.missingBecause ?? 'not returned'}); its permissions are unknown, not absent`,
      );
      continue;
    }
    try {
      grants.push(...toGrants(parsePolicyDocument(source.document), source.prefix));
    } catch (err) {
      const message = err instanceof PolicyDocumentError ? err.message : String(err);
      invalid.push({ prefix: source.prefix, message });
      notes.push(
        `${source.prefix}: policy document could not be read (${message}); its permissions are unknown, not absent`,
      );
    }
  }

  const { level, reasons } = levelOf(grants, adminAttachments);
  if (boundary) reasons.push(`permissions boundary ${boundary} may cap these grants (not evaluated)`);
  return {
    level,
    grants,
    reasons: [...reasons, ...notes],
    attached,
    ...(boundary ? { boundary } : {}),
    invalid,
  };
};

/** The level and one reason per decisive statement. */
export const levelOf = (
  grants: readonly Grant[],
  adminAttachments: readonly string[] = [],
): { level: PrivilegeLevel; reasons: string[] } => {
  const blanketDeny = grants.find(deniesEverything);
  if (blanketDeny) {
    return { level: 'none', reasons: [`every Allow is cancelled by ${describeGrant(blanketDeny)}`] };
  }
  const admin = grants.filter(isAdminGrant);
  if (adminAttachments.length > 0 || admin.length > 0) {
    return {
      level: 'admin',
      reasons: [...adminAttachments.map((arn) => `${arn} attached`), ...admin.map(describeGrant)],
    };
  }
  const writes = grants.filter(writesSomething);
  if (writes.length > 0) return { level: 'write', reasons: writes.map(describeGrant) };
  const reads = grants.filter((g) => g.effect === 'Allow');
  if (reads.length > 0) return { level: 'read', reasons: reads.map(describeGrant) };
  return { level: 'none', reasons: [] };
};
