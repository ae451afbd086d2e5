// The Workspace manifest against the connector: every call names the manifest's scope, and the
// scopes each inventory mode asks for are exactly the manifest's (the generated docs and the demo
// call trace are checked for every connector in test/connectors/permissions.test.ts).
import { describe, expect, it } from 'vitest';
import { CALL_PERMISSION } from '../../../connectors/workspace/collect.js';
import { ADMIN_SCOPES, scopesFor } from '../../../connectors/workspace/config.js';
import { workspacePermissions } from '../../../connectors/workspace/permissions.js';
import { permissionFor } from '../../../src/permissions.js';

describe('workspace permissions', () => {
  it('every call maps to its manifest scope', () => {
    for (const [call, needs] of Object.entries(CALL_PERMISSION))
      expect(needs, call).toContain(permissionFor(workspacePermissions, call)?.permission ?? 'no entry');
    expect(Object.keys(CALL_PERMISSION).sort()).toEqual(
      workspacePermissions.entries.flatMap((e) => e.calls).sort(),
    );
  });

  it('each inventory mode asks for the manifest’s scopes; all read-only but tokens.list’s', () => {
    expect(scopesFor('tokens')).toEqual([ADMIN_SCOPES.users, ADMIN_SCOPES.tokens]);
    expect(scopesFor('reports')).toEqual([ADMIN_SCOPES.reports]);
    expect(workspacePermissions.grants.domainWideDelegation.oauthScopes.sort()).toEqual(
      Object.values(ADMIN_SCOPES).sort(),
    );
    for (const e of workspacePermissions.entries)
      if (e.permission !== ADMIN_SCOPES.tokens) expect(e.permission).toMatch(/readonly$/);
  });
});
