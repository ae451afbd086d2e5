#!/usr/bin/env node
// The `nhiscan` command. Every failure maps to a documented exit code (src/exit-codes.ts).
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { Interrupted, UsageError, errorMessage } from './errors.js';
import { EXIT, exitCodeForSignal } from './exit-codes.js';
import { boundHeapGrowth } from './heap.js';
import type { LogLevel, Logger } from './log.js';
import type { Progress } from './progress.js';
import { Severity, type ScanResult } from './model.js';
import { VERSION } from './version.js';
import type { ScanDiff } from './store/diff.js';
import type { StoreSpec } from './store/open.js';

// Each command imports what it needs when it runs: `nhiscan --version`, `policies`, `controls`
// and `init` never load a cloud SDK (connectors load their API clients when a scan runs).

const print = (text: string): void => {
  process.stdout.write(text);
};

const printErr = (text: string): void => {
  process.stderr.write(text);
};

const waitLockSeconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 86_400) {
    throw new UsageError(`--wait-lock: expected whole seconds from 0 to 86400, found "${value}"`);
  }
  return n;
};

/** The output options `scan` and `demo` share. */
const outputOptions = (cmd: Command): Command =>
  cmd
    .option(
      '-f, --format <formats...>',
      'report formats beside the JSON result: json, csv, ocsf, sarif, md, junit, html, or all (comma-separated or repeated)',
    )
    .option('--evidence <dir>', 'also write the evidence bundle (population, evaluations, manifest) there')
    .option(
      '--sign-key <file>',
      'Ed25519 private key (PEM) to sign the evidence manifest (or set NHISCAN_SIGNING_KEY to the PEM)',
    )
    .option(
      '--period-from <date>',
      "first night of the evidence bundle's period report (ISO date; default 90 nights before --period-to; needs --store)",
    )
    .option(
      '--period-to <date>',
      "last night of the evidence bundle's period report (default: the scan's asOf date)",
    )
    .option('--all', 'list every open finding in the summary (default: the worst 10)')
    .option('--limit <n>', 'list the worst N open findings in the summary')
    .option(
      '--wait-lock <seconds>',
      'when another scan is writing to the same output folder, wait this long for it (default: fail at once)',
    );

interface OutputFlags {
  format?: string[];
  evidence?: string;
  signKey?: string;
  periodFrom?: string;
  periodTo?: string;
  waitLock?: string;
  quiet?: boolean;
  all?: boolean;
  limit?: string;
}

/** `--quiet`: nothing but errors (on stderr, through the logger); the exit code carries the result. */
const silent = (): void => undefined;
const say = (opts: OutputFlags, out: string | undefined): ((text: string) => void) =>
  opts.quiet ? silent : out === '-' ? printErr : print;

/** `--all` lists every finding; `--limit N` the worst N; default 10. */
const summaryLimit = (opts: OutputFlags): number | undefined => {
  if (opts.all && opts.limit !== undefined) throw new UsageError('give --all or --limit, not both');
  if (opts.all) return Infinity;
  if (opts.limit === undefined) return undefined;
  if (!/^\d+$/.test(opts.limit)) throw new UsageError(`--limit ${opts.limit}: expected a whole number`);
  return Number(opts.limit);
};

const outputFrom = (opts: OutputFlags, out: string | undefined) => ({
  formats: opts.format,
  evidence: opts.evidence,
  signKey: opts.signKey,
  periodFrom: opts.periodFrom,
  periodTo: opts.periodTo,
  waitLock: opts.waitLock === undefined ? undefined : waitLockSeconds(opts.waitLock),
  argv: process.argv.slice(2),
  ...(out === '-' ? { printErr: say(opts, out) } : {}),
  ...(summaryLimit(opts) !== undefined ? { limit: summaryLimit(opts) } : {}),
});

interface ProgressFlags {
  progress?: string;
  progressInterval?: string;
  quiet?: boolean;
}

