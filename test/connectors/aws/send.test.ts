// connectors/aws/send.ts: a command sent through the target's sender behaves as
// `client.send(command, { abortSignal })` (same output, same abort), its chain resolved once.
import { IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sender } from '../../../connectors/aws/send.js';
import { IAM, fixture, reply, useTestEnvironment } from './harness.js';

beforeEach(() => {
  useTestEnvironment();
});
afterEach(() => {
  vi.unstubAllEnvs();
  nock.cleanAll();
});

const client = (): IAMClient => new IAMClient({ region: 'us-east-1', maxAttempts: 1 });

describe('the AWS sender', () => {
  it("gives client.send's output, resolving the command's chain once for many sends", async () => {
    reply({
      action: 'ListAccessKeys',
      fixture: 'list-access-keys-deploy-bot.xml',
      params: { UserName: 'deploy-bot' },
      times: 4,
    });
    const iam = client();
    const resolved = vi.spyOn(ListAccessKeysCommand.prototype, 'resolveMiddleware');
    try {
      const expected = await iam.send(new ListAccessKeysCommand({ UserName: 'deploy-bot' }));
      resolved.mockClear();
      const send = sender(iam, new AbortController().signal);
      const outputs = await Promise.all(
        [1, 2, 3].map(() => send(new ListAccessKeysCommand({ UserName: 'deploy-bot' }))),
      );
      for (const out of outputs) {
        expect({ ...(out as object), $metadata: undefined }).toEqual({ ...expected, $metadata: undefined });
      }
      expect(resolved).toHaveBeenCalledTimes(1);
    } finally {
      resolved.mockRestore();
      iam.destroy();
    }
  });

  it('aborts an in-flight call when the signal aborts, as the per-call abortSignal did', async () => {
    nock(IAM).post('/').delay(5_000).reply(200, fixture('list-access-keys-deploy-bot.xml'), {
      'content-type': 'text/xml',
    });
    const iam = client();
    const controller = new AbortController();
    const send = sender(iam, controller.signal);
    try {
      const call = send(new ListAccessKeysCommand({ UserName: 'deploy-bot' }));
      setTimeout(() => {
        controller.abort(new Error('deadline'));
      }, 50);
      const started = performance.now();
      await expect(call).rejects.toMatchObject({ name: 'AbortError' });
      expect(performance.now() - started).toBeLessThan(4_000);
    } finally {
      iam.destroy();
    }
  });
});
