import { randomUUID, createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { Command } from 'commander';
import forge from 'node-forge';
import { buildSignedPackage, commonNameOf, readCertificatePem } from '@app/signing';
import { messageOf, UsageError } from './cli-errors';
import { readJson, readText, writeText } from './cli-files';
import { CliIo } from './cli-io';
import { DescriptionError, parsePackageDescription } from './package-description';

export interface SignPackageOptions {
  description: string;
  ownerCert: string;
  ownerKey: string;
  out: string;
}

export function signPackageCommand(io: CliIo): Command {
  return new Command('sign-package')
    .description("sign a package description with an owner's key: every row, then the whole package")
    .requiredOption('--description <desc.json>', 'the package without signatures and without owner.certificate')
    .requiredOption('--owner-cert <pem>', "the owner's certificate (its CN must be the package owner)")
    .requiredOption('--owner-key <pem>', "the owner's private key")
    .requiredOption('--out <package.json>', 'where to write the signed package')
    .action((options: SignPackageOptions) => signPackageFile(options, io));
}

export function signPackageFile(options: SignPackageOptions, io: CliIo): void {
  const now = io.now();
  let description;
  try {
    description = parsePackageDescription(readJson(options.description, '--description'), {
      now,
      newPackageId: randomUUID,
    });
  } catch (error) {
    if (error instanceof DescriptionError)
      throw new UsageError(`--description ${options.description}: ${error.message}`);
    throw error;
  }
  const certificatePem = readText(options.ownerCert, '--owner-cert');
  const privateKeyPem = readText(options.ownerKey, '--owner-key');
  const certificate = readOwnerCertificate(certificatePem, options.ownerCert);
  const privateKey = readPrivateKey(privateKeyPem, options.ownerKey);

  // The library signs whatever it is given; a package the backend is bound to refuse is better refused here.
  const commonName = commonNameOf(certificate.subject);
  if (commonName !== description.owner.name) {
    throw new UsageError(
      `--owner-cert ${options.ownerCert} is for '${commonName}', but the package owner is '${description.owner.name}'`,
    );
  }
  if (!samePublicKey(privateKey, forge.pki.publicKeyToPem(certificate.publicKey))) {
    throw new UsageError(`--owner-key ${options.ownerKey} does not belong to the certificate ${options.ownerCert}`);
  }
  const { notBefore, notAfter } = certificate.validity;
  if (notAfter < now || notBefore > now) {
    io.err(`warning: the owner certificate is not valid now (${notBefore.toISOString()} to ${notAfter.toISOString()})`);
  }

  let signed;
  try {
    signed = buildSignedPackage(description, certificatePem, privateKeyPem);
  } catch (error) {
    throw new UsageError(`cannot sign: ${messageOf(error)}`);
  }
  writeText(options.out, `${JSON.stringify(signed, null, 2)}\n`);
  const modules = `${signed.modules.length} module${signed.modules.length === 1 ? '' : 's'}`;
  io.out(
    `signed package ${signed.packageId} (sequence ${signed.sequence}, ${modules}) ` +
      `for tenant ${signed.tenantId}, owner ${signed.owner.name}: ${options.out}`,
  );
}

function readOwnerCertificate(pem: string, path: string): forge.pki.Certificate {
  try {
    return readCertificatePem(pem).certificate;
  } catch (error) {
    throw new UsageError(`--owner-cert ${path}: not a PEM X.509 certificate with an RSA key (${messageOf(error)})`);
  }
}

function readPrivateKey(pem: string, path: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new UsageError(`--owner-key ${path}: not a PEM private key (${messageOf(error)})`);
  }
}

function samePublicKey(privateKey: KeyObject, publicKeyPem: string): boolean {
  const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'der' });
  return spki(createPublicKey(privateKey)).equals(spki(createPublicKey(publicKeyPem)));
}
