#!/usr/bin/env node
// The `nhiscan` command. Every failure maps to a documented exit code (src/exit-codes.ts).
import { Command, CommanderError, Option } from 'commander';
import { UsageError, errorMessage } from './errors.js';
import { EXIT } from './exit-codes.js';
import type { LogLevel } from './log.js';
import { Severity } from './model.js';
import { VERSION } from './version.js';

// Each command imports what it needs when it runs: `nhiscan --version`, `policies`, `controls`
// and `init` never load a cloud SDK (connectors load their API clients when a scan runs).
// nhiscan supports Node.js 20 (package.json engines); the AWS SDK's notice that its releases after
// 2027-01 will not is for us to act on, not noise for every nightly scan's log.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const print = (text: string): void => {
  process.stdout.write(text);
};

const logLevel = (opts: { quiet?: boolean; verbose?: boolean }): LogLevel =>
  opts.verbose ? 'debug' : opts.quiet ? 'error' : 'info';

const program = new Command()
  .name('nhiscan')
  .description(
    'Inventory and judge non-human identities (AWS, Google Cloud, GitHub) with SOC 2 / SOC 1 evidence.',
  )
  .version(VERSION)
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const failOnOption = (): Option =>
  new Option('--fail-on <severity>', 'exit 1 when an open finding is at or above this severity').choices([
    ...Severity.options,
    'none',
  ]);

const logger = async (level: LogLevel) => (await import('./log.js')).createLogger(level);

program
  .command('scan')
  .description('scan the providers in a config file and write the ScanResult')
  .requiredOption('-c, --config <file>', 'config file (YAML or JSON)')
  .option('-o, --out <dir>', 'output folder (default: output.dir of the config, else ./nhiscan-out)')
  .option(
    '--as-of <date>',
    'judge every date as of this instant (ISO date or timestamp), for reproducible scans',
  )
  .addOption(failOnOption())
  .option('-q, --quiet', 'only errors on stderr')
  .option('-v, --verbose', 'debug logging on stderr')
  .action(
    async (opts: {
      config: string;
      out?: string;
      asOf?: string;
      failOn?: string;
      quiet?: boolean;
      verbose?: boolean;
    }) => {
      const { scanCommand } = await import('./commands.js');
      const { exitCode } = await scanCommand({ ...opts, log: await logger(logLevel(opts)), print });
      process.exitCode = exitCode;
    },
  );

program
  .command('demo')
  .description('scan the bundled demo estate (no credentials needed) through the real SDKs')
  .option('-o, --out <dir>', 'output folder', 'nhiscan-demo')
  .addOption(failOnOption())
  .option('-q, --quiet', 'only errors on stderr')
  .action(async (opts: { out: string; failOn?: string; quiet?: boolean }) => {
    const { runDemo } = await import('./demo/index.js');
    const { exitCode } = await runDemo({
      out: opts.out,
      failOn: opts.failOn,
      log: await logger(logLevel(opts)),
      print,
    });
    process.exitCode = exitCode;
  });

program
  .command('policies')
  .description('list every policy with its id, default severity, options and control tags')
  .option('--json', 'machine-readable output')
  .option('--markdown', 'the README table')
  .action(async (opts: { json?: boolean; markdown?: boolean }) => {
    const [{ builtins }, { renderPolicies, renderPolicyTable }] = await Promise.all([
      import('./registry.js'),
      import('./report/policies.js'),
    ]);
    const all = Object.values(builtins.policies);
    print(opts.markdown ? renderPolicyTable(all) + '\n' : renderPolicies(all, opts.json ?? false));
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

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else if (err instanceof UsageError) {
    process.stderr.write(`nhiscan: ${err.message}\n`);
    process.exitCode = EXIT.usage;
  } else {
    process.stderr.write(`nhiscan: internal error: ${errorMessage(err)}\n${(err as Error).stack ?? ''}\n`);
    process.exitCode = EXIT.internal;
  }
}
