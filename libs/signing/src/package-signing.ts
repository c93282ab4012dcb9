import { createPrivateKey, KeyObject } from 'node:crypto';
import type { LicensePackage, ModuleRow } from '@app/domain/ledger/license-package';
import { canonicalJson } from './canonical-json';
import { pssSign } from './rsa-pss';

export type UnsignedModuleRow = Omit<ModuleRow, 'signature'>;

/** A package whose rows are signed but which lacks its own signature. */
export type UnsignedPackage = Omit<LicensePackage, 'signature'>;

/** What the issuer describes: the package without any signature and without the owner certificate. */
export type PackageDescription = Omit<LicensePackage, 'signature' | 'modules' | 'owner'> & {
  owner: { name: string; description: LicensePackage['owner']['description'] };
  modules: UnsignedModuleRow[];
};

type PrivateKeyInput = string | KeyObject;

/**
 * The text a row signature covers (DESIGN.md §5). The owner name and serial number are inside it, so a row copied
 * into a package of another owner or licensee no longer verifies.
 */
export function rowSigningText(ownerName: unknown, serialNumber: unknown, row: object): string {
  return canonicalJson({ owner: ownerName, serialNumber, row: withoutSignature(row) });
}

/** The text the package signature covers: everything but the top-level signature; rows keep theirs. */
export function packageSigningText(pkg: object): string {
  return canonicalJson(withoutSignature(pkg));
}

export function signRow(
  row: UnsignedModuleRow | ModuleRow,
  ownerName: string,
  serialNumber: string,
  privateKey: PrivateKeyInput,
): string {
  return pssSign(rowSigningText(ownerName, serialNumber, row), privateKey);
}

export function signPackage(pkg: UnsignedPackage | LicensePackage, privateKey: PrivateKeyInput): string {
  return pssSign(packageSigningText(pkg), privateKey);
}

/**
 * Puts the owner certificate into the package, signs every row, then the package. It checks neither that the key
 * matches the certificate nor that the certificate names the owner: verification reports those, and specs need
 * to build such packages on purpose. The issuer CLI refuses them before calling this.
 */
export function buildSignedPackage(
  description: PackageDescription,
  ownerCertificatePem: string,
  ownerPrivateKeyPem: string,
): LicensePackage {
  const key = createPrivateKey(ownerPrivateKeyPem);
  const { name } = description.owner;
  const serialNumber = description.licensee.serialNumber;
  const unsigned: UnsignedPackage = {
    ...description,
    owner: { ...description.owner, certificate: ownerCertificatePem },
    modules: description.modules.map((row) => ({ ...row, signature: signRow(row, name, serialNumber, key) })),
  };
  return { ...unsigned, signature: signPackage(unsigned, key) };
}

function withoutSignature(value: object): object {
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  delete copy.signature;
  return copy;
}
