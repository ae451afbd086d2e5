// The policy registry: an explicit map, checked by a test against the folder listing.
import type { AnyPolicy } from '../src/policy.js';
import { excessPrivilege } from './excess-privilege.js';
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
} satisfies Record<string, AnyPolicy>;
