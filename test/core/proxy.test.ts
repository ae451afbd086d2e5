// Corporate networks: the one rule (src/proxy.ts) every client of every connector follows for
// HTTPS_PROXY / NO_PROXY, and the CA list that keeps NODE_EXTRA_CA_CERTS. The whole demo scanned
// through a loopback CONNECT proxy is test/e2e/proxy.test.ts (a child process: nock's
// interceptor in this process would sit between the clients and the proxy).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { networkAgent, networkDispatcher, proxyFor, trustedCas } from '../../src/proxy.js';

describe('proxyFor: the one rule every client follows', () => {
  const env = (extra: Record<string, string> = {}) => ({ HTTPS_PROXY: 'http://proxy.corp:3128', ...extra });
  it.each([
    ['no proxy set', 'https://iam.amazonaws.com/', {}, undefined, true],
    ['HTTPS_PROXY', 'https://iam.amazonaws.com/', env(), 'http://proxy.corp:3128', false],
    ['lower-case https_proxy', 'https://api.github.com/', { https_proxy: 'http://p:1' }, 'http://p:1', false],
    [
      'HTTP_PROXY for http URLs',
      'http://10.0.0.5/',
      env({ HTTP_PROXY: 'http://h:8080' }),
      'http://h:8080',
      false,
    ],
    [
      'HTTPS_PROXY serves http when HTTP_PROXY is unset',
      'http://10.0.0.5/',
      env(),
      'http://proxy.corp:3128',
      false,
    ],
    [
      'NO_PROXY host',
      'https://graph.microsoft.com/',
      env({ NO_PROXY: 'graph.microsoft.com' }),
      undefined,
      false,
    ],
    [
      'NO_PROXY domain covers subdomains',
      'https://admin.googleapis.com/',
      env({ NO_PROXY: 'googleapis.com' }),
      undefined,
      false,
    ],
    [
      'NO_PROXY .suffix',
      'https://admin.googleapis.com/',
      env({ NO_PROXY: '.googleapis.com' }),
      undefined,
      false,
    ],
    [
      'NO_PROXY *.suffix',
      'https://admin.googleapis.com/',
      env({ NO_PROXY: 'x, *.googleapis.com' }),
      undefined,
      false,
    ],
    [
      'NO_PROXY is not a substring match',
      'https://notgoogleapis.com/',
      env({ NO_PROXY: 'googleapis.com' }),
      'http://proxy.corp:3128',
      false,
    ],
    [
      'NO_PROXY host:port matches that port only',
      'http://127.0.0.1:8080/',
      env({ NO_PROXY: '127.0.0.1:9090' }),
      'http://proxy.corp:3128',
      false,
    ],
    ['NO_PROXY host:port', 'http://127.0.0.1:9090/x', env({ NO_PROXY: '127.0.0.1:9090' }), undefined, false],
    ['NO_PROXY *', 'https://iam.amazonaws.com/', env({ NO_PROXY: '*' }), undefined, false],
    ['IPv6 loopback', 'http://[::1]:80/', env({ no_proxy: '::1' }), undefined, false],
  ] as const)('%s', (_name, url, e, expected, none) => {
    expect(proxyFor(url, e)).toBe(expected);
    // Without any proxy variable, clients are built exactly as before.
    expect(networkDispatcher({}, e) === undefined).toBe(none);
    expect(networkAgent({}, e) === undefined).toBe(none);
  });

  it('an explicit CA list keeps Node’s roots and NODE_EXTRA_CA_CERTS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-ca-'));
    try {
      const extra = join(dir, 'corp.pem');
      writeFileSync(extra, '-----BEGIN CERTIFICATE-----\nCORP\n-----END CERTIFICATE-----\n');
      const cas = trustedCas(['OWN'], { NODE_EXTRA_CA_CERTS: extra });
      expect(cas.slice(0, rootCertificates.length)).toEqual([...rootCertificates]);
      expect(cas.slice(rootCertificates.length)).toEqual([expect.stringContaining('CORP'), 'OWN']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
