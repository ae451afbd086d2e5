// How GitHub's error answers become gap codes and permissions (errors.ts), on objects shaped like
// Octokit's RequestError (status, message, response.headers) with GitHub's own bodies' messages.
import { describe, expect, it } from 'vitest';
import {
  deniedByPermission,
  gapCodeOf,
  githubGap,
  isSamlEnforced,
  permissionFor,
} from '../../../connectors/github/errors.js';
import { fixture } from './harness.js';

const requestError = (status: number, file: string, headers: Record<string, string> = {}) => ({
  name: 'HttpError',
  status,
  message: (fixture(file) as { message: string }).message,
  response: { status, headers, data: fixture(file) },
});

describe('GitHub errors', () => {
  it.each([
    [
      403,
      'error-403-integration.json',
      { 'x-accepted-github-permissions': 'administration=read' },
      'access_denied',
    ],
    [403, 'error-403-secondary-rate-limit.json', { 'retry-after': '60' }, 'throttled'],
    [429, 'error-403-secondary-rate-limit.json', { 'retry-after': '60' }, 'throttled'],
    [403, 'error-403-integration.json', { 'x-ratelimit-remaining': '0' }, 'throttled'],
    [404, 'error-404.json', {}, 'not_found'],
    [409, 'error-409-empty-repository.json', {}, 'not_supported'],
    [410, 'error-404.json', {}, 'not_supported'],
    [401, 'error-401.json', {}, 'auth_failed'],
  ] as const)('%i %s → %s', (status, file, headers, code) => {
    expect(gapCodeOf(requestError(status, file, headers))).toBe(code);
  });

  it('tells SAML enforcement apart from a missing permission', () => {
    const saml = requestError(403, 'error-403-saml.json', {
      'x-github-sso': 'required; url=https://github.com/orgs/octo-org/sso?authorization_request=AZSC',
    });
    const samlNoHeader = requestError(403, 'error-403-saml.json');
    const permission = requestError(403, 'error-403-integration.json', {
      'x-accepted-github-permissions': 'administration=read',
    });
    expect([saml, samlNoHeader, permission].map(isSamlEnforced)).toEqual([true, true, false]);
    expect(deniedByPermission(permission)).toBe(true);
    // The header without GitHub's missing-permission answer: about that repository only.
    expect(
      deniedByPermission(
        requestError(403, 'error-403-admin-rights.json', {
          'x-accepted-github-permissions': 'administration=read',
        }),
      ),
    ).toBe(false);
    expect(
      deniedByPermission({
        ...saml,
        response: {
          ...saml.response,
          headers: { ...saml.response.headers, 'x-accepted-github-permissions': 'members=read' },
        },
      }),
    ).toBe(false);
  });

  it('keeps the alternatives GitHub names ("a; b": either one) as GitHub wrote them', () => {
    const err = requestError(403, 'error-403-integration.json', {
      'x-accepted-github-permissions': 'repository_projects=write; organization_projects=admin',
    });
    expect(permissionFor('GET /repos/{owner}/{repo}/keys', err)).toBe(
      'repository_projects=write; organization_projects=admin',
    );
  });

  it('says what a 409 usually means', () => {
    expect(
      githubGap('GET /repos/{owner}/{repo}/keys', requestError(409, 'error-409-empty-repository.json')),
    ).toMatchObject({
      code: 'not_supported',
      message: expect.stringContaining('empty repository'),
    });
  });
});
