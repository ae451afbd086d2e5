// The documented high-risk OAuth scopes of Google Workspace, and the privilege level a set of
// granted scopes gives an app. The list follows Google's own classification of restricted and
// sensitive scopes (Gmail and Drive data, the Admin SDK, all of Google Cloud) and is data: the
// workspace-high-risk-scopes policy reads it, the connector's readme prints it.
import type { PrivilegeLevel } from '../../src/model.js';

const G = 'https://www.googleapis.com/auth/';

export interface ScopeRisk {
  scope: string;
  level: PrivilegeLevel;
  why: string;
}

/** Exact scopes, highest first. */
export const HIGH_RISK_SCOPES: readonly ScopeRisk[] = [
  {
    scope: 'https://mail.google.com/',
    level: 'write',
    why: 'full Gmail: read, send and permanently delete all mail',
  },
  { scope: `${G}gmail.modify`, level: 'write', why: 'read, change and send all mail' },
  { scope: `${G}gmail.compose`, level: 'write', why: 'draft and send mail as the user' },
  { scope: `${G}gmail.send`, level: 'write', why: 'send mail as the user' },
  { scope: `${G}gmail.insert`, level: 'write', why: 'insert messages into the mailbox' },
  { scope: `${G}gmail.settings.sharing`, level: 'write', why: 'forwarding rules and delegates' },
  { scope: `${G}gmail.settings.basic`, level: 'write', why: 'filters (auto-forwarding)' },
  { scope: `${G}gmail.readonly`, level: 'read', why: 'read all mail' },
  { scope: `${G}gmail.metadata`, level: 'read', why: 'headers of all mail' },
  { scope: `${G}drive`, level: 'write', why: 'read, change and delete every Drive file' },
  { scope: `${G}drive.readonly`, level: 'read', why: 'read every Drive file' },
  { scope: `${G}drive.metadata`, level: 'write', why: 'change the metadata (sharing) of every Drive file' },
  { scope: `${G}cloud-platform`, level: 'admin', why: 'all of Google Cloud the user can reach' },
  { scope: `${G}script.projects`, level: 'write', why: 'create and change Apps Script projects' },
  {
    scope: `${G}admin.directory.user`,
    level: 'admin',
    why: 'create, change and delete users (reset passwords)',
  },
  { scope: `${G}admin.directory.group`, level: 'admin', why: 'change groups and their members' },
  { scope: `${G}admin.directory.rolemanagement`, level: 'admin', why: 'grant admin roles' },
  {
    scope: `${G}admin.directory.user.security`,
    level: 'admin',
    why: "revoke and read users' tokens and app passwords",
  },
  { scope: `${G}admin.directory.domain`, level: 'admin', why: 'change the domains of the account' },
];

/** Scope prefixes: any scope under them is high-risk (read-only ones at read level). */
export const HIGH_RISK_PREFIXES: readonly { prefix: string; why: string }[] = [
  { prefix: `${G}admin.directory.`, why: 'the Admin SDK Directory API (users, groups, roles, devices)' },
  { prefix: `${G}admin.datatransfer`, why: "transfers of users' data" },
  { prefix: `${G}apps.groups.settings`, why: 'group settings (who may post and join)' },
];

const EXACT = new Map(HIGH_RISK_SCOPES.map((s) => [s.scope, s]));

/** The risk of one scope, or undefined when it is not on the list. */
export const scopeRisk = (scope: string, extra: readonly string[] = []): ScopeRisk | undefined => {
  const exact = EXACT.get(scope);
  if (exact) return exact;
  const prefix = HIGH_RISK_PREFIXES.find((p) => scope.startsWith(p.prefix));
  if (prefix) {
    return { scope, level: scope.endsWith('.readonly') ? 'read' : 'admin', why: prefix.why };
  }
  if (extra.includes(scope)) return { scope, level: 'write', why: 'listed as high-risk in the config' };
  return undefined;
};

export const isHighRisk = (scope: string, extra: readonly string[] = []): boolean =>
  scopeRisk(scope, extra) !== undefined;

const ORDER: readonly PrivilegeLevel[] = ['none', 'read', 'write', 'admin'];

/** The highest level the scopes give; openid/email/profile and other low-risk scopes read. */
export const privilegeOf = (scopes: readonly string[]): { level: PrivilegeLevel; reasons: string[] } => {
  let level: PrivilegeLevel = scopes.length > 0 ? 'read' : 'none';
  const reasons: string[] = [];
  for (const scope of scopes) {
    const risk = scopeRisk(scope);
    if (!risk) continue;
    reasons.push(`${scope}: ${risk.why}`);
    if (ORDER.indexOf(risk.level) > ORDER.indexOf(level)) level = risk.level;
  }
  return { level, reasons };
};
