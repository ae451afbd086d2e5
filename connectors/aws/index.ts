// The AWS connector: IAM users (NHIs only) and roles of each configured account, read with the
// SDK's own credential chain (env, profiles, SSO, instance roles) or through sts:AssumeRole.
// Endpoints are never set here: the SDK itself honours AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_IAM and
// AWS_ENDPOINT_URL_STS (and `endpoint_url` in a profile).
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { awsLight } from './provider.js';
import type { Connector } from '../../src/connector.js';
import { ScanError } from '../../src/errors.js';
import { DEFAULT_TIMEOUTS } from '../../src/timeouts.js';
import {
  type ClientSettings,
  type CollectOptions,
  type CredentialProvider,
  collectAccount,
  requestHandlerSettings,
} from './collect.js';
import { AwsConfig } from './config.js';
import { doctorAws } from './doctor.js';
import { expandOrganization } from './organization-accounts.js';
import { callTracePlugin } from './trace.js';
import type { Logger } from '../../src/log.js';
import type { AwsTargetData } from './targets.js';

export { type AwsTargetData, targetsOf } from './targets.js';
import { type Sleep, realSleep } from './credential-report-fetch.js';

export interface AwsConnectorOptions {
  /** Waits between credential-report polls (tests pass a fast one). */
  sleep?: Sleep;
  /** Extra settings for every SDK client, e.g. `{ maxAttempts: 1 }` in tests. */
  clientSettings?: ClientSettings;
}

/** Refresh temporary credentials this long before they expire. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Shares one resolution between the STS and IAM clients (each would otherwise call AssumeRole),
 * refreshing near expiry.
 */
export const sharedCredentials = (provider: CredentialProvider): CredentialProvider => {
  type Resolution = ReturnType<CredentialProvider>;
  let cached: Resolution | undefined;
  const load = (props: Parameters<CredentialProvider>[0]): Resolution => {
    const resolution = provider(props);
    cached = resolution;
    // A failed resolution is not cached: the next caller tries again.
    resolution.catch(() => {
      if (cached === resolution) cached = undefined;
    });
    return resolution;
  };
  return async (props) => {
    const current = cached;
    if (current) {
      const creds = await current.catch(() => undefined);
      const fresh =
        creds && !(creds.expiration && creds.expiration.getTime() - Date.now() < REFRESH_MARGIN_MS);
      if (fresh) return creds;
      // Another caller may already be refreshing.
      if (cached !== current) return cached ?? load(props);
    }
    return load(props);
  };
};

