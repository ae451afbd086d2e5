// `nhiscan/plugin`: everything a plug-in (a module named under `plugins:` in the config) is
// written against — the contracts, identity helpers that type-check a plug-in's object, the error
// a connector raises, the model types, and zod. A plug-in imports only this entry, so it needs no
// dependency of its own beyond nhiscan and runs against the same zod and ScanError the scanner does.
import type { AnyConnector, Connector } from './connector.js';
import type { Framework } from './controls/framework.js';
import type { Policy } from './policy.js';
import type { Reporter } from './report/types.js';

/**
 * zod, re-exported rather than a peer dependency: a plug-in's schemas are parsed by the scanner,
 * so they must come from the zod copy (and major version) the scanner's types are declared against,
 * and a plug-in folder then needs `nhiscan` alone.
 */
export { z } from 'zod';

export { ScanError, UsageError } from './errors.js';

export type { Connector, Target, CollectContext } from './connector.js';
export type { Policy, PolicyContext, PolicyControls, FindingDraft } from './policy.js';
export type { Reporter } from './report/types.js';
export type { Framework } from './controls/framework.js';
export type { Clock } from './clock.js';
export type { Logger } from './log.js';
export type { Directory, Person } from './directory.js';
export type {
  ControlRef,
  Coverage,
  Credential,
  CredentialStatus,
  CredentialType,
  EvaluationCounts,
  EvaluationRecord,
  EvaluationStatus,
  EvaluationSummary,
  ExceptionOutcome,
  Finding,
  Gap,
  GapCode,
  Grant,
  Identity,
  IdentityInput,
  Location,
  Owner,
  Privilege,
  PrivilegeLevel,
  Scan,
  ScanResult,
  Severity,
  TargetStatus,
  Trust,
} from './model.js';

/** Type-checks a connector plug-in: `export const connector = defineConnector({ … })`. */
export const defineConnector = <C, T>(connector: Connector<C, T>): Connector<C, T> => connector;

/** Type-checks a policy plug-in; `options` infers the type `evaluate` receives. */
export const definePolicy = <O>(policy: Policy<O>): Policy<O> => policy;

/** Type-checks a reporter plug-in: it writes one file beside the scan result. */
export const defineReporter = (reporter: Reporter): Reporter => reporter;

/**
 * Type-checks a framework plug-in (e.g. ISO 27001 Annex A): its control catalog, and `mappings`
 * onto policies it did not ship with; policies may then name its id in `controls`.
 */
export const defineFramework = (framework: Framework): Framework => framework;

/** Lets a plug-in list connectors of different config types. */
export type { AnyConnector };
