import { githubWebhookExposure } from '../../policies/github-webhook-exposure.js';
import { webhook } from './github-identities.js';
import { runCases } from './run-cases.js';

const SECRET = { url: 'https://hooks.example.com/github', secret: '********', insecure_ssl: '0' };

runCases(githubWebhookExposure, {
  valid: [
    { name: 'secret and verified TLS', identity: webhook(SECRET) },
    {
      name: 'inactive hook without a secret',
      identity: webhook({ url: 'https://x.example.com' }, { active: false }),
    },
    { name: 'insecure_ssl as the number 0', identity: webhook({ ...SECRET, insecure_ssl: 0 }) },
  ],
  invalid: [
    {
      name: 'no secret (org hook)',
      identity: webhook({ url: 'https://hooks.example.com/github' }),
      expect: [
        {
          key: 'no-secret',
          evidence: { scope: 'organization', secretConfigured: false, urlHost: 'hooks.example.com' },
        },
      ],
    },
    {
      name: 'SSL verification off (repo hook)',
      identity: webhook({ ...SECRET, insecure_ssl: '1' }, {}, 'api'),
      expect: [
        { key: 'ssl-verification-off', severity: 'high', evidence: { repository: 'api', insecureSsl: true } },
      ],
    },
    {
      name: 'plain http and no secret',
      identity: webhook({ url: 'http://ci.example.com/hook?token=abc' }),
      expect: [
        { key: 'no-secret', evidence: { urlScheme: 'http' } },
        { key: 'plain-http', severity: 'high', evidence: { urlScheme: 'http', urlHost: 'ci.example.com' } },
      ],
    },
    {
      name: 'inactive hooks judged when asked',
      identity: webhook({ url: 'https://x.example.com' }, { active: false }),
      options: { includeInactive: true },
      expect: [{ key: 'no-secret', evidence: { active: false } }],
    },
  ],
});
