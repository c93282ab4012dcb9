import { Command } from 'commander';
import { createRootCertificate } from '@app/signing';
import { refuseToOverwrite, writeText } from './cli-files';
import { CliIo } from './cli-io';
import { positiveInteger, validityFor } from './cli-options';

export interface CreateRootOptions {
  cn: string;
  cert: string;
  key: string;
  days: number;
  keyBits: number;
  force?: boolean;
}

export function createRootCommand(io: CliIo): Command {
  return new Command('create-root')
    .description('create a self-signed root certificate and its private key (the trust anchor for owner certificates)')
    .requiredOption('--cn <name>', 'common name of the root')
    .requiredOption('--cert <out.pem>', 'where to write the root certificate (PEM)')
    .requiredOption('--key <out.key.pem>', 'where to write the root private key (PEM); keep it offline')
    .option('--days <n>', 'validity in days from now', positiveInteger, 3650)
    .option('--key-bits <bits>', 'RSA key size, at least 2048', positiveInteger, 2048)
    .option('--force', 'replace existing output files')
    .action((options: CreateRootOptions) => createRoot(options, io));
}

export function createRoot(options: CreateRootOptions, io: CliIo): void {
  refuseToOverwrite([options.cert, options.key], options.force);
  const { notBefore, notAfter } = validityFor(io.now(), options.days);
  const root = createRootCertificate({ commonName: options.cn, notBefore, notAfter, keyBits: options.keyBits });
  writeText(options.cert, root.certificatePem);
  writeText(options.key, root.privateKeyPem, { secret: true });
  io.out(
    `root certificate CN=${options.cn}, valid until ${notAfter.toISOString()}: ${options.cert} (key: ${options.key})`,
  );
}
