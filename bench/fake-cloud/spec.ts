// What the benchmark asks its fake cloud for, and what the fake tells back (over IPC).
import type { RequestRecord } from '../../src/demo/server.js';
import type { AwsEstateSpec } from './aws.js';
import type { GcpEstateSpec } from './gcp.js';
import type { GithubEstateSpec } from './github.js';

export interface FakeSpec {
  /** Added to every answer, ± `jitterMs` (uniform, deterministic). */
  latencyMs: number;
  jitterMs: number;
  aws?: AwsEstateSpec;
  github?: GithubEstateSpec;
  gcp?: GcpEstateSpec;
}

export interface RouteStats {
  /** Every request answered, throttled and refused ones included. */
  calls: number;
  /** By operation ("iam:ListAccessKeys", "GET /orgs/{org}/repos"). */
  byOperation: Record<string, number>;
  byStatus: Record<string, number>;
  /** Answers that were throttling / rate-limit refusals. */
  throttled: number;
  /** Those refusals by operation (each one a retry the client made, or a call it gave up). */
  throttledByOperation: Record<string, number>;
}

export type FakeStats = Record<string, RouteStats>;

/** Summaries read "<scope> <operation> …" (bench/fake-cloud routes write them so). */
export const statsOf = (requests: readonly RequestRecord[]): FakeStats => {
  const out: FakeStats = {};
  for (const r of requests) {
    const s = (out[r.route] ??= {
      calls: 0,
      byOperation: {},
      byStatus: {},
      throttled: 0,
      throttledByOperation: {},
    });
    s.calls += 1;
    const op = r.summary?.split(' ')[1] ?? `${r.method} ${r.path}`;
    s.byOperation[op] = (s.byOperation[op] ?? 0) + 1;
    s.byStatus[String(r.status)] = (s.byStatus[String(r.status)] ?? 0) + 1;
    if (/→ (Throttling|TooManyRequests|rate limit)/.test(r.summary ?? '')) {
      s.throttled += 1;
      s.throttledByOperation[op] = (s.throttledByOperation[op] ?? 0) + 1;
    }
  }
  return out;
};
