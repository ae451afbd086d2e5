import { gcpApiKeyUnrestricted } from '../../policies/gcp-api-key-unrestricted.js';
import { gcpApiKey } from './gcp-identities.js';
import { credential } from './identity-builder.js';
import { runCases } from './run-cases.js';

const browser = { browserKeyRestrictions: { allowedReferrers: ['https://shop.example.com/*'] } };

runCases(gcpApiKeyUnrestricted, {
  valid: [
    {
      name: 'application and API restrictions',
      identity: gcpApiKey('maps', {
        applicationRestriction: 'browser',
        apiTargets: ['maps-backend.googleapis.com'],
        restrictions: browser,
      }),
    },
    {
      name: 'no restrictions, but the key is deleted',
      identity: gcpApiKey(
        'gone',
        {},
        { credentials: [credential('gone', { type: 'api_key', status: 'revoked' })] },
      ),
    },
    {
      name: 'referrer wildcards inside a site are a real restriction',
      identity: gcpApiKey('maps-sub', {
        applicationRestriction: 'browser',
        apiTargets: ['maps-backend.googleapis.com'],
        restrictions: {
          browserKeyRestrictions: { allowedReferrers: ['*.example.com/*', 'https://*.shop.example.com/*'] },
        },
      }),
    },
    {
      name: 'API restrictions only, when application restrictions are not required',
      identity: gcpApiKey('server', { apiTargets: ['translate.googleapis.com'] }),
      options: { requireApplicationRestriction: false },
    },
  ],
  invalid: [
    {
      name: 'no restriction at all',
      identity: gcpApiKey('open', {}),
      expect: [
        {
          key: 'unrestricted',
          credentialUid: 'open',
          evidence: { applicationRestriction: 'none', apiTargets: [] },
        },
      ],
    },
    {
      name: 'API restrictions but usable from anywhere',
      identity: gcpApiKey('translate', { apiTargets: ['translate.googleapis.com'] }),
      expect: [{ key: 'no-application-restriction', credentialUid: 'translate', severity: 'medium' }],
    },
    {
      name: 'a referrer restriction but every API',
      identity: gcpApiKey('web', { applicationRestriction: 'browser', restrictions: browser }),
      expect: [
        {
          key: 'no-api-restriction',
          credentialUid: 'web',
          severity: 'medium',
          evidence: { applicationRestriction: 'browser' },
        },
      ],
    },
    {
      name: 'an IP restriction of 0.0.0.0/0 restricts nothing',
      identity: gcpApiKey('vertex', {
        applicationRestriction: 'server',
        apiTargets: ['aiplatform.googleapis.com'],
        restrictions: {
          serverKeyRestrictions: { allowedIps: ['10.0.0.0/8', '0.0.0.0/0'] },
          apiTargets: [{ service: 'aiplatform.googleapis.com' }],
        },
      }),
      expect: [
        {
          key: 'no-application-restriction',
          credentialUid: 'vertex',
          severity: 'medium',
          evidence: { applicationRestriction: 'server', allowsEveryCaller: ['0.0.0.0/0'] },
        },
      ],
    },
    {
      name: 'a referrer "*" and no API restriction: unrestricted',
      identity: gcpApiKey('star', {
        applicationRestriction: 'browser',
        restrictions: { browserKeyRestrictions: { allowedReferrers: ['*'] } },
      }),
      expect: [{ key: 'unrestricted', credentialUid: 'star', evidence: { allowsEveryCaller: ['*'] } }],
    },
    {
      name: 'unrestricted and bound to a service account',
      identity: gcpApiKey('bound', { serviceAccountEmail: 'vertex@acme-prod.iam.gserviceaccount.com' }),
      expect: [
        {
          key: 'unrestricted',
          credentialUid: 'bound',
          evidence: { serviceAccountEmail: 'vertex@acme-prod.iam.gserviceaccount.com' },
        },
      ],
    },
  ],
});