/** `--progress` / `--progress-interval` on the commands that scan. */
const progressOptions = (cmd: Command): Command =>
  cmd
    .option(
      '--progress <mode>',
      'progress on stderr: auto (redrawn lines on a terminal, a plain line every interval otherwise), tty, plain, off; --quiet turns it off',
      'auto',
    )
    .option('--progress-interval <seconds>', 'seconds between plain progress lines', '30');

/**
 * The progress display on stderr and a logger that writes through it (so a log line never tears
 * the redrawn block). Built before the scan; the scan finishes it before the summary.
 */
const progressAndLogger = async (
  opts: ProgressFlags & { verbose?: boolean },
): Promise<{ progress: Progress; log: Logger }> => {
  const [{ createProgress, parseProgressInterval, parseProgressMode }, { systemClock }, { createLogger }] =
    await Promise.all([import('./progress.js'), import('./clock.js'), import('./log.js')]);
  const progress = createProgress({
    mode: parseProgressMode(opts.progress ?? 'auto'),
    quiet: opts.quiet ?? false,
    stream: process.stderr,
    clock: systemClock(),
    intervalSeconds: parseProgressInterval(opts.progressInterval ?? '30'),
  });
  return {
    progress,
    log: createLogger(logLevel(opts), (line) => {
      progress.log(line);
    }),
  };
};

const logLevel = (opts: { quiet?: boolean; verbose?: boolean }): LogLevel =>
  opts.verbose ? 'debug' : opts.quiet ? 'error' : 'info';

/**
 * SIGINT / SIGTERM (a CI job's timeout): the first aborts every target and lets the scan write
 * what it has, marked interrupted; a second exits at once.
 */
const onInterrupt = (log: Logger): { signal: AbortSignal; cut: (result: ScanResult) => boolean } => {
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      process.stderr.write(`nhiscan: ${name} again: exiting now, no result written\n`);
      process.exit(exitCodeForSignal(name));
    }
    log.warn(`${name} received: stopping every target and writing the result so far (again to exit now)`);
    controller.abort(new Interrupted(name));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    cut: (result) =>
      result.run.interrupted || result.coverage.some((c) => c.gaps.some((g) => g.code === 'timeout')),
  };
};

const program = new Command()
  .name('nhiscan')
  .description(
    'Inventory and judge non-human identities (every registered provider: `nhiscan permissions` lists them) with SOC 2 / SOC 1 evidence.',
  )
  .version(VERSION)
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const failOnOption = (): Option =>
  new Option(
    '--fail-on <severity>',
    `exit 1 when an open finding is at or above this severity (${[...Severity.options, 'none'].join(', ')}), or with new[:SEVERITY] only when a finding new since the last stored scan is (default high)`,
  );
const storeOption = (): Option =>
  new Option(
    '--store [path|url]',
    'record the scan in a store: a SQLite file, env:NAME (a PostgreSQL URL in that variable), or nothing for nhiscan.sqlite beside the output',
  );

const logger = async (level: LogLevel) => (await import('./log.js')).createLogger(level);

/** The store a maintenance command works on: --store, else `store:` of --config. */
const storeFor = async (opts: { store?: string | boolean; config?: string }): Promise<StoreSpec> => {
  const { resolveStoreSpec } = await import('./store/open.js');
  // Only `store:` and `output:` are read: these commands never load the config's plug-ins.
  const config = opts.config ? (await import('./config.js')).loadStoreSettings(opts.config) : undefined;
  const spec = resolveStoreSpec({ cli: opts.store === true ? undefined : opts.store, config });
  if (!spec) throw new UsageError('give --store PATH|URL|env:NAME, or --config with a `store:` entry');
  return spec;
};

