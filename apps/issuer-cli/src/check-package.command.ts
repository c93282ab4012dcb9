import { Command } from 'commander';
import { loadTrustedRoots, verifyPackage } from '@app/signing';
import type { LicensePackage } from '@app/domain/ledger/license-package';
import { EXIT_CHECK_FAILED, EXIT_OK, messageOf, UsageError } from './cli-errors';
import { readJson } from './cli-files';
import { CliIo } from './cli-io';
import { collect, isoTime } from './cli-options';
import { checkPackage } from './package-check';

export interface CheckPackageOptions {
  package: string;
  trustedRoot: string[];
  at?: Date;
}

export function checkPackageCommand(io: CliIo, exitWith: (code: number) => void): Command {
  return new Command('check-package')
    .description('check a signed package: signatures, chain to a trusted root, CN vs owner, validity at a time')
    .requiredOption('--package <package.json>', 'the signed package')
    .option('--trusted-root <pem>', 'a trusted root certificate; repeat for several', collect, [])
    .option('--at <ISO time>', 'the time to judge validity at (default: now)', isoTime)
    .action((options: CheckPackageOptions) => exitWith(checkPackageFile(options, io)));
}

/** Answers the exit code: 0 when everything holds, 2 when the package fails the check. */
export function checkPackageFile(options: CheckPackageOptions, io: CliIo): number {
  if (options.trustedRoot.length === 0) throw new UsageError('give at least one --trusted-root <pem>');
  const pkg = readJson(options.package, '--package');
  let roots;
  try {
    roots = loadTrustedRoots(options.trustedRoot);
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  const check = checkPackage(pkg, verifyPackage(pkg as LicensePackage, roots), options.at ?? io.now());
  io.out(check.lines.join('\n'));
  return check.holds ? EXIT_OK : EXIT_CHECK_FAILED;
}
