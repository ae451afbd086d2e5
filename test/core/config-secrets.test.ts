// Tried: `-c .env` printed a whole GitHub token and `-c ~/.aws/credentials` the start of a secret
// key. A config error names the file, the line and column and what was wrong, never the text.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { UsageError } from '../../src/errors.js';
import { loadExceptions } from '../../src/exceptions.js';
import { builtins } from '../../src/registry.js';

const TOKEN = 'ghp_PLANTEDsecretTOKEN0123456789abcdefXYZ';
const AWS_SECRET = 'wJalrPLANTEDsecretKEYxEXAMPLEKEY0123456789';

const file = (name: string, text: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'nhiscan-cfgerr-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const errorOf = async (fn: () => unknown): Promise<string> => {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
};

const leaks = (message: string, secret: string): boolean =>
  // Any 6 characters of the secret in a row would be its start or a slice of it.
  Array.from({ length: secret.length - 5 }, (_, i) => secret.slice(i, i + 6)).some((s) =>
    message.includes(s),
  );

describe('config errors never echo the file', () => {
  it.each([
    ['.env', `GITHUB_TOKEN=${TOKEN}\n`],
    ['.env', `# tokens\nGITHUB_TOKEN=${TOKEN}\nOTHER=x\n`],
    ['.env', `export GITHUB_TOKEN="${TOKEN}"\n`],
    [
      'credentials',
      `[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ${AWS_SECRET}\n`,
    ],
    [
      'credentials',
      `[prod]\naws_secret_access_key=${AWS_SECRET}\n[dev]\naws_secret_access_key=${AWS_SECRET}\n`,
    ],
    ['token.json', `{"token": "${TOKEN}", }`],
    ['odd.yaml', `providers: {github: ${TOKEN}`],
    ['odd.yaml', `failOn: "${TOKEN}"\n`],
    ['odd.yaml', `concurrency: ${AWS_SECRET}\n`],
    ['odd.yaml', `providers:\n  github:\n    auth: ${TOKEN}\n`],
  ])('%s holding a secret: the error names the file but not the secret', async (name, text) => {
    const path = file(name, text);
    const message = await errorOf(() => loadConfig(path, builtins));
    expect(message).toContain(path);
    expect(leaks(message, TOKEN)).toBe(false);
    expect(leaks(message, AWS_SECRET)).toBe(false);
  });

  it('a syntax error says where and what', async () => {
    const path = file('bad.yaml', `failOn: low\nproviders: [unclosed ${TOKEN}\n`);
    const message = await errorOf(() => loadConfig(path, builtins));
    expect(message).toMatch(/is not valid YAML or JSON at line \d+, column \d+: /);
    expect(leaks(message, TOKEN)).toBe(false);
  });

  it('the exceptions file is read the same way', async () => {
    const path = file('exceptions.yaml', `exceptions: [ { id: x, secret: ${TOKEN}\n`);
    const message = await errorOf(() => loadExceptions(path));
    expect(message).toMatch(/line \d+, column \d+/);
    expect(leaks(message, TOKEN)).toBe(false);
    const wrongType = file('exceptions.yaml', `exceptions: ${TOKEN}\n`);
    expect(leaks(await errorOf(() => loadExceptions(wrongType)), TOKEN)).toBe(false);
  });
});
