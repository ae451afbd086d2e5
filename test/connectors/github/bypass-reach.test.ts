// Effective reach, bypass: write to a repository whose default-branch rulesets the credential may
// bypass ranks above plain (and workflow) write, below repository admin (reach.ts bypassOf,
// privilege.ts deployKeyPrivilege; the connector's calls in connector.test.ts and below).
import fc from 'fast-check';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployKeyPrivilege } from '../../../connectors/github/privilege.js';
import {
  type BypassActor,
  type RulesetFacts,
  bypassOf,
  rankIndex,
} from '../../../connectors/github/reach.js';
import {
  API,
  APP_ID,
  APP_KEY_ENV,
  INSTALLATION_TOKEN,
  NO_FEATURES,
  ORG,
  appKeys,
  collect,
  fixture,
  mockAppInstallation,
} from './harness.js';

const ruleset = (over: Partial<RulesetFacts> = {}): RulesetFacts => ({
  name: 'main',
  target: 'branch',
  enforcement: 'active',
  include: ['~DEFAULT_BRANCH'],
  exclude: [],
  bypassActors: [],
  ...over,
});
const DEPLOY_KEY: BypassActor = { actor_id: null, actor_type: 'DeployKey', bypass_mode: 'always' };
const APP: BypassActor = { actor_id: 4242, actor_type: 'Integration', bypass_mode: 'always' };