progressOptions(
  outputOptions(
    program
      .command('scan')
      .description('scan the providers in a config file and write the ScanResult')
      .requiredOption('-c, --config <file>', 'config file (YAML or JSON)')
      .option(
        '-o, --out <dir>',
        'output folder (default: output.dir of the config, else ./nhiscan-out); - writes the JSON result to stdout',
      ),
  )
    .option(
      '--as-of <date>',
      'judge every date as of this instant (ISO date or timestamp), for reproducible scans',
    )
    .addOption(failOnOption())
    .addOption(storeOption())
    .option(
      '--target <globs...>',
      'only the targets whose id matches a glob (ids as the coverage lines print them); !GLOB excludes; comma-separated or repeated',
    )
    .option(
      '--provider <ids...>',
      'only these providers (ids as `nhiscan permissions` lists them); !ID excludes',
    )
    .option(
      '--shard <I/N>',
      'collect only shard I of N of the targets (round-robin over the sorted target list; needs --as-of); `nhiscan merge` judges the shards',
    )
    .option(
      '--no-auto-merge',
      'with --shard and a store: the last shard in does not merge the run (leave it to `nhiscan merge`)',
    )
    .option(
      '--workers <n|auto>',
      'collect targets in N worker threads (1: in the main thread; auto: one per core but one); overrides `workers` of the config',
    ),
)
  .option('-q, --quiet', 'print nothing but errors (the exit code carries the result)')
  .option('-v, --verbose', 'debug logging on stderr: every API call with its status, duration and retries')
  .action(
    async (
      opts: {
        config: string;
        out?: string;
        asOf?: string;
        failOn?: string;
        store?: string | boolean;
        target?: string[];
        provider?: string[];
        shard?: string;
        workers?: string;
        autoMerge?: boolean;
        quiet?: boolean;
        verbose?: boolean;
      } & OutputFlags &
        ProgressFlags,
    ) => {
      const { scanCommand } = await import('./commands.js');
      const workers =
        opts.workers === undefined
          ? undefined
          : (await import('./target-workers.js')).parseWorkers(opts.workers);
      const { progress, log } = await progressAndLogger(opts);
      const { signal, cut } = onInterrupt(log);
      if (opts.shard !== undefined) {
        const [{ shardCommand }, { parseShard }] = await Promise.all([
          import('./shard-command.js'),
          import('./shard-plan.js'),
        ]);
        const { exitCode, shard } = await shardCommand({
          config: opts.config,
          shard: parseShard(opts.shard),
          out: opts.out,
          asOf: opts.asOf,
          store: opts.store,
          log,
          print: say(opts, opts.out),
          signal,
          progress,
          select: { targets: opts.target ?? [], providers: opts.provider ?? [] },
          waitLock: opts.waitLock === undefined ? undefined : waitLockSeconds(opts.waitLock),
          workers,
          autoMerge: opts.autoMerge,
          refused: {
            '--fail-on': opts.failOn,
            '--format': opts.format,
            '--evidence': opts.evidence,
            '--sign-key': opts.signKey,
            '--all': opts.all,
            '--limit': opts.limit,
          },
        });
        if (shard.run.interrupted) process.exit(exitCode);
        process.exitCode = exitCode;
        return;
      }
      const { exitCode, result } = await scanCommand({
        config: opts.config,
        out: opts.out,
        asOf: opts.asOf,
        failOn: opts.failOn,
        store: opts.store,
        log,
        print: say(opts, opts.out),
        signal,
        progress,
        select: { targets: opts.target ?? [], providers: opts.provider ?? [] },
        workers,
        ...outputFrom(opts, opts.out),
      }).finally(() => {
        progress.finish();
      });
      // A connector call that ignored its signal may still hold a socket: the result is written,
      // so a stopped or cut-off scan ends here rather than when that socket closes.
      if (cut(result)) process.exit(exitCode);
      process.exitCode = exitCode;
    },
  );

