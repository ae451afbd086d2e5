// The policy registry: an explicit map, checked by a test against the folder listing.
import type { AnyPolicy } from '../src/policy.js';
import { excessPrivilege } from './excess-privilege.js';
import { gcpApiKeyUnrestricted } from './gcp-api-key-unrestricted.js';
import { gcpBasicRoles } from './gcp-basic-roles.js';
import { gcpImpersonation } from './gcp-impersonation.js';
import { gcpUserManagedKeys } from './gcp-user-managed-keys.js';
import { gcpWifNoCondition } from './gcp-wif-no-condition.js';
import { externalTrust } from './external-trust.js';
import { humanUse } from './human-use.js';
import { multipleActiveKeys } from './multiple-active-keys.js';
import { ownership } from './ownership.js';
import { rotationAge } from './rotation-age.js';
import { staleness } from './staleness.js';

export const policies = {
  'rotation-age': rotationAge,
  staleness,
  'multiple-active-keys': multipleActiveKeys,
  'excess-privilege': excessPrivilege,
  'external-trust': externalTrust,
  ownership,
  'human-use': humanUse,
  'gcp-basic-roles': gcpBasicRoles,
  'gcp-impersonation': gcpImpersonation,
  'gcp-api-key-unrestricted': gcpApiKeyUnrestricted,
  'gcp-wif-no-condition': gcpWifNoCondition,
  'gcp-user-managed-keys': gcpUserManagedKeys,
} satisfies Record<string, AnyPolicy>;
