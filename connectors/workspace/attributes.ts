// Workspace identity kinds and the typed attribute vocabulary the connector writes under
// `identity.attributes.workspace` and the workspace-* policies read. `users` is the list of
// people who granted the app; `usersComplete` is false when some users' grants could not be
// read (a coverage gap names them): the count is then a lower bound, never "all".
import { z } from 'zod';
import { memoisedRead } from '../../src/attribute-read.js';
import type { Identity } from '../../src/model.js';

export const WORKSPACE_KINDS = {
  /** A third-party OAuth app (one client id) that users of the domain have authorised. */
  oauthApp: 'workspace.oauth_app',
} as const;
export type WorkspaceKind = (typeof WORKSPACE_KINDS)[keyof typeof WORKSPACE_KINDS];

export const WorkspaceGrantor = z.object({
  /** Primary email (tokens mode) or the actor's email (reports mode). */
  email: z.string(),
  /** Directory user id, when known. */
  userId: z.string().optional(),
  /** Workspace says the account is suspended (undefined: not read). */
  suspended: z.boolean().optional(),
  /** Workspace says the account is archived (undefined: not read). */
  archived: z.boolean().optional(),
  /** The scopes this user granted (tokens mode: the token's; reports mode: the last authorize event's). */
  scopes: z.array(z.string()),
  /** Reports mode: when the grant was made (ISO 8601). */
  grantedAt: z.string().optional(),
});
export type WorkspaceGrantor = z.infer<typeof WorkspaceGrantor>;

export const WorkspaceAttributes = z.object({
  domain: z.string(),
  customer: z.string(),
  clientId: z.string(),
  displayText: z.string().optional(),
  /** The union of the scopes every user granted. */
  scopes: z.array(z.string()),
  /** Those of `scopes` on the high-risk list (privilege.ts). */
  highRiskScopes: z.array(z.string()),
  /** Google: the app has an anonymous client id (not registered with Google). */
  anonymous: z.boolean().optional(),
  /** Google: the token was issued to an installed (desktop or mobile) app. */
  nativeApp: z.boolean().optional(),
  userCount: z.int().min(0),
  users: z.array(WorkspaceGrantor),
  /** False when some users' grants could not be read: userCount is then a lower bound. */
  usersComplete: z.boolean(),
  /** Where the grants came from: tokens.list per user, or the Reports API token activity. */
  source: z.enum(['tokens', 'reports']),
});
export type WorkspaceAttributes = z.infer<typeof WorkspaceAttributes>;

const readWorkspaceAttributes = memoisedRead(WorkspaceAttributes);

/** The Workspace facts of an identity, or undefined when it is not a Workspace app (or malformed). */
export const workspaceAttributes = (
  identity: Pick<Identity, 'provider' | 'attributes'>,
): WorkspaceAttributes | undefined => {
  if (identity.provider !== 'workspace') return undefined;
  return readWorkspaceAttributes(identity.attributes.workspace);
};
