import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isRole, isTenantScope, Principal, Role, ROLES } from './roles';

/** One configured API key: only the SHA-256 of its secret is kept, never the secret. */
export interface ApiKeyEntry {
  name: string;
  sha256: Buffer;
  role: Role;
  tenant: string;
  /** Configured in the development form `secret=role@tenant`: the secret sits in the configuration. */
  development: boolean;
}

/** Key names: what the history shows as the actor, so plain and short. */
export const KEY_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const HASHED = /^(?<name>[^:=]*):sha256:(?<hex>[^=]*)$/;

/**
 * One-shot (`crypto.hash`, Node >= 20.12): the same digest of the secret's UTF-8 bytes as `createHash().update()
 * .digest()`, without a Hash object per request — every request that presents a key hashes it (issue 15, goal 4:
 * the Hash objects were ~1.5 % of an AssignLicense request's main-thread profile).
 */
export function sha256(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

/**
 * Parses `name:sha256:<64 hex>=role@tenant` or the development form `secret=role@tenant`. Answers the entry, or a
 * problem that names the entry by `where` (and by its name, when it has one) but never repeats a secret.
 */
export function parseApiKeyEntry(text: string, where: string): ApiKeyEntry | { problem: string } {
  const equals = text.lastIndexOf('=');
  if (equals < 0)
    return { problem: `${where}: expected name:sha256:<64 hex digits>=role@tenant (or secret=role@tenant)` };
  const credential = text.slice(0, equals);
  const scope = text.slice(equals + 1);
  const hashed = HASHED.exec(credential)?.groups;
  const label = hashed ? `${where} ('${hashed.name}')` : where;
  const at = scope.indexOf('@');
  const role = at < 0 ? scope : scope.slice(0, at);
  const tenant = at < 0 ? '' : scope.slice(at + 1);
  if (!isRole(role)) return { problem: `${label}: the role must be one of ${ROLES.join(', ')}, got '${role}'` };
  if (!isTenantScope(tenant)) return { problem: `${label}: the tenant must be a tenant id or *, got '${tenant}'` };
  if (hashed) {
    if (!KEY_NAME_PATTERN.test(hashed.name))
      return { problem: `${label}: the name must be letters, digits, _ . or -, at most 64` };
    if (!/^[0-9a-fA-F]{64}$/.test(hashed.hex))
      return { problem: `${label}: the hash must be 64 hex digits (a SHA-256)` };
    return { name: hashed.name, sha256: Buffer.from(hashed.hex, 'hex'), role, tenant, development: false };
  }
  if (credential.includes(':sha256:') || credential.length < 16 || /[\s,]/.test(credential)) {
    // Said without the text: it may be a secret.
    return {
      problem: `${where}: neither name:sha256:<64 hex digits> nor a development secret of at least 16 characters without spaces or commas`,
    };
  }
  const hash = sha256(credential);
  return { name: `key-${hash.toString('hex').slice(0, 8)}`, sha256: hash, role, tenant, development: true };
}

/** Entries that cannot live together: two with one name (the actor would be ambiguous), or one secret twice. */
export function duplicateKeyProblems(entries: ApiKeyEntry[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const hashes = new Set<string>();
  for (const entry of entries) {
    if (names.has(entry.name)) problems.push(`API key name '${entry.name}' is configured twice`);
    const hex = entry.sha256.toString('hex');
    if (hashes.has(hex)) problems.push(`API key '${entry.name}' has the same secret as an earlier entry`);
    names.add(entry.name);
    hashes.add(hex);
  }
  return problems;
}

/**
 * The key whose hash is the presented secret's. Every entry is compared, in constant time, whether or not an
 * earlier one matched, so the time taken says nothing about which key (or how much of a hash) matched.
 */
export function matchApiKey(entries: readonly ApiKeyEntry[], secret: string): Principal | null {
  const presented = sha256(secret);
  let found: ApiKeyEntry | null = null;
  for (const entry of entries) {
    if (timingSafeEqual(entry.sha256, presented) && found === null) found = entry;
  }
  return found === null ? null : { actor: found.name, role: found.role, tenant: found.tenant, via: 'api-key' };
}

/** A new key: a random secret of 256 bits (base64url), shown once, and the entry that configures its hash. */
export function createApiKey(name: string, role: Role, tenant: string): { secret: string; entry: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, entry: `${name}:sha256:${sha256(secret).toString('hex')}=${role}@${tenant}` };
}
