import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  AccessSettings,
  ApiKeyEntry,
  duplicateKeyProblems,
  jwksFromJson,
  JwksSource,
  parseApiKeyEntry,
} from '@app/access';

export interface AccessConfig extends AccessSettings {
  /** `NODE_ENV=production`: a serving process refuses to start without credentials. */
  production: boolean;
}

/**
 * API keys from `LICENSING_API_KEYS` (comma-separated) and `LICENSING_API_KEYS_FILE` (one entry a line, `#`
 * comments), and the token settings (`LICENSING_JWT_JWKS`, `_ISSUER`, `_AUDIENCE`: all three or none). Problems go
 * to `problems`, naming the entry by where it stands and never repeating a secret.
 */
export function readAccessConfig(env: NodeJS.ProcessEnv, cwd: string, problems: string[]): AccessConfig {
  const apiKeys: ApiKeyEntry[] = [];
  const add = (text: string, where: string) => {
    const parsed = parseApiKeyEntry(text, where);
    if ('problem' in parsed) problems.push(parsed.problem);
    else apiKeys.push(parsed);
  };
  (env.LICENSING_API_KEYS ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .forEach((entry, index) => entry.length > 0 && add(entry, `LICENSING_API_KEYS entry ${index + 1}`));
  const file = env.LICENSING_API_KEYS_FILE?.trim();
  if (file) {
    const path = resolve(cwd, file);
    try {
      readFileSync(path, 'utf8')
        .split(/\r?\n/)
        .forEach((line, index) => {
          const entry = line.replace(/#.*$/, '').trim();
          if (entry.length > 0) add(entry, `LICENSING_API_KEYS_FILE ${path} line ${index + 1}`);
        });
    } catch (error) {
      problems.push(
        `LICENSING_API_KEYS_FILE cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (${path})`,
      );
    }
  }
  problems.push(...duplicateKeyProblems(apiKeys));
  return { apiKeys, tokens: readTokenSettings(env, cwd, problems), production: env.NODE_ENV === 'production' };
}

function readTokenSettings(env: NodeJS.ProcessEnv, cwd: string, problems: string[]): AccessConfig['tokens'] {
  const jwks = env.LICENSING_JWT_JWKS?.trim() || undefined;
  const issuer = env.LICENSING_JWT_ISSUER?.trim() || undefined;
  const audience = env.LICENSING_JWT_AUDIENCE?.trim() || undefined;
  if (jwks === undefined && issuer === undefined && audience === undefined) return null;
  if (jwks === undefined || issuer === undefined || audience === undefined) {
    problems.push(
      'tokens need all of LICENSING_JWT_JWKS, LICENSING_JWT_ISSUER and LICENSING_JWT_AUDIENCE, or none of them',
    );
    return null;
  }
  const source = jwksSource(jwks, cwd, problems);
  return source === null ? null : { jwks: source, issuer, audience };
}

function jwksSource(jwks: string, cwd: string, problems: string[]): JwksSource | null {
  if (/^https?:\/\//i.test(jwks)) {
    try {
      return { kind: 'url', url: new URL(jwks).toString() };
    } catch {
      problems.push(`LICENSING_JWT_JWKS is not a valid URL: '${jwks}'`);
      return null;
    }
  }
  const path = resolve(cwd, jwks);
  if (!existsSync(path)) {
    problems.push(`LICENSING_JWT_JWKS names no file and no http(s) URL: '${jwks}'`);
    return null;
  }
  const keys = jwksFromJson(readFileSync(path, 'utf8'));
  if ('problem' in keys) {
    problems.push(`LICENSING_JWT_JWKS ${path} ${keys.problem}`);
    return null;
  }
  return { kind: 'file', path, keys };
}
