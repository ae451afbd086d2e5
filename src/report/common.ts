// Small facts several reporters derive from a Scan the same way.
import { daysBetween } from '../clock.js';
import { isOpenFinding } from '../findings.js';
import type { Credential, Finding, Identity, ScanResult } from '../model.js';

/** Open: no exception, or one that expired (the one definition, src/findings.ts). */
export const isOpen = isOpenFinding;

export const identityIndex = (scan: ScanResult): Map<string, Identity> =>
  new Map(scan.identities.map((i) => [i.uid, i]));

export const credentialOf = (
  identity: Identity | undefined,
  uid: string | undefined,
): Credential | undefined =>
  uid === undefined ? undefined : identity?.credentials.find((c) => c.uid === uid);

/** Days since the secret last changed (rotation or creation), as of the scan's clock. */
export const credentialAgeDays = (c: Credential | undefined, asOf: Date): number | undefined =>
  c ? daysBetween(c.lastRotatedAt ?? c.createdAt, asOf) : undefined;

export const daysSince = (date: string | null | undefined, asOf: Date): number | undefined =>
  daysBetween(date, asOf);

export const controlIds = (f: Finding, framework: string): string[] =>
  f.controls.filter((c) => c.framework === framework).map((c) => c.id);

export const crosswalkIds = (f: Finding): string[] =>
  f.controls
    .filter((c) => c.framework !== 'SOC2' && c.framework !== 'SOC1')
    .map((c) => `${c.framework}:${c.id}`);

/** The coverage target whose account / project / org holds this location. */
export const targetKey = (provider: string, scope: string | undefined): string =>
  `${provider}\u0000${scope ?? ''}`;
