import { JSONWebKeySet } from 'jose';
import { readFileSync } from 'node:fs';
import { TokenVerifier } from '@app/access';
import { makeTokenIssuer, TestTokenIssuer, TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../../test/support/test-tokens';

describe('TokenVerifier (jose, RS256/ES256 against a JWKS)', () => {
  let issuer: TestTokenIssuer;
  let verifier: TokenVerifier;
  const claims = { sub: 'alice@example.com', licensing_role: 'auditor', licensing_tenant: 'Cust12345' };

  beforeAll(async () => {
    issuer = await makeTokenIssuer();
    const keys = JSON.parse(readFileSync(issuer.jwksFile, 'utf8')) as JSONWebKeySet;
    verifier = new TokenVerifier({
      jwks: { kind: 'file', path: issuer.jwksFile, keys },
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
    });
  });

  it.each(['RS256', 'ES256'] as const)(
    'accepts a %s token: role, tenant and sub become the principal',
    async (algorithm) => {
      expect(await verifier.verify(await issuer.sign(claims, {}, algorithm))).toEqual({
        actor: 'alice@example.com',
        role: 'auditor',
        tenant: 'Cust12345',
        via: 'token',
      });
    },
  );

  it('accepts the * tenant', async () => {
    expect(await verifier.verify(await issuer.sign({ ...claims, licensing_tenant: '*' }))).toMatchObject({
      tenant: '*',
    });
  });

  it.each([
    ['expired', () => issuer.sign(claims, { expiresIn: -60 })],
    ['not yet valid', () => issuer.sign(claims, { notBeforeIn: 600 })],
    ['of another issuer', () => issuer.sign(claims, { issuer: 'https://elsewhere.example' })],
    ['for another audience', () => issuer.sign(claims, { audience: 'another-service' })],
    ['signed with HMAC', () => issuer.hmac(claims)],
    ['unsigned (alg none)', async () => issuer.unsigned(claims)],
    ['without a role', () => issuer.sign({ ...claims, licensing_role: undefined })],
    ['with an unknown role', () => issuer.sign({ ...claims, licensing_role: 'root' })],
    ['without a tenant', () => issuer.sign({ ...claims, licensing_tenant: undefined })],
    ['without sub', () => issuer.sign({ ...claims, sub: undefined })],
    [
      'tampered',
      async () =>
        (await issuer.sign(claims)).replace(
          /\.[^.]+\./,
          `.${Buffer.from(JSON.stringify({ ...claims, licensing_role: 'admin' })).toString('base64url')}.`,
        ),
    ],
    ['not a JWT at all', async () => 'a.b.c'],
  ])('refuses a token %s', async (_, token) => {
    expect(await verifier.verify(await token())).toBeNull();
  });
});
