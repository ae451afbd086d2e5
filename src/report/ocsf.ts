// OCSF 1.x JSON Lines, one Detection Finding (class 2004) per finding: the class Prowler emits
// since 4.x (py-ocsf-models DetectionFinding) and that Security Hub / Security Lake consumers of
// Prowler already parse. Compliance requirements travel in `unmapped.compliance`, where Prowler
// puts them (Detection Finding has no `compliance` attribute; see README "Output formats").
import type { Writable } from 'node:stream';
import type { Finding, Scan, Severity } from '../model.js';
import { identityIndex, isOpen } from './common.js';
import { createSink } from './sink.js';
import type { Reporter } from './types.js';
import { builtins } from '../registry.js';

export const OCSF_VERSION = '1.1.0';
const CLASS_UID = 2004;
const CATEGORY_UID = 2;
const ACTIVITY_CREATE = 1;

/** OCSF severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical. */
const SEVERITY: Record<Severity, [number, string]> = {
  info: [1, 'Informational'],
  low: [2, 'Low'],
  medium: [3, 'Medium'],
  high: [4, 'High'],
  critical: [5, 'Critical'],
};

/** OCSF account object type as the provider's connector declares it (plug-ins and the rest: 99 Other). */
const accountType = (provider: string): [number, string] => {
  const declared = builtins.connectors[provider]?.ocsfAccountType;
  return declared ? [declared.id, declared.name] : [99, 'Other'];
};

export const ocsfEvent = (
  scan: Scan,
  f: Finding,
  identities = identityIndex(scan),
): Record<string, unknown> => {
  const time = Date.parse(scan.run.asOf);
  const [severityId, severity] = SEVERITY[f.severity];
  const open = isOpen(f);
  const identity = identities.get(f.identityUid);
  const compliance: Record<string, string[]> = {};
  for (const c of f.controls) (compliance[c.framework] ??= []).push(c.id);
  const [accountTypeId, accountTypeName] = accountType(f.provider);
  return {
    class_uid: CLASS_UID,
    class_name: 'Detection Finding',
    category_uid: CATEGORY_UID,
    category_name: 'Findings',
    activity_id: ACTIVITY_CREATE,
    activity_name: 'Create',
    type_uid: CLASS_UID * 100 + ACTIVITY_CREATE,
    type_name: 'Detection Finding: Create',
    time,
    time_dt: scan.run.asOf,
    severity_id: severityId,
    severity,
    // Finding status: 1 New, 3 Suppressed (an accepted-risk exception in force).
    status_id: open ? 1 : 3,
    status: open ? 'New' : 'Suppressed',
    status_code: 'FAIL',
    status_detail: f.message,
    message: f.message,
    metadata: {
      version: OCSF_VERSION,
      product: {
        uid: 'nhiscan',
        name: 'nhiscan',
        vendor_name: 'nhiscan',
        version: scan.run.tool.version,
      },
      event_code: f.policyId,
      profiles: ['cloud', 'datetime'],
      correlation_uid: scan.run.id,
    },
    finding_info: {
      uid: f.uid,
      title: f.title,
      desc: f.message,
      types: [f.policyId],
      created_time: time,
      created_time_dt: scan.run.asOf,
    },
    resources: [
      {
        uid: f.identityUid,
        name: f.identityName,
        type: f.identityKind,
        labels: Object.entries(identity?.tags ?? {}).map(([k, v]) => `${k}:${v}`),
        data: {
          credential: f.credentialUid,
          owner: identity?.owner?.value,
          privilege: identity?.privilege.level,
          location: f.location,
        },
      },
    ],
    cloud: {
      provider: f.provider,
      account: { uid: f.location.scope, type_id: accountTypeId, type: accountTypeName },
    },
    ...(f.remediation ? { remediation: { desc: f.remediation } } : {}),
    unmapped: {
      compliance,
      evidence: f.evidence,
      ...(f.exception
        ? {
            exception: {
              id: f.exception.id,
              status: f.exception.status,
              approver: f.exception.approver,
              expires: f.exception.expires,
              ticket: f.exception.ticket,
            },
          }
        : {}),
    },
  };
};

export const writeOcsf = async (scan: Scan, out: Writable): Promise<void> => {
  const sink = createSink(out);
  const identities = identityIndex(scan);
  for (const f of scan.findings) await sink.write(JSON.stringify(ocsfEvent(scan, f, identities)) + '\n');
  await sink.flush();
};

export const ocsfReporter: Reporter = {
  id: 'ocsf',
  fileName: 'nhiscan-findings.ocsf.jsonl',
  mediaType: 'application/x-ndjson',
  description: 'OCSF 1.1 Detection Finding (2004) events, one per line, for a SIEM or security lake',
  write: writeOcsf,
};
