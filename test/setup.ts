// The HTTP-mock harness for every suite: no real network (loopback stays open for moto_server and
// the demo server), and a mock left unused fails the test that set it up.
import nock from 'nock';
import { afterAll, afterEach, beforeAll } from 'vitest';

// As the CLI does (src/cli.ts): the SDK's Node.js 22 notice is not for test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  if (pending.length > 0) {
    throw new Error(
      `unused HTTP mocks (the code under test never made these calls):\n  ${pending.join('\n  ')}`,
    );
  }
});

afterAll(() => {
  nock.enableNetConnect();
});