outputOptions(
  program
    .command('merge')
    .description(
      'judge the shard results of a `scan --shard I/N` run as one scan: from the files given, else from the store the shards wrote to; a missing shard is refused, naming it',
    )
    .argument('[files...]', 'shard result files (nhiscan-shard-I-of-N.json); none: read the store')
    .requiredOption('-c, --config <file>', 'the config the shards ran with')
    .option(
      '-o, --out <dir>',
      'output folder (default: output.dir of the config); - writes the JSON result to stdout',
    ),
)
  .option(
    '--as-of <date>',
    "the shards' --as-of (needed when the store holds unmerged shards of several runs)",
  )
  .option('--allow-missing', "record a missing shard's targets as failed coverage instead of refusing")
  .addOption(failOnOption())
  .addOption(storeOption())
  .option('-q, --quiet', 'print nothing but errors (the exit code carries the result)')
  .option('-v, --verbose', 'debug logging on stderr: every API call with its status, duration and retries')
  .action(
    async (
      files: string[],
      opts: {
        config: string;
        out?: string;
        asOf?: string;
        allowMissing?: boolean;
        failOn?: string;
        store?: string | boolean;
        quiet?: boolean;
        verbose?: boolean;
      } & OutputFlags,
    ) => {
      const { scanCommand } = await import('./commands.js');
      const { exitCode } = await scanCommand({
        config: opts.config,
        out: opts.out,
        asOf: opts.asOf,
        failOn: opts.failOn,
        store: opts.store,
        log: await logger(logLevel(opts)),
        print: say(opts, opts.out),
        fromShards: { files, allowMissing: opts.allowMissing },
        ...outputFrom(opts, opts.out),
      });
      process.exitCode = exitCode;
    },
  );

progressOptions(
  outputOptions(
    program
      .command('demo')
      .description('scan the bundled demo estate (no credentials needed) through the real SDKs')
      .option('-o, --out <dir>', 'output folder (- writes the JSON result to stdout)', 'nhiscan-demo'),
  ),
)
  .addOption(failOnOption())
  .addOption(storeOption())
  .option('-q, --quiet', 'print nothing but errors (the exit code carries the result)')
  .option('-v, --verbose', 'debug logging on stderr: every API call with its status, duration and retries')
  .action(
    async (
      opts: {
        out: string;
        failOn?: string;
        store?: string | boolean;
        quiet?: boolean;
        verbose?: boolean;
      } & OutputFlags &
        ProgressFlags,
    ) => {
      const { runDemo } = await import('./demo/index.js');
      const { progress, log } = await progressAndLogger(opts);
      const { exitCode } = await runDemo({
        out: opts.out,
        failOn: opts.failOn,
        store: opts.store,
        log,
        print: say(opts, opts.out),
        output: { ...outputFrom(opts, opts.out), progress },
      }).finally(() => {
        progress.finish();
      });
      process.exitCode = exitCode;
    },
  );

program
  .command('policies')
  .description('list every policy with its id, default severity, options and control tags')
  .option('--json', 'machine-readable output')
  .option('--markdown', 'the README table')
  .option(
    '--docs <dir>',
    'write one page per policy, <dir>/<id>.md (the repository keeps them in docs/policies)',
  )
  .option('-c, --config <file>', "also list the policies of the config's plug-ins")
  .action(async (opts: { json?: boolean; markdown?: boolean; docs?: string; config?: string }) => {
    if ([opts.json, opts.markdown, opts.docs !== undefined].filter(Boolean).length > 1)
      throw new UsageError('policies: give one of --json, --markdown, --docs');
    const [{ builtins }, { renderPolicies, renderPolicyTable, writePolicyDocs }] = await Promise.all([
      import('./registry.js'),
      import('./report/policies.js'),
    ]);
    const all = opts.config
      ? (await (await import('./config.js')).loadConfig(opts.config, builtins)).policies.map((p) => p.policy)
      : Object.values(builtins.policies);
    if (opts.docs !== undefined) {
      const path = await import('node:path');
      const dir = path.resolve(opts.docs);
      const files = await writePolicyDocs(all, dir);
      print(`wrote ${files.length} policy pages to ${dir}\n`);
      return;
    }
    print(opts.markdown ? renderPolicyTable(all) + '\n' : renderPolicies(all, opts.json ?? false));
  });