/** The credential provider for a target, and the call that resolves it (for the gap if it fails). */
export const credentialsFor = (
  data: AwsTargetData,
  config: AwsConfig,
  {
    requestTimeoutMs = DEFAULT_TIMEOUTS.requestSeconds * 1000,
    sourceProfile,
    log,
  }: {
    requestTimeoutMs?: number;
    /** For `default`: a profile of ~/.aws/config to start the chain from instead. */
    sourceProfile?: string | undefined;
    /** The call trace of the STS client that assumes the role (sts:AssumeRole). */
    log?: Logger;
  } = {},
): { provider: CredentialProvider; call: string; hint?: string } => {
  // The chain's own clients (STS for role profiles, SSO, web identity) and the instance / container
  // metadata calls get the same per-request timeout as the scan's clients.
  const chain = {
    clientConfig: { requestHandler: requestHandlerSettings(requestTimeoutMs) },
    timeout: requestTimeoutMs,
  };
  switch (data.type) {
    case 'default':
      return {
        provider: fromNodeProviderChain(sourceProfile ? { ...chain, profile: sourceProfile } : chain),
        call: 'aws:credentials',
        hint: 'the default chain found none: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, run `aws sso login`, or run where an instance or container role is attached',
      };
    case 'profile':
      // The node chain (not fromIni) so SSO, process and web-identity profiles work too.
      return {
        provider: fromNodeProviderChain({ ...chain, profile: data.profile }),
        call: 'aws:credentials',
        hint: `check that profile "${data.profile}" exists in ~/.aws/config (or AWS_CONFIG_FILE); for an SSO profile run \`aws sso login --profile ${data.profile}\``,
      };
    case 'organization':
      // The organisation is listed with the source credentials themselves.
      return {
        provider: fromNodeProviderChain(
          data.sourceProfile ? { ...chain, profile: data.sourceProfile } : chain,
        ),
        call: 'aws:credentials',
      };
    case 'assume-role': {
      // The account the organisation was listed from is scanned with the credentials that listed it.
      if (data.organization?.direct) {
        return {
          provider: fromNodeProviderChain(
            data.sourceProfile ? { ...chain, profile: data.sourceProfile } : chain,
          ),
          call: 'aws:credentials',
        };
      }
      let externalId = data.externalId;
      if (data.externalIdEnv !== undefined) {
        const value = process.env[data.externalIdEnv];
        if (value === undefined || value === '') {
          throw new ScanError({
            code: 'auth_failed',
            call: 'sts:AssumeRole',
            resource: data.roleArn,
            message: `environment variable ${data.externalIdEnv} (externalIdEnv) is not set: no ExternalId to assume ${data.roleArn}`,
          });
        }
        externalId = value;
      }
      return {
        provider: fromTemporaryCredentials({
          params: {
            RoleArn: data.roleArn,
            RoleSessionName: data.sessionName,
            ...(externalId !== undefined ? { ExternalId: externalId } : {}),
          },
          masterCredentials: fromNodeProviderChain(
            data.sourceProfile ? { ...chain, profile: data.sourceProfile } : chain,
          ),
          clientConfig: { region: config.region, requestHandler: requestHandlerSettings(requestTimeoutMs) },
          ...(log ? { clientPlugins: [callTracePlugin('sts', log)] } : {}),
        }),
        call: 'sts:AssumeRole',
      };
    }
  }
};

/** An organisation member: its organisation, and the credentials that listed it (they read the SCPs). */
const organizationOf = (
  data: AwsTargetData,
  config: AwsConfig,
  requestTimeoutMs: number,
): Pick<CollectOptions, 'organization' | 'organizationCredentials'> => {
  if (data.type !== 'assume-role' || !data.organization) return {};
  const source = credentialsFor({ type: 'default' }, config, {
    requestTimeoutMs,
    sourceProfile: data.sourceProfile,
  });
  return { organization: data.organization, organizationCredentials: sharedCredentials(source.provider) };
};

export const createAwsConnector = (
  options: AwsConnectorOptions = {},
): Connector<AwsConfig, AwsTargetData> => ({
  ...awsLight,
  async expand(target, config, ctx) {
    if (target.data.type !== 'organization') return undefined;
    const source = target.data;
    const { provider, call } = credentialsFor(target.data, config, {
      requestTimeoutMs: ctx.requestTimeoutMs,
      log: ctx.log,
    });
    return expandOrganization(
      {
        config,
        source,
        credentials: sharedCredentials(provider),
        credentialsCall: call,
        clientSettings: options.clientSettings ?? {},
      },
      ctx,
    );
  },
  collect(target, config, ctx) {
    // Resolved lazily, inside the iteration, so a missing ExternalId fails this target only.
    return (async function* () {
      const { provider, call, hint } = credentialsFor(target.data, config, {
        requestTimeoutMs: ctx.requestTimeoutMs,
        log: ctx.log,
      });
      yield* collectAccount(
        {
          config,
          credentials: sharedCredentials(provider),
          credentialsCall: call,
          ...(hint !== undefined ? { credentialsHint: hint } : {}),
          clientSettings: options.clientSettings ?? {},
          sleep: options.sleep ?? realSleep,
          ...organizationOf(target.data, config, ctx.requestTimeoutMs),
        },
        ctx,
      );
    })();
  },
  doctor(target, config, ctx) {
    return doctorAws(
      credentialsFor(target.data, config, { requestTimeoutMs: ctx.requestTimeoutMs, log: ctx.log }),
      target.data,
      config,
      ctx,
      options.clientSettings ?? {},
    );
  },
});

export const awsConnector = createAwsConnector();
