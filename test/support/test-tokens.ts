import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, KeyLike, SignJWT, UnsecuredJWT } from 'jose';

export const TOKEN_ISSUER = 'https://issuer.test.example';
export const TOKEN_AUDIENCE = 'licensing-backend';

export interface TokenClaims {
  sub?: string;
  licensing_role?: string;
  licensing_tenant?: string;
}

export interface TokenTimes {
  /** Seconds from now; negative for a token that has expired. */
  expiresIn?: number;
  /** Seconds from now before which the token is not valid. */
  notBeforeIn?: number;
  issuer?: string;
  audience?: string;
}

/**
 * A token issuer made in the test: an RS256 and an ES256 key pair, the public halves in a JWKS file the API is
 * configured with, and tokens signed as an identity provider would (plus the forged kinds the API must refuse).
 */
export interface TestTokenIssuer {
  jwksFile: string;
  env: { LICENSING_JWT_JWKS: string; LICENSING_JWT_ISSUER: string; LICENSING_JWT_AUDIENCE: string };
  sign(claims: TokenClaims, times?: TokenTimes, algorithm?: 'RS256' | 'ES256'): Promise<string>;
  /** Signed with HMAC (HS256) over a shared secret: never accepted. */
  hmac(claims: TokenClaims): Promise<string>;
  /** `alg: none`, no signature: never accepted. */
  unsigned(claims: TokenClaims): string;
}

export async function makeTokenIssuer(): Promise<TestTokenIssuer> {
  const rsa = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  const keys = [
    { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
  ];
  const jwksFile = join(mkdtempSync(join(tmpdir(), 'licensing-jwks-')), 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys }));
  const privateKeys: Record<'RS256' | 'ES256', { key: KeyLike; kid: string }> = {
    RS256: { key: rsa.privateKey, kid: 'rsa-1' },
    ES256: { key: ec.privateKey, kid: 'ec-1' },
  };
  const now = () => Math.floor(Date.now() / 1000);
  return {
    jwksFile,
    env: { LICENSING_JWT_JWKS: jwksFile, LICENSING_JWT_ISSUER: TOKEN_ISSUER, LICENSING_JWT_AUDIENCE: TOKEN_AUDIENCE },
    async sign(claims, times = {}, algorithm = 'RS256') {
      const { key, kid } = privateKeys[algorithm];
      const jwt = new SignJWT({ ...claims })
        .setProtectedHeader({ alg: algorithm, kid })
        .setIssuer(times.issuer ?? TOKEN_ISSUER)
        .setAudience(times.audience ?? TOKEN_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(now() + (times.expiresIn ?? 600));
      if (times.notBeforeIn !== undefined) jwt.setNotBefore(now() + times.notBeforeIn);
      return jwt.sign(key);
    },
    async hmac(claims) {
      return new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setExpirationTime(now() + 600)
        .sign(new TextEncoder().encode('a-shared-secret-anyone-could-hold-0123456789'));
    },
    unsigned(claims) {
      return new UnsecuredJWT({ ...claims })
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setExpirationTime(now() + 600)
        .encode();
    },
  };
}
