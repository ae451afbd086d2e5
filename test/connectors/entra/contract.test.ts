// Fixtures shaped like Microsoft Graph's answers: every property of every object in the demo
// tenant (which the connector suites also serve through nock) must be one Graph declares for that
// entity. The allowed names are read at test time from @microsoft/microsoft-graph-types (generated
// from Graph's v1.0 metadata), following `extends`; the two beta-only shapes the connector reads
// are written out below from their documentation pages.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { loadDemoTenant } from '../../../connectors/entra/demo.js';
import tenantJson from '../../../fixtures/demo/entra/tenant.json' with { type: 'json' };
import { DEMO_DIR } from './harness.js';

// Compile-time: the fixture's objects type-check as Graph's entities.
tenantJson.applications satisfies MicrosoftGraph.Application[];
tenantJson.users satisfies MicrosoftGraph.User[];
tenantJson.oauth2PermissionGrants satisfies MicrosoftGraph.OAuth2PermissionGrant[];
tenantJson.directoryRoles satisfies MicrosoftGraph.DirectoryRole[];
Object.values(tenantJson.appRoleAssignments).flat() satisfies MicrosoftGraph.AppRoleAssignment[];

const declared = (() => {
  const path = createRequire(import.meta.url).resolve(
    '@microsoft/microsoft-graph-types/microsoft-graph.d.ts',
  );
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
  const interfaces = new Map<string, { props: string[]; parents: string[] }>();
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node)) return;
    const props = node.members.flatMap((m) =>
      m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) ? [m.name.text] : [],
    );
    const parents = (node.heritageClauses ?? []).flatMap((h) =>
      h.types.map((t) => t.expression.getText(source)),
    );
    interfaces.set(node.name.text, { props, parents });
  });
  const all = (name: string): Set<string> => {
    const entry = interfaces.get(name);
    if (!entry) throw new Error(`microsoft-graph-types has no interface ${name}`);
    return new Set([...entry.props, ...entry.parents.flatMap((p) => [...all(p)])]);
  };
  return all;
})();

/** beta federatedIdentityCredential: v1.0's properties plus claimsMatchingExpression (graph/api/resources/federatedidentitycredential?view=graph-rest-beta). */
const BETA_FIC = new Set([...declared('FederatedIdentityCredential'), 'claimsMatchingExpression']);
/** beta federatedIdentityExpression (graph/api/resources/federatedidentityexpression?view=graph-rest-beta). */
const BETA_EXPRESSION = new Set(['languageVersion', 'value']);
/** beta servicePrincipalSignInActivity (graph/api/resources/serviceprincipalsigninactivity?view=graph-rest-beta). */
const BETA_SIGN_IN = new Set([
  'id',
  'appId',
  'lastSignInActivity',
  'delegatedClientSignInActivity',
  'delegatedResourceSignInActivity',
  'applicationAuthenticationClientSignInActivity',
  'applicationAuthenticationResourceSignInActivity',
]);

const unknownKeys = (obj: object, allowed: Set<string>): string[] =>
  Object.keys(obj).filter((k) => !k.startsWith('@odata.') && !allowed.has(k));

type Obj = Record<string, unknown>;
const t = loadDemoTenant(DEMO_DIR);

describe('demo tenant fixtures: property names Graph declares', () => {
  const credentialChecks = (o: Obj): string[] => [
    ...((o.passwordCredentials as Obj[] | undefined) ?? []).flatMap((p) =>
      unknownKeys(p, declared('PasswordCredential')),
    ),
    ...((o.keyCredentials as Obj[] | undefined) ?? []).flatMap((k) =>
      unknownKeys(k, declared('KeyCredential')),
    ),
  ];

  it.each(t.applications.map((a) => [a.displayName as string, a] as const))('application %s', (_n, a) => {
    expect([...unknownKeys(a, declared('Application')), ...credentialChecks(a)]).toEqual([]);
  });

  it.each(t.servicePrincipals.map((s) => [s.displayName as string, s] as const))(
    'service principal %s',
    (_n, s) => {
      expect([
        ...unknownKeys(s, declared('ServicePrincipal')),
        ...credentialChecks(s),
        ...(s.verifiedPublisher
          ? unknownKeys(s.verifiedPublisher as Obj, declared('VerifiedPublisher'))
          : []),
        ...((s.appRoles as Obj[] | undefined) ?? []).flatMap((r) => unknownKeys(r, declared('AppRole'))),
      ]).toEqual([]);
    },
  );

  it('users, grants, assignments, roles', () => {
    expect(t.users.flatMap((u) => unknownKeys(u, declared('User')))).toEqual([]);
    expect(
      t.oauth2PermissionGrants.flatMap((g) => unknownKeys(g, declared('OAuth2PermissionGrant'))),
    ).toEqual([]);
    expect(
      Object.values(t.appRoleAssignments)
        .flat()
        .flatMap((a) => unknownKeys(a, declared('AppRoleAssignment'))),
    ).toEqual([]);
    expect(t.directoryRoles.flatMap((r) => unknownKeys(r, declared('DirectoryRole')))).toEqual([]);
  });

  it('federated identity credentials (beta shape)', () => {
    const fics = Object.values(t.federatedIdentityCredentials).flat();
    expect(fics.length).toBeGreaterThan(0);
    expect(fics.flatMap((f) => unknownKeys(f, BETA_FIC))).toEqual([]);
    expect(
      fics.flatMap((f) =>
        f.claimsMatchingExpression ? unknownKeys(f.claimsMatchingExpression as Obj, BETA_EXPRESSION) : [],
      ),
    ).toEqual([]);
  });

  it('service principal sign-in activities (beta shape)', () => {
    const all = t.servicePrincipalSignInActivities;
    expect(all.flatMap((a) => unknownKeys(a, BETA_SIGN_IN))).toEqual([]);
    const activity = declared('SignInActivity');
    for (const a of all)
      for (const key of [...BETA_SIGN_IN].filter((k) => k.endsWith('Activity')))
        expect(unknownKeys(a[key] as Obj, activity), key).toEqual([]);
  });

  it('the check itself catches a misspelt property', () => {
    expect(unknownKeys({ id: 'x', appID: 'y' }, declared('Application'))).toEqual(['appID']);
    expect(unknownKeys({ keyId: 'x', secretText: null }, declared('PasswordCredential'))).toEqual([]);
  });
});
