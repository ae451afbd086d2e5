// The fake cloud's own process (`fork`ed by bench/scale.ts): its CPU and memory are not the
// scanner's. It serves the estate named in NHISCAN_BENCH_FAKE on a loopback port through the demo
// server (src/demo/server.ts), adds the per-call latency, and answers the parent over IPC:
// { type: 'stats' } → the calls it answered since the last { type: 'reset' }.
import { startDemoServer, type DemoRoute } from '../../src/demo/server.js';
import { awsRoute } from './aws.js';
import { gcpBenchRoute } from './gcp.js';
import { githubRoute } from './github.js';
import { type FakeSpec, type FakeStats, statsOf } from './spec.js';

const spec = JSON.parse(process.env.NHISCAN_BENCH_FAKE ?? '{}') as FakeSpec;

// Deterministic jitter (mulberry32): the same run gives the same delays.
let seed = 0x9e3779b9;
const random = (): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const delayed = (route: DemoRoute): DemoRoute => ({
  async handle(req) {
    const ms = Math.max(0, spec.latencyMs + spec.jitterMs * (random() * 2 - 1));
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    return route.handle(req);
  },
});

const routes: Record<string, DemoRoute> = {};
if (spec.aws) routes.aws = delayed(awsRoute(spec.aws));
if (spec.github) routes.github = delayed(githubRoute(spec.github));
if (spec.gcp) routes.gcp = delayed(gcpBenchRoute(spec.gcp));
const server = await startDemoServer(routes);

process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') {
    const stats: FakeStats = statsOf(server.requests);
    process.send?.({ type: 'stats', stats });
  } else if (message.type === 'reset') {
    server.requests.length = 0;
    process.send?.({ type: 'reset' });
  } else if (message.type === 'close') {
    void server.close().then(() => process.exit(0));
  }
});
// The parent gone: nothing left to serve.
process.on('disconnect', () => {
  void server.close().then(() => process.exit(0));
});
process.send?.({ type: 'ready', url: server.url });
