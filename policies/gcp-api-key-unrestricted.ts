// gcp-api-key-unrestricted: an API key is a bearer secret shipped in apps and web pages. Without
// an application restriction anyone who copies it can use it from anywhere; without API
// restrictions it works on every API enabled in the project, billed to you.
// GCP-SPECIFIC: reads the restrictions the Google Cloud connector records on each API key.
import { z } from 'zod';
import { type FindingDraft, type Policy, judged, notApplicable, unknown } from '../src/policy.js';
import { REFERENCES, identityLabel } from './lib/common.js';
import { allowAllEntries, apiKeyAttributes } from './lib/gcp.js';

const Options = z.strictObject({
  requireApplicationRestriction: z
    .boolean()
    .default(true)
    .describe('Fire when a key has no HTTP referrer, IP, Android or iOS restriction.'),
  requireApiRestriction: z.boolean().default(true).describe('Fire when a key may call every enabled API.'),
});
type Options = z.infer<typeof Options>;

export const gcpApiKeyUnrestricted: Policy<Options> = {
  id: 'gcp-api-key-unrestricted',
  title: 'API key without restrictions',
  description:
    'Fires on an active Google Cloud API key with no application restriction (HTTP referrer, IP, Android or iOS app; a "*" referrer or 0.0.0.0/0 counts as none), no API restriction, or neither. API keys end up in app bundles, web pages and repositories; restrictions to named apps and APIs are what stop a copied key from being used by anyone, on anything.',
  appliesTo: { providers: ['gcp'], kinds: ['gcp.api_key'] },
  severity: 'high',
  options: Options,
  controls: {
    soc2: ['CC6.6'],
    soc1: ['ITGC-LA-5'],
    owaspNhi: ['NHI4', 'NHI6'],
    cisGcp: ['1.13', '1.14'],
    nistCsf: ['PR.AA-05', 'PR.PS-01'],
    cisControls: ['3.3'],
  },
  remediation: {
    default:
      'Restrict the key to the referrers, IP addresses or apps that use it and to the APIs they call (gcloud services api-keys update --allowed-referrers / --allowed-ips / --api-target), or delete it.',
  },
  references: [
    'https://cloud.google.com/docs/authentication/api-keys-best-practices',
    'https://cloud.google.com/docs/authentication/api-keys#api_key_restrictions',
    REFERENCES.owaspNhi,
    REFERENCES.cisGcp,
  ],
  findings: [
    {
      key: 'unrestricted',
      title: 'API key has no restrictions',
      evidence: [
        'applicationRestriction',
        'allowsEveryCaller',
        'apiTargets',
        'restrictions',
        'serviceAccountEmail',
      ],
    },
    {
      key: 'no-application-restriction',
      title: 'API key usable from any application',
      evidence: [
        'applicationRestriction',
        'allowsEveryCaller',
        'apiTargets',
        'restrictions',
        'serviceAccountEmail',
      ],
    },
    {
      key: 'no-api-restriction',
      title: 'API key usable on every API',
      evidence: [
        'applicationRestriction',
        'allowsEveryCaller',
        'apiTargets',
        'restrictions',
        'serviceAccountEmail',
      ],
    },
  ],
  evaluate(identity, options) {
    const attrs = apiKeyAttributes(identity);
    if (!attrs) return [unknown('the API key facts recorded by the connector could not be read')];
    const key = identity.credentials.find((c) => c.type === 'api_key');
    if (key && key.status !== 'active') return [notApplicable(`the key is ${key.status}`)];
    if (!options.requireApplicationRestriction && !options.requireApiRestriction)
      return [
        notApplicable('both checks are switched off (requireApplicationRestriction, requireApiRestriction)'),
      ];
    // A referrer "*" or an address range 0.0.0.0/0 is a restriction in name only.
    const allowAll = allowAllEntries(attrs.restrictions);
    const noApp = attrs.applicationRestriction === 'none' || allowAll.length > 0;
    const noApi = attrs.apiTargets.length === 0;
    const evidence = {
      applicationRestriction: attrs.applicationRestriction,
      ...(allowAll.length > 0 ? { allowsEveryCaller: allowAll } : {}),
      apiTargets: attrs.apiTargets,
      restrictions: attrs.restrictions,
      ...(attrs.serviceAccountEmail ? { serviceAccountEmail: attrs.serviceAccountEmail } : {}),
    };
    const who = identityLabel(identity);
    const drafts: FindingDraft[] = [];
    if (noApp && noApi && options.requireApplicationRestriction && options.requireApiRestriction) {
      drafts.push({
        key: 'unrestricted',
        credentialUid: key?.uid,
        title: 'API key has no restrictions',
        message: `${who} can be used from any application to call any API enabled in project ${identity.location.scope}.`,
        evidence,
        remediation: 'Restrict the key to the referrers, IPs or apps that use it and to the APIs they call.',
      });
    } else if (noApp && options.requireApplicationRestriction) {
      drafts.push({
        key: 'no-application-restriction',
        credentialUid: key?.uid,
        severity: 'medium',
        title: 'API key usable from any application',
        message: `${who} is limited to ${attrs.apiTargets.join(', ')} but can be used from anywhere.`,
        evidence,
        remediation:
          'Add an HTTP referrer, IP address, Android or iOS restriction naming where the key is used.',
      });
    } else if (noApi && options.requireApiRestriction) {
      drafts.push({
        key: 'no-api-restriction',
        credentialUid: key?.uid,
        severity: 'medium',
        title: 'API key usable on every API',
        message: `${who} has a ${attrs.applicationRestriction} restriction but may call any API enabled in project ${identity.location.scope}.`,
        evidence,
        remediation: 'Add API restrictions listing only the APIs the application calls.',
      });
    }
    return [judged(drafts)];
  },
};
