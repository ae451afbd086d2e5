// The fault suite (issue 10): for AWS, GitHub and Google Cloud, a hang (connection accepted, never
// answered), a reset mid-pagination, a 5xx burst (recovered by a retry; persistent → a gap) and
// throttling with Retry-After (honoured, bounded), each through a loopback proxy in front of the
// demo estate, each asserting the gap code on the target it hit and the scan's exit code.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDemoEstate } from '../../src/demo/index.js';
import type { DemoServer } from '../../src/demo/server.js';
import { EXIT } from '../../src/exit-codes.js';
import { type FaultProxy, type FaultRule, startFaultProxy } from './fault-proxy.js';
import { DEMO_AS_OF, coverageOf, faultScan, openGaps } from './harness.js';

let demo: DemoServer;
let proxy: FaultProxy | undefined;

beforeAll(async () => {
  demo = await startDemoEstate({ asOf: DEMO_AS_OF });
});
afterAll(async () => {
  await demo.close();
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

const through = async (rules: FaultRule[]): Promise<string> => {
  proxy = await startFaultProxy(demo.url, rules);
  return proxy.url;
};

const awsXmlError = (code: string, status: number, headers: Record<string, string> = {}) => ({
  type: 'answer' as const,
  status,
  headers: { 'content-type': 'text/xml', ...headers },
  body: `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Receiver</Type><Code>${code}</Code><Message>injected ${code}</Message></Error><RequestId>fault-1</RequestId></ErrorResponse>`,
});
const googleError = (status: number, reason: string, headers: Record<string, string> = {}) => ({
  type: 'answer' as const,
  status,
  headers,
  body: JSON.stringify({ error: { code: status, message: `injected ${reason}`, status: reason } }),
});
const githubError = (
  status: number,
  headers: Record<string, string> = {},
  message = `injected ${status}`,
) => ({
  type: 'answer' as const,
  status,
  headers,
  body: JSON.stringify({ message, documentation_url: 'https://docs.github.com/rest' }),
});
/** GitHub's secondary rate limit answer (REST docs: "Rate limits for the REST API"). */
const SECONDARY = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';

describe('AWS', () => {
  const AWS = { aws: { targets: [{ type: 'default' }] } };
  const gaad = (r: { body: string }): boolean => r.body.includes('Action=GetAccountAuthorizationDetails');

  it('healthy: complete, exit 0 (the baseline the faults are judged against)', async () => {
    const run = await faultScan({ url: await through([]), providers: AWS });
    expect(coverageOf(run, 'aws:default').status).toBe('complete');
    expect(run.exitCode).toBe(EXIT.ok);
  });

  it('a hang: the request times out → a timeout gap, exit 3', async () => {
    const url = await through([{ match: gaad, fault: { type: 'hang' } }]);
    const run = await faultScan({ url, providers: AWS, timeouts: { requestSeconds: 1 } });
    const c = coverageOf(run, 'aws:default');
    expect(c.status).not.toBe('complete');
    expect(openGaps(c)).toContain('timeout iam:GetAccountAuthorizationDetails');
    expect(run.exitCode).toBe(EXIT.incomplete);
  });

  it('a hang past the target deadline: the target is cut off → a timeout gap, exit 3', async () => {
    const url = await through([{ match: gaad, fault: { type: 'hang' } }]);
    const run = await faultScan({
      url,
      providers: AWS,
      timeouts: { requestSeconds: 600, targetMinutes: 0.01 },
    });
    const c = coverageOf(run, 'aws:default');
    expect(c.status).toBe('failed');
    expect(openGaps(c)).toEqual(['timeout aws:target']);
    expect(run.exitCode).toBe(EXIT.incomplete);
  });

  it('a reset on the second page → a gap on that call, exit 3', async () => {
    const url = await through([
      { match: (r) => gaad(r) && r.body.includes('Marker='), fault: { type: 'reset' } },
    ]);
    const run = await faultScan({ url, providers: AWS });
    const c = coverageOf(run, 'aws:default');
    expect(c.status).not.toBe('complete');
    expect(openGaps(c)).toContain('unavailable iam:GetAccountAuthorizationDetails');
    expect(proxy?.hits[0]).toBe(2); // first attempt and its retry
    expect(run.exitCode).toBe(EXIT.incomplete);
  });

  it('a 5xx burst is retried and recovered: complete, exit 0', async () => {
    const url = await through([{ match: gaad, fault: awsXmlError('ServiceUnavailable', 503), times: 1 }]);
    const run = await faultScan({ url, providers: AWS });
    expect(coverageOf(run, 'aws:default').status).toBe('complete');
    expect(proxy?.hits[0]).toBe(1);
    expect(run.exitCode).toBe(EXIT.ok);
  });

  it('a persistent 5xx → an unavailable gap, exit 3', async () => {
    const url = await through([{ match: gaad, fault: awsXmlError('ServiceUnavailable', 503) }]);
    const run = await faultScan({ url, providers: AWS });
    expect(openGaps(coverageOf(run, 'aws:default'))).toContain(
      'unavailable iam:GetAccountAuthorizationDetails',
    );
    expect(run.exitCode).toBe(EXIT.incomplete);
  });

  it('throttling with Retry-After is retried: complete; persistent throttling is bounded → a throttled gap', async () => {
    const once = await through([
      { match: gaad, fault: awsXmlError('Throttling', 400, { 'retry-after': '1' }), times: 1 },
    ]);
    const recovered = await faultScan({ url: once, providers: AWS });
    expect(coverageOf(recovered, 'aws:default').status).toBe('complete');
    expect(recovered.exitCode).toBe(EXIT.ok);
    await proxy?.close();
    const always = await through([
      { match: gaad, fault: awsXmlError('Throttling', 400, { 'retry-after': '1' }) },
    ]);
    const run = await faultScan({ url: always, providers: AWS });
    expect(openGaps(coverageOf(run, 'aws:default'))).toContain(
      'throttled iam:GetAccountAuthorizationDetails',
    );
    expect(proxy?.hits[0]).toBe(2); // AWS_MAX_ATTEMPTS bounds it
    expect(run.exitCode).toBe(EXIT.incomplete);
  });
});

describe('GitHub', () => {
  const GITHUB = { github: { rateLimitRetries: 1, rateLimitMaxWaitSeconds: 2 } };
  const repos = (r: { url: string }): boolean => r.url.startsWith('/github/orgs/acme/repos');
  const reposCall = 'GET /orgs/{org}/repos';
  let baseline: string[] = [];

  beforeAll(async () => {
    const run = await faultScan({ url: demo.url, providers: GITHUB });
    baseline = openGaps(coverageOf(run, 'github:acme'));
  });

  it("healthy: the demo's own denials only (the baseline)", () => {
    expect(baseline.length).toBeGreaterThan(0);
    expect(baseline.some((g) => g.endsWith(reposCall))).toBe(false);
  });

  it('a hang: the request times out → a timeout gap, exit 3', async () => {
    const url = await through([{ match: repos, fault: { type: 'hang' } }]);
    const run = await faultScan({ url, providers: GITHUB, timeouts: { requestSeconds: 1 } });
    expect(openGaps(coverageOf(run, 'github:acme'))).toContain(`timeout ${reposCall}`);
    expect(run.exitCode).toBe(EXIT.incomplete);
  });

  it('a reset on the second page → a gap on that listing, not a shorter list', async () => {
    const url = await through([
      { match: (r) => repos(r) && r.url.includes('page=2'), fault: { type: 'reset' } },
    ]);
    const run = await faultScan({ url, providers: GITHUB });
    expect(openGaps(coverageOf(run, 'github:acme'))).toContain(`unavailable ${reposCall}`);
    expect(run.exitCode).toBe(EXIT.incomplete);
  });

  it('a 5xx burst is retried and recovered; a persistent one is a gap', async () => {
    const once = await through([{ match: repos, fault: githubError(502), times: 1 }]);
    const recovered = await faultScan({ url: once, providers: GITHUB });
    expect(openGaps(coverageOf(recovered, 'github:acme'))).toEqual(baseline);
    await proxy?.close();
    const always = await through([{ match: repos, fault: githubError(502) }]);
    const run = await faultScan({ url: always, providers: GITHUB });
    expect(openGaps(coverageOf(run, 'github:acme'))).toContain(`unavailable ${reposCall}`);
    expect(proxy?.hits[0]).toBe(3); // the request and its two retries
    expect(run.exitCode).toBe(EXIT.incomplete);
  });

  it('throttling with Retry-After is waited for and bounded', async () => {
    const once = await through([
      { match: repos, fault: githubError(429, { 'retry-after': '1' }, SECONDARY), times: 1 },
    ]);
    const recovered = await faultScan({ url: once, providers: GITHUB });
    expect(openGaps(coverageOf(recovered, 'github:acme'))).toEqual(baseline);
    expect(coverageOf(recovered, 'github:acme').notes.join('\n')).toMatch(/secondary rate limited 1 time/);
    await proxy?.close();
    const always = await through([
      { match: repos, fault: githubError(429, { 'retry-after': '1' }, SECONDARY) },
    ]);
    const run = await faultScan({ url: always, providers: GITHUB });
    expect(openGaps(coverageOf(run, 'github:acme'))).toContain(`throttled ${reposCall}`);
    expect(proxy?.hits[0]).toBe(2); // rateLimitRetries: 1
    expect(run.exitCode).toBe(EXIT.incomplete);
  });
});

describe('Google Cloud', () => {
  const GCP = { gcp: { organizations: [], projects: ['acme-prod'] } };
  const TARGET = 'gcp:project/acme-prod';
  const accounts = (r: { url: string }): boolean =>
    r.url.startsWith('/gcp/iam/v1/projects/acme-prod/serviceAccounts?') ||
    r.url === '/gcp/iam/v1/projects/acme-prod/serviceAccounts';

  it('healthy: complete, exit 0 (the baseline)', async () => {
    const run = await faultScan({ url: await through([]), providers: GCP });
    expect(coverageOf(run, TARGET).status).toBe('complete');
    expect(run.exitCode).toBe(EXIT.ok);
  });

  it('a hang: the request times out → a timeout gap, exit 3', async () => {
    const url = await through([{ match: accounts, fault: { type: 'hang' } }]);
    const run = await faultScan({ url, providers: GCP, timeouts: { requestSeconds: 1 } });
    expect(openGaps(coverageOf(run, TARGET))).toContain('timeout iam.projects.serviceAccounts.list');
    expect(run.exitCode).toBe(EXIT.incomplete);
  });

  it('a reset on the second page → a gap, not a shorter list', async () => {
    const url = await through([
      {
        // One account per page, so there is a second page to lose.
        match: (r) => accounts(r) && r.url.includes('pageToken='),
        rewrite: (u) => u.replace(/pageSize=\d+/, 'pageSize=1'),
        fault: { type: 'reset' },
      },
      {
        match: accounts,
        rewrite: (u) => u.replace(/pageSize=\d+/, 'pageSize=1'),
        fault: { type: 'hang' },
        times: 0,
      },
    ]);
    const run = await faultScan({ url, providers: GCP });
    expect(openGaps(coverageOf(run, TARGET)).some((g) => g.startsWith('unavailable '))).toBe(true);
    expect(proxy?.hits[0]).toBeGreaterThan(0);
    expect(run.exitCode).toBe(EXIT.incomplete);
  });

  it('a 5xx burst is retried and recovered; a persistent one is a gap', async () => {
    const once = await through([{ match: accounts, fault: googleError(503, 'UNAVAILABLE'), times: 1 }]);
    const recovered = await faultScan({ url: once, providers: GCP });
    expect(coverageOf(recovered, TARGET).status).toBe('complete');
    expect(recovered.exitCode).toBe(EXIT.ok);
    await proxy?.close();
    const always = await through([{ match: accounts, fault: googleError(503, 'UNAVAILABLE') }]);
    const run = await faultScan({ url: always, providers: GCP });
    expect(openGaps(coverageOf(run, TARGET)).some((g) => g.startsWith('unavailable '))).toBe(true);
    expect(run.exitCode).toBe(EXIT.incomplete);
  });

  it('throttling (429, Retry-After) is retried and bounded', async () => {
    const once = await through([
      { match: accounts, fault: googleError(429, 'RESOURCE_EXHAUSTED', { 'retry-after': '1' }), times: 1 },
    ]);
    const recovered = await faultScan({ url: once, providers: GCP });
    expect(coverageOf(recovered, TARGET).status).toBe('complete');
    await proxy?.close();
    const always = await through([
      { match: accounts, fault: googleError(429, 'RESOURCE_EXHAUSTED', { 'retry-after': '1' }) },
    ]);
    const run = await faultScan({ url: always, providers: GCP });
    expect(openGaps(coverageOf(run, TARGET)).some((g) => g.startsWith('throttled '))).toBe(true);
    expect(proxy?.hits[0]).toBe(5); // the call and gaxios's four retries
    expect(run.exitCode).toBe(EXIT.incomplete);
  });
});

describe('one provider hangs, the others keep their results', () => {
  it('AWS hangs: its targets time out, GitHub and Google Cloud are scanned, the result is written, exit 3', async () => {
    const url = await through([{ match: (r) => r.url.startsWith('/aws'), fault: { type: 'hang' } }]);
    const run = await faultScan({
      url,
      providers: { aws: {}, github: {}, gcp: {} },
      timeouts: { requestSeconds: 1 },
    });
    for (const t of ['aws:default', 'aws:assume/222222222222']) {
      expect(coverageOf(run, t).status).not.toBe('complete');
      expect(openGaps(coverageOf(run, t)).some((g) => g.startsWith('timeout '))).toBe(true);
    }
    expect(coverageOf(run, 'gcp:project/acme-prod').status).toBe('complete');
    expect(coverageOf(run, 'github:acme').status).toBe('partial'); // the demo's own denials
    expect(run.result.identities.some((i) => i.provider === 'github')).toBe(true);
    expect(run.result.identities.some((i) => i.provider === 'gcp')).toBe(true);
    expect(run.files).toHaveLength(1);
    expect(run.exitCode).toBe(EXIT.incomplete);
  });
});
