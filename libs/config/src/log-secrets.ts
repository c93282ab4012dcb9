import type { AppConfig } from './app-config';

/**
 * Passwords never reach a log line. Masking the messages this service writes is not enough: a client library's
 * error (its message, its cause, a serialised options object) may carry a connection string, and Nest and pino print
 * whatever they are given. So every finished log line is scrubbed of the configured secrets (pino's `streamWrite`
 * hook), in the forms they can take there: raw, URL-encoded, and escaped inside JSON.
 */

/** The user info's password of a connection string (`scheme://user:password@host`), up to its last `@`. */
export function passwordOf(url: string | null | undefined): string | null {
  if (!url) return null;
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:(.*)@[^@]*$/i.exec(url);
  return match && match[1].length > 0 ? match[1] : null;
}

/** The secrets a configuration holds that a log line must never show. */
export function secretsOf(config: Pick<AppConfig, 'eventStore' | 'readModels'>): string[] {
  return [passwordOf(config.eventStore.kurrentdb.url), passwordOf(config.readModels.mongodb.url)].filter(
    (s): s is string => s !== null,
  );
}

/** The same, read straight from the environment: for messages written before the configuration has loaded. */
export function secretsOfEnvironment(env: NodeJS.ProcessEnv = process.env): string[] {
  return [passwordOf(env.KURRENTDB_URL), passwordOf(env.MONGODB_URL)].filter((s): s is string => s !== null);
}

/** A function that replaces every form of each secret in a line with `***`. */
export function secretScrubber(secrets: readonly string[]): (line: string) => string {
  const forms = [...new Set(secrets.flatMap(formsOf))]
    .filter((form) => form.length > 0)
    .sort((a, b) => b.length - a.length);
  if (forms.length === 0) return (line) => line;
  const pattern = new RegExp(forms.map(escapeRegExp).join('|'), 'g');
  return (line) => line.replace(pattern, '***');
}

function formsOf(secret: string): string[] {
  let decoded = secret;
  try {
    decoded = decodeURIComponent(secret);
  } catch {
    // Not valid percent-encoding: the raw form is the only one.
  }
  const plain = [secret, decoded, encodeURIComponent(decoded)];
  // Inside a JSON log line a quote or backslash of the secret appears escaped.
  return [...plain, ...plain.map((form) => JSON.stringify(form).slice(1, -1))];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** pino options that scrub the configuration's secrets from every line it writes. */
export function scrubbingLogHooks(config: Pick<AppConfig, 'eventStore' | 'readModels'>): {
  hooks: { streamWrite(line: string): string };
} {
  const scrub = secretScrubber(secretsOf(config));
  return { hooks: { streamWrite: scrub } };
}
