// The built CLI these suites run as a child process. `npm test` builds before vitest runs; run
// alone, a suite builds only when a source file is newer than the build (so suites running side
// by side do not rewrite dist/ under each other's feet).
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../src/paths.js';

export const CLI = join(packageRoot, 'dist', 'src', 'cli.js');

const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return Math.max(max, newest(path));
    return e.name.endsWith('.ts') ? Math.max(max, statSync(path).mtimeMs) : max;
  }, 0);

export const ensureBuilt = async (): Promise<void> => {
  let built = 0;
  try {
    built = statSync(CLI).mtimeMs;
  } catch {
    // not built yet
  }
  const sources = Math.max(...['src', 'connectors', 'policies'].map((d) => newest(join(packageRoot, d))));
  if (built >= sources) return;
  await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: packageRoot, timeout: 280_000 });
};
