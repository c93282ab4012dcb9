import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error';

/** Reading raw configuration values (JSON files merged with the environment): each checked, each problem collected. */

export function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([`cannot read ${path}: ${(error as Error).message}`]);
  }
}

export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isObject(base) || !isObject(override)) return override === undefined ? base : override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = deepMerge(base[key], value);
  return merged;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function integer(raw: unknown, name: string, problems: string[], min: number, max: number): number {
  const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be an integer from ${min} to ${max}, got '${String(raw)}'`);
    return min;
  }
  return value;
}

export function nonEmpty(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  const text = String(raw).trim();
  return text.length === 0 ? null : text;
}

export function flag(raw: unknown, name: string, problems: string[]): boolean {
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  problems.push(`${name} must be true or false, got '${String(raw)}'`);
  return false;
}

export function oneOf<T extends string>(raw: unknown, allowed: readonly T[], name: string, problems: string[]): T {
  if (!allowed.includes(raw as T)) {
    problems.push(`${name} must be one of ${allowed.join(', ')}, got '${String(raw)}'`);
    return allowed[0];
  }
  return raw as T;
}