program
  .command('permissions')
  .description(
    'the read-only permissions each connector needs, from its manifest: what to grant and the calls each unlocks',
  )
  .argument('[provider]', 'one connector id (default: every connector)')
  .option('--json', 'the manifests as data')
  .option('--grants', "only what to grant, in the provider's own format (JSON; needs a provider)")
  .option(
    '--docs <root>',
    "rewrite the generated permission blocks of a checkout's README.md and connectors/<id>/readme.md (then run prettier)",
  )
  .action(async (provider: string | undefined, opts: { json?: boolean; grants?: boolean; docs?: string }) => {
    if ([opts.json, opts.grants, opts.docs !== undefined].filter(Boolean).length > 1)
      throw new UsageError('permissions: give one of --json, --grants, --docs');
    const [{ builtins }, { renderPermissionSection, writePermissionDocs }] = await Promise.all([
      import('./registry.js'),
      import('./permissions.js'),
    ]);
    const all = Object.values(builtins.connectors).flatMap((c) => (c.permissions ? [c.permissions] : []));
    const chosen = provider === undefined ? all : all.filter((m) => m.provider === provider);
    if (provider !== undefined && chosen.length === 0)
      throw new UsageError(
        `permissions: no connector "${provider}" with a permission manifest (known: ${all.map((m) => m.provider).join(', ')})`,
      );
    if (opts.docs !== undefined) {
      const path = await import('node:path');
      const files = await writePermissionDocs(path.resolve(opts.docs), chosen);
      print(`wrote the permission blocks of ${files.length} files\n`);
      return;
    }
    if (opts.grants) {
      const [one] = chosen;
      if (provider === undefined || !one) throw new UsageError('permissions --grants: name one provider');
      print(JSON.stringify(one.grants, null, 2) + '\n');
      return;
    }
    if (opts.json) {
      print(JSON.stringify(chosen, null, 2) + '\n');
      return;
    }
    print(chosen.map((m) => `## ${m.provider}\n\n${renderPermissionSection(m)}\n`).join('\n'));
  });

program
  .command('controls')
  .description(
    'the control matrix: each SOC 2 criterion and SOC 1 objective with the policies that test it (and, with --scan, its findings)',
  )
  .option('--scan <file>', 'a ScanResult JSON written by `nhiscan scan`')
  .option('-c, --config <file>', "config with the organisation's own SOC 1 objectives and plug-ins")
  .option(
    '--framework <ids...>',
    "frameworks to show, by the label findings carry (SOC2, SOC1, OWASP-NHI-2025, CIS-Controls-8, NIST-CSF-2.0, each connector's CIS benchmark, a plug-in's)",
    ['SOC2', 'SOC1'],
  )
  .option('--json', 'machine-readable output')
  .action(async (opts: { scan?: string; config?: string; framework: string[]; json?: boolean }) => {
    const [{ loadConfig }, { builtins }, { createControlResolver }, { controlMatrix, renderControlMatrix }] =
      await Promise.all([
        import('./config.js'),
        import('./registry.js'),
        import('./controls/index.js'),
        import('./report/controls.js'),
      ]);
    const { readScanResult } = await import('./report/json.js');
    const config = opts.config ? await loadConfig(opts.config, builtins) : undefined;
    const resolver = createControlResolver(config?.file.controls.soc1, config?.frameworks);
    const policies = config ? config.policies.map((p) => p.policy) : Object.values(builtins.policies);
    const known = resolver.labels();
    const unknownFrameworks = opts.framework.filter((f) => !known.includes(f));
    if (unknownFrameworks.length > 0)
      throw new UsageError(
        `--framework: unknown ${unknownFrameworks.join(', ')}; known frameworks: ${known.join(', ')}`,
      );
    const scan = opts.scan ? await readScanResult(opts.scan) : undefined;
    const rows = controlMatrix(policies, resolver, scan, opts.framework);
    print(opts.json ? JSON.stringify(rows, null, 2) + '\n' : renderControlMatrix(rows, scan !== undefined));
  });

program
  .command('init')
  .description('write a commented starter config that validates as written')
  .option('-o, --out <file>', 'where to write it', 'nhiscan.config.yaml')
  .option('--force', 'overwrite an existing file')
  .action(async (opts: { out: string; force?: boolean }) => {
    const { writeStarterConfig } = await import('./init.js');
    await writeStarterConfig(opts.out, opts.force ?? false);
    print(`Wrote ${opts.out}. Edit the providers, then run: nhiscan scan --config ${opts.out}\n`);
  });

