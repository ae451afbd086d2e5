// Results and stores written by earlier versions still read. The fixture is a result nhiscan
// 0.1.0 wrote for the demo (when `Trust.principalType` was an enum naming AWS), cut down to three
// AWS roles with trust of each kind the demo has and their findings; run and summary as written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AWS_TRUST_PRINCIPAL } from '../../connectors/aws/attributes.js';
import { Identity, ScanResult, TRUST_PRINCIPAL } from '../../src/model.js';
import { openSqlite } from '../../src/store/db.js';
import { diffScans, findScan, loadStoredScan, readResultFile } from '../../src/store/diff.js';
import { recordScan } from '../../src/store/record.js';
import { migrate } from '../../src/store/schema.js';
import { verifyStore } from '../../src/store/verify.js';
import { freshSqlitePath } from '../store/helpers.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'result-0.1.0-aws-trust.json');
const raw = (): { identities: { trust: { principalType: string }[] }[] } =>
  JSON.parse(readFileSync(FIXTURE, 'utf8')) as { identities: { trust: { principalType: string }[] }[] };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('a result written by nhiscan 0.1.0', () => {
  it('reads as a result, its trust principal types unchanged', async () => {
    const side = await readResultFile(FIXTURE);
    expect(side.findings.map((f) => f.policyId).sort()).toEqual(['aws-unused-services', 'external-trust']);
    const result = ScanResult.parse(raw());
    expect(result.identities.flatMap((i) => i.trust.map((t) => t.principalType))).toEqual([
      'service',
      'federated',
      'aws',
    ]);
  });

  it("reads with every value the old enum allowed, which are the core's and the AWS connector's", () => {
    const old = ['aws', 'federated', 'service', 'any', 'other'];
    expect(new Set(Object.values(AWS_TRUST_PRINCIPAL))).toEqual(new Set(old));
    expect(Object.values(TRUST_PRINCIPAL)).not.toContain('aws');
    const data = raw();
    const role = data.identities[0]!;
    role.trust = old.map((principalType) => ({ ...role.trust[0]!, principalType }));
    const parsed = ScanResult.parse(data);
    expect(parsed.identities[0]!.trust.map((t) => t.principalType)).toEqual(old);
  });

  it('is recorded in a store and read back from it', async () => {
    const db = openSqlite(freshSqlitePath());
    closers.push(() => db.close());
    await migrate(db);
    const result = ScanResult.parse(raw());
    await recordScan(db, result);
    expect((await verifyStore(db)).ok).toBe(true);
    const stored = await loadStoredScan(db, await findScan(db, 'latest'));
    const diff = diffScans(stored, await readResultFile(FIXTURE));
    expect(diff.new).toEqual([]);
    expect(diff.resolved).toEqual([]);
    expect(diff.persisting).toHaveLength(2);
    const rows = await db.all<{ data: string }>('SELECT data FROM scan_identities ORDER BY uid');
    expect(rows.map((r) => Identity.parse(JSON.parse(r.data)).trust[0]?.principalType)).toEqual([
      'service',
      'federated',
      'aws',
    ]);
  });
});

describe("a plug-in connector's own trust principal type", () => {
  it('is kept as written (the core lists no provider)', () => {
    const identity = Identity.parse({
      uid: 'vault:approle/ci',
      provider: 'vault',
      kind: 'vault.approle',
      name: 'ci',
      location: { provider: 'vault', scope: 'vault.acme.io' },
      trust: [{ principalType: 'vault-namespace', principal: 'ns1/', source: 'role#0' }],
    });
    expect(identity.trust[0]?.principalType).toBe('vault-namespace');
    expect(() =>
      Identity.parse({ ...identity, trust: [{ principalType: '', principal: 'x', source: 's' }] }),
    ).toThrow();
  });
});
