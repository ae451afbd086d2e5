// The policy registry: an explicit map, checked by a test against the folder listing.
import type { AnyPolicy } from '../src/policy.js';
import { awsConfusedDeputy } from './aws-confused-deputy.js';
import { awsRootAccessKeys } from './aws-root-access-keys.js';
import { awsUserAttachedPolicies } from './aws-user-attached-policies.js';
import { entraAppCredentials } from './entra-app-credentials.js';
import { entraAppPermissions } from './entra-app-permissions.js';
import { entraFederatedCredential } from './entra-federated-credential.js';
import { entraTenantWideConsent } from './entra-tenant-wide-consent.js';
import { excessPrivilege } from './excess-privilege.js';
import { gcpApiKeyUnrestricted } from './gcp-api-key-unrestricted.js';
import { gcpBasicRoles } from './gcp-basic-roles.js';
import { gcpImpersonation } from './gcp-impersonation.js';
import { gcpUserManagedKeys } from './gcp-user-managed-keys.js';
import { gcpWifNoCondition } from './gcp-wif-no-condition.js';
import { externalTrust } from './external-trust.js';
import { githubAppPermissions } from './github-app-permissions.js';
import { githubDeployKeyWrite } from './github-deploy-key-write.js';
import { githubSecretVisibility } from './github-secret-visibility.js';
import { githubTokenExpiry } from './github-token-expiry.js';
import { githubTokenScopes } from './github-token-scopes.js';
import { githubWebhookExposure } from './github-webhook-exposure.js';
import { githubWorkflowPermissions } from './github-workflow-permissions.js';
import { humanUse } from './human-use.js';
import { multipleActiveKeys } from './multiple-active-keys.js';
import { ownership } from './ownership.js';
import { rotationAge } from './rotation-age.js';
import { staleness } from './staleness.js';
import { workspaceDepartedGrantor } from './workspace-departed-grantor.js';
import { workspaceHighRiskScopes } from './workspace-high-risk-scopes.js';
import { workspaceRareAppHighRisk } from './workspace-rare-app-high-risk.js';
import { workspaceUnverifiedApp } from './workspace-unverified-app.js';

export const policies = {
  'rotation-age': rotationAge,
  staleness,
  'multiple-active-keys': multipleActiveKeys,
  'excess-privilege': excessPrivilege,
  'external-trust': externalTrust,
  ownership,
  'human-use': humanUse,
  'aws-root-access-keys': awsRootAccessKeys,
  'aws-confused-deputy': awsConfusedDeputy,
  'aws-user-attached-policies': awsUserAttachedPolicies,
  'gcp-basic-roles': gcpBasicRoles,
  'gcp-impersonation': gcpImpersonation,
  'gcp-api-key-unrestricted': gcpApiKeyUnrestricted,
  'gcp-wif-no-condition': gcpWifNoCondition,
  'gcp-user-managed-keys': gcpUserManagedKeys,
  'github-app-permissions': githubAppPermissions,
  'github-token-expiry': githubTokenExpiry,
  'github-token-scopes': githubTokenScopes,
  'github-deploy-key-write': githubDeployKeyWrite,
  'github-webhook-exposure': githubWebhookExposure,
  'github-secret-visibility': githubSecretVisibility,
  'github-workflow-permissions': githubWorkflowPermissions,
  'entra-app-credentials': entraAppCredentials,
  'entra-app-permissions': entraAppPermissions,
  'entra-tenant-wide-consent': entraTenantWideConsent,
  'entra-federated-credential': entraFederatedCredential,
  'workspace-high-risk-scopes': workspaceHighRiskScopes,
  'workspace-departed-grantor': workspaceDepartedGrantor,
  'workspace-rare-app-high-risk': workspaceRareAppHighRisk,
  'workspace-unverified-app': workspaceUnverifiedApp,
} satisfies Record<string, AnyPolicy>;
