// entra-federated-credential, table-driven through the real evaluation path, on identities built as the Entra
// connector emits them (attributes.entra parsed by the connector's own schema).
import { describe } from 'vitest';
import { entraFederatedCredential } from '../../policies/entra-federated-credential.js';
import { entraApp, fic } from './entra-identities.js';
import { runCases } from './run-cases.js';

describe('entra-federated-credential', () => {
  runCases(entraFederatedCredential, {
    valid: [
      {
        name: 'environment subject',
        identity: entraApp('a', { federatedCredentials: [fic('repo:acme/app:environment:prod')] }),
        status: 'pass',
      },
      { name: 'federated credentials not read (a gap)', identity: entraApp('a'), status: 'unknown' },
      {
        name: 'no federated credential',
        identity: entraApp('a', { federatedCredentials: [] }),
        status: 'not-applicable',
      },
      {
        name: 'branch subject when environments are not required',
        identity: entraApp('a', { federatedCredentials: [fic('repo:acme/app:ref:refs/heads/main')] }),
        options: { requireGithubEnvironment: false },
        status: 'pass',
      },
      {
        name: 'a Kubernetes issuer with an exact subject',
        identity: entraApp('a', {
          federatedCredentials: [fic('system:serviceaccount:ns:sa', undefined, 'https://oidc.example/k8s')],
        }),
      },
    ],
    invalid: [
      {
        name: 'wildcard expression on GitHub',
        identity: entraApp('a', { federatedCredentials: [fic('', "claims['sub'] matches 'repo:acme/*'")] }),
        expect: [{ key: 'wildcard:f-flex', severity: 'high', evidence: { sharedIssuer: true } }],
      },
      {
        name: 'pull_request subject',
        identity: entraApp('a', { federatedCredentials: [fic('repo:acme/app:pull_request')] }),
        expect: [{ key: 'pull-request:f-repo:acme/app:pull_request' }],
      },
      {
        name: 'branch without environment',
        identity: entraApp('a', { federatedCredentials: [fic('repo:acme/app:ref:refs/heads/main')] }),
        expect: [{ key: 'no-environment:f-repo:acme/app:ref:refs/heads/main', severity: 'medium' }],
      },
    ],
  });
});
