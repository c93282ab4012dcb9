import { Command } from 'commander';
import forge from 'node-forge';
import { issueOwnerCertificate, readCertificatePem } from '@app/signing';
import { messageOf, UsageError } from './cli-errors';
import { readText, refuseToOverwrite, writeText } from './cli-files';
import { CliIo } from './cli-io';
import { ownerName, positiveInteger, validityFor } from './cli-options';

export interface IssueOwnerOptions {
  owner: string;
  rootCert: string;
  rootKey: string;
  cert: string;
  key: string;
  days: number;
  keyBits: number;
  force?: boolean;
}

export function issueOwnerCommand(io: CliIo): Command {
  return new Command('issue-owner')
    .description("issue an owner's signing certificate (CN = owner name) under a root")
    .requiredOption('--owner <NAME>', 'owner name, upper-case A-Z/0-9 (e.g. SUPEROFFICE)', ownerName)
    .requiredOption('--root-cert <pem>', 'the root certificate')
    .requiredOption('--root-key <pem>', 'the root private key')
    .requiredOption('--cert <out.pem>', 'where to write the owner certificate (PEM)')
    .requiredOption('--key <out.key.pem>', 'where to write the owner private key (PEM)')
    .option('--days <n>', 'validity in days from now', positiveInteger, 825)
    .option('--key-bits <bits>', 'RSA key size, at least 2048', positiveInteger, 2048)
    .option('--force', 'replace existing output files')
    .action((options: IssueOwnerOptions) => issueOwner(options, io));
}

export function issueOwner(options: IssueOwnerOptions, io: CliIo): void {
  refuseToOverwrite([options.cert, options.key], options.force);
  const rootCertificatePem = readText(options.rootCert, '--root-cert');
  const rootPrivateKeyPem = readText(options.rootKey, '--root-key');
  const root = readRoot(rootCertificatePem, options.rootCert);
  const { notBefore, notAfter } = validityFor(io.now(), options.days);
  // An owner certificate that outlives its root would be refused by most verifiers once the root has expired.
  if (notAfter > root.validity.notAfter) {
    const rootEnd = root.validity.notAfter.toISOString();
    throw new UsageError(`the owner certificate would outlive the root (valid until ${rootEnd}); choose fewer --days`);
  }
  let issued;
  try {
    const { owner: ownerName, keyBits } = options;
    issued = issueOwnerCertificate({ ownerName, rootCertificatePem, rootPrivateKeyPem, notBefore, notAfter, keyBits });
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  writeText(options.cert, issued.certificatePem);
  writeText(options.key, issued.privateKeyPem, { secret: true });
  io.out(
    `owner certificate CN=${options.owner}, valid until ${notAfter.toISOString()}: ${options.cert} (key: ${options.key})`,
  );
}

function readRoot(pem: string, path: string): forge.pki.Certificate {
  let certificate;
  try {
    certificate = readCertificatePem(pem).certificate;
  } catch (error) {
    throw new UsageError(`--root-cert ${path}: not a PEM X.509 certificate with an RSA key (${messageOf(error)})`);
  }
  // node-forge types every extension as `{}`; ESLint takes the assertion for a no-op, the compiler needs it.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  const constraints = certificate.getExtension('basicConstraints') as { cA?: boolean } | undefined;
  if (!constraints?.cA)
    throw new UsageError(`--root-cert ${path}: not a certificate authority (basicConstraints cA is not set)`);
  return certificate;
}
