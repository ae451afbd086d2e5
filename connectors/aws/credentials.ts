// Per-user credential facts: access keys (from the credential report, completed with
// ListAccessKeys for their ids; or from ListAccessKeys + GetAccessKeyLastUsed when there is no
// report), console password state, SSH public keys and signing certificates. Every call goes
// through the target's limiter; a failed call is a gap naming the user, and the user is still
// built from what is known.
import {
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  type IAMClient,
  ListAccessKeysCommand,
  paginateListSSHPublicKeys,
  paginateListSigningCertificates,
} from '@aws-sdk/client-iam';
import { isoSeconds } from '../../src/clock.js';
import type { CollectContext } from '../../src/connector.js';
import type { Credential, CredentialStatus } from '../../src/model.js';
import {
  type AccessKeySlot,
  type CertSlot,
  type CredentialReportRow,
  slotHasKey,
} from './credential-report.js';
import { awsGap, isNotFound } from './errors.js';
import type { Send } from './send.js';
import {
  type AccessKeyMetadata,
  GetAccessKeyLastUsedOutput,
  GetLoginProfileOutput,
  ListAccessKeysOutput,
  ListSigningCertificatesOutput,
  ListSshPublicKeysOutput,
  type SigningCertificate,
  type SshPublicKeyMetadata,
} from './schema.js';

export const statusOf = (status: string | undefined): CredentialStatus => {
  switch (status?.toLowerCase()) {
    case 'active':
      return 'active';
    case 'inactive':
      return 'inactive';
    case 'expired':
      return 'expired';
    default:
      return 'unknown';
  }
};

/** Whole seconds: the credential report writes creation times to the second. */
const second = (iso: string | null | undefined): number | undefined => {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : Math.floor(t / 1000);
};

const detail = (
  source: string,
  service: string | undefined,
  region: string | undefined,
): Record<string, string> => {
  const out: Record<string, string> = {};
  // "N/A" (and moto's "not_supported") mean no value: such keys are omitted.
  if (service && service !== 'N/A' && service !== 'not_supported') out.service = service;
  if (region && region !== 'N/A' && region !== 'not_supported') out.region = region;
  out.source = source;
  return out;
};

/**
 * An access key's identity from what the credential report and ListAccessKeys both give: its user
 * and its creation time to the second (a user holds at most two keys, never created in the same
 * second). The slot is not shared (ListAccessKeys has none), nor the id (the report has none).
 */
export const accessKeyStableUid = (
  userArn: string,
  createdAt: string | null | undefined,
): string | undefined => {
  if (typeof createdAt !== 'string') return undefined;
  const ms = Date.parse(createdAt);
  return Number.isNaN(ms) ? undefined : `${userArn}#access_key@${isoSeconds(new Date(ms))}`;
};

/** An access key known from a report slot, with or without its id. */
export const keyFromSlot = (userArn: string, slot: AccessKeySlot, key?: AccessKeyMetadata): Credential => {
  const createdAt = key?.CreateDate ?? slot.lastRotated ?? undefined;
  const stableUid = accessKeyStableUid(userArn, createdAt);
  return {
    uid: key?.AccessKeyId ?? `${userArn}#access_key_${slot.slot}`,
    ...(stableUid ? { stableUid } : {}),
    type: 'access_key',
    status: key
      ? statusOf(key.Status)
      : slot.active === true
        ? 'active'
        : slot.active === false
          ? 'inactive'
          : 'unknown',
    ...(createdAt !== undefined ? { createdAt, lastRotatedAt: createdAt } : {}),
    ...(slot.lastUsedDate !== undefined ? { lastUsedAt: slot.lastUsedDate } : {}),
    lastUsedDetail: detail('credential-report', slot.lastUsedService, slot.lastUsedRegion),
    managedBy: 'user',
    attributes: { slot: slot.slot },
  };
};

export const certFromSlot = (userArn: string, slot: CertSlot): Credential => ({
  uid: `${userArn}#cert_${slot.slot}`,
  type: 'certificate',
  status: slot.active === true ? 'active' : slot.active === false ? 'inactive' : 'unknown',
  ...(typeof slot.lastRotated === 'string'
    ? { createdAt: slot.lastRotated, lastRotatedAt: slot.lastRotated }
    : {}),
  managedBy: 'user',
  attributes: { slot: slot.slot },
});

const sshKey = (k: SshPublicKeyMetadata): Credential => ({
  uid: k.SSHPublicKeyId,
  type: 'ssh_key',
  status: statusOf(k.Status),
  ...(k.UploadDate !== undefined ? { createdAt: k.UploadDate, lastRotatedAt: k.UploadDate } : {}),
  managedBy: 'user',
  attributes: {},
});

const certificate = (c: SigningCertificate): Credential => ({
  uid: c.CertificateId,
  type: 'certificate',
  status: statusOf(c.Status),
  ...(c.UploadDate !== undefined ? { createdAt: c.UploadDate, lastRotatedAt: c.UploadDate } : {}),
  managedBy: 'user',
  attributes: {},
});

