import { ApiKeyEntry, matchApiKey } from './api-keys';
import { Principal } from './roles';
import { TokenSettings, TokenVerifier } from './tokens';

/** What the service accepts as a credential: the configured API keys, and tokens when a JWKS is configured. */
export interface AccessSettings {
  apiKeys: ApiKeyEntry[];
  tokens: TokenSettings | null;
}

/** True when nothing is configured: the development mode in which every caller is `anonymous` (§6). */
export function accessIsOpen(settings: AccessSettings): boolean {
  return settings.apiKeys.length === 0 && settings.tokens === null;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

/** Turns the `Authorization: Bearer …` credential into a principal, or null when it is not one we know. */
export class CredentialVerifier {
  private readonly tokens: TokenVerifier | null;

  constructor(private readonly settings: AccessSettings) {
    this.tokens = settings.tokens === null ? null : new TokenVerifier(settings.tokens);
  }

  get open(): boolean {
    return accessIsOpen(this.settings);
  }

  async verify(credential: string): Promise<Principal | null> {
    const key = matchApiKey(this.settings.apiKeys, credential);
    if (key !== null) return key;
    // Generated secrets are base64url without dots, so a three-part dotted credential can only be meant as a JWT.
    if (this.tokens !== null && JWT_SHAPE.test(credential)) return this.tokens.verify(credential);
    return null;
  }
}

/** The bearer credential of an `Authorization` header value: undefined when absent, null when not a Bearer one. */
export function bearerCredential(header: string | string[] | undefined): string | null | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer +(\S+) *$/i.exec(value ?? '');
  return match ? match[1] : null;
}

/**
 * What a serving process says about access at start: a refusal (one line) in production without credentials, and
 * warnings otherwise (open access; development-form keys).
 */
export function accessStartupNotes(
  settings: AccessSettings,
  production: boolean,
): { refusal: string | null; warnings: string[] } {
  if (accessIsOpen(settings)) {
    if (production) {
      return {
        refusal:
          'refusing to start: NODE_ENV=production and no credentials configured (set LICENSING_API_KEYS, LICENSING_API_KEYS_FILE or LICENSING_JWT_JWKS)',
        warnings: [],
      };
    }
    return {
      refusal: null,
      warnings: [
        'ACCESS CONTROL IS OFF: no API keys or token issuer configured, so anyone may call every route as "anonymous" (development only; NODE_ENV=production refuses to start like this)',
      ],
    };
  }
  const development = settings.apiKeys.filter((key) => key.development).map((key) => key.name);
  return {
    refusal: null,
    warnings:
      development.length === 0
        ? []
        : [
            `development-form API keys configured (${development.join(', ')}): their secrets sit in the configuration; configure name:sha256:<hex> entries instead (npm run cli -- keys create)`,
          ],
  };
}

/** A serving process that may not start as configured (production without credentials); its message is one line. */
export class AccessRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccessRefusedError';
  }
}
