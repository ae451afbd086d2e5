// entra-app-credentials: the client secrets and certificates of Entra apps. Four things go wrong
// with them that age alone (rotation-age) does not show: a credential that never expires (or
// lives for years), an expired one left on the app (clutter that hides which one is live, and
// often the sign of an outage worked around), one about to expire with nothing to replace it,
// and several live secrets on one app (a rotation never finished).
// ENTRA-SPECIFIC: passwordCredentials and keyCredentials of applications and service principals.
import { z } from 'zod';
import { DAY_MS, daysBetween, isoDay } from '../src/clock.js';
import type { Credential } from '../src/model.js';
import {
  type FindingDraft,
  type Policy,
  type Verdict,
  fail,
  notApplicable,
  pass,
  unknown,
} from '../src/policy.js';
import {
  identityLabel,
  includeProviderManagedOption,
  plural,
  skipIdentity,
  REFERENCES,
} from './lib/common.js';

/** Not-applicable reason for an app Microsoft manages (a first-party app), skipped by default. */
const MICROSOFT_MANAGED = 'managed by Microsoft (a first-party app); includeProviderManaged is off';

const Options = z.strictObject({
  maxLifetimeDays: z
    .int()
    .min(1)
    .default(365)
    .describe('Longest validity (start to end) a secret or certificate may have; longer, or none, fires.'),
  expiringWithinDays: z
    .int()
    .min(0)
    .default(30)
    .describe('Fire when the only live credential of its type expires within this many days (0: off).'),
  maxActiveSecrets: z.int().min(1).default(1).describe('Active client secrets allowed on one app.'),
  includeProviderManaged: includeProviderManagedOption,
});
type Options = z.infer<typeof Options>;

const ENTRA_KINDS = new Set(['entra.application', 'entra.service_principal']);
const JUDGED: ReadonlySet<Credential['type']> = new Set(['secret', 'certificate']);

const noun = (c: Credential): string => (c.type === 'secret' ? 'client secret' : 'certificate');
const named = (c: Credential): string => {
  const name = c.attributes.displayName;
  return typeof name === 'string' && name ? `${c.uid} ("${name}")` : c.uid;
};

