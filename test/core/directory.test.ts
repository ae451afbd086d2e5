import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryConfig, loadDirectory } from '../../src/directory.js';

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
