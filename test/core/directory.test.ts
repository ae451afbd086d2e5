import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildConfig, type Registries } from '../../src/config.js';
import type { AnyConnector } from '../../src/connector.js';
import { CORE_ID_FIELDS, DirectoryConfig, defaultIdFields, loadDirectory } from '../../src/directory.js';
import { builtins } from '../../src/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'nhiscan-dir-'));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('directory', () => {
  it('reads an Okta-style CSV export and answers by any id, case-insensitively', () => {
    const d = loadDirectory(
      file('okta.csv', '\ufeffemail,login,status\nAna@Acme.io,ana,ACTIVE\nbob@acme.io,bobgh,DEPROVISIONED\n'),
      DirectoryConfig.parse({ path: 'x' }),
    );
    expect(d.size).toBe(2);
    expect(d.find('ana@acme.io')?.active).toBe(true);
    expect(d.find('BOBGH')).toMatchObject({ active: false, status: 'DEPROVISIONED' });
    expect(d.find('carol@acme.io')).toBeUndefined();
  });

  it('reads JSON exports, wrapped or bare, with nested fields', () => {
    const okta = file(
      'okta.json',
      JSON.stringify([{ status: 'SUSPENDED', profile: { email: 'dan@acme.io', login: 'dan@acme.io' } }]),
    );
    const d = loadDirectory(okta, DirectoryConfig.parse({ path: 'x', idFields: ['profile.email'] }));
    expect(d.find('dan@acme.io')?.active).toBe(false);
    const gws = file(
      'gws.json',
      JSON.stringify({ users: [{ primaryEmail: 'eve@acme.io', suspended: false }] }),
    );
    const g = loadDirectory(
      gws,
      DirectoryConfig.parse({
        path: 'x',
        idFields: ['primaryEmail'],
        statusField: 'suspended',
        activeValues: ['false'],
      }),
    );
    expect(g.find('eve@acme.io')?.active).toBe(true);
  });

  it('fails clearly on rows it cannot use and on unreadable files', () => {
    expect(() =>
      loadDirectory(
        file('nostatus.csv', 'email,state\na@b.c,ACTIVE\n'),
        DirectoryConfig.parse({ path: 'x' }),
      ),
    ).toThrow(/no "status" column \(directory.statusField\); columns found: email, state/);
    expect(() =>
      loadDirectory(file('noid.csv', 'name,status\nAna,ACTIVE\n'), DirectoryConfig.parse({ path: 'x' })),
    ).toThrow(/none of the id fields/);
    expect(() => loadDirectory(join(dir, 'missing.csv'), DirectoryConfig.parse({ path: 'x' }))).toThrow(
      /directory.path: cannot read/,
    );
    expect(() => loadDirectory(file('bad.json', '{'), DirectoryConfig.parse({ path: 'x' }))).toThrow(
      /not valid JSON/,
    );
  });
});

describe('directory id fields', () => {
  const empty: Registries = { connectors: {}, policies: {} };
  // A plug-in connector whose identities name their owner by a Vault entity alias.
  const vault: AnyConnector = {
    id: 'vault',
    title: 'Vault',
    config: z.strictObject({}),
    targets: () => [],
    collect: async function* () {},
    directoryIdFields: ['vault', 'email'],
  };

  it("default to the core's columns, then each connector's own (GitHub declares github)", () => {
    expect(CORE_ID_FIELDS).toEqual(['email', 'login', 'username']);
    expect(Object.values(builtins.connectors).flatMap((c) => c.directoryIdFields ?? [])).toEqual(['github']);
    expect(DirectoryConfig.parse({ path: 'x' }).idFields).toEqual(['email', 'login', 'username', 'github']);
  });

  it('keep the config hash of a config without idFields (as before connectors declared them)', () => {
    // The hash main gave this config when the default was written in src/directory.ts.
    const before = '19e941f65b92ffa42ecb476ace3b81c28cd929ed99fad9a306cc81c8b5ff998e';
    expect(buildConfig({ directory: { path: 'people.csv' } }, empty, 'x.yaml', '/tmp').hash).toBe(before);
    expect(buildConfig({ directory: { path: 'people.csv' } }, builtins, 'x.yaml', '/tmp').hash).toBe(before);
  });

  it("take a plug-in connector's own column, unless the config names them", () => {
    const registries: Registries = { ...builtins, connectors: { ...builtins.connectors, vault } };
    expect(defaultIdFields([...Object.values(builtins.connectors), vault])).toEqual([
      'email',
      'login',
      'username',
      'github',
      'vault',
    ]);
    const config = buildConfig({ directory: { path: 'people.csv' } }, registries, 'x.yaml', '/tmp');
    expect(config.file.directory?.idFields).toEqual(['email', 'login', 'username', 'github', 'vault']);
    const people = loadDirectory(
      file('vault.csv', 'vault,status\nentity-ana,ACTIVE\n'),
      config.file.directory!,
    );
    expect(people.find('entity-ana')?.active).toBe(true);
    const named = buildConfig(
      { directory: { path: 'people.csv', idFields: ['email'] } },
      registries,
      'x.yaml',
      '/tmp',
    );
    expect(named.file.directory?.idFields).toEqual(['email']);
  });
});
