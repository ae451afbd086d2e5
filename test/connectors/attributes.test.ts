// The typed attribute vocabularies (connectors/<id>/attributes.ts): every kind the demo scan
// emits is a declared kind of its connector, and what the connector writes matches the vocabulary
// at run time too (no field falls back to the permissive reader's default).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AWS_KINDS,
  AwsRoleAttributes,
  AwsRootAccountAttributes,
  AwsUserAttributes,
} from '../../connectors/aws/attributes.js';
import { ENTRA_KINDS } from '../../connectors/entra/attributes.js';
import { WORKSPACE_KINDS, WorkspaceAttributes } from '../../connectors/workspace/attributes.js';
import {
  ApiKeyAttributes,
  GCP_KINDS,
  ServiceAccountAttributes,
  WifProviderAttributes,
} from '../../connectors/gcp/attributes.js';
import {
  CredentialAuthorizationAttributes,
  DeployKeyAttributes,
  GITHUB_KINDS,
  InstallationAttributes,
  OAuthAppAttributes,
  SecretAttributes,
  TokenAttributes,
  WebhookAttributes,
  WorkflowTokenAttributes,
} from '../../connectors/github/attributes.js';
import { runDemo } from '../../src/demo/index.js';
import { silentLogger } from '../../src/log.js';
import type { Identity } from '../../src/model.js';

const KINDS: Record<string, readonly string[]> = {
  aws: Object.values(AWS_KINDS),
  gcp: Object.values(GCP_KINDS),
  github: Object.values(GITHUB_KINDS),
  entra: Object.values(ENTRA_KINDS),
  workspace: Object.values(WORKSPACE_KINDS),
};

const SCHEMAS: Record<string, z.ZodObject> = {
  [AWS_KINDS.iamUser]: AwsUserAttributes,
  [AWS_KINDS.iamRole]: AwsRoleAttributes,
  [AWS_KINDS.rootAccount]: AwsRootAccountAttributes,
  // The Workspace connector nests its vocabulary under `attributes.workspace`.
  [WORKSPACE_KINDS.oauthApp]: z.object({ workspace: WorkspaceAttributes }),
  [GCP_KINDS.serviceAccount]: ServiceAccountAttributes,
  [GCP_KINDS.apiKey]: ApiKeyAttributes,
  [GCP_KINDS.wifProvider]: WifProviderAttributes,
  [GITHUB_KINDS.appInstallation]: InstallationAttributes,
  [GITHUB_KINDS.fineGrainedPat]: TokenAttributes,
  [GITHUB_KINDS.patRequest]: TokenAttributes,
  [GITHUB_KINDS.credentialAuthorization]: CredentialAuthorizationAttributes,
  [GITHUB_KINDS.deployKey]: DeployKeyAttributes,
  [GITHUB_KINDS.actionsSecret]: SecretAttributes,
  [GITHUB_KINDS.dependabotSecret]: SecretAttributes,
  [GITHUB_KINDS.codespacesSecret]: SecretAttributes,
  [GITHUB_KINDS.webhook]: WebhookAttributes,
  [GITHUB_KINDS.workflowToken]: WorkflowTokenAttributes,
  [GITHUB_KINDS.oauthApp]: OAuthAppAttributes,
};

/** The vocabulary fields whose written value the reader changed (a fallback): none expected. */
const fallbacks = (schema: z.ZodObject, attributes: Record<string, unknown>): string[] => {
  const parsed = schema.parse(attributes);
  return Object.keys(schema.shape).filter(
    (k) => k in attributes && !isDeepStrictEqual(parsed[k], attributes[k]),
  );
};

let identities: Identity[] = [];
let out: string;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'nhiscan-attributes-'));
  await runDemo({ out, log: silentLogger, print: () => undefined, color: false, failOn: 'none' });
  identities = (
    JSON.parse(readFileSync(join(out, 'nhiscan-result.json'), 'utf8')) as { identities: Identity[] }
  ).identities;
}, 240_000);

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

describe('attribute vocabularies', () => {
  it('every kind the demo emits is declared by its connector, and every vocabulary kind is seen', () => {
    for (const i of identities) expect(KINDS[i.provider], `${i.provider} ${i.kind}`).toContain(i.kind);
    const seen = new Set(identities.map((i) => i.kind));
    // The demo org plants no Dependabot or Codespaces secret; their schema is SecretAttributes, checked on the others.
    const notInDemo = [GITHUB_KINDS.dependabotSecret, GITHUB_KINDS.codespacesSecret];
    for (const kind of Object.keys(SCHEMAS))
      expect(seen.has(kind), kind).toBe(!(notInDemo as readonly string[]).includes(kind));
  });

  it('what the connectors write matches the vocabulary (no reader fallback)', () => {
    for (const i of identities) {
      const schema = SCHEMAS[i.kind];
      if (schema) expect(fallbacks(schema, i.attributes), `${i.kind} ${i.name}`).toEqual([]);
    }
  });

  it('a field of the wrong type is caught by the check above', () => {
    expect(fallbacks(InstallationAttributes, { appSlug: 42, permissions: {}, suspended: false })).toEqual([
      'appSlug',
    ]);
  });
});
