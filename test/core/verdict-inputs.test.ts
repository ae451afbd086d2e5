// The inputs beside the config that change the verdict: the people directory must be usable (not
// empty, with the configured columns) and, with the exceptions file, is covered by run.configHash.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '../../src/clock.js';
import { buildConfig } from '../../src/config.js';
import type { AnyConnector, Target } from '../../src/connector.js';
import { DirectoryConfig, loadDirectory } from '../../src/directory.js';
import { loadExceptions } from '../../src/exceptions.js';
import type { Logger } from '../../src/log.js';
import { silentLogger } from '../../src/log.js';
import { ownership } from '../../policies/ownership.js';
import { runScan } from '../../src/scan.js';

const dir = mkdtempSync(join(tmpdir(), 'nhiscan-verdict-'));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const defaults = DirectoryConfig.parse({ path: 'x' });

describe('people directory: refused when it cannot answer', () => {
  it('refuses a 0-byte export', () => {
    expect(() => loadDirectory(file('empty.csv', ''), defaults)).toThrow(/lists nobody \(no columns found\)/);
  });

  it('refuses a header-only export, naming the columns found', () => {
    expect(() => loadDirectory(file('header.csv', 'email,status\n'), defaults)).toThrow(
      /lists nobody \(columns found: email, status\)/,
    );
  });

  it('refuses an export without the status column, naming the columns found', () => {
    expect(() => loadDirectory(file('state.csv', 'email,state\na@acme.io,ACTIVE\n'), defaults)).toThrow(
      /no "status" column \(directory.statusField\); columns found: email, state/,
    );
  });

  it('refuses an export with none of the id columns, naming the columns found', () => {
    expect(() => loadDirectory(file('mail.csv', 'mail,status\na@acme.io,ACTIVE\n'), defaults)).toThrow(
      /none of the id fields email, login, username, github as columns \(directory.idFields\); columns found: mail, status/,
    );
  });

  it('refuses an empty JSON list', () => {
    expect(() => loadDirectory(file('empty.json', '{"users": []}'), defaults)).toThrow(/lists nobody/);
  });

  it('reports duplicate people rows, and one active row keeps the person active', () => {
    const d = loadDirectory(
      file(
        'dup.csv',
        'email,login,status\nana@acme.io,ana,ACTIVE\nANA@acme.io,ana2,DEPROVISIONED\nbob@acme.io,bob,ACTIVE\n',
      ),
      defaults,
    );
    expect(d.warnings).toEqual([
      expect.stringContaining('1 id on more than one row: "ANA@acme.io" (rows 1 and 2)'),
    ]);
    expect(d.find('ana@acme.io')?.active).toBe(true);
  });
});

const connector: AnyConnector = {
  id: 'fake',
  title: 'fake',
  config: z.strictObject({}),
  targets: (): Target<null>[] => [{ id: 'fake:one', provider: 'fake', label: 'one', data: null }],
  collect: async function* (_t, _c, ctx) {
    ctx.setScope('one');
    await Promise.resolve();
    yield {
      uid: 'fake:one/bot',
      provider: 'fake',
      kind: 'fake.robot',
      name: 'bot',
      location: { provider: 'fake', scope: 'one' },
      owner: { value: 'ana@acme.io', source: 'tag:owner' },
    };
  },
};

describe('run.configHash covers the directory and exceptions contents', () => {
  const config = buildConfig(
    { providers: { fake: {} } },
    { connectors: { fake: connector }, policies: { ownership } },
    'test',
    '/tmp',
  );
  const hashOf = async (people: string, exceptions: string, log: Logger = silentLogger) => {
    const result = await runScan({
      config,
      clock: systemClock(new Date('2026-07-01T00:00:00Z')),
      log,
      directory: loadDirectory(file('people.csv', people), defaults, 'people.csv'),
      exceptions: loadExceptions(file('exceptions.yaml', exceptions)),
    });
    return result.run.configHash;
  };
  const rule = (justification: string) =>
    `exceptions:\n  - match: { policy: ownership }\n    justification: ${justification}\n    approver: cso@acme.io\n    expires: 2026-12-31\n`;

  it('changes when either file is edited, and only then', async () => {
    const people = 'email,status\nana@acme.io,ACTIVE\n';
    const base = await hashOf(people, rule('vendor-managed robot, reviewed'));
    expect(base).not.toBe(config.hash);
    expect(await hashOf(people, rule('vendor-managed robot, reviewed'))).toBe(base);
    expect(
      await hashOf('email,status\nana@acme.io,DEPROVISIONED\n', rule('vendor-managed robot, reviewed')),
    ).not.toBe(base);
    expect(await hashOf(people, rule('vendor-managed robot, reviewed again'))).not.toBe(base);
  });

  it('logs duplicate people rows as a warning', async () => {
    const warnings: string[] = [];
    const log: Logger = { ...silentLogger, warn: (m: string) => warnings.push(m) };
    await hashOf(
      'email,status\nana@acme.io,ACTIVE\nana@acme.io,ACTIVE\n',
      rule('vendor-managed robot, reviewed'),
      log,
    );
    expect(warnings).toEqual([expect.stringMatching(/^directory: people.csv: 1 id on more than one row/)]);
  });
});