program
  .command('doctor')
  .description(
    'check, per target, the credentials and the permissions a scan needs, and which coverage each missing permission would cost (exit 0 all ready, 3 something missing or not verified)',
  )
  .requiredOption('-c, --config <file>', 'config file (YAML or JSON)')
  .option('--target <globs...>', 'only the targets whose id matches a glob; !GLOB excludes')
  .option('--provider <ids...>', 'only these providers; !ID excludes')
  .option('--json', 'machine-readable output')
  .option('-v, --verbose', 'also list the permissions granted, and debug logging on stderr')
  .action(
    async (opts: {
      config: string;
      target?: string[];
      provider?: string[];
      json?: boolean;
      verbose?: boolean;
    }) => {
      const [{ loadConfig }, { builtins }, { runDoctor, renderDoctor }, { systemClock }] = await Promise.all([
        import('./config.js'),
        import('./registry.js'),
        import('./doctor.js'),
        import('./clock.js'),
      ]);
      const log = await logger(opts.verbose ? 'debug' : 'warn');
      const config = await loadConfig(opts.config, builtins);
      for (const warning of config.warnings ?? []) log.warn(warning);
      const outcome = await runDoctor({
        config,
        clock: systemClock(),
        log,
        select: { targets: opts.target ?? [], providers: opts.provider ?? [] },
      });
      print(
        opts.json ? JSON.stringify(outcome.targets, null, 2) + '\n' : renderDoctor(outcome, opts.verbose),
      );
      process.exitCode = outcome.exitCode;
    },
  );

program
  .command('diff')
  .description(
    'what changed between two scans: new, resolved, persisting (with ages); two stored scans (default the last two) or two result files',
  )
  .argument('[a]', 'older scan: its number, run id (or prefix), or a nhiscan-result.json')
  .argument('[b]', 'newer scan (default: the latest), or a nhiscan-result.json')
  .option('--store <path|url>', 'the store (a SQLite file, postgres:// URL without password, or env:NAME)')
  .option('-c, --config <file>', 'config whose `store:` to use')
  .option('--json', 'machine-readable output')
  .action(
    async (
      a: string | undefined,
      b: string | undefined,
      opts: { store?: string; config?: string; json?: boolean },
    ) => {
      const { diffScans, diffStored, readResultFile, renderDiff } = await import('./store/diff.js');
      const { withStore } = await import('./store/open.js');
      const isFile = (x: string | undefined): x is string => x !== undefined && x.endsWith('.json');
      let diff: ScanDiff;
      if (isFile(a) || isFile(b)) {
        if (!isFile(a) || !isFile(b))
          throw new UsageError('diff: give two result files, or two stored scans');
        diff = diffScans(await readResultFile(a), await readResultFile(b));
      } else {
        diff = await withStore(await storeFor(opts), (db) => diffStored(db, a, b));
      }
      print(opts.json ? JSON.stringify(diff, null, 2) + '\n' : renderDiff(diff));
    },
  );

program
  .command('period')
  .description(
    'the period report for an audit window: schedule as run, findings per SOC 2 criterion, remediation times, exceptions, population',
  )
  .requiredOption('--from <date>', 'first night, ISO date (2026-01-01)')
  .requiredOption('--to <date>', 'last night, ISO date')
  .option('--format <list>', 'json, csv, html (comma-separated)', 'html,csv,json')
  .option('-o, --out <dir>', 'output folder', 'nhiscan-period')
  .option('--store <path|url>', 'the store (a SQLite file, postgres:// URL without password, or env:NAME)')
  .option('-c, --config <file>', 'config whose `store:` to use')
  .action(
    async (opts: {
      from: string;
      to: string;
      format: string;
      out: string;
      store?: string;
      config?: string;
    }) => {
      const { periodReport } = await import('./store/period.js');
      const { parseIsoDay } = await import('./clock.js');
      const { parsePeriodFormats, renderPeriodSummary, writePeriodReport } =
        await import('./store/period-output.js');
      const { withStore } = await import('./store/open.js');
      const formats = parsePeriodFormats(opts.format);
      parseIsoDay(opts.from, '--from');
      parseIsoDay(opts.to, '--to');
      const report = await withStore(await storeFor(opts), (db) => periodReport(db, opts.from, opts.to));
      const files = await writePeriodReport(report, opts.out, formats);
      print(renderPeriodSummary(report) + files.map((f) => `Wrote ${f}\n`).join(''));
    },
  );