/** Pairs report slots with listed keys by creation time (to the second); ties go in list order. */
export const matchSlots = (
  slots: readonly AccessKeySlot[],
  keys: readonly AccessKeyMetadata[],
): { matched: { slot: AccessKeySlot; key: AccessKeyMetadata }[]; unmatchedKeys: AccessKeyMetadata[] } => {
  const left = [...keys];
  const matched: { slot: AccessKeySlot; key: AccessKeyMetadata }[] = [];
  for (const slot of slots) {
    const at = second(slot.lastRotated);
    if (at === undefined) continue;
    const i = left.findIndex((k) => second(k.CreateDate) === at);
    const [key] = i >= 0 ? left.splice(i, 1) : [];
    if (key) matched.push({ slot, key });
  }
  return { matched, unmatchedKeys: left };
};

export interface UserCalls {
  iam: IAMClient;
  /** The target's sender on `iam` (connectors/aws/send.ts): the per-user calls, with the target's signal. */
  send: Send;
  ctx: CollectContext;
}

export interface UserCredentialFacts {
  credentials: Credential[];
  consolePassword: boolean | undefined;
  passwordLastUsed?: string | null | undefined;
  mfaActive?: boolean | undefined;
  /** A person: console password and no active access key. Not an NHI; skipped. */
  person: boolean;
  /** False when a fallback call (no report) failed for this user. */
  fallbackComplete: boolean;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

const call = async <T>(calls: UserCalls, fn: () => Promise<T>): Promise<Outcome<T>> => {
  try {
    return { ok: true, value: await calls.ctx.limit(fn) };
  } catch (error) {
    return { ok: false, error };
  }
};

const listAccessKeys = (calls: UserCalls, userName: string): Promise<Outcome<AccessKeyMetadata[]>> =>
  call(calls, async () => {
    const out = await calls.send(new ListAccessKeysCommand({ UserName: userName }));
    // A user holds at most two keys, so one page is all there is.
    return ListAccessKeysOutput.parse(out).AccessKeyMetadata;
  });

const lastUsed = async (
  calls: UserCalls,
  userArn: string,
  key: AccessKeyMetadata,
): Promise<{ credential: Credential; ok: boolean }> => {
  const createdAt = key.CreateDate;
  const stableUid = accessKeyStableUid(userArn, createdAt);
  const base: Credential = {
    uid: key.AccessKeyId,
    ...(stableUid ? { stableUid } : {}),
    type: 'access_key',
    status: statusOf(key.Status),
    ...(createdAt !== undefined ? { createdAt, lastRotatedAt: createdAt } : {}),
    managedBy: 'user',
    attributes: {},
  };
  const out = await call(calls, () =>
    calls.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId })),
  );
  if (!out.ok) {
    calls.ctx.gap(
      awsGap('iam:GetAccessKeyLastUsed', out.error, { resource: `${userArn} (${key.AccessKeyId})` }),
    );
    return { credential: base, ok: false };
  }
  const used = GetAccessKeyLastUsedOutput.parse(out.value).AccessKeyLastUsed;
  return {
    ok: true,
    credential: {
      ...base,
      // No LastUsedDate is AWS saying the key was never used (since tracking began in 2015).
      lastUsedAt: used?.LastUsedDate ?? null,
      lastUsedDetail: detail('GetAccessKeyLastUsed', used?.ServiceName, used?.Region),
    },
  };
};

const sshKeys = async (calls: UserCalls, userArn: string, userName: string): Promise<Credential[]> => {
  const out = await call(calls, async () => {
    const keys: SshPublicKeyMetadata[] = [];
    for await (const page of paginateListSSHPublicKeys(
      { client: calls.iam },
      { UserName: userName },
      { abortSignal: calls.ctx.signal },
    )) {
      keys.push(...ListSshPublicKeysOutput.parse(page).SSHPublicKeys);
    }
    return keys;
  });
  if (!out.ok) {
    calls.ctx.gap(awsGap('iam:ListSSHPublicKeys', out.error, { resource: userArn }));
    return [];
  }
  return out.value.map(sshKey);
};

const signingCertificates = async (
  calls: UserCalls,
  userArn: string,
  userName: string,
): Promise<Outcome<Credential[]>> => {
  const out = await call(calls, async () => {
    const certs: SigningCertificate[] = [];
    for await (const page of paginateListSigningCertificates(
      { client: calls.iam },
      { UserName: userName },
      { abortSignal: calls.ctx.signal },
    )) {
      certs.push(...ListSigningCertificatesOutput.parse(page).Certificates);
    }
    return certs;
  });
  if (!out.ok) {
    calls.ctx.gap(awsGap('iam:ListSigningCertificates', out.error, { resource: userArn }));
    return out;
  }
  return { ok: true, value: out.value.map(certificate) };
};

export const hasActiveKey = (credentials: readonly Credential[]): boolean =>
  credentials.some((c) => c.type === 'access_key' && c.status === 'active');

