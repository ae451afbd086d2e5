// `nhiscan`: the programmatic API — load a config, run a scan, write and read its result — for
// a program that embeds the scanner instead of running the CLI. Plug-in authors import
// `nhiscan/plugin` (src/plugin.ts), which this entry re-exports too.
export * from './plugin.js';

export { runScan, type ScanOptions } from './scan.js';
export { scanCommand, type ScanCommandOptions, type ScanCommandResult } from './commands.js';
export { buildConfig, loadConfig, ConfigFile, FailOn, type Config, type Registries } from './config.js';
export { builtins } from './registry.js';
export { systemClock, parseAsOf } from './clock.js';
export { createLogger, silentLogger, type LogLevel } from './log.js';
export { loadDirectory } from './directory.js';
export { loadExceptions, type ExceptionRule } from './exceptions.js';
export { EXIT, exitCodeFor } from './exit-codes.js';
export { reporters, writeScanResultJson } from './report/index.js';
export { writeRun } from './report/output.js';
export { readScanResult } from './report/json.js';
export { VERSION } from './version.js';
/** The model's zod schemas, e.g. to validate a ScanResult read from elsewhere. */
export {
  Credential as CredentialSchema,
  Finding as FindingSchema,
  Identity as IdentitySchema,
  ScanResult as ScanResultSchema,
  Severity as SeveritySchema,
} from './model.js';
