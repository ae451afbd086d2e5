// Small helpers the policies share: labels for messages, option pieces, and the checks every
// policy repeats (provider-managed identities, credential selection). Provider-neutral.
import { z } from 'zod';
import type { Credential, CredentialType, Identity } from '../../src/model.js';
import { CredentialType as CredentialTypeSchema } from '../../src/model.js';

/** Credential types a user (not the provider) creates and is expected to rotate. */
export const USER_ROTATABLE_TYPES: readonly CredentialType[] = [
  'access_key',
  'sa_key',
  'api_key',
  'ssh_key',
  'certificate',
  'token',
  'deploy_key',
  'secret',
];

export const CREDENTIAL_LABEL: Record<CredentialType, string> = {
  access_key: 'Access key',
  sa_key: 'Service account key',
  api_key: 'API key',
  token: 'Token',
  deploy_key: 'Deploy key',
  secret: 'Secret',
  ssh_key: 'SSH key',
  certificate: 'Certificate',
  password: 'Password',
};

/** Lower-case label for use inside a sentence. */
export const credentialNoun = (type: CredentialType): string => CREDENTIAL_LABEL[type].toLowerCase();

const KIND_LABEL: Record<string, string> = {
  'aws.iam_user': 'IAM user',
  'aws.iam_role': 'IAM role',
  'aws.root_account': 'AWS',
  'gcp.service_account': 'service account',
  'gcp.api_key': 'API key',
  'gcp.wif_provider': 'workload identity provider',
  'github.app_installation': 'GitHub App installation',
  'github.fine_grained_pat': 'fine-grained token',
  'github.deploy_key': 'deploy key',
  'github.actions_secret': 'Actions secret',
  'github.dependabot_secret': 'Dependabot secret',
  'github.codespaces_secret': 'Codespaces secret',
  'github.pat_request': 'pending token request',
  'github.credential_authorization': 'SSO-authorised credential',
  'github.webhook': 'webhook',
  'github.workflow_token': 'workflow token',
  'github.oauth_app': 'OAuth app',
  'entra.application': 'Entra app',
  'entra.service_principal': 'Entra enterprise app',
  'entra.managed_identity': 'managed identity',
};

/** "IAM user ci-deployer", falling back to the raw kind for kinds this table does not know. */
export const identityLabel = (identity: Identity): string =>
  `${KIND_LABEL[identity.kind] ?? identity.kind} ${identity.name}`;

export const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

/** A zod list of credential types, for `types` options. */
export const CredentialTypes = z.array(CredentialTypeSchema);

/** Options shared by policies that leave provider-managed identities alone by default. */
export const includeProviderManagedOption = z
  .boolean()
  .default(false)
  .describe(
    'Also judge identities the provider manages (AWS service-linked roles, Google-managed accounts).',
  );

export const skipIdentity = (identity: Identity, includeProviderManaged: boolean): boolean =>
  identity.managedBy === 'provider' && !includeProviderManaged;

/**
 * The provider reports the identity switched off (a disabled Google service account, a suspended
 * GitHub App installation): it can do nothing until someone turns it back on.
 */
export const isSwitchedOff = (identity: Identity): boolean =>
  identity.attributes.disabled === true || identity.attributes.suspended === true;

/** The credential facts safe and useful to show in evidence (ids and dates, never material). */
export const credentialFacts = (c: Credential): Record<string, unknown> => ({
  uid: c.uid,
  type: c.type,
  status: c.status,
  createdAt: c.createdAt,
  lastRotatedAt: c.lastRotatedAt,
  lastUsedAt: c.lastUsedAt,
  ...(c.lastUsedDetail ? { lastUsedDetail: c.lastUsedDetail } : {}),
});

/** ISO day (yyyy-mm-dd) for titles and messages; evidence keeps full timestamps. */
export { isoDay } from '../../src/clock.js';

/** The not-applicable reason for an identity skipped because the provider manages it. */
export const PROVIDER_MANAGED =
  'managed by the provider (service-linked role, Google-managed account); includeProviderManaged is off';

/** References several policies share. */
export const REFERENCES = {
  owaspNhi: 'https://owasp.org/www-project-non-human-identities-top-10/2025/top-10-2025/',
  cisControls: 'https://www.cisecurity.org/controls/v8',
  cisAws: 'https://www.cisecurity.org/benchmark/amazon_web_services',
  cisGcp: 'https://www.cisecurity.org/benchmark/google_cloud_computing_platform',
  awsIamBestPractices: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html',
  awsAccessKeys: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
  gcpKeyBestPractices: 'https://cloud.google.com/iam/docs/best-practices-for-managing-service-account-keys',
  gcpServiceAccountBestPractices: 'https://cloud.google.com/iam/docs/best-practices-service-accounts',
  githubPats:
    'https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens',
} as const;