export const entraAppCredentials: Policy<Options> = {
  id: 'entra-app-credentials',
  title: 'Entra app secret or certificate lifetime',
  description:
    'Fires on the client secrets and certificates of an Entra app registration or enterprise app: one that never expires or is valid for longer than the limit (an app secret that never expires works for whoever copied it, forever), an expired one left on the app (it hides which credential is live), the last live one of its type about to expire with no successor (an outage), and more live client secrets than allowed (a rotation left half done). Unknown when Entra did not report the end date of a credential, or the start date of a dated one.',
  appliesTo: { providers: ['entra'], kinds: ['entra.application', 'entra.service_principal'] },
  severity: 'medium',
  options: Options,
  controls: {
    soc2: ['CC6.1'],
    soc1: ['ITGC-LA-4'],
    owaspNhi: ['NHI7'],
    nistCsf: ['PR.AA-01'],
  },
  remediation: {
    default:
      'Replace the credential with a client secret or certificate valid for at most the limit (better: a federated credential or a managed identity, with no secret at all), move its consumers to it, then remove the old one from the app.',
  },
  references: [
    'https://learn.microsoft.com/en-us/graph/api/resources/passwordcredential',
    'https://learn.microsoft.com/en-us/graph/api/resources/keycredential',
    'https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation',
    REFERENCES.owaspNhi,
  ],
  findings: [
    {
      key: 'no-expiry',
      title: 'Client secret or certificate never expires, or is valid for <n> years',
      evidence: ['credentialType', 'startDateTime', 'expiresAt', 'lifetimeDays', 'maxLifetimeDays', 'asOf'],
    },
    {
      key: 'expired-present',
      title: 'Expired client secret or certificate still on the app',
      evidence: ['credentialType', 'expiresAt', 'daysExpired', 'asOf'],
    },
    {
      key: 'expiring-<secret | certificate>',
      title: 'Last client secret or certificate expires in <n> days',
      evidence: ['credentialType', 'expiresAt', 'daysToExpiry', 'expiringWithinDays', 'asOf'],
    },
    {
      key: 'multiple-active-secrets',
      title: '<n> active client secrets on one app',
      evidence: ['activeCount', 'maxActiveSecrets', 'secrets'],
    },
  ],
  evaluate(identity, options, ctx) {
    if (identity.provider !== 'entra' || !ENTRA_KINDS.has(identity.kind))
      return [notApplicable(`${identity.kind} holds no app secret or certificate`)];
    if (skipIdentity(identity, options.includeProviderManaged)) return [notApplicable(MICROSOFT_MANAGED)];
    const unknowns: Verdict[] = [];
    const asOf = ctx.asOf.toISOString();
    const who = identityLabel(identity);
    const drafts: FindingDraft[] = [];
    const creds = identity.credentials.filter((c) => JUDGED.has(c.type) && c.managedBy === 'user');
    if (creds.length === 0) return [notApplicable('holds no user-managed client secret or certificate')];

    for (const c of creds) {
      if (c.status === 'expired' && typeof c.expiresAt === 'string') {
        drafts.push({
          key: 'expired-present',
          credentialUid: c.uid,
          severity: 'low',
          title: `Expired ${noun(c)} still on the app`,
          message: `${who} still holds ${noun(c)} ${named(c)}, expired on ${isoDay(c.expiresAt)}.`,
          evidence: {
            credentialType: c.type,
            expiresAt: c.expiresAt,
            daysExpired: daysBetween(c.expiresAt, ctx.asOf),
            asOf,
          },
          remediation: `Remove the expired ${noun(c)} from the app registration, after checking nothing still presents it.`,
        });
        continue;
      }
      if (c.status !== 'active') continue;
      if (c.expiresAt === null) {
        drafts.push({
          key: 'no-expiry',
          credentialUid: c.uid,
          title: `${c.type === 'secret' ? 'Client secret' : 'Certificate'} never expires`,
          message: `${who} has ${noun(c)} ${named(c)} with no end date.`,
          evidence: {
            credentialType: c.type,
            expiresAt: null,
            maxLifetimeDays: options.maxLifetimeDays,
            asOf,
          },
          remediation: `Replace it with a ${noun(c)} valid for at most ${options.maxLifetimeDays} days, or better a federated credential or managed identity, then delete the old one.`,
        });
        continue;
      }
      if (typeof c.expiresAt !== 'string') {
        unknowns.push(unknown(`${c.uid}: Entra did not report when the ${noun(c)} expires`));
        continue;
      }
      const start = c.createdAt ?? undefined;
      const lifetime = start ? daysBetween(start, new Date(c.expiresAt)) : undefined;
      if (lifetime === undefined) {
        unknowns.push(unknown(`${c.uid}: Entra did not report when the ${noun(c)} became valid`));
        continue;
      }
      if (lifetime > options.maxLifetimeDays) {
        const years = Math.floor(lifetime / 365);
        drafts.push({
          key: 'no-expiry',
          credentialUid: c.uid,
          ...(lifetime > 3650 ? {} : { severity: 'low' as const }),
          title: `${c.type === 'secret' ? 'Client secret' : 'Certificate'} valid for ${years > 1 ? `${years} years` : `${lifetime} days`}`,
          message: `${who} has ${noun(c)} ${named(c)}, valid from ${start && isoDay(start)} to ${isoDay(c.expiresAt)}: ${lifetime} days (limit ${options.maxLifetimeDays}).`,
          evidence: {
            credentialType: c.type,
            startDateTime: start,
            expiresAt: c.expiresAt,
            lifetimeDays: lifetime,
            maxLifetimeDays: options.maxLifetimeDays,
            asOf,
          },
          remediation: `Replace it with a ${noun(c)} valid for at most ${options.maxLifetimeDays} days, or a federated credential, then delete the old one.`,
        });
      }
    }

    // About to expire with no successor of the same type: the app stops signing in.
    if (options.expiringWithinDays > 0) {
      for (const type of ['secret', 'certificate'] as const) {
        const live = creds.filter(
          (c) => c.type === type && c.status === 'active' && typeof c.expiresAt === 'string',
        );
        const later = creds.filter(
          (c) => c.type === type && (c.status === 'active' || c.status === 'pending'),
        );
        if (live.length === 0) continue;
        const lastEnd = Math.max(
          ...later.map((c) => (typeof c.expiresAt === 'string' ? Date.parse(c.expiresAt) : Infinity)),
        );
        const left = (lastEnd - ctx.asOf.getTime()) / DAY_MS;
        if (left > options.expiringWithinDays) continue;
        const c = live.find((x) => Date.parse(x.expiresAt as string) === lastEnd) ?? live[0];
        if (!c) continue;
        drafts.push({
          key: `expiring-${type}`,
          credentialUid: c.uid,
          severity: 'low',
          title: `Last ${type === 'secret' ? 'client secret' : 'certificate'} expires in ${Math.max(0, Math.floor(left))} days`,
          message: `${who}'s last live ${noun(c)} ${named(c)} expires on ${isoDay(c.expiresAt as string)}, and no newer one is in place.`,
          evidence: {
            credentialType: type,
            expiresAt: c.expiresAt,
            daysToExpiry: Math.floor(left),
            expiringWithinDays: options.expiringWithinDays,
            asOf,
          },
          remediation: `Add the replacement ${noun(c)} (or move to a federated credential), roll it out, then remove the old one before it expires.`,
        });
      }
    }

    const activeSecrets = creds.filter((c) => c.type === 'secret' && c.status === 'active');
    if (activeSecrets.length > options.maxActiveSecrets) {
      drafts.push({
        key: 'multiple-active-secrets',
        title: `${plural(activeSecrets.length, 'active client secret')} on one app`,
        message: `${who} has ${plural(activeSecrets.length, 'active client secret')} (${activeSecrets.map(named).join(', ')}); at most ${options.maxActiveSecrets} expected.`,
        evidence: {
          activeCount: activeSecrets.length,
          maxActiveSecrets: options.maxActiveSecrets,
          secrets: activeSecrets.map((c) => ({
            keyId: c.uid,
            displayName: c.attributes.displayName,
            startDateTime: c.createdAt,
            endDateTime: c.expiresAt,
          })),
        },
        remediation: 'Move every consumer to one secret, then delete the others.',
      });
    }
    // Every credential judged: findings fail the app; otherwise an unread date leaves it unknown.
    if (drafts.length > 0) return [fail(...drafts), ...unknowns];
    return unknowns.length > 0 ? unknowns : [pass()];
  },
};