/** GetLoginProfile: true/false, or undefined (with a gap naming the user) when it cannot be learned. */
const consolePasswordOf = async (
  calls: UserCalls,
  user: { arn: string; name: string },
): Promise<boolean | undefined> => {
  const profile = await call(calls, () => calls.send(new GetLoginProfileCommand({ UserName: user.name })));
  if (profile.ok) return GetLoginProfileOutput.parse(profile.value).LoginProfile !== undefined;
  if (isNotFound(profile.error)) return false; // NoSuchEntity: no console password
  calls.ctx.gap(awsGap('iam:GetLoginProfile', profile.error, { resource: user.arn }));
  return undefined;
};

/** With a credential report row: ids from ListAccessKeys, dates and last use from the report. */
export const credentialsFromReport = async (
  calls: UserCalls,
  user: { arn: string; name: string },
  row: CredentialReportRow,
  opts: {
    sshPublicKeys: boolean;
    /**
     * List the keys of users the report shows without any: AWS hands out a report up to four
     * hours old, and a key created since (a persistence favourite) is in no row.
     */
    listKeysOfKeylessUsers: boolean;
  },
): Promise<UserCredentialFacts> => {
  // An unreadable password_enabled is unknown, not "no password": ask, as without a report.
  const consolePassword = row.passwordEnabled ?? (await consolePasswordOf(calls, user));
  const slots = row.accessKeys.filter(slotHasKey);
  const facts: UserCredentialFacts = {
    credentials: [],
    consolePassword,
    passwordLastUsed: row.passwordLastUsed,
    mfaActive: row.mfaActive,
    person: false,
    fallbackComplete: true,
  };
  const activeInReport = slots.some((s) => s.active === true);
  if (consolePassword === true && !activeInReport && !opts.listKeysOfKeylessUsers) {
    facts.person = true;
    return facts;
  }
  if (slots.length > 0 || opts.listKeysOfKeylessUsers) {
    const listed = await listAccessKeys(calls, user.name);
    if (listed.ok) {
      const { matched, unmatchedKeys } = matchSlots(slots, listed.value);
      facts.credentials.push(...matched.map(({ slot, key }) => keyFromSlot(user.arn, slot, key)));
      // Keys created after the report was generated: ask for their last use directly.
      for (const key of unmatchedKeys)
        facts.credentials.push((await lastUsed(calls, user.arn, key)).credential);
    } else {
      calls.ctx.gap(
        awsGap('iam:ListAccessKeys', listed.error, {
          resource: user.arn,
          fallback: 'access keys described from the credential report, without their ids',
        }),
      );
      facts.credentials.push(...slots.map((s) => keyFromSlot(user.arn, s)));
    }
    // The keys as they are now decide: a person has a password and no active key.
    if (consolePassword === true && (listed.ok ? !hasActiveKey(facts.credentials) : !activeInReport)) {
      facts.person = true;
      return facts;
    }
  }
  const certSlots = row.certs.filter(slotHasKey);
  if (certSlots.length > 0) {
    const certs = await signingCertificates(calls, user.arn, user.name);
    facts.credentials.push(...(certs.ok ? certs.value : certSlots.map((s) => certFromSlot(user.arn, s))));
  }
  if (opts.sshPublicKeys) facts.credentials.push(...(await sshKeys(calls, user.arn, user.name)));
  return facts;
};

/** Without a report row: ListAccessKeys + GetAccessKeyLastUsed per key, GetLoginProfile for the password. */
export const credentialsFromApi = async (
  calls: UserCalls,
  user: { arn: string; name: string },
  opts: { sshPublicKeys: boolean },
): Promise<UserCredentialFacts> => {
  const facts: UserCredentialFacts = {
    credentials: [],
    consolePassword: undefined,
    person: false,
    fallbackComplete: true,
  };
  const listed = await listAccessKeys(calls, user.name);
  if (!listed.ok) {
    facts.fallbackComplete = false;
    calls.ctx.gap(awsGap('iam:ListAccessKeys', listed.error, { resource: user.arn }));
  }
  facts.consolePassword = await consolePasswordOf(calls, user);
  if (facts.consolePassword === undefined) facts.fallbackComplete = false;
  const keys = listed.ok ? listed.value : [];
  if (facts.consolePassword === true && listed.ok && !keys.some((k) => statusOf(k.Status) === 'active')) {
    facts.person = true;
    return facts;
  }
  for (const key of keys) {
    const { credential, ok } = await lastUsed(calls, user.arn, key);
    if (!ok) facts.fallbackComplete = false;
    facts.credentials.push(credential);
  }
  // Without a report nothing says whether the user has certificates: ask.
  const certs = await signingCertificates(calls, user.arn, user.name);
  if (certs.ok) facts.credentials.push(...certs.value);
  if (opts.sshPublicKeys) facts.credentials.push(...(await sshKeys(calls, user.arn, user.name)));
  return facts;
};
