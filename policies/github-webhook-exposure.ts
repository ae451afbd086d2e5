// github-webhook-exposure: a webhook sends repository and organisation events (code, secrets
// names, people) to another system. Without a secret the receiver cannot tell GitHub's calls from
// forged ones; without TLS verification (or over plain http) anyone on the path reads them.
// GITHUB-SPECIFIC: reads the webhooks the GitHub connector records.
import { z } from 'zod';
import { type FindingDraft, type Policy, judged, notApplicable, unknown } from '../src/policy.js';
import { REFERENCES } from './lib/common.js';
import { githubLabel, webhookAttributes } from './lib/github.js';

const Options = z.strictObject({
  includeInactive: z.boolean().default(false).describe('Also judge webhooks that are switched off.'),
});
type Options = z.infer<typeof Options>;

export const githubWebhookExposure: Policy<Options> = {
  id: 'github-webhook-exposure',
  title: 'Webhook without a secret or TLS verification',
  description:
    'Fires on an active organisation or repository webhook without a secret, delivering over plain HTTP, or with SSL verification switched off. A webhook secret lets the receiver prove a delivery came from GitHub; TLS verification keeps the payload from being read or changed on the way. Without them, deliveries can be forged or intercepted. Unknown when the URL could not be read to tell its scheme.',
  appliesTo: { providers: ['github'], kinds: ['github.webhook'] },
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
  remediation: {
    default:
      'Set a webhook secret and verify the X-Hub-Signature-256 header in the receiver; serve the receiver over HTTPS with a valid certificate and keep SSL verification on (repository or org settings → Webhooks).',
  },
  references: [
    'https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries',
    'https://docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks',
    REFERENCES.owaspNhi,
    REFERENCES.cisControls,
  ],
  findings: [
    {
      key: 'no-secret',
      title: 'Webhook has no secret',
      evidence: [
        'scope',
        'repository',
        'urlScheme',
        'urlHost',
        'secretConfigured',
        'insecureSsl',
        'events',
        'active',
      ],
    },
    {
      key: 'plain-http',
      title: 'Webhook delivers over plain HTTP',
      extraControls: { soc2: ['CC6.7'] },
      evidence: [
        'scope',
        'repository',
        'urlScheme',
        'urlHost',
        'secretConfigured',
        'insecureSsl',
        'events',
        'active',
      ],
    },
    {
      key: 'ssl-verification-off',
      title: 'Webhook SSL verification is off',
      extraControls: { soc2: ['CC6.7'] },
      evidence: [
        'scope',
        'repository',
        'urlScheme',
        'urlHost',
        'secretConfigured',
        'insecureSsl',
        'events',
        'active',
      ],
    },
  ],
  evaluate(identity, options) {
    const attrs = webhookAttributes(identity);
    if (!attrs) return [unknown('the webhook facts recorded by the connector could not be read')];
    if (attrs.active === false && !options.includeInactive)
      return [notApplicable('the webhook is switched off (includeInactive is off)')];
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
    // Without the URL's scheme, plain HTTP can be neither ruled out nor reported.
    if (drafts.length === 0 && attrs.urlScheme === undefined)
      return [unknown('the webhook URL could not be read, so its scheme is not known')];
    return [judged(drafts)];
  },
};
