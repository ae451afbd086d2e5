// What a connector needs to be allowed to read, as data: each provider's connector declares a
// permission manifest (connectors/<id>/permissions.ts) on its light descriptor, so the core, the
// docs generator (`nhiscan permissions --docs`) and `nhiscan doctor` read it without naming a
// provider. The readme sections and the README's lists are written from it, and a test checks that
// every call a connector makes during the demo scan is covered by an entry.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './fs-atomic.js';
import type { Logger } from './log.js';

/** One permission (an IAM action, an App permission, a Graph app role, …) and what it unlocks. */
export interface PermissionEntry {
  /** The provider's own name for it: `iam:ListAccessKeys`, `members=read`, `iam.serviceAccounts.list`. */
  permission: string;
  /** What nhiscan reads with it. */
  reads: string;
  /** The calls it unlocks, named as the connector's call trace names them (see `logCall`). */
  calls: readonly string[];
  /** false when the scan runs without it (the data becomes a coverage gap). */
  required: boolean;
  /** Set when the calls need no grant (asking who the caller is, App JWT calls): why not. */
  implicit?: string;
}

/**
 * A provider's read-only permission manifest. `grants` is what the operator applies, in the
 * provider's own shape (AWS: an IAM policy document; GitHub: an App permission map; Google Cloud:
 * roles and the permissions of an equivalent custom role; Entra: Graph application permissions).
 */
export interface PermissionManifest<G = unknown> {
  /** The connector id. */
  provider: string;
  /** Where to grant them, one Markdown paragraph for the docs. */
  howToGrant: string;
  grants: G;
  /** What `grants` is, one line: shown above it in the docs. */
  grantsCaption: string;
  entries: readonly PermissionEntry[];
}

/** The permission an observed call needs, or undefined when no entry covers it. */
export const permissionFor = (manifest: PermissionManifest, call: string): PermissionEntry | undefined =>
  manifest.entries.find((e) => e.calls.includes(call));

/** The observed calls no entry of the manifest covers (sorted, each once). */
export const uncoveredCalls = (manifest: PermissionManifest, calls: Iterable<string>): string[] =>
  [...new Set(calls)].filter((c) => !permissionFor(manifest, c)).sort();

// ---- The call trace: every API call a connector makes, at debug level ----

const CALL_PREFIX = 'call ';

/**
 * Logs one API call at debug level (`--log-level debug`), named as its manifest entry names it: an
 * operator can compare what the scan called with what it was granted, and the coverage test
 * collects these lines from the demo scan.
 */
export const logCall = (log: Logger, provider: string, call: string): void => {
  log.debug(`${CALL_PREFIX}${provider} ${call}`);
  log.event?.({ kind: 'call', phase: 'start' });
};

/** How one completed call ended: an HTTP status or an error code, its duration, the SDK's retries. */
export interface CallOutcome {
  outcome: number | string;
  ms: number;
  /** As the SDK reports them; left out when it reports none. */
  retries?: number | undefined;
}

/**
 * Logs one completed API call at debug level (`--verbose`): `api aws iam:ListUsers -> 200 41ms
 * retries=0`. Only the call's manifest name, outcome, duration and retries: never a body, header or
 * query string, so no token or secret can reach the log.
 */
export const logCallDone = (log: Logger, provider: string, call: string, o: CallOutcome): void => {
  const retries = o.retries === undefined ? '' : ` retries=${String(o.retries)}`;
  log.debug(`api ${provider} ${call} -> ${String(o.outcome)} ${String(Math.round(o.ms))}ms${retries}`);
  log.event?.({ kind: 'call', phase: 'done' });
};

/** Reports a rate-limit wait (a throttled answer the client retries) to the progress display. */
export const logRateLimitWait = (log: Logger, seconds?: number): void => {
  log.event?.({ kind: 'rate-limit-wait', seconds });
};

/** Milliseconds since `start` (a `performance.now()` reading): a duration, never a date. */
export const msSince = (start: number): number => performance.now() - start;

/** The provider and call of a `logCall` line (as the logger writes it), else undefined. */
export const parseCallLine = (line: string): { provider: string; call: string } | undefined => {
  const m = /^debug: call (?<provider>\S+) (?<call>.+)$/.exec(line)?.groups;
  return m?.provider && m.call ? { provider: m.provider, call: m.call } : undefined;
};

// ---- Docs: the readme section and the README list, generated ----

/** `- \`permission\` (required): reads` — the README's list (implicit entries left out). */
export const renderPermissionList = (manifest: PermissionManifest): string =>
  manifest.entries
    .filter((e) => !e.implicit)
    .map((e) => `- \`${e.permission}\`${e.required ? ' (required)' : ''}: ${e.reads}`)
    .join('\n');

/** The readme's permission section body: how to grant, the grant itself, and every entry's calls. */
export const renderPermissionSection = (manifest: PermissionManifest): string => {
  const entry = (e: PermissionEntry): string =>
    `- \`${e.permission}\`${e.required ? ' (required)' : ''}${e.implicit ? ` (no grant needed: ${e.implicit})` : ''}: ${e.reads}. Calls: ${e.calls.map((c) => `\`${c}\``).join(', ')}.`;
  return [
    manifest.howToGrant,
    `${manifest.grantsCaption}:`,
    '```json\n' + JSON.stringify(manifest.grants, null, 2) + '\n```',
    'Each permission, what nhiscan reads with it and the calls it unlocks (generated from `permissions.ts`; a permission left out is a coverage gap naming it, never a silent "none"):',
    manifest.entries.map(entry).join('\n'),
  ].join('\n\n');
};

/** The marker pair a generated block sits between, e.g. `<!-- aws-permissions:start -->`. */
export const markers = (name: string): { start: string; end: string } => ({
  start: `<!-- ${name}:start -->`,
  end: `<!-- ${name}:end -->`,
});

/** `text` with the block between the markers replaced; a clear error when the markers are missing. */
export const replaceBlock = (text: string, name: string, body: string, file = 'the file'): string => {
  const { start, end } = markers(name);
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file}: no "${start}" … "${end}" block to write into`);
  return `${text.slice(0, from + start.length)}\n\n${body}\n\n${text.slice(to)}`;
};

/** The generated blocks of one repository checkout: each connector's readme and the README. */
export const permissionDocs = (
  root: string,
  manifests: readonly PermissionManifest[],
  read: (path: string) => string,
): { path: string; text: string }[] => {
  const readmePath = join(root, 'README.md');
  let readme = read(readmePath);
  const out: { path: string; text: string }[] = [];
  for (const m of manifests) {
    const path = join(root, 'connectors', m.provider, 'readme.md');
    out.push({ path, text: replaceBlock(read(path), 'permissions', renderPermissionSection(m), path) });
    readme = replaceBlock(readme, `${m.provider}-permissions`, renderPermissionList(m), readmePath);
  }
  out.push({ path: readmePath, text: readme });
  return out;
};

/** `nhiscan permissions --docs ROOT`: rewrites the generated blocks in place (atomically). */
export const writePermissionDocs = async (
  root: string,
  manifests: readonly PermissionManifest[],
): Promise<string[]> => {
  const docs = permissionDocs(root, manifests, (p) => readFileSync(p, 'utf8'));
  for (const d of docs) await writeFileAtomic(d.path, d.text);
  return docs.map((d) => d.path);
};
