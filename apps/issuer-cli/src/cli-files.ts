import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { messageOf, UsageError } from './cli-errors';

export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${what} ${path}: cannot read the file (${code ?? messageOf(error)})`);
  }
}

export function readJson(path: string, what: string): unknown {
  const text = readText(path, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} ${path}: not valid JSON (${messageOf(error)})`);
  }
}

/** Output files. Private keys are written readable by their owner only. */
export function writeText(path: string, text: string, options: { secret?: boolean } = {}): void {
  try {
    writeFileSync(path, text, { encoding: 'utf8', mode: options.secret ? 0o600 : 0o644 });
  } catch (error) {
    throw new UsageError(
      `${path}: cannot write the file (${(error as NodeJS.ErrnoException).code ?? messageOf(error)})`,
    );
  }
}

/** Keys and certificates are not replaced by accident: losing a root key strands every certificate it issued. */
export function refuseToOverwrite(paths: string[], force: boolean | undefined): void {
  if (force) return;
  const existing = paths.filter((path) => existsSync(path));
  if (existing.length === 0) return;
  const verb = existing.length === 1 ? 'exists' : 'exist';
  throw new UsageError(`${existing.join(' and ')} already ${verb}; pass --force to replace`);
}
