// The Google Workspace connector: the third-party OAuth apps users of one Workspace account
// have authorised, read through the Admin SDK with the official client (@googleapis/admin).
// See readme.md for what it reads and the read-only access it needs; collect.ts for the walk;
// identities.ts for the mapping to the model.
import type { CollectContext, Connector, Target } from '../../src/connector.js';
import type { IdentityInput } from '../../src/model.js';
import { authenticate, createClients } from './client.js';
import { walkWorkspace } from './collect.js';
import type { WorkspaceConfig } from './config.js';
import { type WorkspaceTarget, workspaceLight } from './provider.js';

async function* collectWorkspace(
  target: Target<WorkspaceTarget>,
  config: WorkspaceConfig,
  ctx: CollectContext,
): AsyncGenerator<IdentityInput> {
  const { client, principal } = await authenticate(
    config,
    ctx.requestTimeoutMs,
    process.env,
    ctx.resolvePath,
  );
  ctx.setScope(target.data.domain);
  if (principal) ctx.setPrincipal(principal);
  const clients = createClients(config, client, ctx.signal, ctx.requestTimeoutMs, principal);
  yield* walkWorkspace({ clients, ctx, config });
}

export const workspaceConnector: Connector<WorkspaceConfig, WorkspaceTarget> = {
  ...workspaceLight,
  collect: collectWorkspace,
};
