// `src/` (the core) names no provider: adding a provider never edits it. Comments may name one
// (they explain); code may not, except in the short allow-list below, each with why it is still
// there (src/registry.ts imports connectors/index.ts and names none itself). A new provider name in src/ code fails this test.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';

const PROVIDER_WORDS =
  /\b(aws|amazon|gcp|google|googleapis|github|octokit|entra|azure|microsoft|workspace)\b|\b(AWS|GITHUB|GOOGLE|AZURE)_/i;

/** Code lines only: block and line comments blanked (line numbers kept). */
export const codeLines = (source: string): string[] =>
  source
    .replace(/\/\*[\s\S]*?\*\//g, (m) => '\n'.repeat(m.split('\n').length - 1))
    .split('\n')
    .map((line) => line.replace(/(^|[^:'"`\\])\/\/.*$/, '$1'));

/** `file:line: code` for each code line naming a provider. */
export const providerMentions = (file: string, source: string): string[] =>
  codeLines(source).flatMap((line, i) =>
    PROVIDER_WORDS.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [],
  );

/**
 * Still in src/, and why. Each entry matches one code line; an entry that no longer matches
 * anything fails too, so the list only shrinks.
 */
const ALLOWED: { file: string; line: RegExp; why: string }[] = [
  {
    file: 'src/report/markdown.ts',
    line: /\$GITHUB_STEP_SUMMARY/,
    why: "GitHub Actions' job summary is where the report is posted (a consumer, not a provider)",
  },
  { file: 'src/report/sarif.ts', line: /github\.com\/nhiscan\/nhiscan/, why: "the project's own URL" },
  {
    file: 'src/report/sarif.ts',
    line: /GitHub code scanning/,
    why: 'GitHub code scanning is where SARIF is uploaded (a consumer, not a provider)',
  },
];

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

describe('src/ names no provider', () => {
  const mentions = walk(join(packageRoot, 'src')).flatMap((path) =>
    providerMentions(relative(packageRoot, path), readFileSync(path, 'utf8')),
  );
  const allowed = (m: string) => ALLOWED.find((a) => m.startsWith(`${a.file}:`) && a.line.test(m));

  it('no code line in src/ names a provider, outside the allow-list', () => {
    expect(mentions.filter((m) => !allowed(m))).toEqual([]);
  });

  it('every allow-list entry still matches something (the list only shrinks)', () => {
    for (const a of ALLOWED)
      expect(
        mentions.some((m) => allowed(m) === a),
        `${a.file} ${String(a.line)}`,
      ).toBe(true);
  });

  it('finds a provider in code and not in a comment', () => {
    const source = "// reads AWS IAM\nconst x = 1; // github\n/* google\n */\nconst kind = 'aws.iam_user';\n";
    expect(providerMentions('src/x.ts', source)).toEqual(["src/x.ts:5: const kind = 'aws.iam_user';"]);
    expect(providerMentions('src/y.ts', "process.env.AWS_REGION ??= 'x';")).toHaveLength(1);
  });
});