describe('bypass of the default branch’s rulesets', () => {
  it.each<[string, RulesetFacts, 'deployKey' | 'app', boolean]>([
    ['DeployKey actor on ~DEFAULT_BRANCH', ruleset({ bypassActors: [DEPLOY_KEY] }), 'deployKey', true],
    [
      'DeployKey actor on ~ALL',
      ruleset({ include: ['~ALL'], bypassActors: [DEPLOY_KEY] }),
      'deployKey',
      true,
    ],
    [
      'DeployKey actor on refs/heads/ma*',
      ruleset({ include: ['refs/heads/ma*'], bypassActors: [DEPLOY_KEY] }),
      'deployKey',
      true,
    ],
    [
      'DeployKey actor, default branch excluded',
      ruleset({ include: ['~ALL'], exclude: ['refs/heads/main'], bypassActors: [DEPLOY_KEY] }),
      'deployKey',
      false,
    ],
    [
      'DeployKey actor on another branch',
      ruleset({ include: ['refs/heads/release/*'], bypassActors: [DEPLOY_KEY] }),
      'deployKey',
      false,
    ],
    [
      'DeployKey actor, ruleset only evaluated',
      ruleset({ enforcement: 'evaluate', bypassActors: [DEPLOY_KEY] }),
      'deployKey',
      false,
    ],
    [
      'DeployKey actor on a tag ruleset',
      ruleset({ target: 'tag', bypassActors: [DEPLOY_KEY] }),
      'deployKey',
      false,
    ],
    ['Integration actor with the App’s id', ruleset({ bypassActors: [APP] }), 'app', true],
    ['Integration actor of another App', ruleset({ bypassActors: [{ ...APP, actor_id: 1 }] }), 'app', false],
    [
      'a Team actor only',
      ruleset({ bypassActors: [{ actor_id: 234, actor_type: 'Team', bypass_mode: 'always' }] }),
      'deployKey',
      false,
    ],
  ])('%s', (_, r, who, bypassed) => {
    const answer = bypassOf([r], 'main', who === 'deployKey' ? { deployKey: true } : { appId: 4242 });
    expect(answer).toEqual({ bypassed: bypassed ? ['main'] : [], unknown: [] });
  });

  it('bypass actors GitHub did not show: unknown, never "no bypass"', () => {
    const answer = bypassOf([ruleset({ bypassActors: undefined })], 'main', { deployKey: true });
    expect(answer).toEqual({ bypassed: [], unknown: ['main'] });
    const p = deployKeyPrivilege('acme', 'api', false, answer);
    expect(p.reach.rank).toBe('workflow-write');
    expect(p.reach.notEvaluated).toEqual([
      "whether deploy keys may bypass the ruleset main on the default branch: GitHub's answer did not include bypass_actors",
    ]);
  });

  it('a write deploy key that may bypass ranks bypass-write (level write); a read-only key stays read', () => {
    const answer = { bypassed: ['protect main'], unknown: [] };
    const p = deployKeyPrivilege('acme', 'api', false, answer);
    expect(p.reach.rank).toBe('bypass-write');
    expect(p.privilege.level).toBe('write');
    expect(p.reach.permissions[0]?.why).toMatch(
      /deploy keys may bypass the ruleset protect main on the default branch/,
    );
    expect(p.reach.notEvaluated).toEqual([]);
    expect(deployKeyPrivilege('acme', 'api', true, answer).reach.rank).toBe('read');
    expect(rankIndex('bypass-write')).toBeGreaterThan(rankIndex('workflow-write'));
    expect(rankIndex('bypass-write')).toBeLessThan(rankIndex('repo-admin'));
  });

  it('rulesets not read: the rank stays, and notEvaluated says why', () => {
    const p = deployKeyPrivilege('acme', 'api', false, { notEvaluated: 'not read (access_denied)' });
    expect(p.reach.rank).toBe('workflow-write');
    expect(p.reach.notEvaluated).toEqual([
      "whether deploy keys may bypass the default branch's rulesets: not read (access_denied)",
    ]);
  });

  it('property: removing a bypass actor (or a ruleset) never raises the rank', () => {
    const actors = fc.constantFrom<BypassActor>(DEPLOY_KEY, APP, { actor_id: 9, actor_type: 'Team' });
    const rulesetArb = fc.record({
      name: fc.constantFrom('a', 'b', 'c'),
      target: fc.constantFrom('branch', 'tag', undefined),
      enforcement: fc.constantFrom('active', 'active', 'active', 'evaluate', 'disabled'),
      include: fc.subarray(['~DEFAULT_BRANCH', '~ALL', 'refs/heads/main', 'refs/heads/dev*']),
      exclude: fc.subarray(['refs/heads/main', 'refs/heads/dev*']),
      bypassActors: fc.option(fc.array(actors, { maxLength: 3 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(rulesetArb, { maxLength: 4 }),
        fc.nat(),
        fc.boolean(),
        (rulesets, pick, dropRuleset) => {
          const i = rulesets.length === 0 ? -1 : pick % rulesets.length;
          const fewer = rulesets.flatMap((r, j) => {
            if (j !== i) return [r];
            if (dropRuleset) return [];
            return [{ ...r, bypassActors: r.bypassActors?.slice(1) }];
          });
          for (const subject of [{ deployKey: true as const }, { appId: 4242 }]) {
            const before = deployKeyPrivilege('acme', 'api', false, bypassOf(rulesets, 'main', subject));
            const after = deployKeyPrivilege('acme', 'api', false, bypassOf(fewer, 'main', subject));
            expect(rankIndex(after.reach.rank)).toBeLessThanOrEqual(rankIndex(before.reach.rank));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

// ---- the connector: calls only where a deploy key can push; a refusal is a gap ----

const appConfig = () => ({
  orgs: [ORG],
  auth: { type: 'app' as const, appId: Number(APP_ID), privateKeyEnv: APP_KEY_ENV },
  features: { ...NO_FEATURES, repositories: true, deployKeys: true },
});

beforeEach(() => {
  process.env[APP_KEY_ENV] = appKeys.privateKey;
});
afterEach(() => {
  Reflect.deleteProperty(process.env, APP_KEY_ENV);
});

const mockRepos = () => {
  const gh = nock(API, {
    reqheaders: { authorization: (v) => v === INSTALLATION_TOKEN || v.startsWith('bearer ') },
  });
  mockAppInstallation(gh);
  const [, deployTools] = fixture('repos.json') as Record<string, unknown>[];
  gh.get(`/orgs/${ORG}/repos`).query({ type: 'all', per_page: 100 }).reply(200, [deployTools]);
  gh.get(`/repos/${ORG}/deploy-tools/keys`).query({ per_page: 100 }).reply(200, fixture('deploy-keys.json'));
  return gh;
};

describe('GitHub connector: deploy keys and the default branch’s rulesets', () => {
  it('reads the rulesets (branch ones in detail) and ranks the write key bypass-write', async () => {
    const gh = mockRepos();
    gh.get(`/repos/${ORG}/deploy-tools/rulesets`)
      .query({ per_page: 100 })
      .reply(200, fixture('repo-rulesets.json'));
    gh.get(`/repos/${ORG}/deploy-tools/rulesets/42`).reply(200, fixture('repo-ruleset.json'));
    const run = await collect(appConfig());
    expect(run.gaps).toEqual([]);
    const keys = run.identities.filter((i) => i.kind === 'github.deploy_key');
    const ranks = keys.map((k) => [k.attributes.readOnly, (k.attributes.reach as { rank: string }).rank]);
    expect(ranks).toContainEqual([false, 'bypass-write']);
    for (const [readOnly, rank] of ranks) if (readOnly === true) expect(rank).toBe('read');
  });

  it('a 403 on the rulesets is a gap naming the permission; the key says "not evaluated"', async () => {
    const gh = mockRepos();
    gh.get(`/repos/${ORG}/deploy-tools/rulesets`)
      .query({ per_page: 100 })
      .reply(403, fixture('error-403-integration.json'), {
        'x-accepted-github-permissions': 'metadata=read',
      });
    const run = await collect(appConfig());
    expect(run.gaps).toEqual([
      expect.objectContaining({
        code: 'access_denied',
        call: 'GET /repos/{owner}/{repo}/rulesets',
        permission: 'metadata=read',
      }),
    ]);
    const writeKey = run.identities.find(
      (i) => i.kind === 'github.deploy_key' && i.attributes.readOnly === false,
    );
    expect(writeKey?.attributes.reach).toMatchObject({
      rank: 'workflow-write',
      notEvaluated: [expect.stringMatching(/whether deploy keys may bypass .*could not be read/)],
    });
  });
});
