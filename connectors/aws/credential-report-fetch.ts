// Getting the credential report: GenerateCredentialReport, polled with exponential backoff until
// COMPLETE (or until credentialReport.maxWaitSeconds), then GetCredentialReport. A report younger
// than four hours is reused by AWS, so the first call is often already COMPLETE.
import {
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { CollectContext } from '../../src/connector.js';
import { errorName } from '../../src/errors.js';
import type { Gap } from '../../src/model.js';
import { type CredentialReport, parseCredentialReport } from './credential-report.js';
import { awsGap } from './errors.js';
import { GenerateCredentialReportOutput, GetCredentialReportOutput } from './schema.js';

export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

export const FIRST_POLL_MS = 1000;
export const MAX_POLL_MS = 8000;

/** GetCredentialReport's "not ready yet" errors (ReportInProgress; ReportNotPresent/Expired right after a generate). */
const NOT_READY = new Set([
  'CredentialReportNotReadyException',
  'ReportInProgress',
  'CredentialReportNotPresentException',
  'ReportNotPresent',
  'CredentialReportExpiredException',
  'ReportExpired',
]);

export type ReportOutcome =
  | { ok: true; report: CredentialReport; generatedAt: string | undefined }
  | { ok: false; gap: Omit<Gap, 'recovered'> };

export const fetchCredentialReport = async (
  iam: IAMClient,
  ctx: CollectContext,
  opts: { maxWaitSeconds: number; sleep: Sleep },
): Promise<ReportOutcome> => {
  const maxWaitMs = opts.maxWaitSeconds * 1000;
  let waited = 0;
  let delay = FIRST_POLL_MS;
  let lastState: string | undefined;
  for (;;) {
    let state: string | undefined;
    try {
      const out = await iam.send(new GenerateCredentialReportCommand({}), { abortSignal: ctx.signal });
      state = GenerateCredentialReportOutput.parse(out).State;
    } catch (err) {
      return { ok: false, gap: awsGap('iam:GenerateCredentialReport', err) };
    }
    lastState = state;
    if (state === 'COMPLETE') {
      try {
        const out = GetCredentialReportOutput.parse(
          await iam.send(new GetCredentialReportCommand({}), { abortSignal: ctx.signal }),
        );
        return { ok: true, report: parseCredentialReport(out.Content), generatedAt: out.GeneratedTime };
      } catch (err) {
        if (!NOT_READY.has(errorName(err))) {
          const gap = awsGap('iam:GetCredentialReport', err);
          return { ok: false, gap: gap.code === 'unknown' ? { ...gap, code: 'invalid_response' } : gap };
        }
        lastState = errorName(err);
      }
    }
    if (waited >= maxWaitMs) {
      return {
        ok: false,
        gap: {
          code: 'timeout',
          call: 'iam:GenerateCredentialReport',
          message: `credential report not ready after ${Math.round(waited / 1000)}s (last state ${lastState ?? 'unknown'}; providers.aws.credentialReport.maxWaitSeconds = ${opts.maxWaitSeconds})`,
        },
      };
    }
    const wait = Math.min(delay, maxWaitMs - waited);
    await opts.sleep(wait, ctx.signal);
    waited += wait;
    delay = Math.min(delay * 2, MAX_POLL_MS);
  }
};
