import { githubTokenExpiry } from '../../policies/github-token-expiry.js';
import { credentialAuthorization, patGrant } from './github-identities.js';
import { awsUser, daysAgo } from './identity-builder.js';
import { runCases } from './run-cases.js';

runCases(githubTokenExpiry, {
  valid: [
    { name: 'expires within 90 days', identity: patGrant() },
    { name: 'expired token (not active)', identity: patGrant({ token_expires_at: daysAgo(5) }) },
    {
      name: 'SSH key authorisation (no expiry field)',
      identity: credentialAuthorization({
        credential_type: 'SSH key',
        authorized_credential_expires_at: undefined,
      }),
    },
    {
      name: 'longer limit configured',
      identity: patGrant({ token_expires_at: daysAgo(-200) }),
      options: { maxLifetimeDays: 365 },
    },
    {
      name: 'kind not judged',
      identity: patGrant({ token_expires_at: null }),
      options: { kinds: ['github.credential_authorization'] },
    },
    { name: 'an AWS user', identity: awsUser('someone') },
  ],
  invalid: [
    {
      name: 'read-only PAT that never expires: medium',
      identity: patGrant({ token_expires_at: null }),
      expect: [
        {
          key: 'never-expires',
          credentialUid: 'token:70',
          evidence: { expiresAt: null, privilegeLevel: 'read' },
        },
      ],
    },
    {
      name: 'writing PAT that never expires: high',
      identity: patGrant({ token_expires_at: null, permissions: { repository: { contents: 'write' } } }),
      expect: [
        {
          key: 'never-expires',
          credentialUid: 'token:70',
          severity: 'high',
          evidence: { privilegeLevel: 'write' },
        },
      ],
    },
    {
      name: 'expiry a year out',
      identity: patGrant({ token_expires_at: daysAgo(-365) }),
      expect: [
        {
          key: 'long-expiry',
          credentialUid: 'token:70',
          evidence: { daysToExpiry: 365, maxLifetimeDays: 90 },
        },
      ],
    },
    {
      name: 'OAuth app token authorised for SSO (the app, not its user, picks expiry)',
      identity: credentialAuthorization({
        credential_type: 'OAuth app token',
        authorized_credential_expires_at: null,
        scopes: ['read:org'],
      }),
      expect: [
        {
          key: 'never-expires',
          credentialUid: 'token:90',
          evidence: { expiresAt: null, credentialType: 'OAuth app token' },
        },
      ],
    },
    {
      // An org owner's: a member's admin:org cannot administer the org (effective reach: write).
      name: 'classic PAT authorised for SSO that never expires, admin:org of an org owner',
      identity: credentialAuthorization({
        login: 'octocat',
        authorized_credential_expires_at: null,
        scopes: ['admin:org'],
      }),
      expect: [
        {
          key: 'never-expires',
          credentialUid: 'token:90',
          severity: 'high',
          evidence: { privilegeLevel: 'admin' },
        },
      ],
    },
  ],
});
