import { createLocalJWKSet, createRemoteJWKSet, errors, JSONWebKeySet, jwtVerify } from 'jose';
import { isRole, isTenantScope, Principal } from './roles';

/** Where the token signers' public keys come from: a JWKS read from a file at start, or fetched from a URL. */
export type JwksSource = { kind: 'file'; path: string; keys: JSONWebKeySet } | { kind: 'url'; url: string };

export interface TokenSettings {
  jwks: JwksSource;
  issuer: string;
  audience: string;
}

/** Only asymmetric signatures: a shared HMAC secret or `none` would let anyone who sees the JWKS mint tokens. */
export const TOKEN_ALGORITHMS = ['RS256', 'ES256'];
/** `sub` becomes the actor in the history: printable, no spaces, bounded. */
const SUBJECT = /^[\x21-\x7e]{1,128}$/;

/** Verifies JWTs with `jose` against the configured JWKS, issuer and audience; expiry and not-before enforced. */
export class TokenVerifier {
  private readonly keys: ReturnType<typeof createLocalJWKSet>;

  constructor(private readonly settings: TokenSettings) {
    this.keys =
      settings.jwks.kind === 'file'
        ? createLocalJWKSet(settings.jwks.keys)
        : createRemoteJWKSet(new URL(settings.jwks.url));
  }

  /** The token's principal, or null for any token that is not valid here (signature, algorithm, claims, time). */
  async verify(token: string): Promise<Principal | null> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: TOKEN_ALGORITHMS,
        // A token without an expiry would be valid forever.
        requiredClaims: ['exp', 'sub'],
      });
      const { sub, licensing_role: role, licensing_tenant: tenant } = payload;
      if (typeof sub !== 'string' || !SUBJECT.test(sub) || !isRole(role) || !isTenantScope(tenant)) return null;
      return { actor: sub, role, tenant, via: 'token' };
    } catch (error) {
      // jose's own refusals (bad signature, expired, wrong issuer, algorithm not allowed, malformed) mean "not
      // authenticated"; anything else (a bug, an unreachable JWKS URL's transport error) is not the caller's fault.
      if (error instanceof errors.JOSEError && !(error instanceof errors.JWKSTimeout)) return null;
      throw error;
    }
  }
}

/** A JWKS as read from a file: an object with a `keys` array, or the reason it is not one. */
export function jwksFromJson(text: string): JSONWebKeySet | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { problem: `is not JSON (${(error as Error).message})` };
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((key) => typeof key === 'object' && key !== null)) {
    return { problem: 'is not a JWKS: expected {"keys": [ … ]} with at least one key' };
  }
  if (keys.some((key) => 'd' in key || (key as { kty?: unknown }).kty === 'oct')) {
    return { problem: 'holds a private or symmetric key: a JWKS for verification lists public keys only' };
  }
  return { keys: keys as JSONWebKeySet['keys'] };
}
