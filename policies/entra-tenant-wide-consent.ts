// entra-tenant-wide-consent: an admin consent "on behalf of your organisation" (consentType
// AllPrincipals) lets the app act as any user who signs in to it, with every scope consented.
// For mail, files or directory write scopes that is every mailbox and drive in reach of one app,
// usually a vendor's.
// ENTRA-SPECIFIC: oauth2PermissionGrants of service principals.
import { z } from 'zod';
import { entraAttributes } from '../connectors/entra/attributes.js';
import { HIGH_RISK_DELEGATED_SCOPES } from '../connectors/entra/privilege.js';
import { type FindingDraft, type Policy, judged, notApplicable, unknown } from '../src/policy.js';
import { identityLabel, includeProviderManagedOption, skipIdentity, REFERENCES } from './lib/common.js';

const Options = z.strictObject({
  extraScopes: z
    .array(z.string().min(1))
    .default([])
    .describe('Delegated scopes to treat as high-risk besides the built-in list.'),
  allowedScopes: z.array(z.string().min(1)).default([]).describe('Scopes never flagged.'),
  includeProviderManaged: includeProviderManagedOption,
});
type Options = z.infer<typeof Options>;

export const entraTenantWideConsent: Policy<Options> = {
  id: 'entra-tenant-wide-consent',
  title: 'Tenant-wide consent to high-risk delegated scopes',
  description:
    "Fires on an Entra app consented on behalf of the whole organisation (an oauth2PermissionGrant with consentType AllPrincipals) to a high-risk delegated scope (mail, files, directory writes). A tenant-wide delegated grant lets the app act as every user who signs in to it with the consented scopes: everyone's data in one app's hands, often a third party's. Unknown when the delegated permission grants were not read.",
  appliesTo: { providers: ['entra'] },
  severity: 'high',
  options: Options,
  controls: {
    soc2: ['CC6.3', 'CC6.6'],
    soc1: ['ITGC-LA-3'],
    owaspNhi: ['NHI3', 'NHI5'],
    nistCsf: ['PR.AA-05', 'GV.SC-07'],
    cisControls: ['6.8'],
  },
  remediation: {
    default:
      'Review whether the app needs these scopes for everyone; revoke the grant (or narrow its scopes), and require the admin consent workflow for new high-risk consents.',
  },
  references: [
    'https://learn.microsoft.com/en-us/graph/api/resources/oauth2permissiongrant',
    'https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/configure-user-consent',
    REFERENCES.owaspNhi,
  ],
  findings: [
    {
      key: 'grant:<grant id>',
      title: 'Tenant-wide consent to <scopes>',
      evidence: [
        'grantId',
        'consentType',
        'resource',
        'highRiskScopes',
        'allScopes',
        'thirdParty',
        'appOwnerOrganizationId',
        'publisher',
      ],
    },
  ],
  evaluate(identity, options) {
    const attrs = entraAttributes(identity);
    if (!attrs) return [unknown('the Entra attributes of this identity are missing or malformed')];
    if (skipIdentity(identity, options.includeProviderManaged))
      return [notApplicable('managed by Microsoft (a first-party app); includeProviderManaged is off')];
    if (!attrs.delegatedGrants) return [unknown('delegated permission grants not read')];
    const risky = new Set([...HIGH_RISK_DELEGATED_SCOPES, ...options.extraScopes]);
    const allowed = new Set(options.allowedScopes);
    const drafts = attrs.delegatedGrants
      .filter((g) => g.consentType === 'AllPrincipals')
      .flatMap((g): FindingDraft[] => {
        const scopes = g.scopes.filter((s) => risky.has(s) && !allowed.has(s));
        if (scopes.length === 0) return [];
        return [
          {
            key: `grant:${g.grantId}`,
            title: `Tenant-wide consent to ${scopes.join(', ')}`,
            message: `${identityLabel(identity)}${attrs.thirdParty ? ' (a third-party app)' : ''} was consented for all users to ${scopes.join(', ')} on ${g.resource}.`,
            evidence: {
              grantId: g.grantId,
              consentType: g.consentType,
              resource: g.resource,
              highRiskScopes: scopes,
              allScopes: g.scopes,
              thirdParty: attrs.thirdParty,
              ...(attrs.appOwnerOrganizationId
                ? { appOwnerOrganizationId: attrs.appOwnerOrganizationId }
                : {}),
              ...(attrs.publisher ? { publisher: attrs.publisher } : {}),
            },
            remediation:
              'Review whether the app needs these scopes for everyone; revoke the grant (or narrow its scopes), and require admin consent workflow for new high-risk consents.',
          },
        ];
      });
    return [judged(drafts)];
  },
};
