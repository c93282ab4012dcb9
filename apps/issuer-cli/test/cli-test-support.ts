import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PackageDescription } from '@app/signing';
import { CliIo } from '../src/cli-io';
import { runIssuerCli } from '../src/issuer-cli';
import { sampleDescription } from '../../../libs/signing/test/signing-fixtures';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in-process at a fixed time, capturing what it prints. */
export async function runCli(argv: string[], now = new Date('2026-03-01T12:00:00.000Z')): Promise<CliRun> {
  let out = '';
  let err = '';
  const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  const io: CliIo = {
    out: (text) => void (out += line(text)),
    err: (text) => void (err += line(text)),
    now: () => now,
  };
  const code = await runIssuerCli(argv, io);
  return { code, out, err };
}

export function temporaryDirectory(): { path: (name: string) => string; remove: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'issuer-cli-'));
  return { path: (name) => join(directory, name), remove: () => rmSync(directory, { recursive: true, force: true }) };
}

/** A description as an issuer writes it: no format, packageId or issuedAt (the CLI fills those), no signatures. */
export function descriptionJson(change: (description: Record<string, unknown>) => void = () => undefined): string {
  const {
    format: _format,
    packageId: _packageId,
    issuedAt: _issuedAt,
    ...rest
  }: Partial<PackageDescription> = sampleDescription();
  const description = JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
  change(description);
  return JSON.stringify(description, null, 2);
}
