// The Microsoft Entra ID connector: the app registrations, enterprise apps (service principals)
// and managed identities of each configured tenant, read through Microsoft Graph with the
// official client. See readme.md for what it reads and the read-only permissions it needs;
// collect.ts for the walk; identities.ts for the mapping to the model.
import { readFileSync } from 'node:fs';
import type { Agent as HttpsAgent } from 'node:https';
import type { CollectContext, Connector, Target } from '../../src/connector.js';
import { ScanError, errorMessage } from '../../src/errors.js';
import { networkAgent, networkDispatcher, trustedCas } from '../../src/proxy.js';
import type { IdentityInput } from '../../src/model.js';
import { createCredential, describeAuth, tokenPrincipal } from './auth.js';
import { walkTenant } from './collect.js';
import { EntraConfig, endpoints } from './config.js';
import { createGraphClient, graphScope } from './graph.js';

import { type EntraTarget, entraLight } from './provider.js';

const readCa = (config: EntraConfig, ctx: CollectContext): string[] | undefined => {
  if (!config.caFile) return undefined;
  const path = ctx.resolvePath(config.caFile);
  try {
    // Node's CAs and NODE_EXTRA_CA_CERTS stay trusted beside the file.
    return trustedCas([readFileSync(path, 'utf8')]);
  } catch (err) {
    throw new ScanError(
      {
        code: 'unknown',
        call: 'entra:configuration',
        message: `providers.entra.caFile ${path}: ${errorMessage(err)}`,
      },
      'provider',
    );
  }
};

async function* collectEntra(
  target: Target<EntraTarget>,
  config: EntraConfig,
  ctx: CollectContext,
): AsyncGenerator<IdentityInput> {
  const { authorityHost, graphBaseUrl } = endpoints(config);
  const ca = readCa(config, ctx);
  // A private CA and HTTPS_PROXY / NO_PROXY: @azure/identity's pipeline honours the proxy
  // variables only without an agent of ours, and the Graph client's fetch never does.
  const agent = networkAgent(ca ? { ca } : {}) as HttpsAgent | undefined;
  const dispatcher = networkDispatcher(ca ? { ca } : {});
  const requestTimeoutMs = config.requestTimeoutSeconds * 1000;
  try {
    const credential = createCredential(
      config.auth,
      {
        tenantId: target.data.tenant,
        authorityHost,
        // MSAL looks a custom authority up with Microsoft unless told not to.
        disableInstanceDiscovery: config.authorityHost !== undefined,
        requestTimeoutMs,
        ...(agent ? { agent } : {}),
      },
      process.env,
      ctx.resolvePath,
    );
    // Sign in first: a refused credential ends this tenant with one clear gap, not one per call.
    let token: string;
    try {
      const t = await credential.getToken(graphScope(graphBaseUrl), { abortSignal: ctx.signal });
      if (!t) throw new Error('the credential returned no token');
      token = t.token;
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      throw new ScanError(
        {
          code: 'auth_failed',
          call: 'entra:getToken',
          resource: target.data.tenant,
          message: `could not sign in to tenant ${target.data.tenant} with ${describeAuth(config.auth)} at ${authorityHost}: ${errorMessage(err).split('\n')[0] ?? ''}`,
        },
        'target',
        { cause: err },
      );
    }
    const who = tokenPrincipal(token);
    const tenantId = who.tenantId ?? target.data.tenant;
    ctx.setScope(tenantId);
    ctx.setPrincipal(
      `app ${who.appId ?? 'unknown'}${who.name ? ` (${who.name})` : ''} via ${describeAuth(config.auth)}`,
    );
    let retries = 0;
    const client = createGraphClient({
      credential,
      graphBaseUrl,
      signal: ctx.signal,
      requestTimeoutMs,
      maxRetries: config.maxRetries,
      maxRetryAfterSeconds: config.maxRetryAfterSeconds,
      ...(dispatcher ? { dispatcher } : {}),
      log: ctx.log,
      onRetry: (status, wait) => {
        retries++;
        ctx.log.debug(`entra ${tenantId}: Graph answered ${status}, retrying after ${wait}s`);
      },
    });
    yield* walkTenant({ client, ctx, config, tenantId });
    if (retries > 0)
      ctx.note(
        `Entra ${tenantId}: Graph throttled ${retries} request(s); each was retried after its Retry-After`,
      );
  } finally {
    agent?.destroy();
    await dispatcher?.close();
  }
}

export const entraConnector: Connector<EntraConfig, EntraTarget> = {
  ...entraLight,
  collect: collectEntra,
};
