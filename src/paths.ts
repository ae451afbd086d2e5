import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Works from src/ (tests, tsx) and from dist/src/ (the built bin): walk up to package.json.
const findRoot = (start: string): string => {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('nhiscan: cannot find package.json above ' + start);
    dir = up;
  }
  return dir;
};

export const packageRoot: string = findRoot(dirname(fileURLToPath(import.meta.url)));
export const fixturesDir: string = join(packageRoot, 'fixtures');
