// The account's root user, from the credential report's `<root_account>` row. It is not an IAM
// user and no IAM policy limits it, but an access key on it is the most powerful non-human
// credential there is (CIS AWS 1.4): inventoried whenever the row shows a key or certificate.
import type { z } from 'zod';
import type { IdentityInput } from '../../src/model.js';
import { AWS_KINDS, type AwsRootAccountAttributes } from './attributes.js';
import { type CredentialReportRow, slotHasKey } from './credential-report.js';
import { certFromSlot, keyFromSlot } from './credentials.js';

export const ROOT_ACCOUNT_KIND = AWS_KINDS.rootAccount;

/** The root user as an identity, or undefined when it holds no programmatic credential. */
export const buildRootAccount = (row: CredentialReportRow, account: string): IdentityInput | undefined => {
  // The report gives no key ids for root (ListAccessKeys cannot name the root user from an IAM
  // principal): the ids are the row's ARN and slot, stable scan after scan.
  const keys = row.accessKeys.filter(slotHasKey).map((s) => keyFromSlot(row.arn, s));
  const certs = row.certs.filter(slotHasKey).map((s) => certFromSlot(row.arn, s));
  if (keys.length === 0 && certs.length === 0) return undefined;
  return {
    uid: row.arn,
    provider: 'aws',
    kind: ROOT_ACCOUNT_KIND,
    name: 'root account',
    location: { provider: 'aws', scope: account },
    ...(row.userCreationTime !== undefined ? { createdAt: row.userCreationTime } : {}),
    credentials: [...keys, ...certs],
    privilege: {
      level: 'admin',
      grants: [],
      reasons: ['the root user: every action on every resource of the account, limited by no IAM policy'],
      attached: [],
    },
    trust: [],
    managedBy: 'user',
    attributes: {
      ...(row.mfaActive !== undefined ? { mfaActive: row.mfaActive } : {}),
      ...(row.passwordLastUsed !== undefined ? { passwordLastUsed: row.passwordLastUsed } : {}),
      source: 'credential-report',
    } satisfies z.input<typeof AwsRootAccountAttributes>,
  };
};