program
  .command('prune')
  .description('delete scans older than a period, keeping a checkpoint so the chain still verifies')
  .requiredOption(
    '--keep <period>',
    'how much history to keep, e.g. 400d (a 12-month Type 2 period plus a margin)',
  )
  .option('--store <path|url>', 'the store (a SQLite file, postgres:// URL without password, or env:NAME)')
  .option('-c, --config <file>', 'config whose `store:` to use')
  .action(async (opts: { keep: string; store?: string; config?: string }) => {
    const { parseKeep, pruneStore } = await import('./store/prune.js');
    const { storeLabel, withStore } = await import('./store/open.js');
    const keep = parseKeep(opts.keep);
    const spec = await storeFor(opts);
    const r = await withStore(spec, (db) => pruneStore(db, keep, new Date()));
    print(
      r.deleted === 0
        ? `Nothing older than ${r.cutoff} in ${storeLabel(spec)}.\n`
        : `Pruned ${r.deleted} scan(s) judged before ${r.cutoff}; the chain now starts after scan #${r.checkpoint?.seq} (checkpoint hash ${r.checkpoint?.hash.slice(0, 16)}…).\n`,
    );
  });

program
  .command('verify')
  .description(
    "check an evidence bundle (every file against the manifest, naming each altered, added or removed; with --public-key the signature), or with --store the store's hash chain (naming the first broken link)",
  )
  .argument('[dir]', 'the folder given to --evidence')
  .option('--public-key <file>', 'Ed25519 public key (PEM) the manifest signature must match')
  .option('--store <path|url>', 'the store (a SQLite file, postgres:// URL without password, or env:NAME)')
  .option('-c, --config <file>', 'config whose `store:` to use')
  .action(async (dir: string | undefined, opts: { publicKey?: string; store?: string; config?: string }) => {
    if (dir === undefined) {
      if (opts.store === undefined && opts.config === undefined)
        throw new UsageError('verify: give an evidence bundle folder, or --store PATH|URL (or --config)');
      const { renderStoreVerification, verifyStore } = await import('./store/verify.js');
      const { storeLabel, withStore } = await import('./store/open.js');
      const spec = await storeFor(opts);
      const v = await withStore(spec, (db) => verifyStore(db));
      print(renderStoreVerification(storeLabel(spec), v));
      process.exitCode = v.ok ? EXIT.ok : EXIT.findings;
      return;
    }
    let pem: string | undefined;
    if (opts.publicKey !== undefined) {
      try {
        pem = readFileSync(opts.publicKey, 'utf8');
      } catch (err) {
        throw new UsageError(`--public-key ${opts.publicKey}: ${errorMessage(err)}`);
      }
    }
    const { renderVerifyReport, verifyBundle } = await import('./report/bundle.js');
    const report = await verifyBundle(dir, pem);
    print(renderVerifyReport(dir, report));
    process.exitCode = report.ok ? EXIT.ok : EXIT.findings;
  });

// Before any command allocates: resident memory follows what a scan holds (src/heap.ts).
boundHeapGrowth();

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else if (err instanceof UsageError) {
    process.stderr.write(`nhiscan: ${err.message}\n`);
    process.exitCode = EXIT.usage;
  } else if (err instanceof Interrupted) {
    // Stopped before the scan began (e.g. waiting for the output folder's lock): nothing to write.
    process.stderr.write(
      `nhiscan: ${err.message} before the scan began: nothing scanned, no result written\n`,
    );
    process.exitCode = exitCodeForSignal(err.signal);
  } else {
    process.stderr.write(`nhiscan: internal error: ${errorMessage(err)}\n${(err as Error).stack ?? ''}\n`);
    process.exitCode = EXIT.internal;
  }
}
