// github-webhook-exposure: a webhook sends repository and organisation events (code, secrets
// names, people) to another system. Without a secret the receiver cannot tell GitHub's calls from
// forged ones; without TLS verification (or over plain http) anyone on the path reads them.
// GITHUB-SPECIFIC: reads the webhooks the GitHub connector records.
import { z } from 'zod';
import type { FindingDraft, Policy } from '../src/policy.js';
import { githubLabel, webhookAttributes } from './lib/github.js';

const Options = z.strictObject({
  includeInactive: z.boolean().default(false).describe('Also judge webhooks that are switched off.'),
});
type Options = z.infer<typeof Options>;

export const githubWebhookExposure: Policy<Options> = {
  id: 'github-webhook-exposure',
  title: 'Webhook without a secret or TLS verification',
  rationale:
    'A webhook secret lets the receiver prove a delivery came from GitHub; TLS verification keeps the payload from being read or changed on the way. Without them, deliveries can be forged or intercepted.',
  severity: 'medium',
  options: Options,
  controls: {
    soc2: ['CC6.6'],
    soc1: ['ITGC-LA-5'],
    owaspNhi: ['NHI4'],
    cisGithub: ['1.4.4'],
    nistCsf: ['PR.AA-03', 'PR.DS-02'],
    cisControls: ['3.10'],
  },
  evaluate(identity, options) {
    const attrs = webhookAttributes(identity);
    if (!attrs || (attrs.active === false && !options.includeInactive)) return [];
    const who = githubLabel(identity);
    const evidence = {
      scope: attrs.scope,
      ...(attrs.repository ? { repository: attrs.repository } : {}),
      urlScheme: attrs.urlScheme ?? null,
      urlHost: attrs.urlHost ?? null,
      secretConfigured: attrs.secretConfigured,
      insecureSsl: attrs.insecureSsl,
      events: attrs.events,
      active: attrs.active ?? null,
    };
    const drafts: FindingDraft[] = [];
    if (!attrs.secretConfigured) {
      drafts.push({
        key: 'no-secret',
        title: 'Webhook has no secret',
        message: `${who} delivers ${attrs.events.join(', ') || 'events'} without a secret: the receiver cannot verify the sender.`,
        evidence,
        remediation: 'Set a webhook secret and verify the X-Hub-Signature-256 header in the receiver.',
      });
    }
    // Data in transit: CC6.7 on top of the boundary control.
    if (attrs.urlScheme === 'http') {
      drafts.push({
        key: 'plain-http',
        severity: 'high',
        title: 'Webhook delivers over plain HTTP',
        message: `${who} sends its payloads unencrypted to ${attrs.urlHost ?? 'its receiver'}.`,
        evidence,
        extraControls: { soc2: ['CC6.7'] },
        remediation: 'Serve the receiver over HTTPS and change the webhook URL to https://.',
      });
    } else if (attrs.insecureSsl) {
      drafts.push({
        key: 'ssl-verification-off',
        severity: 'high',
        title: 'Webhook SSL verification is off',
        message: `${who} delivers without verifying ${attrs.urlHost ?? 'the receiver'}'s certificate.`,
        evidence,
        extraControls: { soc2: ['CC6.7'] },
        remediation:
          'Give the receiver a valid certificate and turn SSL verification back on (insecure_ssl "0").',
      });
    }
    return drafts;
  },
};
